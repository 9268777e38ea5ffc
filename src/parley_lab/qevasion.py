"""The QEvasion data set (answer clarity and evasion), read for training and scoring.

QEvasion ("I Never Said That", Thomas et al., 2024) is licensed CC BY-NC-ND 4.0:
it is read from ``../shared`` at training and benchmark time and never copied
into the project. Its splits are parquet files, read with ``pyarrow`` (the
``export`` extra). On the test split the evasion gold is the three
annotators' labels; following the SemEval-2026 Task 6 rule, a prediction that
matches any annotator counts as that label, otherwise the gold is the
annotators' majority (the first annotator on a three-way tie).

Embeddings of the data set's texts are cached in a file under /tmp (never in
the repository), so the training script and the benchmark embed each text once.
Its measure, macro-F1, is ``parley.scoring.classes.macro_f1``.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Sequence

from parley.errors import GoldError, ModelUnavailable
from parley_lab import embeddings

DATA_DIR = Path("datasets") / "qevasion-clarity" / "hf" / "QEvasion" / "data"
CACHE = Path(os.environ.get("PARLEY_CACHE", "/tmp/parley-cache")) / "qevasion-minilm.npz"


def load_split(shared: Path, split: str) -> list[dict[str, Any]]:
    """Rows of the ``train`` or ``test`` split as dicts."""
    path = Path(shared) / DATA_DIR / f"{split}-00000-of-00001.parquet"
    if not path.is_file():
        raise GoldError(f"QEvasion {split} split not found at {path}", code="E500")
    try:
        import pyarrow.parquet as pq
    except ImportError as e:
        raise ModelUnavailable("reading QEvasion needs pyarrow (the export extra): scripts/setup.sh export") from e
    return pq.read_table(path).to_pylist()


def pairs_of(rows: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(question, answer) per row: the single question the row is labelled for."""
    return [((r.get("question") or r.get("interview_question") or "").strip(), r.get("interview_answer") or "")
            for r in rows]


def evasion_gold(row: dict[str, Any], predicted: str | None = None) -> str:
    """The evasion gold of a row; on the test split, the annotator label that
    matches ``predicted`` if any, else the majority of the annotators."""
    if row.get("evasion_label"):
        return row["evasion_label"]
    labels = [row.get(k) for k in ("annotator1", "annotator2", "annotator3") if row.get(k)]
    if not labels:
        raise GoldError(f"QEvasion row {row.get('index')} has no evasion label", code="E500")
    if predicted in labels:
        return predicted
    counts = Counter(labels)
    top = max(counts.values())
    return next(label for label in labels if counts[label] == top)


def cached_embedder(path: Path = CACHE) -> Callable[[list[str]], Any]:
    """``parley.models.encoder.embed`` behind the QEvasion cache file (``parley_lab.embeddings``)."""
    return embeddings.cached_embedder(path)
