"""Features and heads for persuasion techniques, shared by analyser and training.

A text is cut into segments (sentences); each segment goes through the MiniLM
encoder once, giving contextual token vectors with character offsets
(``TokenTable``). Two small heads read them:

- the *span head* scores every token "inside a persuasion span or not" from
  the token's vector and its segment's mean vector; runs of tokens above a
  threshold become spans (``decode_spans``);
- the *label head* classifies a span from the mean of its tokens' vectors,
  its segment's mean vector and a few surface counts (length, how often the
  same words recur in the document: the signal of *Repetition*).

Heads are small MLPs (``parley.models.heads.Head``) stored in this folder's
``data/`` in the one model file layout and run in numpy;
``scripts/train_techniques.py`` trains them. Everything here needs the
``models`` extra only through ``encode``.
"""
from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from parley.document import Span
from parley.models.heads import Head, read_head, softmax
from parley.nlp.sentences import QUOTED, ends

MODELS_DIR = Path(__file__).resolve().parent / "data"
MAX_SEGMENT_WORDS = 120  # well under the encoder's 256 word pieces
_WORDS = re.compile(r"\S+")


def segments(text: str) -> list[Span]:
    """Sentence-like segments of ``text``: its lines, split at sentence ends
    (``nlp.sentences.QUOTED``: a closing quotation mark ends one too).

    Used to train (the PTC texts are one sentence per line) and as a fallback
    when no sentences layer is given. Pieces longer than MAX_SEGMENT_WORDS
    words are cut at word boundaries.
    """
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        cuts = [start] + [start + e.next for e in ends(line, rule=QUOTED)] + [start + len(line)]
        for a, b in zip(cuts, cuts[1:]):
            out.extend(_cap_words(text, a, b))
    return out


def _cap_words(text: str, start: int, end: int) -> list[Span]:
    words = [m.span() for m in _WORDS.finditer(text, start, end)]
    pieces = []
    for i in range(0, len(words), MAX_SEGMENT_WORDS):
        chunk = words[i:i + MAX_SEGMENT_WORDS]
        pieces.append(Span(chunk[0][0], chunk[-1][1]))
    return pieces


@dataclass
class TokenTable:
    """Every encoded token of one text, in text order."""

    vectors: Any  # float32 (n, 384)
    offsets: Any  # int64 (n, 2), absolute [start, end) into the text
    segment: Any  # int64 (n,), index into ``segment_spans``
    segment_spans: list[Span]
    segment_means: Any  # float32 (n_segments, 384)


def encode(text: str, spans: Sequence[Span]) -> TokenTable:
    """Run the encoder over ``spans`` of ``text`` (raises E400 without the extra)."""
    import numpy as np

    from parley.models import encoder
    spans = [s for s in spans if text[s.start:s.end].strip()]
    tables = encoder.token_embeddings([text[s.start:s.end] for s in spans])
    return assemble(spans, [(t.vectors, t.offsets) for t in tables], np)


def assemble(spans: Sequence[Span], per_segment: Sequence[tuple[Any, Any]], np: Any) -> TokenTable:
    """A TokenTable from per-segment (vectors, relative offsets)."""
    vecs, offs, segs, means = [], [], [], []
    for i, (span, (v, o)) in enumerate(zip(spans, per_segment)):
        v = np.asarray(v, dtype=np.float32)
        vecs.append(v)
        offs.append(np.asarray(o, dtype=np.int64).reshape(-1, 2) + span.start)
        segs.append(np.full(len(v), i, dtype=np.int64))
        means.append(v.mean(0) if len(v) else np.zeros(v.shape[1] if v.ndim == 2 else 384, np.float32))
    if not vecs:
        return TokenTable(np.zeros((0, 384), np.float32), np.zeros((0, 2), np.int64),
                          np.zeros(0, np.int64), [], np.zeros((0, 384), np.float32))
    return TokenTable(np.concatenate(vecs), np.concatenate(offs), np.concatenate(segs),
                      list(spans), np.stack(means).astype(np.float32))


def token_features(table: TokenTable, np: Any, context: bool = False) -> Any:
    """Per token: its vector and its segment's mean vector (n, 768); with
    ``context``, also the previous and next token's vectors in its segment
    (zeros at the edges), in the order [token, previous, next, segment] (n, 1536)."""
    if not context:
        return np.concatenate([table.vectors, table.segment_means[table.segment]], axis=1)
    v, seg = table.vectors, table.segment
    prev, nxt = np.zeros_like(v), np.zeros_like(v)
    same = seg[1:] == seg[:-1]
    prev[1:][same] = v[:-1][same]
    nxt[:-1][same] = v[1:][same]
    return np.concatenate([v, prev, nxt, table.segment_means[seg]], axis=1)


SURFACE_FEATURES = 6
LEXICAL_BUCKETS = 1024
SPAN_BLOCKS = ("mean", "segment", "surface")  # what a label head without "span_blocks" in its meta reads
_LEXICAL_WORD = re.compile(r"[a-z0-9']+")


def head_span_features(head: Head, table: TokenTable, text: str, spans: Sequence[Span], np: Any) -> Any:
    """``span_features`` with the blocks a label head was trained on (its meta)."""
    return span_features(table, text, spans, np, tuple(head.meta.get("span_blocks", SPAN_BLOCKS)))


def span_features(table: TokenTable, text: str, spans: Sequence[Span], np: Any,
                  blocks: Sequence[str] = SPAN_BLOCKS) -> Any:
    """Per span, the concatenation of ``blocks``, in the order given:

    - ``mean`` / ``max``: mean / elementwise max of the span's token vectors;
    - ``segment``: its segment's mean vector;
    - ``context``: mean vectors of up to 3 tokens left, then right, in its segment;
    - ``surface``: 6 counts (length in characters and words, how often the
      phrase recurs in the document, ``!``, ``?``, capitalised share);
    - ``repeat``: share of its content words (> 3 letters) occurring twice or
      more in the document, their mean log count, quote mark, capital start;
    - ``lexical``: its lowercased words and word pairs hashed (CRC32) into
      LEXICAL_BUCKETS 0/1 indicators;
    - ``alone``: the span's text encoded on its own (``encoder.embed``, 384;
      needs the ``models`` extra, E400 without it).
    """
    starts, ends = table.offsets[:, 0], table.offsets[:, 1]
    lowered = text.lower()
    dim = table.vectors.shape[1] if table.vectors.ndim == 2 else 384
    counts: dict[str, int] = {}
    if "repeat" in blocks:
        for word in _LEXICAL_WORD.findall(lowered):
            counts[word] = counts.get(word, 0) + 1
    alone = None
    if "alone" in blocks and spans:
        from parley.models import encoder
        alone = encoder.embed([text[s.start:s.end] for s in spans])
    rows = []
    for k, span in enumerate(spans):
        inside = np.nonzero((starts < span.end) & (ends > span.start))[0]
        zero = np.zeros(dim, np.float32)
        parts = {}
        if len(inside):
            vectors = table.vectors[inside]
            parts["mean"], parts["max"] = vectors.mean(0), vectors.max(0)
            seg = table.segment[inside[0]]
            parts["segment"] = table.segment_means[seg]
            in_seg = np.nonzero(table.segment == seg)[0]
            left, right = in_seg[in_seg < inside[0]][-3:], in_seg[in_seg > inside[-1]][:3]
            parts["context"] = np.concatenate([table.vectors[left].mean(0) if len(left) else zero,
                                               table.vectors[right].mean(0) if len(right) else zero])
        else:
            parts.update(mean=zero, max=zero, segment=zero, context=np.concatenate([zero, zero]))
        piece = text[span.start:span.end]
        words = piece.split()
        phrase = piece.strip().lower()
        repeats = lowered.count(phrase) - 1 if len(phrase) >= 3 else 0
        caps = sum(1 for w in words if w[:1].isupper()) / max(1, len(words))
        parts["surface"] = np.asarray([
            math.log1p(len(span)), math.log1p(len(words)), math.log1p(max(0, repeats)),
            1.0 if "!" in phrase else 0.0, 1.0 if "?" in phrase else 0.0, caps], np.float32)
        tokens = _LEXICAL_WORD.findall(phrase)
        if "repeat" in blocks:
            content = [t for t in tokens if len(t) > 3]
            parts["repeat"] = np.asarray([
                sum(1 for t in content if counts.get(t, 0) >= 2) / max(1, len(content)),
                sum(math.log(counts.get(t, 1)) for t in content) / max(1, len(content)),
                1.0 if '"' in piece or "\u201c" in piece else 0.0,
                1.0 if piece[:1].isupper() else 0.0], np.float32)
        if "lexical" in blocks:
            lexical = np.zeros(LEXICAL_BUCKETS, np.float32)
            for gram in set(tokens) | {a + " " + b for a, b in zip(tokens, tokens[1:])}:
                lexical[zlib.crc32(gram.encode("utf-8")) % LEXICAL_BUCKETS] = 1.0
            parts["lexical"] = lexical
        if alone is not None:
            parts["alone"] = alone[k]
        rows.append(np.concatenate([parts[b] for b in blocks]))
    if not rows:
        width = {"mean": dim, "max": dim, "segment": dim, "context": 2 * dim, "surface": SURFACE_FEATURES,
                 "repeat": 4, "lexical": LEXICAL_BUCKETS, "alone": 384}
        return np.zeros((0, sum(width[b] for b in blocks)), np.float32)
    return np.stack(rows).astype(np.float32)


def decode_head(table: TokenTable, head: Head, np: Any) -> list[tuple[Span, float]]:
    """The spans a span head finds in ``table``, with the decoding settings in its meta."""
    probs = head.probabilities(token_features(table, np, context=bool(head.meta.get("context", False))))
    return decode_with_meta(table, probs, head.meta)


def decode_with_meta(table: TokenTable, probs: Any, meta: dict[str, Any]) -> list[tuple[Span, float]]:
    """``decode_spans`` with the threshold, gap and shortest run a model's meta names."""
    return decode_spans(table, probs, float(meta.get("threshold", 0.5)), int(meta.get("max_gap", 1)),
                        int(meta.get("min_tokens", 1)))


def decode_spans(table: TokenTable, probs: Any, threshold: float, max_gap: int = 1,
                 min_tokens: int = 1) -> list[tuple[Span, float]]:
    """Runs of tokens scoring >= threshold within a segment, as (span, mean score).

    A gap of up to ``max_gap`` low tokens inside a run is bridged; runs of
    fewer than ``min_tokens`` tokens are dropped (the partial-overlap measure
    punishes stray fragments).
    """
    out: list[tuple[Span, float]] = []
    n = len(probs)
    i = 0
    while i < n:
        if probs[i] < threshold:
            i += 1
            continue
        j = last = i
        gap = 0
        while j + 1 < n and table.segment[j + 1] == table.segment[i]:
            j += 1
            if probs[j] >= threshold:
                last, gap = j, 0
            else:
                gap += 1
                if gap > max_gap:
                    break
        if last + 1 - i >= min_tokens:
            span = Span(int(table.offsets[i, 0]), int(table.offsets[last, 1]))
            out.append((span, float(probs[i:last + 1].mean())))
        i = last + 1
    return out


def load_head(name: str, folder: Path = MODELS_DIR) -> Head:
    """The technique head ``name`` (``semeval2020-spans``...) of ``folder``: a
    ``parley.models.heads.Head`` whose meta holds its decoding settings (span
    heads) or the span blocks it reads (label heads); E401 when missing or
    malformed."""
    return read_head(Path(folder) / f"{name}.npz", "the technique head", "run scripts/train_techniques.py")


# -- fine-tuned adapters (parley.models.adapters) ---------------------------------------

def adapter_spans(adapter: Any, text: str, spans: Sequence[Span], np: Any) -> list[tuple[Span, float]]:
    """The technique spans a fine-tuned tagger finds in ``spans`` of ``text``,
    decoded with the settings in the adapter's meta."""
    probs, table = adapter_token_probabilities(adapter, text, spans, np)
    return decode_with_meta(table, probs, adapter.meta)


def adapter_token_probabilities(adapter: Any, text: str, spans: Sequence[Span], np: Any) -> tuple[Any, TokenTable]:
    """Every word piece's probability of being inside a technique, and the
    table (offsets, segments) to decode them with; the table's one-column
    "vectors" are those probabilities."""
    spans = [s for s in spans if text[s.start:s.end].strip()]
    results = adapter.token_probabilities([text[s.start:s.end] for s in spans])
    table = assemble(spans, [(p.reshape(-1, 1), o) for p, o in results], np)
    return table.vectors[:, 0], table


def span_pairs(text: str, segments_: Sequence[Span], spans: Sequence[Span]) -> tuple[list[str], list[str]]:
    """(span text, text of the segments it touches) per span: a label
    adapter's input, as in training."""
    firsts, seconds = [], []
    for span in spans:
        touched = [s for s in segments_ if s.start < span.end and s.end > span.start] or [span]
        firsts.append(text[span.start:span.end])
        seconds.append(text[touched[0].start:touched[-1].end])
    return firsts, seconds


def adapter_label_probabilities(adapter: Any, text: str, segments_: Sequence[Span], spans: Sequence[Span]) -> Any:
    """A label adapter's probabilities for ``spans`` of ``text`` (columns in
    the order of its meta's ``outputs.label``)."""
    firsts, seconds = span_pairs(text, segments_, spans)
    return softmax(adapter.classify(firsts, seconds)["label"])
