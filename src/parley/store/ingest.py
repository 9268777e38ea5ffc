"""Parallel, resumable ingest: analyse documents in worker processes, store them.

- Workers: a process pool; each worker builds the pipeline and its spaCy
  parser once (``Parser.shared`` caches it per process) and returns the
  analysis JSON. Workers never touch the store.
- Parallelism comes from worker processes only: every worker (the single one
  of ``workers=1`` too) runs torch, OpenMP, MKL and OpenBLAS with ONE thread,
  and the default worker count is the CPU count. A worker given all the
  cores left a second worker nothing to gain (ingest with 2 workers was
  1.13x one worker on 2 cores).
- The parent is the only writer: it reads the inputs, skips texts whose hash
  is already stored, and stores each finished analysis in ONE transaction
  (``Store.put_json``). A kill -9 at any moment leaves only whole documents;
  running the same ingest again does the rest, and nothing twice.
- Failures (unreadable input, an analyser raising, a worker dying) are logged
  to stderr and recorded in the store's ``failures`` table; the batch goes on.
- A worker whose parent dies (kill -9) notices within a second and exits.
- ``engine="ray"`` computes the analyses on Ray actors instead of the pool
  (``parley.store.ray_engine``); everything else here is the same for both.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Iterable, Sequence, TextIO

from parley.corpus import remember_vectors
from parley.document import Document
from parley.ingest import DEFAULT_MAX_BYTES, Failure, read_sources
from parley.pipeline import Config, build_pipeline, pipeline_version
from parley.store.base import Store
from parley.store.ingest_work import (
    IN_FLIGHT_PER_WORKER, MAX_BREAKS, analyse_one, default_workers, init_pool_worker, set_local,
)

@dataclass
class IngestReport:
    """What one ingest run did."""

    inputs: int = 0  # documents read (duplicates and already-stored ones included)
    stored: int = 0  # newly stored now
    skipped: int = 0  # already in the store, or a duplicate text in this run
    failed: int = 0
    words: int = 0  # words of the newly stored documents
    seconds: float = 0.0
    pipeline_version: str = ""
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        rate = self.stored / self.seconds if self.seconds else 0.0
        return (f"{self.stored} stored, {self.skipped} already stored or duplicate, {self.failed} failed "
                f"({self.inputs} inputs, {self.seconds:.1f} s, {rate:.2f} docs/s)")


# -- parent side ---------------------------------------------------------------
def _progress(total: int, enabled: bool, stream: TextIO):
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=stream, disable=not enabled, dynamic_ncols=True, leave=True)


def ingest(
    paths: Iterable[str],
    store: Store,
    *,
    only: Sequence[str] = (),
    skip: Sequence[str] = (),
    config: Config | None = None,
    workers: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = True,
    log: TextIO | None = None,
    recompute: bool = False,
    documents: Iterable[Document | Failure] | None = None,
    engine: str = "pool",
    ray_address: str | None = None,
) -> IngestReport:
    """Analyse every document under ``paths`` that ``store`` lacks, and store it.

    ``workers=0`` analyses in this process (no pool, and this process's
    thread settings are left alone); otherwise a pool of ``workers``
    processes (default: the CPU count, at most 8), each single-threaded
    (``workers=1`` is one single-threaded worker process). ``recompute``:
    also re-analyse stored documents whose pipeline version differs from this
    pipeline's, replacing their stored analysis. ``documents``: these already
    read documents (and failures) instead of reading ``paths``. ``engine="ray"``: the
    analyses run on the Ray cluster at ``ray_address`` (default: a local Ray
    started here; ``workers`` then caps the actor count), E400 without Ray.
    """
    log = log or sys.stderr
    config = config or Config()
    only, skip = list(only), list(skip)
    if engine == "ray":
        from parley.store.ray_engine import require_ray

        require_ray(local=not ray_address)  # E400 before any work
    pipeline = build_pipeline(only=only, skip=skip, options=config.options)  # fails early (E301-E303), before any work
    version = pipeline_version(pipeline)
    report = IngestReport(pipeline_version=version)
    started = time.perf_counter()
    if recompute:
        stale = {d.hash for d in store.documents(limit=None) if d.pipeline_version != version}
        done = store.hashes() - stale
    else:
        stale, done = set(), store.hashes()
    todo: list[Document] = []
    failed_inputs: list[Failure] = []
    for item in read_sources(paths, max_bytes) if documents is None else documents:
        if isinstance(item, Failure):
            failed_inputs.append(item)
            continue
        report.inputs += 1
        h = item.hash
        if h in done:
            report.skipped += 1
            continue
        done.add(h)
        todo.append(item)

    # Longest first: the workers finish together instead of one waiting on
    # a long document started last.
    todo.sort(key=lambda d: len(d.text), reverse=True)
    bar = _progress(len(todo) + len(failed_inputs), progress, log)

    def fail(source: str, code: str, message: str) -> None:
        failure = Failure(source, code, message)
        report.failed += 1
        report.failures.append(failure)
        store.record_failure(source, code, message, version)
        bar.write(f"error: {failure}", file=log)
        bar.update(1)

    def stored(document: Document, raw: str, vectors: str = "") -> None:
        data = json.loads(raw)
        remember_vectors(store, data, vectors)  # the worker's sentence vectors, for the talking points
        result = store.put_json(data, version, replace=document.hash in stale)
        if result.created:
            report.stored += 1
            report.words += len(document.text.split())
        else:
            report.skipped += 1
        bar.update(1)

    try:
        for f in failed_inputs:
            fail(f.source, f.code, f.message)
        if engine == "ray":
            from parley.store.ray_engine import run_ray

            run_ray(todo, workers, only, skip, config, stored, fail, _source, address=ray_address)
        elif workers == 0:
            set_local(pipeline, config)
            for document in todo:
                status, a, b = analyse_one(document)
                stored(document, a, b) if status == "ok" else fail(_source(document), a, b)
        else:
            _run_pool(todo, workers or default_workers(), only, skip, config, stored, fail)
    finally:
        bar.close()
        report.seconds = time.perf_counter() - started
    return report


def _source(document: Document) -> str:
    return document.metadata.source or document.doc_id


def _run_pool(todo: list[Document], workers: int, only: list[str], skip: list[str], config: Config,
              stored, fail) -> None:
    """Analyse ``todo`` in a pool. When a worker dies (a crash, the OOM
    killer), the documents then in flight become suspects: each is retried
    later, alone, in a new pool; one in flight at MAX_BREAKS deaths is
    recorded as E612 and the batch goes on."""
    if not todo:
        return
    workers = min(workers, len(todo))
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    queue = list(reversed(todo))
    breaks: dict[int, int] = {}  # id(document) -> pool deaths it was in flight for
    while queue:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_pool_worker,
                                   initargs=(only, skip, config, os.getpid()))
        pending: dict[Future, Document] = {}
        broken = False
        try:
            while (queue or pending) and not broken:
                while queue and len(pending) < workers * IN_FLIGHT_PER_WORKER:
                    suspect = id(queue[-1]) in breaks  # run alone, so its retry blames no one else
                    if suspect and pending:
                        break
                    document = queue.pop()
                    try:
                        pending[pool.submit(analyse_one, document)] = document
                    except BrokenProcessPool:
                        queue.append(document)
                        broken = True
                        break
                    if suspect:
                        break
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    document = pending.pop(future)
                    try:
                        status, a, b = future.result()
                    except BrokenProcessPool:
                        broken = True
                        pending[future] = document
                        continue
                    stored(document, a, b) if status == "ok" else fail(_source(document), a, b)
            if broken:
                for document in pending.values():
                    breaks[id(document)] = breaks.get(id(document), 0) + 1
                    if breaks[id(document)] >= MAX_BREAKS:
                        fail(_source(document), "E612", "a worker process died while analysing it")
                    else:
                        queue.insert(0, document)  # after the others, one at a time
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
