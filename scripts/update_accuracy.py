"""Rewrite src/parley/render/accuracy.json from the model cards' accuracy tables.

    PYTHONPATH=src .venv/bin/python scripts/update_accuracy.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from parley.render.accuracy import from_cards

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    rows = from_cards(ROOT / "docs" / "models")
    path = ROOT / "src" / "parley" / "render" / "accuracy.json"
    path.write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{path}: {len(rows)} layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
