"""Corpus scale benchmark: time to store one document, points and checks kept current, in a big store.

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/bench_corpus_scale.py \\
        [--docs 100000] [--members 3] [--pg postgresql://...] [--corpus ../shared/corpus] [--out out/bench]

A store is filled in bulk, directly (no analysis, no ``put_json``): ``--docs``
synthetic documents (``parley_lab.synthetic``, Zipf vocabulary, 200
speakers), the first ``--members`` sentences of each as ``point_members``
with their ``point_keys`` (a fifth of them joined to an earlier point), and
one attribution check per document with its ``check_keys``. Then, timed:
``put_json`` of new synthetic documents (same vocabulary, so their keys meet
the store's, common keys included) and of the largest transcript of
``--corpus`` (minimal analysis, as in bench_points), each in its own
transaction with its points and attribution checks: stem similarity
(``PARLEY_CORPUS_VECTORS=0``), or with ``--vectors`` MiniLM-sized vectors
(random unit vectors: every stored member has one, and each new document's
are handed to the store as an ingest worker hands them,
``parley.corpus.remember_vectors``, so what is timed is the store's side; the
embedding itself is the worker's analysis). SQLite always; PostgreSQL when ``--pg`` or
PARLEY_TEST_PG is set (its public schema is WIPED). Target ≤ 2 s.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import corpus_docs
import harness
from bench_store import reset_postgres

from parley.corpus import remember_vectors, vector_texts
from parley.corpus.points import sentences_of
from parley.corpus.text import content_stems, keys, name_stems, pack_vectors
from parley.store import open_store
from parley_lab import synthetic

HERE = Path(__file__).resolve().parent
CHUNK = 20_000
TIMED = 5  # new synthetic documents timed per backend


def unit_vector(rng: Any) -> bytes:
    """A random float32 unit vector of MiniLM's width, as the store keeps one (``rng``: a numpy
    Generator of its own, so the stores with and without vectors get the same points)."""
    v = rng.standard_normal(384).astype(np.float32)
    return (v / np.linalg.norm(v)).tobytes()


def bulk_rows(n: int, members: int, seed: int = 7, vectors: bool = False):
    """Chunks of (documents, point_members, point_keys, attribution_checks, check_keys) rows."""
    corpus = synthetic.Corpus(seed)
    rng = random.Random(seed)
    vector_rng = np.random.default_rng(seed)
    docs, mem, pkeys, checks, ckeys = [], [], [], [], []
    member_id = 0
    for i in range(n):
        data = synthetic.document(corpus, i, seed)
        h = f"{i:064x}"
        day = data["metadata"]["published"]
        docs.append((h, data["doc_id"], data["metadata"]["title"], day, day, "synthetic", 100, "2026-01-01", "{}"))
        for span, turn, speaker, body in sentences_of(data)[:members]:
            member_id += 1
            point = member_id if member_id < 10 or rng.random() > 0.2 else mem[rng.randrange(len(mem))][1] \
                if mem else member_id
            stems = content_stems(body)
            mem.append((member_id, point, h, span[0], span[1], turn, speaker, day, body, " ".join(stems),
                        unit_vector(vector_rng) if vectors else None, 1.0))
            pkeys += [(k, member_id, point, h, speaker) for k in keys(stems, name_stems(body))]
        for a in data["attributions"]:
            start, end = a["content_span"]
            body = data["text"][start:end]
            checks.append((h, 0, a["source"], 0, start, end, day, body, "no-statement", 0.0, "[]", "[]", "2026-01-01"))
            ckeys += [(a["source"], k, h, 0) for k in keys(content_stems(body))]
        if len(docs) >= CHUNK or i == n - 1:
            yield docs, mem, pkeys, checks, ckeys
            docs, mem, pkeys, checks, ckeys = [], [], [], [], []


def fill(store: Any, n: int, members: int, vectors: bool = False) -> float:
    """Bulk-insert the synthetic rows; seconds taken."""
    started = time.perf_counter()
    sql = {
        "documents": "INSERT INTO documents (hash, doc_id, title, published, day, pipeline_version, words, "
                     "ingested_at, analysis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "members": "INSERT INTO point_members (id, point_id, hash, span_start, span_end, turn, speaker, day, body, "
                   "stems, vector, similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "keys": "INSERT INTO point_keys (key, member_id, point_id, hash, speaker) VALUES (?, ?, ?, ?, ?)",
        "checks": "INSERT INTO attribution_checks (hash, attribution, source, direct, span_start, span_end, day, body, "
                  "label, similarity, differs, passages, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "check_keys": "INSERT INTO check_keys (source, key, hash, attribution) VALUES (?, ?, ?, ?)",
    }
    done = 0
    for chunk in bulk_rows(n, members, vectors=vectors):
        with store.batch():
            for statement, rows in zip(sql.values(), chunk):
                store._executemany(statement, rows)
        done += len(chunk[0])
        print(f"\r  {store.dialect}: {done}/{n} documents", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if store.dialect == "postgresql":
        with store.batch():
            store._execute("SELECT setval(pg_get_serial_sequence('point_members', 'id'), "
                           "(SELECT MAX(id) FROM point_members))", ())
            store._execute("ANALYZE", ())
    else:
        store._execute("ANALYZE", ())
    return time.perf_counter() - started


def timed_adds(store: Any, n: int, transcript: dict | None, vectors: bool = False) -> dict[str, float]:
    corpus = synthetic.Corpus(7)
    rng = np.random.default_rng(11)

    def add(data: dict) -> float:
        if vectors:  # made by the worker in an ingest: handed over before the write, not timed
            texts = vector_texts(data)
            remember_vectors(store, data, pack_vectors(texts, [unit_vector(rng) for _ in texts]))
        started = time.perf_counter()
        store.put_json(data, "bench")
        return time.perf_counter() - started

    times = [add(synthetic.document(corpus, n + i, 7)) for i in range(TIMED)]
    out = {"synthetic_max": max(times), "synthetic_mean": sum(times) / len(times)}
    if transcript is not None:
        out["transcript"] = add(transcript)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=100_000)
    p.add_argument("--members", type=int, default=3, help="point members per synthetic document")
    p.add_argument("--pg", default=os.environ.get("PARLEY_TEST_PG"))
    p.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    p.add_argument("--vectors", action="store_true", help="members with MiniLM-sized vectors (the default with "
                   "the models extra) instead of stems only")
    harness.add_arguments(p)
    args = p.parse_args(argv)
    os.environ["PARLEY_CORPUS_VECTORS"] = "1" if args.vectors else "0"
    transcript = None
    if args.corpus.exists():
        transcript = max(corpus_docs.read_corpus(args.corpus), key=lambda d: len(d["sentences"]))
    sizes: dict[str, Any] = {}

    def system(backend: str) -> harness.System:
        def predict(_: Any) -> dict[str, float]:
            with tempfile.TemporaryDirectory() as tmp:
                url = str(Path(tmp) / "scale.db") if backend == "sqlite" else args.pg
                if backend == "postgresql":
                    reset_postgres(url)
                with open_store(url) as store:
                    load = fill(store, args.docs, args.members, args.vectors)
                    sizes[backend] = {"members": store._one("SELECT COUNT(*) FROM point_members", ())[0],
                                      "keys": store._one("SELECT COUNT(*) FROM point_keys", ())[0]}
                    return dict(timed_adds(store, args.docs, transcript, args.vectors), load=load)
        return harness.System(backend, predict, missing=None if backend == "sqlite" or args.pg else
                              "no PostgreSQL URL (--pg or PARLEY_TEST_PG)")

    measures = [harness.Measure("synthetic_mean", "synthetic doc mean s"),
                harness.Measure("synthetic_max", "synthetic doc max s"),
                harness.Measure("transcript", "largest transcript s"), harness.Measure("load", "bulk load s", ".0f")]
    bench = harness.Benchmark(
        "bench_corpus_scale", [system("sqlite"), system("postgresql")],
        [harness.Dataset(f"{args.docs} synthetic documents{' with vectors' if args.vectors else ''}", [0], [args.corpus] if transcript else [])], measures,
        score=lambda dataset, predictions: predictions[0] or {}, miss=lambda item: {},
        packages=("parley", "psycopg"))
    report = harness.run(bench, argv)
    report.note(f"store sizes: {json.dumps(sizes)}; {TIMED} synthetic documents timed; transcript: "
                f"{transcript['doc_id'] + ', ' + str(len(transcript['sentences'])) + ' sentences' if transcript else 'none'}",
                sizes=sizes)
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
