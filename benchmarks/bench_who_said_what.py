"""Who said what: Parley against its peers, measured in one run, one table.

    .venv/bin/python benchmarks/bench_who_said_what.py [--shared ../shared] [--polnear-split test]
        [--polnear-limit N] [--no-timing] [--out out/bench]

Rows (systems):
  parley            structure + entities + attributions (the default layers)
  textacy           textacy.extract.triples.direct_quotations over the same
                    spaCy parse (direct quotes only; a chunk where it raises
                    counts as no output), entities from spaCy NER alone
  spacy-ner-only    spaCy's NER as the entity layer (``spacy_ner_baseline``),
                    with Parley's cues resolving sources through it
  nothing           the floor (no attributions, no entities)
  gold              the ceiling (the gold fed back)
Data sets and columns (one table, through ``harness.py``):
  seed gold (../shared/gold/lavrov-kommersant-2025-10-15.json), scored with
  the gold scorer's own functions: entity mention F1, identity B-cubed F1,
  attribution F1 (content IoU >= 0.5), attribution F1 with the source right;
  PolNeAR (../shared/datasets/polnear-attribution, the test split, one
  annotation file per article): content-span overlap F1 in the attr F1
  column (IoU >= 0.5; a content split by its cue counts its pieces only) and
  source accuracy (the predicted source span overlaps the gold source span,
  over matched relations that have a gold source).
Below the table: the analysis time of the seed with and without the
attribution layer (parse included; best of five, interleaved), as a ratio,
and the attribution step timed alone (steadier on a shared machine).

textacy comes from the ``bench-attribution`` extra (requirements/bench-attribution.txt);
without it the textacy row says so. Nothing here is a timed test.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import harness

from parley.analysers.attribution.analyser import find_attributions
from parley.analysers.entities.analyser import spacy_ner_baseline
from parley.document import Analysis, Document
from parley.document.gold import layer_to_json
from parley.document.records import Attribution
from parley.nlp.ids import phrase_slug
from parley.pipeline import analyze, build_pipeline
from parley.pipeline.parse import Parser
from parley.scoring.attributions import AttributionTally
from parley_lab.polnear import polnear_files, read_brat

ROOT = Path(__file__).resolve().parents[1]

SEED = "lavrov-kommersant-2025-10-15"
LAYERS = ["structure", "entities", "attributions"]


# -- textacy ----------------------------------------------------------------------

def textacy_available() -> str | None:
    try:
        import textacy.extract.triples  # noqa: F401
    except ImportError:
        return "not installed (scripts/setup.sh bench-attribution)"
    return None


def textacy_attributions(parse: Any) -> list[Attribution]:
    from textacy.extract.triples import direct_quotations

    out = []
    for chunk in parse.chunks:
        try:
            triples = list(direct_quotations(chunk.doc))
        except (ValueError, IndexError):
            continue  # textacy bails out on an odd number of quote marks: a miss
        for speaker, cue, content in triples:
            inner = content[1:-1] if len(content) > 2 and content[0].is_quote else content
            c = chunk.span(inner.start_char, inner.end_char)
            s = chunk.span(speaker[0].idx, speaker[-1].idx + len(speaker[-1].text)) if speaker else None
            q = chunk.span(cue[0].idx, cue[-1].idx + len(cue[-1].text)) if cue else None
            name = " ".join(t.text for t in speaker) if speaker else "unknown"
            out.append(Attribution(phrase_slug(name), c, True, s, q))
    return out


# -- the systems ------------------------------------------------------------------

class Prepared:
    """Per item, made once for all systems: the parse, Parley's analysis, and
    the spaCy-NER base (Parley's structure, spaCy's entities) the peers use.
    A seed item is a dict (text, gold); a PolNeAR item a (text, .ann) pair."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self._done: dict[str, tuple[Any, Analysis, Analysis]] = {}

    def __call__(self, item: Any) -> tuple[Any, Analysis, Analysis]:
        seed = isinstance(item, dict)
        key = SEED if seed else str(item[0])
        if key not in self._done:
            text = item["text"] if seed else item[0].read_text(encoding="utf-8")
            document = Document(text=text, doc_id=SEED if seed else item[0].stem)
            pipeline = build_pipeline(only=LAYERS)
            if seed:
                analysis = analyze(document, pipeline, parser=self.parser)
                parse = self.parser.parse(text)
            else:
                parse = self.parser.parse(text)
                analysis = analyze(document, pipeline, parser=_Fixed(parse))
            base = Analysis(document)
            for layer in ("turns", "sentences", "boilerplate"):
                base.set_layer(layer, analysis.layer(layer))
            base.set_layer("entities", spacy_ner_baseline(base, parse))
            self._done[key] = (parse, analysis, base)
        return self._done[key]


def systems(prepared: Prepared) -> list[harness.System]:
    """Each predicts the analysis JSON on the seed, the attributions on PolNeAR."""
    def parley(item):
        _, analysis, _ = prepared(item)
        return analysis.to_json(include_text=False) if isinstance(item, dict) else analysis.layer("attributions")

    def spacy_ner_only(item):
        parse, _, base = prepared(item)
        attributions = find_attributions(base, parse)
        if not isinstance(item, dict):
            return attributions
        base.set_layer("attributions", attributions)
        return base.to_json(include_text=False)

    def textacy(item):
        parse, _, base = prepared(item)
        if not isinstance(item, dict):
            return textacy_attributions(parse)
        peer = base.to_json(include_text=False)
        peer["attributions"] = layer_to_json("attributions", textacy_attributions(parse))["attributions"]
        return peer

    def gold(item):
        if isinstance(item, dict):
            return item["gold"]
        return [SimpleNamespace(content_span=g["content"], source_span=g["source"]) for g in read_brat(item[1])]

    return [harness.System("parley", parley), harness.System("textacy", textacy, role="peer",
                                                             missing=textacy_available()),
            harness.System("spacy-ner-only", spacy_ner_only, role="baseline"),
            harness.nothing(miss), harness.System("gold", gold, role="ceiling", note="gold fed back")]


def miss(item: Any) -> Any:
    """What a system that finds nothing predicts on an item."""
    return {} if isinstance(item, dict) else []


def score(score_module: Any) -> Any:
    """Seed: the gold scorer; PolNeAR: the attribution tally."""
    def run(dataset: harness.Dataset, predictions: list[Any]) -> dict[str, float]:
        if dataset.name == "seed gold":
            res = score_module.score(dataset.items[0]["gold"], predictions[0])
            ents, attrs = res["entities"], res["attributions"]
            return {"ent_f1": ents["untyped"]["f1"], "identity_b3": ents["identity_b3"]["f1"],
                    "attr_f1": attrs["f1"], "attr_src_f1": attrs["with_source"]["f1"]}
        tally = AttributionTally()
        for (_, ann), pred in zip(dataset.items, predictions):
            tally.add(pred, read_brat(ann))
        return {"attr_f1": tally.f1(), "source_acc": tally.source_acc(), "gold": tally.gold, "pred": tally.pred,
                "matched": tally.matched}
    return run


def seed_time_ratio(shared: Path, parser: Any, repeats: int = 5) -> tuple[float, float]:
    """Best-of-``repeats`` analysis time (parse included) with and without the
    attribution layer, the two runs interleaved so that load from other
    processes falls on both alike."""
    text = (shared / "corpus" / f"{SEED}.txt").read_text(encoding="utf-8")
    document = Document(text=text, doc_id=SEED)
    pipelines = {"without": build_pipeline(only=LAYERS[:-1]), "with": build_pipeline(only=LAYERS)}
    times: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(repeats):
        for name, pipeline in pipelines.items():
            start = time.perf_counter()
            analyze(document, pipeline, parser=parser)
            times[name].append(time.perf_counter() - start)
    return min(times["with"]), min(times["without"])


def attribution_step_time(shared: Path, parser: Any, repeats: int = 5) -> float:
    """Best-of-``repeats`` time of the attribution step alone on the seed (parse
    and earlier layers made once), steadier than a difference of totals."""
    text = (shared / "corpus" / f"{SEED}.txt").read_text(encoding="utf-8")
    analysis = analyze(Document(text=text, doc_id=SEED), build_pipeline(only=LAYERS[:-1]), parser=parser)
    parse = parser.parse(text)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        find_attributions(analysis, parse)
        times.append(time.perf_counter() - start)
    return min(times)


class _Fixed:
    """A parser that hands back a parse already made (one parse per article)."""

    def __init__(self, parse: Any):
        self._parse = parse

    def parse(self, text: str) -> Any:
        return self._parse


# -- the run --------------------------------------------------------------------

MEASURES = [harness.Measure("ent_f1", "ent F1"), harness.Measure("identity_b3", "identity B3"),
            harness.Measure("attr_f1", "attr F1"), harness.Measure("attr_src_f1", "attr+src F1"),
            harness.Measure("source_acc", "source acc")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--polnear-split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--polnear-limit", type=int, default=None, help="first N articles only (a quick look)")
    ap.add_argument("--no-timing", action="store_true", help="skip the seed timing lines")
    harness.add_arguments(ap)
    args = ap.parse_args(argv)
    seed_gold = args.shared / "gold" / f"{SEED}.json"
    if not seed_gold.is_file():
        print(f"error: {args.shared} holds no seed gold; pass --shared", file=sys.stderr)
        return 2
    parser = Parser.shared()
    seed_text = args.shared / "corpus" / f"{SEED}.txt"
    seed = {"text": seed_text.read_text(encoding="utf-8"), "gold": json.loads(seed_gold.read_text(encoding="utf-8"))}
    split = args.polnear_split
    articles = polnear_files(args.shared, split)[:args.polnear_limit]
    bench = harness.Benchmark(
        "bench_who_said_what", systems(Prepared(parser)),
        [harness.Dataset("seed gold", [seed], [seed_gold, seed_text]),
         harness.Dataset(f"PolNeAR {split}", articles, [p for pair in articles for p in pair])],
        MEASURES, score(harness.gold_scorer(args.shared)), miss=miss, packages=("parley", "spacy", "textacy"),
        files=[args.shared / "gold" / "score.py"])
    report = harness.run(bench, argv)
    n = report.row(f"PolNeAR {split}", "parley").measures
    report.note(f"PolNeAR {split}: {n['gold']} gold relations in {len(articles)} articles; parley predicted "
                f"{n['pred']}, matched {n['matched']} (attr F1 there: content-span F1, IoU >= 0.5)")
    if not args.no_timing:
        with_attr, without_attr = seed_time_ratio(args.shared, parser)
        step = attribution_step_time(args.shared, parser)
        report.note(f"seed analysis time (parse+structure+entities, best of 5, interleaved): with attributions / "
                    f"without = {with_attr / without_attr:.2f} ({with_attr:.2f}s / {without_attr:.2f}s)",
                    with_seconds=with_attr, without_seconds=without_attr)
        report.note(f"attribution step alone (best of 5): {step:.3f}s, {step / without_attr:.3f} of the analysis "
                    f"without it (ratio with/without from the step: {(without_attr + step) / without_attr:.2f})",
                    step_seconds=step)
    report.note(f"model {parser.model}", model=parser.model)
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
