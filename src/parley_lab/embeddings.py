"""A file cache of MiniLM sentence embeddings (the ``models`` extra), for
the training scripts and benchmarks that embed the same data sets again and
again (QEvasion pairs, CheckThat! sentences). The cache files live outside
the project (under /tmp by default); the runtime never uses them.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Callable


def cached_embedder(path: Path) -> Callable[[list[str]], Any]:
    """``parley.models.encoder.embed`` behind a cache file (``*.npz``, outside
    the project) keyed by each text's SHA-1, for training scripts and
    benchmarks that embed the same data set again and again."""
    import numpy as np

    from parley.models import encoder

    store: dict[str, Any] = {}
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            store = dict(zip(data["keys"].tolist(), data["vectors"]))

    def cached(texts: list[str]) -> Any:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in store}.items())
        if todo:
            vectors = encoder.embed([t for _, t in todo])
            store.update({k: v for (k, _), v in zip(todo, vectors)})
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.asarray(list(store)), vectors=np.stack(list(store.values())))
            os.replace(tmp, path)
        return np.stack([store[k] for k in keys]) if keys else np.zeros((0, encoder.DIMENSION), dtype=np.float32)

    return cached
