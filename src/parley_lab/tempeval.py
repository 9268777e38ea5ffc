"""A reader for TimeML files, as in the TempEval-3 data set
(``../shared/datasets/tempeval3-timeml``; never copied into the project), for
benchmarks/bench_time.py.

A document is a dict ``{"name", "text", "reference", "timex", "extent"}``:
the plain text of the TEXT element (entities unescaped), the document
creation time's date as the reference, and each TIMEX3 as ``{"span": [start,
end], "value", "type"}`` with offsets into that text; ``extent`` is None
(the whole text is annotated).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

PLATINUM = "datasets/tempeval3-timeml/data/TempEval3/Evaluation/te3-platinum"

_TAG = re.compile(r"<(/?)([A-Za-z0-9]+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def timeml_doc(path: Path) -> dict:
    """The plain text of a TimeML file's TEXT element and its TIMEX3 spans and values."""
    raw = path.read_text(encoding="utf-8")
    dct = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
    body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
    out, timex, open_at = [], [], None
    pos, length = 0, 0
    for m in _TAG.finditer(body):
        piece = html.unescape(body[pos:m.start()])
        out.append(piece)
        length += len(piece)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), dict(_ATTR.findall(m.group(3)))
        if tag == "TIMEX3" and not closing:
            open_at = (length, attrs)
        elif tag == "TIMEX3" and closing and open_at:
            timex.append({"span": [open_at[0], length], "value": open_at[1].get("value"),
                          "type": open_at[1].get("type")})
            open_at = None
    out.append(html.unescape(body[pos:]))
    return {"name": path.stem, "text": "".join(out), "reference": dct.group(1)[:10] if dct else None,
            "timex": timex, "extent": None}


def platinum_docs(shared: Path) -> list[dict]:
    """Every document of the TempEval-3 platinum test set, in file order."""
    return [timeml_doc(p) for p in sorted((shared / PLATINUM).glob("*.tml"))]
