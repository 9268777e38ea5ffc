"""Answers: does each answer address its question (clarity and evasion).

Every question turn is paired with the answer turns that follow it, up to the
next question. Each pair gets two labels, each from a mix of two small linear
heads: one over MiniLM sentence embeddings (``parley.models.encoder``, the ``models``
extra) and a few surface cues (``data/answer_cues.json``), one over the
answer's word n-grams (``parley.analysers.answers.ngrams``):

- clarity, the three QEvasion classes: Clear Reply, Ambivalent, Clear Non-Reply;
- evasion, the nine QEvasion labels (Explicit, Implicit, Dodging, ...).

The heads (``parley.models.heads.Head``) are trained on the QEvasion train
split by ``scripts/train_answers.py`` and stored in ``data/answers_heads.npz``
in the one model file layout. When the
fine-tuned encoder ``data/answers.adapter.npz`` (``parley.models.adapters``)
is installed, its probabilities are mixed with the heads'. Data, figures and
limits are in ``docs/models/answers.md``. Without the extra the
analyser reports itself unavailable (E400) and everything else runs.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from parley.document import Analysis
from parley.document.records import Answer, Turn
from parley.errors import ModelUnavailable
from parley.models import adapters
from parley.models.heads import Head, mix_probabilities, read_heads, softmax
from parley.nlp.sentences import LOOSE, pieces
from parley.pipeline.registry import analyser
from parley.render.table import Cell, Rows, section

DATA = Path(__file__).resolve().parent / "data"
HEADS_PATH = DATA / "answers_heads.npz"
CUES_PATH = DATA / "answer_cues.json"
ADAPTER = "answers"  # the fine-tuned encoder, mixed with the heads when installed (parley.models.adapters)
FEATURES_VERSION = "answers-features-2"
WINDOW_WORDS = 100  # an answer is embedded in windows of whole sentences up to this many words
MAX_WINDOWS = 6
CLARITY = ("Clear Reply", "Ambivalent", "Clear Non-Reply")
EVASION = ("Explicit", "Implicit", "Dodging", "Deflection", "Partial/half-answer", "General",
           "Declining to answer", "Claims ignorance", "Clarification")
# QEvasion's taxonomy: each evasion label sits under one clarity class.
EVASION_TO_CLARITY = {
    "Explicit": "Clear Reply",
    "Implicit": "Ambivalent", "Dodging": "Ambivalent", "Deflection": "Ambivalent",
    "Partial/half-answer": "Ambivalent", "General": "Ambivalent",
    "Declining to answer": "Clear Non-Reply", "Claims ignorance": "Clear Non-Reply",
    "Clarification": "Clear Non-Reply",
}
_YES_NO_START = re.compile(r"^\W*(is|are|was|were|do|does|did|will|would|can|could|should|shall|have|has|had|may|might|must)\b", re.I)

Embedder = Callable[[list[str]], Any]


def split_windows(text: str, words: int = WINDOW_WORDS, limit: int = MAX_WINDOWS) -> list[str]:
    """The answer cut into windows of whole sentences of about ``words`` words."""
    windows: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in pieces(" ".join(text.split()), LOOSE):
        n = len(sentence.split())
        if current and count + n > words:
            windows.append(" ".join(current))
            current, count = [], 0
            if len(windows) == limit:
                return windows
        current.append(sentence)
        count += n
    if current and any(s.strip() for s in current):
        windows.append(" ".join(current))
    return windows[:limit]


@lru_cache(maxsize=2)
def load_cues(path: str = str(CUES_PATH)) -> dict[str, tuple[str, ...]]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ModelUnavailable(f"the answer cue table {path} cannot be read: {e}") from e
    return {k: tuple(v) for k, v in data.items() if not k.startswith("_")}


def cue_features(question: str, answer: str) -> list[float]:
    """Counts of the cue table's phrases, and the shape of the question and answer."""
    cues = load_cues()
    low = " ".join(answer.lower().replace("’", "'").split())
    opening = " ".join(low.split()[:6])
    out = [float(any(opening.startswith(p) for p in cues.get("opening_yes_no", ())))]
    for name, phrases in cues.items():
        if name != "opening_yes_no":
            out.append(math.log1p(sum(low.count(p) for p in phrases)))
    q = question.strip()
    out += [
        float(bool(_YES_NO_START.match(q))),
        float(" or " in q.lower()),
        math.log1p(q.count("?")),
        math.log1p(answer.count("?")),
        math.log1p(len(answer.split())),
        math.log1p(len(q.split())),
    ]
    return out


def pair_features(pairs: Sequence[tuple[str, str]], embed: Embedder) -> Any:
    """One feature row per (question, answer): embeddings, similarities, cues."""
    import numpy as np

    windows = [split_windows(a) for _, a in pairs]
    texts = sorted({q for q, _ in pairs if q.strip()} | {w for ws in windows for w in ws})
    vectors = dict(zip(texts, embed(texts))) if texts else {}
    dim = len(next(iter(vectors.values()))) if vectors else 384
    zero = np.zeros(dim, dtype=np.float32)
    rows = []
    for (question, answer), ws in zip(pairs, windows):
        qv = vectors.get(question, zero)
        W = np.stack([vectors[w] for w in ws]) if ws else zero[None, :]
        mean = W.mean(0)
        mean = mean / max(float(np.linalg.norm(mean)), 1e-9)
        sims = W @ qv
        best = W[int(np.argmax(sims))]
        scalars = [float(sims.max()), float(sims.mean()), float(sims[0]), float(mean @ qv), float(len(ws))]
        rows.append(np.concatenate([qv, W[0], mean, qv * mean, qv * best,
                                    np.asarray(scalars + cue_features(question, answer), dtype=np.float32)]))
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 5 * dim + 5), dtype=np.float32)


def mixed_proba(parts: Sequence[tuple[Head, Any]]) -> Any:
    """Softmax of the weighted sum of the heads' log-probabilities plus their offsets."""
    z = sum(head.mix_weight * head.log_probabilities(x) + (0.0 if head.offset is None else head.offset)
            for head, x in parts)
    return softmax(z)


@lru_cache(maxsize=2)
def load_heads(path: str = str(HEADS_PATH)) -> dict[str, Any]:
    """The heads stored by scripts/train_answers.py (``parley.models.heads``
    layout): ``clarity`` and ``evasion`` over the pair features and, when
    present, ``clarity_ngram`` and ``evasion_ngram`` over the answer's n-grams
    with their ``ngrams`` vectoriser. E401 when missing or malformed."""
    from parley.analysers.answers.ngrams import NgramVectoriser

    meta, heads, others = read_heads(path, "the answer heads", "run scripts/train_answers.py")
    version = meta.get("features_version")
    if version != FEATURES_VERSION:
        raise ModelUnavailable(f"the answer heads in {path} were trained on features '{version}', "
                               f"this code makes '{FEATURES_VERSION}'; rerun scripts/train_answers.py", code="E401")
    out: dict[str, Any] = dict(heads)
    if NgramVectoriser.has_arrays(others):
        out["ngrams"] = NgramVectoriser.from_arrays(others)
    return out


def predict(pairs: Sequence[tuple[str, str]], embed: Embedder | None = None,
            heads: dict[str, Any] | None = None, adapter: bool | None = None) -> list[tuple[str, float, str, float]]:
    """(clarity, its probability, evasion, its probability given the clarity)
    for each pair (``consistent_labels``).

    The heads over frozen embeddings score every pair; with the fine-tuned
    adapter (``adapter``: default, when it is installed) their probabilities
    are mixed with the adapter's, per task, by the adapter's weight in its meta
    (``adapter_weight``, chosen on held-out training interviews by
    scripts/finetune_decoding.py; absent: the adapter alone)."""
    if not pairs:
        return []
    if embed is None:
        from parley.models.encoder import embed
    heads = heads or load_heads()
    X = pair_features(pairs, embed)
    T = heads["ngrams"].transform([a for _, a in pairs]) if "ngrams" in heads else None
    probs = {name: mixed_proba([(heads[name], X)] + ([(heads[f"{name}_ngram"], T)] if f"{name}_ngram" in heads else []))
             for name in ("clarity", "evasion")}
    if adapters.installed(ADAPTER, DATA) if adapter is None else adapter:
        fine_tuned = adapters.load(ADAPTER, DATA)
        own = adapter_probabilities(fine_tuned, pairs, {name: heads[name].classes for name in probs})
        weights = fine_tuned.meta.get("adapter_weight", {})
        for name in probs:
            probs[name] = mix_probabilities(probs[name], own[name], float(weights.get(name, 1.0)))
    return consistent_labels(probs["clarity"], heads["clarity"].classes, probs["evasion"], heads["evasion"].classes)


def adapter_probabilities(fine_tuned: Any, pairs: Sequence[tuple[str, str]],
                          classes: dict[str, Sequence[str]]) -> dict[str, Any]:
    """Per task in ``classes``, the fine-tuned adapter's probabilities for
    each (question, answer) pair, columns in the order of ``classes[task]``."""
    logits = fine_tuned.classify([q for q, _ in pairs], [a for _, a in pairs])
    out = {}
    for name, wanted in classes.items():
        outputs = list(fine_tuned.meta["outputs"][name])
        out[name] = softmax(logits[name])[:, [outputs.index(label) for label in wanted]]
    return out


def consistent_labels(clarity_probs: Any, clarity_classes: Sequence[str], evasion_probs: Any,
                      evasion_classes: Sequence[str]) -> list[tuple[str, float, str, float]]:
    """(clarity, its probability, evasion, its probability given the clarity)
    per row: the most probable clarity, then the most probable evasion label
    among those QEvasion places under it, so that the two never contradict
    each other (no "Ambivalent" answer labelled "Explicit")."""
    import numpy as np

    under = {c: np.asarray([EVASION_TO_CLARITY[e] == c for e in evasion_classes]) for c in clarity_classes}
    out = []
    for c_row, e_row in zip(clarity_probs, evasion_probs):
        ci = int(c_row.argmax())
        allowed = np.where(under[clarity_classes[ci]], e_row, 0.0)
        ei = int(allowed.argmax())
        out.append((clarity_classes[ci], float(c_row[ci]), evasion_classes[ei],
                    float(allowed[ei] / max(float(allowed.sum()), 1e-12))))
    return out


def pair_turns(turns: Sequence[Turn]) -> list[tuple[int, int]]:
    """(question turn, answer turn) for each answer that follows a question."""
    pairs = []
    question = None
    for i, turn in enumerate(turns):
        if turn.kind == "question":
            question = i
        elif turn.kind == "answer" and question is not None:
            pairs.append((question, i))
    return pairs


def check() -> str | None:
    from parley.models.encoder import available

    reason = available()
    if reason:
        return reason
    if not HEADS_PATH.is_file():
        return f"the answer heads {HEADS_PATH.name} are missing; run scripts/train_answers.py"
    return None


def _body(analysis: Analysis, turn: Turn) -> str:
    span = turn.body_span or turn.span
    return analysis.text[span.start:span.end]


@analyser("answers", version="1", requires=("turns",), assigns=("answers",), order=80, check=check)
def analyse_answers(analysis: Analysis, parse: Any, config: Any) -> dict[str, list[Answer]]:
    turns = analysis.layer("turns")
    index = pair_turns(turns)
    labels = predict([(_body(analysis, turns[q]), _body(analysis, turns[a])) for q, a in index])
    records = [
        Answer(question_turn=q, answer_turn=a, clarity=c, evasion=e,
               clarity_score=round(cs, 3), evasion_score=round(es, 3))
        for (q, a), (c, cs, e, es) in zip(index, labels)
    ]
    return {"answers": records}


def answered_share(analysis: Analysis) -> tuple[int, int]:
    """(questions with a Clear Reply, questions with an answer)."""
    by_question: dict[int, bool] = {}
    for r in analysis.layer("answers"):
        by_question[r.question_turn] = by_question.get(r.question_turn, False) or r.clarity == "Clear Reply"
    return sum(by_question.values()), len(by_question)


@section("answers", "Answers", ("answers",), order=80)
def answers_rows(analysis: Analysis) -> Rows:
    """Per answer: the question (linked), clarity and evasion; the share answered last."""
    turns = analysis.layer("turns")
    rows: list[tuple[Any, ...]] = []
    for r in analysis.layer("answers"):
        if not (0 <= r.question_turn < len(turns) and 0 <= r.answer_turn < len(turns)):
            continue
        q = turns[r.question_turn]
        span = q.body_span or q.span
        excerpt = " ".join(analysis.text[span.start:span.end].split())
        excerpt = excerpt if len(excerpt) <= 120 else excerpt[:119] + "…"
        who = turns[r.answer_turn].speaker_name or turns[r.answer_turn].speaker
        rows.append((Cell(excerpt, span), who, f"{r.clarity} ({r.clarity_score:.2f})",
                     f"{r.evasion} ({r.evasion_score:.2f})" if r.evasion else ""))
    clear, total = answered_share(analysis)
    if total:
        rows.append(("share of questions answered (Clear Reply)", "", f"{clear}/{total} = {clear / total:.0%}", ""))
    return ("question", "answered by", "clarity", "evasion"), rows
