"""How much of an analysis says how sure it is and who made it.

``coverage`` is the share of records, over every layer of the analysis JSON,
that carry a ``confidence`` in [0, 1] and an ``analyser`` (``name@version``);
boilerplate, stored as bare pairs, is counted from its parallel lists.
``techniques_per_1000_words`` is how many technique spans the default
operating point leaves per 1,000 words of the text.
"""
from __future__ import annotations

from typing import Any


def _ok(confidence: Any, analyser: Any) -> bool:
    return isinstance(confidence, (int, float)) and 0.0 <= confidence <= 1.0 and isinstance(analyser, str) \
        and "@" in analyser


def trust_scores(pred: dict[str, Any], words: int) -> dict[str, Any]:
    """``coverage``, ``records`` and ``techniques_per_1000_words`` of the analysis JSON ``pred``."""
    total = good = 0
    for key, value in pred.items():
        if key == "boilerplate" and isinstance(value, list):
            n = len(value)
            pairs = zip(pred.get("boilerplate_confidence") or [None] * n, pred.get("boilerplate_analyser") or [None] * n)
            total += n
            good += sum(1 for c, a in pairs if _ok(c, a))
        elif isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            total += len(value)
            good += sum(1 for r in value if _ok(r.get("confidence"), r.get("analyser")))
    techniques = len(pred.get("techniques") or [])
    return {"coverage": round(good / total, 4) if total else 1.0, "records": total,
            "techniques_per_1000_words": round(1000 * techniques / max(1, words), 2)}
