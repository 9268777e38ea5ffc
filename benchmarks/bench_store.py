"""Store benchmark: ingest throughput and search latency, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_store.py [--pg postgresql://...] [--docs 100000] [--out out/bench]

In one run, for SQLite and (when a URL is given, or PARLEY_TEST_PG is set)
PostgreSQL:

1. ingest throughput on ../shared/corpus with 1 and 2 workers, into an empty
   store: documents/s and words/s over the whole wall time (worker start and
   model load included), the ratio 2 workers / 1 worker, and the CPU seconds
   used with "cores" = CPU seconds / wall seconds (how much of the machine
   the run actually got: on a shared machine 2 workers may get far less
   than 2 cores);
2. search latency over --queries requests (``parley_lab.synthetic``: 1-2
   words, a third with a speaker, date, entity or layer filter) on a store of
   --docs synthetic documents: p50, p95, p99, max, and how many stopped at
   the time limit.

The PostgreSQL database given is WIPED (its public schema is dropped). The
synthetic SQLite store is kept in --work and reused when it already holds
--docs documents (its load time is then not measured again). The two tables
run through ``harness.py``: its "systems" are the configurations (backend,
workers), the ratio is measured in the same run.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import harness

from parley.store import Filters, open_store
from parley.store.ingest import ingest
from parley_lab import synthetic

HERE = Path(__file__).resolve().parent

BATCH = 1000


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return str(path)


def bench_ingest(url_for, corpus: str, only: list[str], workers: int, repeat: int, **engine) -> dict:
    """The fastest of ``repeat`` ingests of ``corpus`` into a fresh store;
    ``engine``: ``engine="ray", ray_address=...`` for the Ray engine."""
    best, best_cpu = None, 0.0
    for _ in range(repeat):
        url = url_for()
        before = _cpu()
        with open_store(url) as store:
            report = ingest([corpus], store, only=only, workers=workers, progress=False, log=io.StringIO(), **engine)
        cpu = _cpu() - before  # this process and its (reaped) workers; not a database server
        if report.failed:
            print(f"  warning: {report.failed} failures: {report.failures[:3]}", file=sys.stderr)
        if best is None or report.seconds < best.seconds:
            best, best_cpu = report, cpu
    return {"workers": workers, "docs": best.stored, "words": best.words, "seconds": best.seconds, "cpu": best_cpu,
            "docs_s": best.stored / best.seconds, "words_s": best.words / best.seconds,
            "pipeline": best.pipeline_version}


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load_synthetic(url: str, n: int, reuse: bool) -> tuple[float | None, int]:
    with open_store(url) as store:
        if reuse and store.count() == n:
            return None, n
        started = time.perf_counter()
        synthetic.store_documents(store, n, BATCH)
        return time.perf_counter() - started, store.count()


def bench_search(url: str, queries: list[dict]) -> dict:
    times, incomplete, hits = [], 0, 0
    with open_store(url) as store:
        for q in queries[:20]:  # warm the caches; not counted
            store.search(q["query"], Filters(**q["filters"]), layer=q["layer"])
        for q in queries:
            started = time.perf_counter()
            result = store.search(q["query"], Filters(**q["filters"]), layer=q["layer"])
            times.append(time.perf_counter() - started)
            incomplete += not result.complete
            hits += len(result.hits)
    times.sort()

    def pct(p: float) -> float:
        return 1000 * times[min(len(times) - 1, int(round(p * (len(times) - 1))))]

    return {"queries": len(times), "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "max": 1000 * times[-1],
            "mean": 1000 * statistics.fmean(times), "incomplete": incomplete, "hits": hits / len(times)}


INGEST = [harness.Measure("docs", "docs", "d"), harness.Measure("words", "words", "d"),
          harness.Measure("seconds", "seconds", ".2f"), harness.Measure("docs_s", "docs/s", ".2f"),
          harness.Measure("words_s", "words/s", ".0f"), harness.Measure("ratio", "ratio", ".2f"),
          harness.Measure("cpu", "cpu s", ".1f"), harness.Measure("cores", "cores", ".2f")]
SEARCH = [harness.Measure("documents", "documents", "d"), harness.Measure("load", "load s"),
          *(harness.Measure(k, k, ".1f") for k in ("p50", "p95", "p99", "max", "mean")),
          harness.Measure("incomplete", "cut", "d"), harness.Measure("hits", "hits", ".1f")]


def ingest_system(backend: str, url_for, workers: int, args) -> harness.System:
    """One configuration: ``workers`` ingest workers into a fresh ``backend`` store."""
    only = [x for x in args.only.split(",") if x]

    def run(corpus: str) -> dict:
        print(f"{backend}: ingest {corpus} with {workers} worker(s)...", file=sys.stderr)
        r = bench_ingest(url_for, corpus, only, workers, args.repeat)
        print(f"  {r['seconds']:.1f} s, {r['words_s']:.0f} words/s, {r['cpu']:.1f} CPU s", file=sys.stderr)
        return dict(r, backend=backend, cores=r["cpu"] / r["seconds"])
    return harness.System(f"{backend}, {workers} worker{'s' if workers > 1 else ''}", run)


def search_system(backend: str, work: Path, args, queries: list[dict]) -> harness.System:
    """Search latency on a store of ``--docs`` synthetic documents in ``backend``."""
    def run(_: str) -> dict:
        if backend == "sqlite":
            url, reuse = str(work / f"synthetic-{args.docs}.db"), True
        else:
            reset_postgres(args.pg)
            url, reuse = args.pg, False
        print(f"{backend}: synthetic store of {args.docs} documents...", file=sys.stderr)
        load_s, count = load_synthetic(url, args.docs, reuse)
        print(f"{backend}: {len(queries)} searches...", file=sys.stderr)
        return dict(bench_search(url, queries), documents=count, load=f"{load_s:.0f}" if load_s is not None else "reused")
    return harness.System(backend, run)


def ratio_to_one_worker(dataset_name: str, scores: dict[str, dict]) -> None:
    """words/s of each configuration over the 1-worker run of its backend."""
    base: dict[str, float] = {}
    for measures in scores.values():
        if "words_s" in measures:
            base.setdefault(measures["backend"], measures["words_s"])
            measures["ratio"] = measures["words_s"] / base[measures["backend"]]


def first(dataset: harness.Dataset, predictions: list[dict]) -> dict:
    return dict(predictions[0])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(HERE.parent.parent / "shared" / "corpus"))
    p.add_argument("--docs", type=int, default=100_000, help="synthetic documents (default 100000)")
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--pg", default=os.environ.get("PARLEY_TEST_PG"), help="PostgreSQL URL (WIPED)")
    p.add_argument("--only", default="", help="analysers for the ingest part (default: the whole pipeline)")
    p.add_argument("--repeat", type=int, default=1, help="ingest runs per setting; the fastest counts")
    p.add_argument("--work", default="/tmp/parley-bench-store", help="folder for the SQLite files")
    p.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both",
                   help="measure one backend only (PostgreSQL needs --pg)")
    p.add_argument("--skip-ingest", action="store_true")
    p.add_argument("--skip-search", action="store_true")
    harness.add_arguments(p)
    args = p.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    backends = []
    if args.backend in ("both", "sqlite"):
        backends.append(("sqlite", lambda: fresh_sqlite(work / "ingest.db")))
    if args.pg and args.backend in ("both", "postgresql"):
        backends.append(("postgresql", lambda: (reset_postgres(args.pg), args.pg)[1]))
    queries = synthetic.queries(args.queries)
    packages = ("parley", "spacy", "psycopg")
    if not args.skip_ingest:
        bench = harness.Benchmark(
            "bench_store.ingest", [ingest_system(name, url_for, w, args) for name, url_for in backends for w in (1, 2)],
            [harness.Dataset(f"ingest of {args.corpus}", [args.corpus], [Path(args.corpus)])], INGEST, first,
            miss=lambda item: {}, packages=packages, derive=ratio_to_one_worker)
        report = harness.run(bench, argv)
        pipeline = next((r.measures["pipeline"] for r in report.rows if "pipeline" in r.measures), "?")
        report.note(f"pipeline {pipeline}; best of {args.repeat}; {os.cpu_count()} CPUs, load average "
                    f"{os.getloadavg()[0]:.1f} at the end; cores = CPU seconds / wall seconds", pipeline=pipeline)
        harness.finish(bench, report, args.out)
    if not args.skip_search:
        bench = harness.Benchmark(
            "bench_store.search", [search_system(name, work, args, queries) for name, _ in backends],
            [harness.Dataset(f"{args.queries} queries, {args.docs} synthetic documents", ["synthetic"])], SEARCH,
            first, miss=lambda item: {}, packages=packages)
        report = harness.run(bench, argv)
        report.note(f"search latency in ms (time limit 2 s per query; cut = queries stopped at it); "
                    f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
        harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
