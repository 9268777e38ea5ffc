"""Ingest throughput of the two engines: the process pool and Ray.

    .venv/bin/python benchmarks/bench_ingest.py [--pg postgresql://...] [--only LAYERS] [--out out/bench]

In one run, for SQLite and (when a URL is given, or PARLEY_TEST_PG is set)
PostgreSQL, ingest ../shared/corpus into an empty store with:

- the process pool with 1 and 2 workers (``parley ingest --workers N``);
- Ray with 1 and 2 worker nodes (``--engine ray --ray-address``): a real
  cluster on this machine started with the ``ray`` command line for the run
  (``parley.store.ray_cluster.LocalCluster``): a head with no CPUs and N
  worker nodes of one CPU each, so each node runs one analyser actor.

Figures are documents/s and words/s over the whole wall time (for Ray:
connecting, actor start and model load in each actor included, the
cluster's own start not), and the ratios the issue asks for: Ray 2 nodes /
Ray 1 node and Ray 1 node / pool 1 worker. The PostgreSQL database given is
WIPED. Tables through ``harness.py`` ("systems" = configurations).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import harness
from bench_store import HERE, bench_ingest, first, fresh_sqlite, reset_postgres

from parley.store.ray_cluster import LocalCluster, write_token

MEASURES = [harness.Measure("docs", "docs", "d"), harness.Measure("words", "words", "d"),
            harness.Measure("seconds", "seconds", ".2f"), harness.Measure("docs_s", "docs/s", ".3f"),
            harness.Measure("words_s", "words/s", ".0f"), harness.Measure("ratio", "vs pool 1", ".2f")]
CONFIGS = [("pool", 1), ("pool", 2), ("ray", 1), ("ray", 2)]


def system(backend: str, url_for, engine: str, n: int, args) -> harness.System:
    """One configuration: ``engine`` with ``n`` workers (pool) or worker nodes (Ray)."""
    only = [x for x in args.only.split(",") if x]

    def run(corpus: str) -> dict:
        print(f"{backend}: {engine} with {n}...", file=sys.stderr)
        if engine == "pool":
            r = bench_ingest(url_for, corpus, only, n, args.repeat)
        else:
            with LocalCluster(workers=n, head_cpus=0, token=args.token) as cluster:
                r = bench_ingest(url_for, corpus, only, None, args.repeat, engine="ray", ray_address=cluster.address)
        print(f"  {r['seconds']:.1f} s, {r['docs_s']:.3f} docs/s", file=sys.stderr)
        return dict(r, backend=backend, config=(engine, n))
    unit = "worker" if engine == "pool" else "node"
    return harness.System(f"{backend}, {engine} {n} {unit}{'s' if n > 1 else ''}", run)


def ratios(dataset_name: str, scores: dict[str, dict]) -> None:
    """docs/s of each configuration over the pool with 1 worker, same backend."""
    by = {(m["backend"], m["config"]): m["docs_s"] for m in scores.values() if "docs_s" in m}
    for m in scores.values():
        if "docs_s" in m and (m["backend"], ("pool", 1)) in by:
            m["ratio"] = m["docs_s"] / by[(m["backend"], ("pool", 1))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=str(HERE.parent.parent / "shared" / "corpus"))
    p.add_argument("--pg", default=os.environ.get("PARLEY_TEST_PG"), help="PostgreSQL URL (WIPED)")
    p.add_argument("--only", default="", help="analysers (default: the whole pipeline)")
    p.add_argument("--repeat", type=int, default=1, help="runs per setting; the fastest counts")
    p.add_argument("--work", default="/tmp/parley-bench-ingest", help="folder for the SQLite file")
    harness.add_arguments(p)
    args = p.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    # One token for every cluster of the run, set before anything imports ray.
    args.token = Path(tempfile.mkdtemp(prefix="pt", dir="/tmp")) / "token"
    write_token(args.token)
    os.environ.update(RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN_PATH=str(args.token))
    backends = [("sqlite", lambda: fresh_sqlite(work / "ingest.db"))]
    if args.pg:
        backends.append(("postgresql", lambda: (reset_postgres(args.pg), args.pg)[1]))
    bench = harness.Benchmark(
        "bench_ingest", [system(name, url_for, e, n, args) for name, url_for in backends for e, n in CONFIGS],
        [harness.Dataset(f"ingest of {args.corpus}", [args.corpus], [Path(args.corpus)])], MEASURES, first,
        miss=lambda item: {}, packages=("parley", "ray", "spacy", "psycopg"), derive=ratios)
    try:
        report = harness.run(bench, argv)
    finally:
        shutil.rmtree(args.token.parent, ignore_errors=True)
    for backend, _ in backends:
        rate = {r.measures["config"]: r.measures["docs_s"] for r in report.rows
                if r.measures.get("backend") == backend and "docs_s" in r.measures}
        if len(rate) == len(CONFIGS):
            two, one_ray = rate[("ray", 2)] / rate[("ray", 1)], rate[("ray", 1)] / rate[("pool", 1)]
            report.note(f"{backend}: Ray 2 nodes / Ray 1 node = {two:.2f}x (target 1.6x); "
                        f"Ray 1 node / pool 1 worker = {one_ray:.2f}x (target 0.9x)",
                        **{f"{backend}_ray2_over_ray1": two, f"{backend}_ray1_over_pool1": one_ray})
    pipeline = next((r.measures["pipeline"] for r in report.rows if "pipeline" in r.measures), "?")
    report.note(f"pipeline {pipeline}; best of {args.repeat}; {os.cpu_count()} CPUs, load average "
                f"{os.getloadavg()[0]:.1f} at the end", pipeline=pipeline)
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
