"""Each layer's measured accuracy and where it was measured, for the toggles.

The one source of truth is the model cards: each card in ``docs/models/``
has a table between ``<!-- accuracy -->`` and ``<!-- /accuracy -->`` with
one row per layer (layer, accuracy, measured on). ``scripts/update_accuracy.py``
copies those rows into ``accuracy.json`` beside this module, which the
installed package ships; ``tests/test_trust.py`` fails when the two differ.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

_BLOCK = re.compile(r"<!-- accuracy -->\n(.*?)<!-- /accuracy -->", re.S)


def from_cards(folder: Path) -> dict[str, dict[str, str]]:
    """{layer: {"accuracy", "where", "card"}} from the model cards in ``folder``."""
    out: dict[str, dict[str, str]] = {}
    for card in sorted(folder.glob("*.md")):
        for block in _BLOCK.findall(card.read_text(encoding="utf-8")):
            for line in block.splitlines()[2:]:  # past the header and its rule
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) == 3:
                    out[cells[0]] = {"accuracy": cells[1], "where": cells[2], "card": f"docs/models/{card.name}"}
    return out


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    """The shipped table (``accuracy.json``)."""
    return json.loads(resources.files("parley.render").joinpath("accuracy.json").read_text(encoding="utf-8"))


def note(layer: str) -> str:
    """``accuracy (measured on)`` for ``layer``, or "" when no card measures it."""
    row = table().get(layer)
    return f"{row['accuracy']} ({row['where']}; {row['card']})" if row else ""
