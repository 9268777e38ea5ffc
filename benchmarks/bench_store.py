"""Store benchmark: ingest throughput and search latency, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_store.py [--pg postgresql://...] [--docs 100000]

In one run, for SQLite and (when a URL is given, or PARLEY_TEST_PG is set)
PostgreSQL:

1. ingest throughput on ../shared/corpus with 1 and 2 workers, into an empty
   store: documents/s and words/s over the whole wall time (worker start and
   model load included), the ratio 2 workers / 1 worker, and the CPU seconds
   used with "cores" = CPU seconds / wall seconds (how much of the machine
   the run actually got: on a shared machine 2 workers may get far less
   than 2 cores);
2. search latency over --queries requests (benchmarks/synthetic.py: 1-2
   words, a third with a speaker, date, entity or layer filter) on a store of
   --docs synthetic documents: p50, p95, p99, max, and how many stopped at
   the time limit.

The PostgreSQL database given is WIPED (its public schema is dropped). The
synthetic SQLite store is kept in --work and reused when it already holds
--docs documents (its load time is then not measured again).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import synthetic  # noqa: E402

from parley.store import Filters, open_store  # noqa: E402
from parley.store.ingest import ingest  # noqa: E402

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


def bench_ingest(url_for, corpus: str, only: list[str], workers: int, repeat: int) -> dict:
    best, best_cpu = None, 0.0
    for _ in range(repeat):
        url = url_for()
        before = _cpu()
        with open_store(url) as store:
            report = ingest([corpus], store, only=only, workers=workers, progress=False, log=io.StringIO())
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
        batch = []
        for data in synthetic.documents(n):
            batch.append(data)
            if len(batch) == BATCH:
                with store.batch():
                    for d in batch:
                        store.put_json(d, "synthetic")
                batch = []
                print(f"\r  loaded {store.count()}/{n}", end="", file=sys.stderr, flush=True)
        with store.batch():
            for d in batch:
                store.put_json(d, "synthetic")
        print(file=sys.stderr)
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


def main() -> int:
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
    args = p.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    only = [x for x in args.only.split(",") if x]
    backends = []
    if args.backend in ("both", "sqlite"):
        backends.append(("sqlite", lambda: fresh_sqlite(work / "ingest.db")))
    if args.pg and args.backend in ("both", "postgresql"):
        backends.append(("postgresql", lambda: (reset_postgres(args.pg), args.pg)[1]))
    queries = synthetic.queries(args.queries)
    ingest_rows, search_rows = [], []
    for name, url_for in backends:
        if not args.skip_ingest:
            for workers in (1, 2):
                print(f"{name}: ingest {args.corpus} with {workers} worker(s)...", file=sys.stderr)
                ingest_rows.append((name, bench_ingest(url_for, args.corpus, only, workers, args.repeat)))
                r = ingest_rows[-1][1]
                print(f"  {r['seconds']:.1f} s, {r['words_s']:.0f} words/s, {r['cpu']:.1f} CPU s", file=sys.stderr)
        if not args.skip_search:
            if name == "sqlite":
                url, reuse = str(work / f"synthetic-{args.docs}.db"), True
            else:
                reset_postgres(args.pg)
                url, reuse = args.pg, False
            print(f"{name}: synthetic store of {args.docs} documents...", file=sys.stderr)
            load_s, count = load_synthetic(url, args.docs, reuse)
            print(f"{name}: {len(queries)} searches...", file=sys.stderr)
            result = bench_search(url, queries)
            search_rows.append((name, count, load_s, result))

    print(f"\nStore benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the end)")
    if ingest_rows:
        print(f"\nIngest of {args.corpus} (pipeline {ingest_rows[0][1]['pipeline']}; best of {args.repeat})")
        print(f"{'backend':<11} {'workers':>7} {'docs':>5} {'words':>7} {'seconds':>8} {'docs/s':>7} {'words/s':>8} "
              f"{'ratio':>6} {'cpu s':>7} {'cores':>5}")
        base: dict[str, float] = {}
        for name, r in ingest_rows:
            base.setdefault(name, r["words_s"])
            print(f"{name:<11} {r['workers']:>7} {r['docs']:>5} {r['words']:>7} {r['seconds']:>8.2f} "
                  f"{r['docs_s']:>7.2f} {r['words_s']:>8.0f} {r['words_s'] / base[name]:>5.2f}x "
                  f"{r['cpu']:>7.1f} {r['cpu'] / r['seconds']:>5.2f}")
    if search_rows:
        print(f"\nSearch latency, {args.queries} queries (ms; synthetic store; time limit 2 s per query)")
        print(f"{'backend':<11} {'documents':>9} {'load s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} "
              f"{'mean':>6} {'cut':>4} {'hits':>5}")
        for name, count, load_s, r in search_rows:
            load = f"{load_s:.0f}" if load_s is not None else "reused"
            print(f"{name:<11} {count:>9} {load:>7} {r['p50']:>6.1f} {r['p95']:>6.1f} {r['p99']:>6.1f} "
                  f"{r['max']:>7.1f} {r['mean']:>6.1f} {r['incomplete']:>4} {r['hits']:>5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
