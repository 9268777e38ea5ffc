"""Who said what: Parley against its peers, measured in one run, one table.

    .venv/bin/python benchmarks/bench_who_said_what.py [--shared ../shared] [--polnear-split test]

Rows (systems):
  parley            structure + entities + attributions (the default layers)
  textacy           textacy.extract.triples.direct_quotations over the same
                    spaCy parse (direct quotes only; a chunk where it raises
                    counts as no output), entities from spaCy NER alone
  spacy-ner-only    spaCy's NER as the entity layer (``spacy_ner_baseline``),
                    with Parley's cues resolving sources through it
Columns:
  seed gold (../shared/gold/lavrov-kommersant-2025-10-15.json), scored with
  the gold scorer's own functions: entity mention F1, identity B-cubed F1,
  attribution F1 (content IoU >= 0.5), attribution F1 with the source right;
  PolNeAR (../shared/datasets/polnear-attribution, the test split, one
  annotation file per article): content-span overlap F1 (IoU >= 0.5; a
  content split by its cue counts its pieces only) and
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
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parley.analysers.attribution.analyser import find_attributions  # noqa: E402
from parley.analysers.entities.analyser import spacy_ner_baseline  # noqa: E402
from parley.document import Analysis, Document, Span  # noqa: E402
from parley.pipeline.parse import Parser  # noqa: E402
from parley.pipeline import analyze, build_pipeline  # noqa: E402
from parley.document.gold import layer_to_json  # noqa: E402
from parley.document.records import Attribution  # noqa: E402
from parley.nlp.references import slug  # noqa: E402

SEED = "lavrov-kommersant-2025-10-15"
LAYERS = ["structure", "entities", "attributions"]


def load_scorer(shared: Path) -> Any:
    spec = importlib.util.spec_from_file_location("gold_score", shared / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


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
            out.append(Attribution(slug(name), c, True, s, q))
    return out


# -- the seed ---------------------------------------------------------------------

def seed_rows(shared: Path, score: Any, parser: Any) -> dict[str, dict[str, float | str]]:
    text = (shared / "corpus" / f"{SEED}.txt").read_text(encoding="utf-8")
    gold = json.loads((shared / "gold" / f"{SEED}.json").read_text(encoding="utf-8"))
    document = Document(text=text, doc_id=SEED)
    rows: dict[str, dict[str, float | str]] = {}

    analysis = analyze(document, build_pipeline(only=LAYERS), parser=parser)
    rows["parley"] = _seed_scores(score, gold, analysis.to_json(include_text=False))

    parse = parser.parse(text)
    base = Analysis(document)
    base.set_layer("turns", analysis.layer("turns"))
    base.set_layer("sentences", analysis.layer("sentences"))
    base.set_layer("boilerplate", analysis.layer("boilerplate"))
    base.set_layer("entities", spacy_ner_baseline(base, parse))
    base.set_layer("attributions", find_attributions(base, parse))
    rows["spacy-ner-only"] = _seed_scores(score, gold, base.to_json(include_text=False))

    why = textacy_available()
    if why:
        rows["textacy"] = {"note": why}
    else:
        peer = base.to_json(include_text=False)
        peer["attributions"] = layer_to_json("attributions", textacy_attributions(parse))["attributions"]
        rows["textacy"] = _seed_scores(score, gold, peer)
    return rows


def _seed_scores(score: Any, gold: dict, pred: dict) -> dict[str, float | str]:
    res = score.score(gold, pred)
    ents, attrs = res["entities"], res["attributions"]
    return {"ent_f1": ents["untyped"]["f1"], "identity_b3": ents["identity_b3"]["f1"],
            "attr_f1": attrs["f1"], "attr_src_f1": attrs["with_source"]["f1"]}


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


# -- PolNeAR --------------------------------------------------------------------

def read_brat(path: Path) -> list[dict[str, Span | None]]:
    """PolNeAR relations of one .ann file: content, source and cue spans."""
    spans: dict[str, Span] = {}
    pieces_of: dict[str, tuple[Span, ...]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info = line.split("\t")[:2]
            _, ranges = info.split(" ", 1)
            pieces = [tuple(int(x) for x in r.split()) for r in ranges.split(";")]
            spans[tid] = Span(min(p[0] for p in pieces), max(p[1] for p in pieces))
            pieces_of[tid] = tuple(Span(a, b) for a, b in pieces)
        elif line.startswith("E"):
            parts = dict(p.split(":", 1) for p in line.split("\t")[1].split())
            relations.append(parts)
    out = []
    for rel in relations:
        if "Content" not in rel or rel["Content"] not in spans:
            continue
        out.append({"content": spans[rel["Content"]], "pieces": pieces_of[rel["Content"]],
                    "source": spans.get(rel.get("Source", "")), "cue": spans.get(rel.get("Cue", ""))})
    return out


def polnear_files(shared: Path, split: str) -> list[tuple[Path, Path]]:
    base = shared / "datasets" / "polnear-attribution" / "data" / split
    pairs = []
    for text in sorted((base / "text").glob("*.txt")):
        anns = sorted((base / "attributions").glob(text.stem + "_*.ann"))
        if anns:
            pairs.append((text, anns[0]))
    return pairs


def _iou(a: Span, b: Span | tuple[Span, ...]) -> float:
    """Characters shared over the longer side; a discontinuous gold content
    (a quotation split by its cue) counts only its pieces."""
    pieces = b if isinstance(b, tuple) and b and isinstance(b[0], Span) else (b,)
    inter = sum(max(0, min(a.end, p.end) - max(a.start, p.start)) for p in pieces)
    longer = max(len(a), sum(len(p) for p in pieces))
    return inter / longer if longer else 0.0


class Tally:
    def __init__(self) -> None:
        self.pred = self.gold = self.matched = self.with_source = self.source_right = 0

    def add(self, pred: list[Attribution], gold: list[dict]) -> None:
        self.pred += len(pred)
        self.gold += len(gold)
        used: set[int] = set()
        for p in pred:
            best, best_iou = None, 0.5
            for j, g in enumerate(gold):
                if j not in used and _iou(p.content_span, g["pieces"]) >= best_iou:
                    best, best_iou = j, _iou(p.content_span, g["pieces"])
            if best is None:
                continue
            used.add(best)
            self.matched += 1
            if gold[best]["source"] is not None:
                self.with_source += 1
                if p.source_span is not None and p.source_span.overlaps(gold[best]["source"]):
                    self.source_right += 1

    def f1(self) -> float:
        p = self.matched / self.pred if self.pred else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def source_acc(self) -> float:
        return self.source_right / self.with_source if self.with_source else 0.0


def polnear_rows(shared: Path, parser: Any, split: str, limit: int | None) -> dict[str, Tally]:
    tallies = {"parley": Tally(), "spacy-ner-only": Tally(), "textacy": Tally()}
    use_textacy = textacy_available() is None
    pipeline = build_pipeline(only=LAYERS)
    for text_path, ann_path in polnear_files(shared, split)[:limit]:
        text = text_path.read_text(encoding="utf-8")
        gold = read_brat(ann_path)
        document = Document(text=text, doc_id=text_path.stem)
        parse = parser.parse(text)
        analysis = analyze(document, pipeline, parser=_Fixed(parse))
        tallies["parley"].add(analysis.layer("attributions"), gold)
        base = Analysis(document)
        for layer in ("turns", "sentences", "boilerplate"):
            base.set_layer(layer, analysis.layer(layer))
        base.set_layer("entities", spacy_ner_baseline(base, parse))
        tallies["spacy-ner-only"].add(find_attributions(base, parse), gold)
        if use_textacy:
            tallies["textacy"].add(textacy_attributions(parse), gold)
    return tallies


class _Fixed:
    """A parser that hands back a parse already made (one parse per article)."""

    def __init__(self, parse: Any):
        self._parse = parse

    def parse(self, text: str) -> Any:
        return self._parse


# -- the table ------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--polnear-split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--polnear-limit", type=int, default=None, help="first N articles only (a quick look)")
    args = ap.parse_args(argv)
    if not (args.shared / "gold" / f"{SEED}.json").is_file():
        print(f"error: {args.shared} holds no seed gold; pass --shared", file=sys.stderr)
        return 2
    score = load_scorer(args.shared)
    parser = Parser.shared()
    seed = seed_rows(args.shared, score, parser)
    polnear = polnear_rows(args.shared, parser, args.polnear_split, args.polnear_limit)
    with_attr, without_attr = seed_time_ratio(args.shared, parser)
    step = attribution_step_time(args.shared, parser)

    split = args.polnear_split
    header = ("system", "seed ent F1", "seed identity B3", "seed attr F1", "seed attr+src F1",
              f"PolNeAR {split} content F1", f"PolNeAR {split} source acc")
    rows = []
    for name in ("parley", "textacy", "spacy-ner-only"):
        s, p = seed[name], polnear[name]
        if "note" in s:
            rows.append((name, s["note"], "", "", "", "", ""))
            continue
        rows.append((name, f"{s['ent_f1']:.3f}", f"{s['identity_b3']:.3f}", f"{s['attr_f1']:.3f}",
                     f"{s['attr_src_f1']:.3f}", f"{p.f1():.3f}", f"{p.source_acc():.3f}"))
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    n = polnear["parley"]
    print(f"\nPolNeAR {split}: {n.gold} gold relations in {len(polnear_files(args.shared, split)[:args.polnear_limit])}"
          f" articles; parley predicted {n.pred}, matched {n.matched}")
    print(f"seed analysis time (parse+structure+entities, best of 5, interleaved): with attributions / without = "
          f"{with_attr / without_attr:.2f} ({with_attr:.2f}s / {without_attr:.2f}s)")
    print(f"attribution step alone (best of 5): {step:.3f}s, {step / without_attr:.3f} of the analysis without it"
          f" (ratio with/without from the step: {(without_attr + step) / without_attr:.2f})")
    versions = [f"spacy {__import__('spacy').__version__}", f"model {parser.model}"]
    if textacy_available() is None:
        versions.append(f"textacy {__import__('textacy').__version__}")
    print("versions: " + ", ".join(versions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
