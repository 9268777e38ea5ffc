"""Temporal expressions: Parley against dateparser, in one run, one table.

    .venv/bin/python benchmarks/bench_time.py [--shared ../shared] [--out out/bench]

Systems, all given the same reference date (the gold file's
``reference_date``; TimeML's document creation time):

- ``parley``: ``parley.analysers.timex.recognise`` with the gold guidelines' values (vague → null);
- ``parley (timeml)``: the same recogniser with TempEval's conventions for
  vague values (``PXY``, ``PRESENT_REF``) and the TimeML-only words ("now");
- ``dateparser.search_dates``: its matches, each valued at the precision
  ``DateDataParser`` reports for the matched string (day, month, year, time);
- ``spaCy DATE/TIME + dateparser``: spaCy's DATE and TIME entities, each
  parsed by ``DateDataParser`` in the same way;
- ``nothing``: the floor (no predictions); ``gold``: the ceiling (the gold
  timex fed back).

Data: the gold transcripts of ``../shared/gold`` (the seed first) and the
TempEval-3 platinum test set (``datasets/tempeval3-timeml``). Scoring is the
gold scorer's (``parley.scoring.gold.timex``): a prediction matches the first
unused gold span it overlaps; value accuracy is over matched spans. A peer that
raises on a document scores nothing on it (counted in the ``err`` column).
Runs through ``harness.py``. The peers need the ``bench-time`` extra
(``scripts/setup.sh bench-time``); without it their rows say so.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable

import harness

from parley.analysers.timex.recognise import recognise, resolve_all
from parley.scoring import gold as scoring
from parley_lab.tempeval import PLATINUM, platinum_docs

ROOT = Path(__file__).resolve().parents[1]

GOLD_NAMES = ("lavrov-kommersant-2025-10-15", "putin_2019-10_al-arabiya-interview",
              "wh_2022-12-21_biden-zelenskyy-joint-press-conference")

Doc = dict  # {"name", "text", "reference", "timex": [{"span", "value"}], "extent"}
System = Callable[[str, str], list[dict]]  # (text, reference date) -> timex


# -- data ------------------------------------------------------------------------

def gold_docs(shared: Path) -> list[Doc]:
    docs = []
    for name in GOLD_NAMES:
        gold = json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        text = (shared / "corpus" / f"{name}.txt").read_text(encoding="utf-8")
        docs.append({"name": name, "text": text, "reference": gold["reference_date"],
                     "timex": gold["timex"], "extent": gold.get("extent")})
    return docs


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

def score(dataset: harness.Dataset, predictions: list[list[dict]]) -> dict:
    """The gold scorer's timex figures over the data set's documents laid end to end."""
    gold_all, pred_all, offset = [], [], 0
    for doc, pred in zip(dataset.items, predictions):
        if doc["extent"]:
            pred = scoring.restrict({"timex": pred}, doc["extent"])["timex"]
        shift = lambda items: [dict(t, span=[t["span"][0] + offset, t["span"][1] + offset]) for t in items]  # noqa: E731
        gold_all += shift(doc["timex"])
        pred_all += shift(pred)
        offset += len(doc["text"]) + 1  # documents laid end to end, so spans never meet
    return scoring.timex(gold_all, pred_all)


def on_text(name: str, system: Callable[[str, str], list[dict]], role: str) -> harness.System:
    """A system given each document's text and reference date."""
    return harness.System(name, lambda doc: system(doc["text"], doc["reference"] or ""), role=role)


MEASURES = [harness.Measure("gold", "gold", "d"), harness.Measure("pred", "pred", "d"), harness.Measure("p", "P"),
            harness.Measure("r", "R"), harness.Measure("f1", "F1"), harness.Measure("value_acc", "value acc"),
            harness.Measure("seconds", "sec", ".1f")]


def benchmark(shared: Path) -> harness.Benchmark:
    gold = gold_docs(shared)
    gold_files = [shared / d / f"{n}.{ext}" for n in GOLD_NAMES for d, ext in (("gold", "json"), ("corpus", "txt"))]
    datasets = [harness.Dataset("seed gold (lavrov)", gold[:1], gold_files[:2]),
                harness.Dataset("all 3 gold", gold, gold_files),
                harness.Dataset("TempEval-3 platinum", platinum_docs(shared), sorted((shared / PLATINUM).glob("*.tml")))]
    missing = None if harness.versions(["dateparser"])["dateparser"] != harness.NOT_INSTALLED else \
        "dateparser not installed (scripts/setup.sh bench-time)"
    systems = [on_text("parley", parley_system("parley"), "parley"),
               on_text("parley (timeml)", parley_system("timeml"), "parley"),
               on_text("dateparser.search_dates", search_dates_system, "peer"),
               on_text("spaCy DATE/TIME + dateparser", spacy_dateparser_system, "peer"),
               harness.nothing(),
               harness.System("gold", lambda doc: doc["timex"], role="ceiling", note="gold fed back")]
    for system in systems[2:4]:
        system.missing = missing
    return harness.Benchmark("bench_time", systems, datasets, MEASURES, score,
                             packages=("parley", "dateparser", "spacy"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    bench = benchmark(Path(args.shared))
    harness.finish(bench, harness.run(bench, argv), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
