#!/usr/bin/env python3
"""Claim retrieval benchmark: rank the 19,250 PolitiFact fact-checks of
CheckThat! 2022 Task 2B for each input claim of a debate, on dev and test.

    .venv/bin/python benchmarks/bench_claim_retrieval.py [--shared ../shared] [--cache DIR] [--out out/bench]

Measures: MAP@1, MAP@3, MAP@5 (the task's official measure) and MRR, with
``parley.scoring.ranking.retrieval_measures``. Each fact-check is indexed as
its claim (``vclaim``) and its title. Rows:

- ``bm25``: Okapi BM25 (``parley.factchecks.match.Bm25``, our own, over
  ``match.tokens``) on claim + title;
- ``dense``: MiniLM cosine (``parley.models.encoder``, extra ``models``),
  the larger of the cosines with the claim and with the title;
- ``fused``: reciprocal-rank fusion (``match.fuse``, ``RRF_K``) of the BM25
  ranking and the claim cosine ranking;
- ``re-ranked``: logistic regression over 17 features of the candidates
  of four rankings (the three above and BM25 on the first 3,000 characters
  of the article): scores and ranks, plus the product re-ranker's word,
  number and date features (``parley.factchecks.rerank``), fitted on the
  train queries, C chosen on dev;
- ``claims match --file``: ``parley claims match --file`` over a store of
  the fact-checks imported as ClaimReview (claim, claimant, dates, no title,
  no article; ``parley_lab.claim_ranker.build_store``), each query with the
  date it was said (from its id): the store's FTS5 index and the stored
  vectors, re-ranked by the shipped model (``factchecks/data/claim_ranker.npz``);
- ``nothing``: the floor; ``published`` rows: the lab's n-gram baseline and
  SimBa's figures (README of their repository), not run here.

Needs the ``models`` extra and scikit-learn (``bench-claims``) for the
re-ranker. Every choice (the fields, RRF's k, BM25's k1 and b, C) was made on dev; test is
read only to score. Embeddings are cached under ``--cache`` (outside the
project; the fact-checks are never copied into it).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import harness

from parley.factchecks import match, rerank
from parley.scoring.ranking import retrieval_measures
from parley_lab.claim_ranker import build_store, converter, read_split, read_vclaims

ROOT = Path(__file__).resolve().parents[1]
DIR = "clef2022-checkthat-task2b-claim-retrieval"
TOP = 100  # candidates kept from each ranking
RRF_K = match.RRF_K  # chosen on dev among 1, 5, 10, 20, 60 for bm25 + claim cosine
ARTICLE_CHARS = 3000  # the start of each article, for the re-ranker's article BM25


class Retriever:
    """BM25 and MiniLM indexes over the fact-checks, built once."""

    def __init__(self, vclaims: list[dict], cache: Path) -> None:
        self.vclaims, self.cache = vclaims, cache
        self.ids = [v["vclaim_id"] for v in vclaims]
        self.bm25 = match.Bm25(self.ids, [f"{v['vclaim']} {v['title']}" for v in vclaims])
        self.articles = match.Bm25(self.ids, [v["text"][:ARTICLE_CHARS] for v in vclaims])
        convert = converter()  # the claim and review dates, as the ClaimReview import has them
        self.dates = [(convert.stated_date(v["date"]), convert.review_date(v["url"])) for v in vclaims]
        self.vectors: dict[str, object] = {}
        self.queries: dict[str, object] = {}

    def embedder(self):
        from parley_lab.embeddings import cached_embedder

        return cached_embedder(self.cache / "minilm.npz")

    def prepare_dense(self, dataset: harness.Dataset) -> None:
        if not self.vectors:
            embed = self.embedder()
            self.vectors = {"claim": embed([v["vclaim"] for v in self.vclaims]),
                            "title": embed([v["title"] for v in self.vclaims])}
        embed = self.embedder()
        vectors = embed([q["text"] for q in dataset.items])
        self.queries.update({q["id"]: v for q, v in zip(dataset.items, vectors)})

    def lexical(self, query: dict) -> match.Ranking:
        return self.bm25.rank(query["text"], TOP)

    def dense_parts(self, query: dict) -> list[match.Ranking]:
        vector = self.queries[query["id"]]
        return [match.dense_ranking(self.ids, self.vectors[f], vector, TOP) for f in ("claim", "title")]

    def dense(self, query: dict) -> match.Ranking:
        best: dict[str, float] = {}
        for ranking in self.dense_parts(query):
            for doc, score in ranking:
                best[doc] = max(best.get(doc, -1.0), score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:TOP]

    def fused(self, query: dict) -> match.Ranking:
        """BM25 and the claim cosine, fused (what ``parley claims match`` does over ClaimReviews)."""
        return match.fuse([self.lexical(query), self.dense_parts(query)[0]], k=RRF_K, top=TOP)


class Reranker:
    """Logistic regression over features of each candidate (the union of the
    top ``TOP`` of four rankings: BM25 on claim + title, the two cosines,
    BM25 on the article's start): each BM25 score over the query's best, the
    two cosines, the reciprocal rank in each ranking, the fused score, and
    ``rerank.TEXT_FEATURES`` and ``rerank.DATE_FEATURES`` (the query's date
    against the claim and review dates). Fitted on the train queries; C
    chosen on dev MAP@5."""

    FEATURES = ("bm25/best", "article bm25/best", "cos claim", "cos title", "1/rank bm25", "1/rank claim",
                "1/rank title", "1/rank article", "rrf", *rerank.TEXT_FEATURES, *rerank.DATE_FEATURES)

    def __init__(self, retriever: Retriever, train: list[dict], dev: list[dict]) -> None:
        self.retriever, self.train, self.dev, self.model, self.chosen = retriever, train, dev, None, {}

    def candidates(self, query: dict):
        import numpy as np

        r = self.retriever
        lists = [r.lexical(query), *r.dense_parts(query), r.articles.rank(query["text"], TOP)]
        docs = list(dict.fromkeys(doc for ranking in lists for doc, _ in ranking))
        at = {doc: i for i, doc in enumerate(r.ids)}
        rows = [at[d] for d in docs]
        vector = r.queries[query["id"]]
        cos = [r.vectors[f][rows] @ vector for f in ("claim", "title")]
        lexical = [[dict(ranking).get(d, 0.0) / (ranking[0][1] if ranking else 1.0) for d in docs]
                   for ranking in (lists[0], lists[3])]
        ranks = [{doc: 1.0 / i for i, (doc, _) in enumerate(ranking, 1)} for ranking in lists]
        fused = dict(match.fuse(lists[:2], k=RRF_K))
        said = rerank.parse_date(query["date"])
        rest = [rerank.text_features(query["text"], r.vclaims[i]["vclaim"]) + rerank.date_features(said, *r.dates[i])
                for i in rows]
        x = np.column_stack([*lexical, cos[0], cos[1], *[[rk.get(d, 0.0) for d in docs] for rk in ranks],
                             [fused.get(d, 0.0) * (RRF_K + 1) for d in docs], np.asarray(rest)])
        return docs, x

    def prepare(self, dataset: harness.Dataset) -> None:
        if self.model is not None:
            return
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        for split in (self.train, self.dev):
            self.retriever.prepare_dense(harness.Dataset("fit", split))
        train = [self.candidates(q) for q in self.train]
        x = np.vstack([xs for _, xs in train])
        y = np.concatenate([[d in q["relevant"] for d in docs] for (docs, _), q in zip(train, self.train)])
        dev = [self.candidates(q) for q in self.dev]
        best = None
        for c in (0.01, 0.1, 1.0, 10.0):
            model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
            ranked = [[docs[i] for i in np.argsort(-model.decision_function(xs), kind="stable")]
                      for docs, xs in dev]
            got = retrieval_measures([(r, q["relevant"]) for r, q in zip(ranked, self.dev)])["map@5"]
            if best is None or got > best[0]:
                best = (got, c, model)
        self.chosen = {"C": best[1], "dev map@5": round(best[0], 4)}
        self.model = best[2]

    def predict(self, query: dict) -> list[str]:
        import numpy as np

        docs, x = self.candidates(query)
        return [docs[i] for i in np.argsort(-self.model.decision_function(x), kind="stable")][:TOP]


class ClaimsMatchCli:
    """``parley claims match --file`` over a store holding the fact-checks as
    ClaimReviews (scripts/checkthat_to_claimreview.py: claim, claimant,
    dates, rating; no title, no article), built once under the cache folder.
    Its vectors are the MiniLM vectors of the claims (what ``factchecks
    import`` computes), put through the benchmark's embedding cache."""

    def __init__(self, retriever: Retriever, cache: Path) -> None:
        self.retriever, self.db, self.ranked = retriever, cache / "claimreview.db", {}

    def build(self) -> None:
        self.url_to_id = build_store(self.retriever.vclaims, self.db, self.retriever.embedder())

    def prepare(self, dataset: harness.Dataset) -> None:
        import contextlib
        import io

        from parley.cli import main

        if not self.ranked:
            self.build()
        queries = self.db.with_suffix(f".{dataset.name}.tsv")
        queries.write_text("".join(f"{q['id']}\t{q['text']}\t{q['date'] or ''}\n" for q in dataset.items),
                           encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["claims", "match", "--file", str(queries), "--db", str(self.db), "--top", "5"])
        for line in out.getvalue().splitlines():
            qid, _, url, _ = line.split("\t")
            self.ranked.setdefault(qid, []).append(self.url_to_id[url])

    def predict(self, query: dict) -> list[str]:
        return self.ranked.get(query["id"], [])


def ids_of(ranking: match.Ranking) -> list[str]:
    return [doc for doc, _ in ranking]


def score(dataset: harness.Dataset, predictions: list[list[str]]) -> dict:
    return retrieval_measures([(ranked, q["relevant"]) for ranked, q in zip(predictions, dataset.items)])


MEASURES = [harness.Measure("map@1", "MAP@1", ".4f"), harness.Measure("map@3", "MAP@3", ".4f"),
            harness.Measure("map@5", "MAP@5", ".4f"), harness.Measure("mrr", "MRR", ".4f")]


def systems(retriever: Retriever, reranker: Reranker, cli: ClaimsMatchCli) -> list[harness.System]:
    from parley.models import encoder

    no_encoder = encoder.available()
    no_sklearn = no_encoder or (None if harness.versions(["scikit-learn"])["scikit-learn"] != harness.NOT_INSTALLED
                                else "scikit-learn not installed (scripts/setup.sh bench-claims)")
    published = {"test": {"map@5": 0.3207}}
    return [
        harness.System("bm25", lambda q: ids_of(retriever.lexical(q)), note="own BM25 (k1 1.2, b 0.75), claim + title"),
        harness.System("dense", lambda q: ids_of(retriever.dense(q)), missing=no_encoder,
                       prepare=retriever.prepare_dense, note="MiniLM cosine, max over claim and title"),
        harness.System("fused", lambda q: ids_of(retriever.fused(q)), missing=no_encoder,
                       prepare=retriever.prepare_dense, note=f"RRF (k {RRF_K}) of bm25 + claim cosine"),
        harness.System("re-ranked", reranker.predict, missing=no_sklearn, prepare=reranker.prepare,
                       note="logistic regression, 17 features (title, article BM25, dates), C on dev"),
        harness.System("claims match --file", cli.predict, missing=no_encoder, prepare=cli.prepare,
                       note="the CLI, shipped re-ranker, ClaimReview only, query dates, top 5"),
        harness.nothing(),
        harness.System("lab n-gram baseline", lambda q: [], role="baseline", published=published,
                       datasets=("test",), note="published (CheckThat! 2022 leaderboard), not run here"),
        harness.System("SimBa supervised", lambda q: [], role="peer", published={"test": {"map@5": 0.4335}},
                       datasets=("test",), note="published (SimBa README), not run here"),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/parley-claim-retrieval"), help="MiniLM embedding cache")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    folder = args.shared / "datasets" / DIR
    started = time.time()
    retriever = Retriever(read_vclaims(folder), args.cache)
    train = read_split(folder, "train-dev-queries.tsv", "train-qrels.tsv")
    dev = read_split(folder, "train-dev-queries.tsv", "dev-qrels.tsv")
    reranker = Reranker(retriever, train, dev)
    datasets = [harness.Dataset("dev", dev, [folder / "dev-qrels.tsv"]),
                harness.Dataset("test", read_split(folder, "test-queries.tsv", "test-qrels.tsv"),
                                [folder / "test-queries.tsv", folder / "test-qrels.tsv"])]
    cli = ClaimsMatchCli(retriever, args.cache)
    bench = harness.Benchmark("bench_claim_retrieval", systems(retriever, reranker, cli), datasets, MEASURES, score,
                              packages=("parley", "torch", "transformers", "scikit-learn"),
                              files=[folder / "vclaims.jsonl.gz", folder / "train-dev-queries.tsv",
                                     folder / "train-qrels.tsv"])
    report = harness.run(bench, argv)
    report.note(f"CheckThat! 2022 Task 2B: {len(retriever.ids)} fact-checks; dev {len(datasets[0].items)} and "
                f"test {len(datasets[1].items)} queries; everything chosen on train/dev "
                f"(one run, {time.time() - started:.0f} s)")
    if reranker.chosen:
        report.note(f"re-ranker: {len(train)} train queries; chosen on dev: {reranker.chosen}", **reranker.chosen)
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
