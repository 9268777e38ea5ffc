"""Stored claim matching: the latency of one match, and the score threshold.

    .venv/bin/python benchmarks/bench_match_latency.py [--pg postgresql://...] [--docs 100000] [--factchecks 20000]
    .venv/bin/python benchmarks/bench_match_latency.py --threshold   # choose the thresholds on CheckThat! dev
    .venv/bin/python benchmarks/bench_match_latency.py --store /tmp/parley-bench-match/checkthat-threshold.db

**Latency** (issue 13): a store of ``--docs`` synthetic documents
(``parley_lab.synthetic``: rows stored directly, not analysed; about one
claim each) and ``--factchecks`` synthetic fact-checks whose claims are
sentences of the same Zipf vocabulary (harder than real ones: every word is
shared with the corpus). One match is what ingest does for one claim
sentence (``ClaimMatching``): rank the fact-checks (``StoreMatcher``,
lexical) and score its best 20, then find and score the earlier claims
holding its rarest words. Measured over ``--queries`` claims of documents
not in the store: p50, p95, p99, max (ms), on SQLite and (``--pg`` or
PARLEY_TEST_PG; the database is WIPED unless ``--reuse-pg`` finds it
loaded) PostgreSQL. The fact-checks are
imported first (with matching on, as ``parley factchecks import`` does),
then the documents with matching off (their word counts are kept), so the
load stays minutes, not hours.

**Threshold** (``--threshold``): the 19,250 CheckThat! 2022 Task 2B
fact-checks in a SQLite store with their MiniLM vectors (the cache under
``--cache``); for each dev query ``ClaimMatching.scored_factchecks``
(StoreMatcher's best 20 with their scores: the re-ranker's probability
with the query's date, the word cosine without), with and without the
dates; for each candidate threshold, precision, recall, F1 and F0.5 of the
stored pairs (the best ``TOP`` at or above it) against dev-qrels. A stored
match is shown to people as "this was checked", so precision counts twice
as much as recall (docs/matching.md says which threshold was chosen).

**A loaded store** (``--store URL``, e.g. the threshold sweep's): the
latency of one match with what that store holds (vectors: the re-ranked
path), the CheckThat! train and dev query texts as the claims.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import harness

from parley.factchecks import from_claimreview
from parley.factchecks.claim_matching import TOP
from parley.store import open_store
from parley_lab import synthetic

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "clef2022-checkthat-task2b-claim-retrieval"
BATCH = 1000
GRID = [round(0.05 * i, 2) for i in range(1, 20)]


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def synthetic_factchecks(n: int, seed: int = 3) -> list:
    corpus = synthetic.Corpus()
    rng = random.Random(seed)
    return [from_claimreview({"@type": "ClaimReview", "url": f"https://checks.example.org/{i}",
                              "claimReviewed": corpus.sentence(rng), "datePublished": f"20{rng.randrange(10, 25)}-01-01",
                              "author": {"name": rng.choice(["A Checks", "B Checks", "C Checks"])},
                              "reviewRating": {"ratingValue": rng.randint(1, 5)}}) for i in range(n)]


def load(url: str, docs: int, factchecks: int) -> float:
    started = time.perf_counter()
    with open_store(url) as store:
        store.put_factchecks(synthetic_factchecks(factchecks))
        store.match_on_write = False
        synthetic.store_documents(store, docs, BATCH)
    return time.perf_counter() - started


def holds(url: str, docs: int, factchecks: int) -> bool:
    """Whether the store at ``url`` is a loaded benchmark store of that size."""
    with open_store(url) as store:
        return store.count() == docs and store.factcheck_count() == factchecks


def query_claims(n: int, docs: int) -> list[str]:
    """Claim sentences of synthetic documents after the stored ones."""
    corpus = synthetic.Corpus()
    out: list[str] = []
    index = docs
    while len(out) < n:
        data = synthetic.document(corpus, index)
        out += [data["text"][c["span"][0]:c["span"][1]] for c in data["claims"]]
        index += 1
    return out[:n]


def latency(url: str, claims: list[str]) -> dict:
    times, found = [], 0
    with open_store(url) as store:
        matching = store.claim_matching()
        for text in claims[:20]:  # warm the caches; not counted
            matching.factcheck_matches([text]), matching.claim_matches(text, None)
        for text in claims:
            started = time.perf_counter()
            found += len(matching.factcheck_matches([text])[0]) + len(matching.claim_matches(text, None))
            times.append(time.perf_counter() - started)
        counts = {"documents": store.count(), "factchecks": store.factcheck_count()}
    times.sort()

    def pct(p: float) -> float:
        return 1000 * times[min(len(times) - 1, int(round(p * (len(times) - 1))))]

    return dict(counts, queries=len(times), p50=pct(0.5), p95=pct(0.95), p99=pct(0.99), max=1000 * times[-1],
                mean=1000 * statistics.fmean(times), found=found / len(times))


MEASURES = [harness.Measure("documents", "documents", "d"), harness.Measure("factchecks", "fact-checks", "d"),
            harness.Measure("load", "load s"), *(harness.Measure(k, k, ".1f") for k in ("p50", "p95", "p99", "max")),
            harness.Measure("found", "matches", ".2f")]


def system(backend: str, args, claims: list[str]) -> harness.System:
    def run(_: str) -> dict:
        if backend == "sqlite":
            url = str(Path(args.work) / f"match-{args.docs}-{args.factchecks}.db")
            reuse = Path(url).exists()
        else:
            url, reuse = args.pg, args.reuse_pg and holds(args.pg, args.docs, args.factchecks)
            if not reuse:
                reset_postgres(args.pg)
        load_s = "reused" if reuse else f"{load(url, args.docs, args.factchecks):.0f}"
        print(f"{backend}: {len(claims)} matches...", file=sys.stderr)
        return dict(latency(url, claims), load=load_s)
    return harness.System(backend, run)


def threshold_sweep(work: Path, cache: Path) -> None:
    """Precision, recall, F1, F0.5 of the stored pairs on CheckThat! 2022 2B
    dev, per threshold, for the method ``ClaimMatching`` runs: the re-ranker
    (its probability) when the ``models`` extra is installed, else the word
    cosine. Each query has the date it was said (from its id)."""
    from parley.factchecks.claim_matching import ClaimMatching
    from parley_lab import claim_ranker
    from parley_lab.embeddings import cached_embedder

    embed = cached_embedder(cache / "minilm.npz")  # the MiniLM vectors, computed once
    db = work / "checkthat-threshold.db"
    ids = claim_ranker.build_store(claim_ranker.read_vclaims(DATA), db, embed)
    dev = claim_ranker.read_split(DATA, "train-dev-queries.tsv", "dev-qrels.tsv")
    with open_store(str(db)) as store:
        matching = ClaimMatching(store, embed=embed)
        texts = [q["text"] for q in dev]
        dated = matching.scored_factchecks(texts, [q["date"] for q in dev])
        undated = matching.scored_factchecks(texts)
        print(f"method: {matching.method}, {len(dev)} dev queries")
    for name, found in (("with the date each query was said", dated), ("without dates", undated)):
        print(f"\n{name}")
        sweep([([(ids[k], s) for k, s in ranked], q["relevant"]) for ranked, q in zip(found, dev)])


def sweep(scored: list) -> None:
    """The table: for each threshold, the stored pairs' precision, recall, F1, F0.5."""
    relevant_total = sum(len(r) for _, r in scored)
    print("threshold  stored  precision  recall     F1   F0.5")
    for t in GRID:
        kept = [(vid in rel) for ranked, rel in scored for vid, s in [p for p in ranked if p[1] >= t][:TOP]]
        hits = sum(kept)
        p = hits / len(kept) if kept else 0.0
        r = hits / relevant_total
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        print(f"{t:9.2f}  {len(kept):6d}  {p:9.3f}  {r:6.3f}  {f1:6.3f}  {f05:5.3f}")


def store_latency(url: str, n: int) -> None:
    """The latency of one claim match in a loaded store (the sweep's, with
    vectors: the re-ranked path), the CheckThat! train and dev query texts
    as the claims, each matched alone (ingest ranks a document's claims in
    one call, which embeds them in one batch)."""
    from parley_lab import claim_ranker

    rows = claim_ranker.read_tsv(DATA / "train-dev-queries.tsv")
    claims = [text for _, text in rows][:n]
    with open_store(url) as store:
        method = store.claim_matching().method
    got = latency(url, claims)
    print(f"method {method}: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                           for k, v in got.items()) + f"; load average {os.getloadavg()[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=100_000)
    p.add_argument("--factchecks", type=int, default=20_000)
    p.add_argument("--queries", type=int, default=500)
    p.add_argument("--pg", default=os.environ.get("PARLEY_TEST_PG"), help="PostgreSQL URL (WIPED)")
    p.add_argument("--reuse-pg", action="store_true",
                   help="keep the PostgreSQL store when it already holds --docs and --factchecks")
    p.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    p.add_argument("--work", default="/tmp/parley-bench-match", help="folder for the SQLite files")
    p.add_argument("--threshold", action="store_true", help="the threshold sweep on CheckThat! dev instead")
    p.add_argument("--cache", default="/tmp/parley-claim-retrieval", help="the MiniLM cache of the sweep")
    p.add_argument("--store", help="time matches in this loaded store instead (the CheckThat! queries as claims)")
    harness.add_arguments(p)
    args = p.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.threshold:
        threshold_sweep(work, Path(args.cache))
        return 0
    if args.store:
        store_latency(args.store, args.queries)
        return 0
    backends = [b for b in ("sqlite", "postgresql") if args.backend in ("both", b) and (b == "sqlite" or args.pg)]
    claims = query_claims(args.queries, args.docs)
    bench = harness.Benchmark(
        "bench_match_latency", [system(b, args, claims) for b in backends],
        [harness.Dataset(f"{args.queries} claims, {args.docs} documents, {args.factchecks} fact-checks",
                         ["synthetic"])], MEASURES, lambda dataset, predictions: dict(predictions[0]),
        miss=lambda item: {}, packages=("parley", "psycopg"))
    report = harness.run(bench, argv)
    report.note(f"latency of one claim match in ms (fact-checks + earlier claims); {os.cpu_count()} CPUs, "
                f"load average {os.getloadavg()[0]:.1f} at the end")
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
