"""Temporal expressions: Parley against dateparser, in one run, one table.

    .venv/bin/python benchmarks/bench_time.py [--shared ../shared]

Systems, all given the same reference date (the gold file's
``reference_date``; TimeML's document creation time):

- ``parley``: ``parley.analysers.timex.recognise`` with the gold guidelines' values (vague → null);
- ``parley (timeml)``: the same recogniser with TempEval's conventions for
  vague values (``PXY``, ``PRESENT_REF``) and the TimeML-only words ("now");
- ``dateparser.search_dates``: its matches, each valued at the precision
  ``DateDataParser`` reports for the matched string (day, month, year, time);
- ``spaCy DATE/TIME + dateparser``: spaCy's DATE and TIME entities, each
  parsed by ``DateDataParser`` in the same way;
- ``nothing``: the floor (no predictions).

Data: the gold transcripts of ``../shared/gold`` (the seed first) and the
TempEval-3 platinum test set (``datasets/tempeval3-timeml``). Scoring is the
gold scorer's (``parley.scoring.gold.timex``): a prediction matches the first
unused gold span it overlaps; value accuracy is over matched spans. A peer that
raises on a document scores nothing on it (counted in the ``errors`` column).
Needs the ``bench-time`` extra (``scripts/setup.sh bench-time``).
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parley.scoring import gold as scoring  # noqa: E402
from parley.analysers.timex.recognise import recognise, resolve_all  # noqa: E402

GOLD_NAMES = ("lavrov-kommersant-2025-10-15", "putin_2019-10_al-arabiya-interview",
              "wh_2022-12-21_biden-zelenskyy-joint-press-conference")
PLATINUM = "datasets/tempeval3-timeml/data/TempEval3/Evaluation/te3-platinum"

Doc = dict  # {"name", "text", "reference", "timex": [{"span", "value"}], "extent"}
System = Callable[[str, str], list[dict]]


# -- data ------------------------------------------------------------------------

def gold_docs(shared: Path) -> list[Doc]:
    docs = []
    for name in GOLD_NAMES:
        gold = json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        text = (shared / "corpus" / f"{name}.txt").read_text(encoding="utf-8")
        docs.append({"name": name, "text": text, "reference": gold["reference_date"],
                     "timex": gold["timex"], "extent": gold.get("extent")})
    return docs


_TAG = re.compile(r"<(/?)([A-Za-z0-9]+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def timeml_doc(path: Path) -> Doc:
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


def platinum_docs(shared: Path) -> list[Doc]:
    return [timeml_doc(p) for p in sorted((shared / PLATINUM).glob("*.tml"))]


# -- systems ---------------------------------------------------------------------

def parley_system(style: str) -> System:
    def run(text: str, reference: str) -> list[dict]:
        mentions = recognise(text, style)
        values = resolve_all(text, mentions, reference, style)
        return [{"span": [m.start, m.end], "value": v.value} for m, v in zip(mentions, values)]
    return run


def _ddp(reference: str):
    from dateparser.date import DateDataParser

    base = datetime.fromisoformat(reference[:10])
    return DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period"})


def _value(parser, phrase: str) -> str | None:
    data = parser.get_date_data(phrase)
    d, period = data.date_obj, data.period
    if d is None:
        return None
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "week":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if period == "time":
        return d.strftime("%Y-%m-%dT%H:%M")
    return d.date().isoformat()


def _locate(text: str, phrases: list[str]) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for phrase in phrases:
        i = text.find(phrase, pos)
        if i < 0:
            i = text.find(phrase)
        if i < 0:
            continue
        out.append((i, i + len(phrase), phrase))
        pos = i + len(phrase)
    return out


def search_dates_system(text: str, reference: str) -> list[dict]:
    from dateparser.search import search_dates

    parser = _ddp(reference)
    found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": datetime.fromisoformat(reference[:10])}) or []
    return [{"span": [s, e], "value": _value(parser, phrase)} for s, e, phrase in _locate(text, [f[0] for f in found])]


_NLP = None


def spacy_dateparser_system(text: str, reference: str) -> list[dict]:
    global _NLP
    from parley.pipeline.parse import Parser

    if _NLP is None:
        _NLP = Parser.shared()
    parser = _ddp(reference)
    out = []
    for span, label, _ in _NLP.parse(text).entities():
        if label in ("DATE", "TIME"):
            out.append({"span": [span.start, span.end], "value": _value(parser, text[span.start:span.end])})
    return out


# -- the run -------------------------------------------------------------------------

def evaluate(system: System, docs: list[Doc]) -> dict:
    gold_all, pred_all, errors, offset = [], [], 0, 0
    for doc in docs:
        try:
            pred = system(doc["text"], doc["reference"] or "")
        except Exception:  # a peer that crashes scores nothing on this document
            pred, errors = [], errors + 1
        if doc["extent"]:
            pred = scoring.restrict({"timex": pred}, doc["extent"])["timex"]
        shift = lambda items: [dict(t, span=[t["span"][0] + offset, t["span"][1] + offset]) for t in items]  # noqa: E731
        gold_all += shift(doc["timex"])
        pred_all += shift(pred)
        offset += len(doc["text"]) + 1  # documents laid end to end, so spans never meet
    res = scoring.timex(gold_all, pred_all)
    res["errors"] = errors
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    shared = Path(args.shared)
    datasets = {"seed gold (lavrov)": gold_docs(shared)[:1], "all 3 gold": gold_docs(shared),
                "TempEval-3 platinum": platinum_docs(shared)}
    systems: dict[str, System] = {
        "parley": parley_system("parley"),
        "parley (timeml)": parley_system("timeml"),
        "dateparser.search_dates": search_dates_system,
        "spaCy DATE/TIME + dateparser": spacy_dateparser_system,
        "nothing": lambda text, reference: [],
    }
    versions = {p: _version(p) for p in ("parley", "dateparser", "spacy")}
    print("bench_time: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"{'dataset':22} {'system':30} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'value acc':>9} "
          f"{'err':>4} {'sec':>6}")
    for dname, docs in datasets.items():
        for sname, system in systems.items():
            t0 = time.perf_counter()
            r = evaluate(system, docs)
            secs = time.perf_counter() - t0
            print(f"{dname:22} {sname:30} {r['gold']:>5} {r['pred']:>5} {r['p']:>6.3f} {r['r']:>6.3f} {r['f1']:>6.3f} "
                  f"{r['value_acc']:>9.3f} {r['errors']:>4} {secs:>6.1f}")
    return 0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    sys.exit(main())
