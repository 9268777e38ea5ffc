"""Train the claim-matching re-ranker (``parley.factchecks.rerank``) on
CheckThat! 2022 Task 2B: a logistic regression over ``rerank.FEATURES`` of
the candidates ``StoreMatcher`` finds in a store of the 19,250 fact-checks
imported as ClaimReview (claim, claimant, dates; no title, no article),
fitted on the train queries, C chosen on dev MAP@5, then written to
``src/parley/factchecks/data/claim_ranker.npz``.

    PYTHONPATH=src .venv/bin/python -m parley_lab.claim_ranker [--shared ../shared] [--cache DIR] [--out FILE]

The date each query was said is read from its id (``20121023_...``,
``2019_oct_03_...``). The store and the MiniLM cache live under ``--cache``,
outside the project; test is never read here.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIR = "clef2022-checkthat-task2b-claim-retrieval"
GRID = (0.01, 0.1, 1.0, 10.0)


def read_tsv(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_split(folder: Path, queries: str, qrels: str) -> list[dict]:
    """The queries with at least one relevant fact-check in ``qrels``, with the date each was said."""
    texts = {row[0]: row[1] for row in read_tsv(folder / queries)}
    relevant: dict[str, set[str]] = {}
    for qid, _, vid, rel in read_tsv(folder / qrels):
        if int(rel) > 0:
            relevant.setdefault(qid, set()).add(vid)
    return [{"id": q, "text": texts[q], "relevant": r, "date": query_date(q)} for q, r in relevant.items()]


def read_vclaims(folder: Path) -> list[dict]:
    with gzip.open(folder / "vclaims.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def query_date(qid: str) -> str | None:
    """The ISO date in a CheckThat! query id: ``20121023_...`` or ``2019_oct_03_...``."""
    for pattern, fmt in ((r"(\d{8})_", "%Y%m%d"), (r"(\d{4}_[a-z]{3}_\d{2})_", "%Y_%b_%d")):
        m = re.match(pattern, qid)
        if m:
            try:
                return datetime.strptime(m.group(1), fmt).date().isoformat()
            except ValueError:
                return None
    return None


def converter():
    """scripts/checkthat_to_claimreview.py as a module."""
    spec = importlib.util.spec_from_file_location("convert", ROOT / "scripts" / "checkthat_to_claimreview.py")
    convert = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(convert)  # type: ignore[union-attr]
    return convert


def build_store(vclaims: list[dict], db: Path, embed) -> dict[str, str]:
    """A fresh store at ``db`` of the fact-checks as ClaimReviews, with their
    claim vectors (through ``embed``); the fact-check URL -> vclaim id."""
    from parley.factchecks import from_claimreview
    from parley.factchecks.match import VECTOR_MODEL
    from parley.store import open_store

    convert = converter()
    reviews = [convert.claimreview(v) for v in vclaims]
    db.unlink(missing_ok=True)
    with open_store(str(db)) as store:
        store.put_factchecks([from_claimreview(r) for r in reviews])
        todo = store.factchecks_needing_vectors(VECTOR_MODEL)
        vectors = embed([claim for _, _, claim in todo])
        store.put_factcheck_vectors([(k, h, v.tobytes()) for (k, h, _), v in zip(todo, vectors)], VECTOR_MODEL)
    return {r["url"]: v["vclaim_id"] for r, v in zip(reviews, vclaims)}


def map5(ranked: list[list[str]], queries: list[dict]) -> float:
    from parley.scoring.ranking import retrieval_measures

    return retrieval_measures([(r, q["relevant"]) for r, q in zip(ranked, queries)])["map@5"]


def train(shared: Path, cache: Path, out: Path) -> dict:
    """Fit on train, choose C on dev, write the head to ``out``; what was chosen."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from parley.factchecks.match import StoreMatcher
    from parley.factchecks.rerank import FEATURES
    from parley.models.heads import SIGMOID, Head, write_heads
    from parley.store import open_store
    from parley_lab.embeddings import cached_embedder

    folder = shared / "datasets" / DIR
    embed = cached_embedder(cache / "minilm.npz")
    db = cache / "claimreview-ranker.db"
    to_id = build_store(read_vclaims(folder), db, embed)
    splits = {name: read_split(folder, "train-dev-queries.tsv", f"{name}-qrels.tsv") for name in ("train", "dev")}
    with open_store(str(db)) as store:
        matcher = StoreMatcher(store, reranker=None, embed=embed)
        found = {name: matcher.candidates([q["text"] for q in qs], [q["date"] for q in qs])
                 for name, qs in splits.items()}
        rrf = {name: [[to_id[k] for k, _ in r] for r in matcher.rank([q["text"] for q in qs], top=100)]
               for name, qs in splits.items()}
    x = np.vstack([xs for _, xs in found["train"]])
    y = np.concatenate([[to_id[k] in q["relevant"] for k in keys] for (keys, _), q in zip(found["train"],
                                                                                      splits["train"])])
    mean, scale = x.mean(0), x.std(0) + 1e-6
    best = None
    for c in GRID:
        model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
        ranked = [[to_id[keys[i]] for i in np.argsort(-model.decision_function((xs - mean) / scale), kind="stable")]
                  for keys, xs in found["dev"]]
        got = map5(ranked, splits["dev"])
        print(f"C {c}: dev MAP@5 {got:.4f}")
        if best is None or got > best[0]:
            best = (got, c, model)
    chosen = {"C": best[1], "dev map@5": round(best[0], 4), "dev map@5 rrf": round(map5(rrf["dev"], splits["dev"]), 4),
              "train queries": len(splits["train"]), "train candidates": int(len(y)), "positives": int(y.sum())}
    model = best[2]
    head = Head.linear(model.coef_.astype(np.float32), model.intercept_.astype(np.float32), mean.astype(np.float32),
                       scale.astype(np.float32), output=SIGMOID, classes=("same claim",),
                       meta={"features": list(FEATURES)})
    write_heads(out, {"claim_ranker": head},
                {"trained": "CheckThat! 2022 Task 2B train queries, C chosen on dev (src/parley_lab/claim_ranker.py)",
                 **chosen})
    return chosen


def main(argv: list[str] | None = None) -> int:
    from parley.factchecks.rerank import MODEL_PATH

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/parley-claim-retrieval"))
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    print(json.dumps(train(args.shared, args.cache, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
