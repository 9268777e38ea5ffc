"""The worker side of ingest, shared by both engines (the process pool of
``parley.store.ingest`` and the Ray actors of ``parley.store.ray_engine``):
build the pipeline once per worker process, run it single-threaded, and turn
one document into its analysis JSON or a coded failure. Workers never touch
the store."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Sequence

from parley.corpus import sentence_vectors
from parley.document import Document
from parley.errors import ParleyError
from parley.models import runtime
from parley.pipeline import Config, analyze, build_pipeline

IN_FLIGHT_PER_WORKER = 2
MAX_BREAKS = 2  # a document in flight when workers died this often is failed

_worker: dict[str, Any] = {}


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def init_pool_worker(only: Sequence[str], skip: Sequence[str], config: Config, parent: int) -> None:
    """A pool worker's start: exit when ``parent`` dies, one thread, the pipeline built once."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    limit_threads(1)
    set_local(build_pipeline(only=only, skip=skip), config)


def set_local(pipeline: list, config: Config) -> None:
    """The pipeline and config ``analyse_one`` uses in this process."""
    _worker["pipeline"] = pipeline
    _worker["config"] = config


def limit_threads(threads: int) -> None:
    """Cap ONNX Runtime's (the encoder's), torch's, OpenMP's, MKL's and
    OpenBLAS's thread pools in this process at ``threads``. Workers call it
    with 1: parallelism comes from the worker processes alone, so N workers
    never fight over the same cores and one worker is exactly one core's
    work. torch is not imported for this (the ONNX runtime does not need it):
    if it is imported later, it reads OMP_NUM_THREADS."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    runtime.set_threads(threads)
    if sys.modules.get("torch") is not None:
        sys.modules["torch"].set_num_threads(threads)


def analyse_one(document: Document) -> tuple[str, str, str]:
    """("ok", analysis JSON, sentence vectors) or ("fail", code, message). The vectors
    (``parley.corpus.sentence_vectors``, "" without MiniLM) are made here, in the worker, so
    that the process writing the store only reuses them for its talking points."""
    try:
        data = analyze(document, _worker["pipeline"], _worker["config"]).to_json()
        return "ok", json.dumps(data, ensure_ascii=False), sentence_vectors(data)
    except ParleyError as e:
        return "fail", e.code, e.message
    except Exception as e:  # an analyser's bug must not stop the batch
        return "fail", "E611", f"{type(e).__name__}: {e}"
