"""Entity mentions and identity against the gold files, with baselines, in one run.

    .venv/bin/python benchmarks/bench_entities.py [GOLD_DIR] [--out out/bench]

For every gold file (default ../shared/gold) the transcript is parsed once
and these systems are scored with the gold scorer's definitions
(``parley.scoring.gold``):

- ``spacy-ner``: spaCy's NER alone, one entity per surface text
  (``spacy_ner_baseline``), the baseline;
- ``parley-generic-table``: the entities analyser with only the general
  tables (places and groups: countries, cities, nationalities), no people,
  organisations, treaties, events or products; how it does on names its
  table has never seen;
- ``parley``: the entities analyser as shipped;
- ``nothing``: the floor (no entities); ``gold``: the ceiling (the gold
  entities fed back).

It prints mention P/R/F1 untyped, F1 typed and identity B-cubed F1 per file
and system, and the mean over files (runs through ``harness.py``).
"""
from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from statistics import mean
from typing import Any

import harness

from parley.analysers.entities.analyser import find_entities, spacy_ner_baseline
from parley.analysers.entities.identity import AliasTable, alias_table
from parley.document import Analysis, Document
from parley.document.gold import layer_to_json
from parley.pipeline import load_analysers
from parley.pipeline.parse import Parser
from parley.scoring import gold as scoring
from parley.scoring.evaluate import GoldCase, find_cases

GENERIC_TABLES = ("places.tsv", "groups.tsv")
MEASURES = [harness.Measure("p", "P"), harness.Measure("r", "R"), harness.Measure("f1", "F1"),
            harness.Measure("typed_f1", "typedF1"), harness.Measure("b3_f1", "B3F1")]


def generic_table() -> AliasTable:
    table = AliasTable()
    folder = resources.files("parley.analysers.entities") / "data" / "gazetteer"
    for name in GENERIC_TABLES:
        table.load_rows((folder / name).read_text(encoding="utf-8").splitlines(), name)
    return table


def structure_only(text: str, doc_id: str) -> Analysis:
    registry = load_analysers()
    analysis = Analysis(Document(text=text, doc_id=doc_id))
    for layer, records in registry["structure"].func(analysis, None, None).items():
        if layer != "metadata":
            analysis.set_layer(layer, records)
    return analysis


class Prepared:
    """Each transcript's structure and parse, made once for all systems."""

    def __init__(self) -> None:
        self.parser = Parser.shared()
        self._done: dict[str, tuple[Analysis, Any, list]] = {}

    def __call__(self, case: GoldCase) -> tuple[Analysis, Any, list]:
        doc_id = case.gold_path.stem
        if doc_id not in self._done:
            text = case.text_path.read_text(encoding="utf-8")
            parse = self.parser.parse(text)
            ents = [(span, label) for span, label, _ in parse.entities()]
            self._done[doc_id] = (structure_only(text, doc_id), parse, ents)
        return self._done[doc_id]


def table_system(name: str, prepared: Prepared, table: AliasTable) -> harness.System:
    def predict(case: GoldCase) -> list[dict]:
        analysis, _, ents = prepared(case)
        return layer_to_json("entities", find_entities(analysis, ents, table))["entities"]
    return harness.System(name, predict)


def ner_system(prepared: Prepared) -> harness.System:
    def predict(case: GoldCase) -> list[dict]:
        analysis, parse, _ = prepared(case)
        return layer_to_json("entities", spacy_ner_baseline(analysis, parse))["entities"]
    return harness.System("spacy-ner", predict, role="baseline")


def score_one(gold: dict, entities: list[dict]) -> dict:
    pred = {"entities": entities}
    if gold.get("extent"):
        pred = scoring.restrict(pred, gold["extent"])
    return scoring.entities(gold["entities"], pred["entities"])


def score(dataset: harness.Dataset, predictions: list[list[dict]]) -> dict[str, float]:
    """The mean over the data set's files of each measure."""
    rs = [score_one(case.gold, pred) for case, pred in zip(dataset.items, predictions)]
    return {"p": mean(r["untyped"]["p"] for r in rs), "r": mean(r["untyped"]["r"] for r in rs),
            "f1": mean(r["untyped"]["f1"] for r in rs), "typed_f1": mean(r["typed"]["f1"] for r in rs),
            "b3_f1": mean(r["identity_b3"]["f1"] for r in rs)}


def benchmark(gold_dir: Path) -> harness.Benchmark:
    cases = [c for c in find_cases(gold_dir) if "entities" in c.gold]
    prepared = Prepared()
    datasets = [harness.Dataset(c.gold_path.stem, [c], files=[c.gold_path, c.text_path]) for c in cases]
    datasets.append(harness.Dataset(f"mean over {len(cases)} files", cases))
    systems = [ner_system(prepared), table_system("parley-generic-table", prepared, generic_table()),
               table_system("parley", prepared, alias_table()), harness.nothing(),
               harness.System("gold", lambda case: case.gold["entities"], role="ceiling", note="gold fed back")]
    return harness.Benchmark("bench_entities", systems, datasets, MEASURES, score, packages=("parley", "spacy"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "gold")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    bench = benchmark(args.gold)
    harness.finish(bench, harness.run(bench, argv), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
