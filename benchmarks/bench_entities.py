"""Entity mentions and identity against the gold files, with baselines, in one run.

    .venv/bin/python benchmarks/bench_entities.py [GOLD_DIR]

For every gold file (default ../shared/gold) the transcript is parsed once
and three systems are scored with the gold scorer's definitions
(``parley.scoring.gold``):

- ``spacy-ner``: spaCy's NER alone, one entity per surface text
  (``spacy_ner_baseline``), the floor;
- ``parley-generic-table``: the entities analyser with only the general
  tables (places and groups: countries, cities, nationalities), no people,
  organisations, treaties, events or products; how it does on names its
  table has never seen;
- ``parley``: the entities analyser as shipped.

It prints mention P/R/F1 untyped, F1 typed and identity B-cubed F1 per file
and system, and the mean over files.
"""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from statistics import mean

from parley.analysers.entities.analyser import find_entities, spacy_ner_baseline
from parley.document import Analysis, Document
from parley.scoring.evaluate import find_cases
from parley.analysers.entities.identity import AliasTable, alias_table
from parley.pipeline.parse import Parser
from parley.pipeline import load_analysers
from parley.document.gold import layer_to_json
from parley.scoring import gold as scoring

GENERIC_TABLES = ("places.tsv", "groups.tsv")


def generic_table() -> AliasTable:
    table = AliasTable()
    folder = resources.files("parley") / "data" / "gazetteer"
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


def score(gold: dict, entities) -> dict:
    pred = {"entities": layer_to_json("entities", entities)["entities"]}
    if gold.get("extent"):
        pred = scoring.restrict(pred, gold["extent"])
    return scoring.entities(gold["entities"], pred["entities"])


def main(argv: list[str]) -> int:
    gold_dir = Path(argv[0]) if argv else Path(__file__).resolve().parents[1].parent / "shared" / "gold"
    cases = [c for c in find_cases(gold_dir)]
    parser = Parser.shared()
    full, generic = alias_table(), generic_table()
    rows: list[tuple[str, str, dict]] = []
    for case in cases:
        gold = case.gold
        if "entities" not in gold:
            continue
        text = case.text_path.read_text(encoding="utf-8")
        doc_id = case.gold_path.stem
        analysis = structure_only(text, doc_id)
        parse = parser.parse(text)
        ents = [(span, label) for span, label, _ in parse.entities()]
        rows.append((doc_id, "spacy-ner", score(gold, spacy_ner_baseline(analysis, parse))))
        rows.append((doc_id, "parley-generic-table", score(gold, find_entities(analysis, ents, generic))))
        rows.append((doc_id, "parley", score(gold, find_entities(analysis, ents, full))))
    print(f"{'document':44} {'system':21} {'P':>6} {'R':>6} {'F1':>6} {'typedF1':>7} {'B3F1':>6}")
    for doc_id, system, r in rows:
        u = r["untyped"]
        print(f"{doc_id[:44]:44} {system:21} {u['p']:6.3f} {u['r']:6.3f} {u['f1']:6.3f} "
              f"{r['typed']['f1']:7.3f} {r['identity_b3']['f1']:6.3f}")
    for system in ("spacy-ner", "parley-generic-table", "parley"):
        rs = [r for _, s, r in rows if s == system]
        if rs:
            print(f"{'mean over ' + str(len(rs)) + ' files':44} {system:21} "
                  f"{mean(r['untyped']['p'] for r in rs):6.3f} {mean(r['untyped']['r'] for r in rs):6.3f} "
                  f"{mean(r['untyped']['f1'] for r in rs):6.3f} {mean(r['typed']['f1'] for r in rs):7.3f} "
                  f"{mean(r['identity_b3']['f1'] for r in rs):6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
