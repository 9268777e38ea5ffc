"""One-off conversion of the shipped head files to the one model file layout.

Until this conversion each kind of head had its own ``.npz`` layout:

- ``answers/data/answers_heads.npz``: ``features_version``, ``heads`` (names)
  and per head ``NAME_classes``, ``NAME_mean``, ``NAME_scale``, ``NAME_coef``,
  ``NAME_intercept``, ``NAME_weight``, ``NAME_offset``; ``ngram_vocabulary``
  and ``ngram_idf`` for the n-gram vectoriser;
- ``claims/data/claims_head.npz``: ``weights``, ``bias``, ``threshold``,
  ``layout`` (comma-separated) and a JSON ``meta``;
- ``techniques/data/semeval20{20,23}-{spans,labels}.npz``: a JSON ``meta``
  and ``mean``, ``scale``, ``w1``, ``b1``, ``w2``, ``b2``.

This script rewrites each into the layout of ``parley.models.heads``
(``write_heads``), array for array (same values, same dtypes, so every
prediction stays bit for bit the same), checks the result by reading it
back, and leaves files already converted alone. Run from the repository root::

    .venv/bin/python -m parley_lab.convert_heads            # the shipped files, in place
    .venv/bin/python -m parley_lab.convert_heads OLD.npz --out NEW.npz
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from parley.models.heads import SIGMOID, SOFTMAX, Head, read_heads, write_heads

ANALYSERS = Path(__file__).resolve().parents[1] / "parley" / "analysers"
SHIPPED = (
    ANALYSERS / "answers" / "data" / "answers_heads.npz",
    ANALYSERS / "claims" / "data" / "claims_head.npz",
    *(ANALYSERS / "techniques" / "data" / f"semeval{year}-{kind}.npz"
      for year in ("2020", "2023") for kind in ("spans", "labels")),
)

Converted = tuple[dict[str, Any], dict[str, Head], dict[str, Any]]  # file meta, heads, other arrays


def from_answers(arrays: dict[str, Any]) -> Converted:
    """The answer heads and their n-gram vectoriser."""
    heads = {}
    for name in (str(n) for n in arrays["heads"]):
        heads[name] = Head.linear(
            arrays[f"{name}_coef"], arrays[f"{name}_intercept"], arrays[f"{name}_mean"], arrays[f"{name}_scale"],
            output=SOFTMAX, classes=tuple(str(c) for c in arrays[f"{name}_classes"]),
            mix_weight=float(arrays[f"{name}_weight"]), offset=arrays[f"{name}_offset"])
    others = {"ngrams:vocabulary": arrays["ngram_vocabulary"], "ngrams:idf": arrays["ngram_idf"]}
    return {"task": "answers", "features_version": str(arrays["features_version"])}, heads, others


def from_claims(arrays: dict[str, Any]) -> Converted:
    """The check-worthiness head: a logistic scorer (one output)."""
    meta = json.loads(str(arrays["meta"]))
    meta.update(layout=str(arrays["layout"]).split(","), threshold=float(arrays["threshold"]))
    head = Head.linear(arrays["weights"][None, :], np.asarray(arrays["bias"]).reshape(1), output=SIGMOID,
                       classes=("checkworthy",), meta=meta)
    return {"task": "checkworthiness"}, {"checkworthy": head}, {}


def from_techniques(arrays: dict[str, Any]) -> Converted:
    """A technique span head (one output) or label head (one per technique)."""
    meta = json.loads(str(arrays["meta"]))
    kind = meta.pop("kind")
    classes = tuple(meta.pop("labels", ()))
    layers = []
    while f"w{len(layers) + 1}" in arrays:
        layers.append((arrays[f"w{len(layers) + 1}"], arrays[f"b{len(layers) + 1}"]))
    head = Head(tuple(layers), arrays["mean"], arrays["scale"], output=SIGMOID if kind == "spans" else SOFTMAX,
                classes=classes, meta=meta)
    return {"task": f"{meta['taxonomy']}-{kind}"}, {kind: head}, {}


def legacy(arrays: dict[str, Any]) -> Converted | None:
    """The converted form of a file in one of the old layouts; None when it is
    already in the new one."""
    if "meta" in arrays and "heads" in json.loads(str(arrays["meta"])):
        return None
    if "features_version" in arrays:
        return from_answers(arrays)
    if "layout" in arrays:
        return from_claims(arrays)
    if "w1" in arrays:
        return from_techniques(arrays)
    raise ValueError(f"not a head file of a known layout (arrays: {', '.join(sorted(arrays))})")


def same_arrays(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """The names whose arrays differ in value or dtype."""
    return [k for k, v in expected.items()
            if k not in found or found[k].dtype != v.dtype or not np.array_equal(found[k], v)]


def convert(path: Path, out: Path | None = None) -> str:
    """Convert one file (in place unless ``out``); what happened, in words."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    converted = legacy(arrays)
    if converted is None:
        return f"{path}: already in the model file layout"
    meta, heads, others = converted
    expected = dict(others)
    for name, head in heads.items():
        expected.update(head.arrays(name))
    target = write_heads(out or path, heads, meta, others)
    _, again, rest = read_heads(target)
    found = dict(rest)
    for name, head in again.items():
        found.update(head.arrays(name))
    wrong = same_arrays(expected, found)
    if wrong:
        raise SystemExit(f"{target}: arrays changed in conversion: {', '.join(wrong)}")
    return f"{path}: converted to {target} ({len(heads)} heads, {len(found)} arrays)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="head files (default: the shipped ones)")
    ap.add_argument("--out", type=Path, help="where to write (one input file only)")
    args = ap.parse_args(argv)
    files = args.files or list(SHIPPED)
    if args.out and len(files) != 1:
        ap.error("--out takes one input file")
    for path in files:
        print(convert(path, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
