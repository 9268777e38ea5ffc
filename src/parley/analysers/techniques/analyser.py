"""Persuasion techniques: spans and labels in two taxonomies (``techniques``).

Per taxonomy, a span model marks the word pieces inside a technique and a
label model names the technique of each run of marked pieces. Each model is a
fine-tuned adapter of the MiniLM encoder when one is installed
(``parley.models.adapters``: ``<taxonomy>-spans.adapter.npz``, ``-labels.adapter.npz``),
else a small head over the shared frozen encoder's token vectors, computed
once per document for all such heads (``parley.analysers.techniques.features``). Both
need the ``models`` extra. Taxonomies:

- ``semeval2020``: SemEval-2020 Task 11, 14 labels (trained on PTC train);
- ``semeval2023``: SemEval-2023 Task 3 / CheckThat! 2024, 23 labels.

Models live in ``data/`` with model cards in ``docs/models``.
Without the extra the analyser is reported unavailable and nothing else
changes. Options (``--option techniques.KEY=VALUE``): ``taxonomies`` (a list,
default the trained ones), ``min_score`` (drop records scoring below it;
default the taxonomy's precision-first operating point, ``OPERATING_POINT``)
and ``all`` (true: keep every span, whatever its score).

The operating points were chosen on held-out *training* articles by
``benchmarks/techniques_operating_point.py``: the lowest score at which span
precision there reaches 0.60 with 20 spans left (``semeval2023``: 0.79, on 53
SemEval-2023 held-out articles; ``semeval2020``: 0.34, on all 37 PTC
held-out articles). PTC dev precision and recall at the point are in
docs/models/techniques-2020.md.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from typing import Any

from parley.analysers.techniques.features import (
    MODELS_DIR, TokenTable, adapter_label_probabilities, adapter_spans, decode_head, encode,
    head_span_features, load_head, segments
)
from parley.document import Analysis, Span
from parley.document.records import Technique
from parley.errors import ModelUnavailable
from parley.models import adapters, encoder
from parley.models.heads import Head, mix_probabilities
from parley.pipeline.registry import Option, analyser
from parley.render.table import Cell, highlighter, section

TAXONOMIES = ("semeval2020", "semeval2023")
VERSION = "2"
# Per taxonomy, the default min_score: the precision-first operating point.
OPERATING_POINT = {"semeval2020": 0.34, "semeval2023": 0.79}
_TABLE = MODELS_DIR / "techniques.json"


def check() -> str | None:
    """Why the analyser cannot run (the models extra or a head missing), else None."""
    reason = encoder.available()
    if reason:
        return reason
    if not trained_taxonomies():
        return f"no technique heads in {MODELS_DIR} (train them with scripts/train_techniques.py)"
    return None


def trained_taxonomies() -> tuple[str, ...]:
    """The taxonomies with a span model and a label model installed (each a
    fine-tuned adapter or a head over the frozen encoder)."""
    return tuple(t for t in TAXONOMIES
                 if all(adapters.installed(f"{t}-{k}", MODELS_DIR) or (MODELS_DIR / f"{t}-{k}.npz").is_file()
                        for k in ("spans", "labels")))


@lru_cache(maxsize=None)
def heads(taxonomy: str) -> tuple[Head, Head]:
    if taxonomy not in TAXONOMIES:
        raise ModelUnavailable(f"unknown technique taxonomy '{taxonomy}' (known: {', '.join(TAXONOMIES)})")
    return load_head(f"{taxonomy}-spans"), load_head(f"{taxonomy}-labels")


@lru_cache(maxsize=1)
def label_table() -> dict[str, dict[str, list[str]]]:
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def readable(taxonomy: str, label: str) -> str:
    entry = label_table().get(taxonomy, {}).get(label)
    return entry[0] if entry else label.replace("_", " ")


def sentence_segments(analysis: Analysis) -> list[Span]:
    """The spans to encode: sentences inside turns (all sentences when no turn
    exists), each cut into lines and encoder-sized pieces."""
    sentences = analysis.layer("sentences")
    if any(s.turn is not None for s in sentences):
        sentences = [s for s in sentences if s.turn is not None]
    text = analysis.text
    out: list[Span] = []
    for sentence in sentences:
        for piece in segments(text[sentence.span.start:sentence.span.end]):
            out.append(piece.shift(sentence.span.start))
    return out


def find_techniques(text: str, spans: list[Span], taxonomies: tuple[str, ...] = TAXONOMIES,
                    min_score: float | dict[str, float] = 0.0) -> list[Technique]:
    """Technique records for ``spans`` of ``text`` (sentences), in text order;
    ``min_score`` is one cut for every taxonomy or one per taxonomy."""
    frozen: list[TokenTable] = []  # the frozen encoder's table, made once if a head needs it

    def table() -> TokenTable:
        if not frozen:
            frozen.append(encode(text, spans))
        return frozen[0]

    records: list[Technique] = []
    for taxonomy in taxonomies:
        found = find_spans(taxonomy, text, spans, table)
        if not found:
            continue
        labels, probs = label_probabilities(taxonomy, text, spans, [s for s, _ in found], table)
        for (span, span_score), row in zip(found, probs):
            k = int(row.argmax())
            score = round(float(span_score * row[k]), 3)
            cut = min_score.get(taxonomy, 0.0) if isinstance(min_score, dict) else min_score
            if score >= cut:
                records.append(Technique(span, labels[k], taxonomy, score, confidence=score))
    records.sort(key=lambda r: (r.span.start, r.span.end, r.taxonomy))
    return records


def find_spans(taxonomy: str, text: str, spans: list[Span], table: Any) -> list[tuple[Span, float]]:
    """(span, score) of the technique spans in ``spans`` of ``text``: the
    fine-tuned tagger when installed, else the head over the frozen encoder
    (``table()`` gives its token table)."""
    import numpy as np

    if adapters.installed(f"{taxonomy}-spans", MODELS_DIR):
        return adapter_spans(adapters.load(f"{taxonomy}-spans", MODELS_DIR), text, spans, np)
    return decode_head(table(), heads(taxonomy)[0], np)


def label_probabilities(taxonomy: str, text: str, segments_: list[Span], found: list[Span],
                        table: Any) -> tuple[list[str], Any]:
    """The technique labels and, per span in ``found``, their probabilities.

    With a fine-tuned label adapter installed, its probabilities are mixed
    with the frozen-encoder head's by the weight in the adapter's meta
    (``frozen_head_weight``, chosen on held-out training articles by
    scripts/finetune_decoding.py; 0 or absent: the adapter alone)."""
    import numpy as np

    def frozen_head() -> tuple[list[str], Any]:
        head = heads(taxonomy)[1]
        return list(head.classes), head.probabilities(head_span_features(head, table(), text, found, np))

    if not adapters.installed(f"{taxonomy}-labels", MODELS_DIR):
        return frozen_head()
    adapter = adapters.load(f"{taxonomy}-labels", MODELS_DIR)
    labels = list(adapter.meta["outputs"]["label"])
    probs = adapter_label_probabilities(adapter, text, segments_, found)
    weight = float(adapter.meta.get("frozen_head_weight", 0.0))
    if weight > 0.0:
        head_labels, head_probs = frozen_head()
        probs = mix_probabilities(probs, head_probs[:, [head_labels.index(label) for label in labels]], weight)
    return labels, probs


@analyser("techniques", version=VERSION, requires=("sentences",), assigns=("techniques",), order=60, check=check,
          options={"taxonomies": Option(None, tuple, "taxonomies to run (default: every trained one)"),
                   "min_score": Option(None, float, "drop records scoring below this "
                                       "(default: each taxonomy's precision-first operating point)"),
                   "all": Option(False, bool, "keep every span whatever its score (overrides min_score)")})
def analyse_techniques(analysis: Analysis, parse: Any, config: Any) -> dict[str, list[Technique]]:
    taxonomies = config.option("techniques", "taxonomies")
    taxonomies = trained_taxonomies() if taxonomies is None else taxonomies
    min_score = config.option("techniques", "min_score")
    if config.option("techniques", "all"):
        min_score = 0.0
    elif min_score is None:
        min_score = dict(OPERATING_POINT)
    return {"techniques": find_techniques(analysis.text, sentence_segments(analysis), taxonomies, min_score)}


def technique_counts(analysis: Analysis) -> dict[str, Counter]:
    """Per taxonomy, how many spans carry each technique (the document summary)."""
    out: dict[str, Counter] = {}
    for record in analysis.layer("techniques"):
        out.setdefault(record.taxonomy, Counter())[record.label] += 1
    return out


@highlighter("techniques")
def highlight(analysis: Analysis, record: Technique) -> list[tuple[Span, str, str]]:
    year = "2020" if record.taxonomy == "semeval2020" else "2023"
    name = readable(record.taxonomy, record.label)
    gloss = label_table().get(record.taxonomy, {}).get(record.label, ["", ""])[1]
    return [(record.span, f"{name} ({year})", f"{name}: {gloss} [{record.taxonomy}]")]


@section("techniques", "Persuasion techniques", ("techniques",), order=60)
def technique_summary(analysis: Analysis):
    rows = []
    for taxonomy, counts in sorted(technique_counts(analysis).items()):
        firsts: dict[str, Technique] = {}
        for record in analysis.layer("techniques"):
            if record.taxonomy == taxonomy:
                firsts.setdefault(record.label, record)
        for label, count in counts.most_common():
            first = firsts[label]
            excerpt = " ".join(analysis.text[first.span.start:first.span.end].split())
            rows.append((taxonomy, readable(taxonomy, label), count, Cell(_clip(excerpt), first.span)))
    return ("Taxonomy", "Technique", "Spans", "First span"), rows


@section("technique-spans", "Persuasion technique spans", ("techniques",), order=61, terminal_limit=15)
def technique_spans(analysis: Analysis):
    rows = []
    for record in analysis.layer("techniques"):
        excerpt = " ".join(analysis.text[record.span.start:record.span.end].split())
        rows.append((Cell(_clip(excerpt), record.span), readable(record.taxonomy, record.label),
                     record.taxonomy, f"{record.score:.2f}"))
    return ("Span", "Technique", "Taxonomy", "Score"), rows


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"
