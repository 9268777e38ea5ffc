"""The one file format of every shipped model: heads and fine-tuned adapters.

A model file is an ``.npz`` archive (numpy, no pickles) holding

- ``meta``: a JSON object saying what the model is: ``kind`` (``heads`` for
  the small heads of ``parley.models.heads``, ``tagger`` or ``classifier``
  for an adapter of ``parley.models.adapters``), ``format`` (this layout's
  version, FORMAT), the classes or outputs, what the features are, the
  thresholds and decoding settings, and how it was trained;
- named arrays, each name prefixed by what it is: ``head:NAME.weight`` and
  friends for a head (``parley.models.heads``), ``lora_a:PARAM``,
  ``lora_b:PARAM`` and ``set:PARAM`` for an adapter's changes to the encoder,
  other prefixes for what a model needs besides (``ngrams:vocabulary``).

``read_model`` and ``write_model`` are the only code that opens such files.
A missing or unreadable file is ``ModelUnavailable`` with code E401 (E400
stays for an optional package that is not installed).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from parley.errors import ModelUnavailable

FORMAT = 1  # the version of this layout, stamped into every file written
META = "meta"


def read_model(path: Path | str, what: str = "the model", hint: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """(meta, arrays by name) of the model file at ``path``.

    ``what`` names the model in error messages ("the claims head") and
    ``hint`` says how to make it ("run scripts/train_claims.py --head")."""
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise ModelUnavailable(f"{what} {path.name} is missing" + (f"; {hint}" if hint else ""), code="E401")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(str(arrays.pop(META)))
    except (OSError, ValueError, KeyError) as e:  # not a zip, a pickled array, no meta, meta not JSON
        raise ModelUnavailable(f"{what} {path.name} cannot be read: {e}", code="E401") from e
    if not isinstance(meta, dict):
        raise ModelUnavailable(f"{what} {path.name} cannot be read: its meta is not a JSON object", code="E401")
    if int(meta.get("format", FORMAT)) > FORMAT:
        raise ModelUnavailable(f"{what} {path.name} cannot be read: it has format {meta['format']}, "
                               f"this Parley reads format {FORMAT}", code="E401")
    return meta, arrays


def write_model(path: Path | str, meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> Path:
    """Write ``meta`` (stamped with ``format``) and ``arrays`` to ``path``
    (compressed, replacing any file there only once the new one is complete)."""
    import numpy as np

    if META in arrays:
        raise ValueError(f"an array may not be called '{META}'")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.savez_compressed(f, **{META: np.asarray(json.dumps({**meta, "format": FORMAT}))}, **arrays)
    os.replace(tmp, path)
    return path


__all__ = ["FORMAT", "read_model", "write_model"]
