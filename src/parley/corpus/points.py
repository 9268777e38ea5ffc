"""Talking points: near-paraphrase sentences of different documents, grouped incrementally.

Every sentence of a stored document that is not boilerplate
(``parley.corpus.text.boilerplate``) becomes a member of a talking point.
``add_document`` looks up, through the store's key index, the points whose
members of other documents share a pair of long stems with each new
sentence (at most ``CANDIDATES_PER_KEY`` points per key, the newest), scores
the sentence against each point's seed, its first member (MiniLM cosine
when both have a vector, else the idf-weighted stem cosine in which shared
names are no overlap: each stem weighs ``1 + ln((N + 1) / (n + 1))`` for the
``N`` stored sentences, ``n`` of which hold it, counted by the store as it
writes, so that overlap on words common across the store — "time",
"people", "president", "question" — cannot make a point; nor can a pair
sharing fewer than ``MIN_RARE_SHARED`` rare stems, ``text.rare_stems``), and
joins the best point whose score reaches the threshold;
otherwise the sentence starts a point of its own. Comparing with the seed,
never with any member, keeps chains from growing a point. Nothing is ever
reclustered. A point counts (``points``) once its members come from at
least ``min_docs`` distinct documents.
"""
from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from parley.corpus.text import (Embedder, boilerplate, content_stems, dense_similarity, inverse_frequencies, keys,
                                lexical_similarity, name_stems, rare_stems, weighted_similarity)

DENSE_THRESHOLD = 0.70  # chosen on MSRP train by benchmarks/bench_points.py (docs/corpus.md)
LEXICAL_THRESHOLD = 0.30  # idf-weighted stem cosine, chosen on MSRP train (docs/corpus.md)
MIN_RARE_SHARED = 3  # rare non-name stems two sentences must share (MSRP train and the corpus: docs/corpus.md)
# The idf-weighted stem cosine (shared names no overlap) a MiniLM match must also reach: MiniLM alone
# puts "I'm meeting with President Putin on Monday" beside "we had a Normandy meeting" (cosine 0.70)
# because of the name they share. Chosen on MSRP train with the dense threshold (docs/corpus.md).
DENSE_CONTENT_FLOOR = 0.30
CANDIDATES_PER_KEY = 50  # newest points read per key: caps the work a common key can cause
DEFAULT_MIN_DOCS = 2


@dataclass(frozen=True)
class Member:
    hash: str
    doc_id: str
    start: int
    end: int
    turn: int | None
    speaker: str | None
    day: str | None
    text: str


@dataclass
class Point:
    id: int
    representative: str
    documents: int
    first_seen: str | None
    last_seen: str | None
    per_speaker: dict[str, int] = field(default_factory=dict)
    per_month: dict[str, int] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)

    def json(self, members: bool = True) -> dict[str, Any]:
        out = asdict(self)
        if not members:
            out.pop("members")
        return out


def similarity(a: tuple[list[str], set[str], bytes | None], b: tuple[list[str], set[str], bytes | None],
               idf: dict[str, float], rare: set[str]) -> tuple[float, bool]:
    """(score, dense) of two ``(stems, name stems, vector)``: MiniLM cosine when both vectors
    exist (0 when their weighted stem cosine is below ``DENSE_CONTENT_FLOOR``), else the
    idf-weighted stem cosine in which shared names are no overlap (``weighted_similarity``),
    0 when they share fewer than ``MIN_RARE_SHARED`` of the ``rare`` stems."""
    dense = dense_similarity(a[2], b[2])
    if dense is not None:
        if DENSE_CONTENT_FLOOR > 0 and weighted_similarity(a[0], a[1], b[0], b[1], idf) < DENSE_CONTENT_FLOOR:
            return 0.0, True
        return dense, True
    if len(((set(a[0]) & set(b[0])) & rare) - a[1] - b[1]) < MIN_RARE_SHARED:
        return 0.0, False
    return weighted_similarity(a[0], a[1], b[0], b[1], idf), False


def joins(score: float, dense: bool) -> bool:
    return score >= (DENSE_THRESHOLD if dense else LEXICAL_THRESHOLD)


def sentences_of(data: dict[str, Any]) -> list[tuple[tuple[int, int], int | None, str | None, str]]:
    """``(span, turn, speaker, text)`` of each non-boilerplate sentence of an analysis JSON."""
    text = data.get("text") or ""
    speakers = [t.get("speaker") for t in data.get("turns") or []]
    out = []
    for sentence in data.get("sentences") or []:
        try:
            start, end = (int(x) for x in sentence.get("span"))
        except (TypeError, ValueError):
            continue
        body = text[start:end]
        if end <= start or boilerplate(body):
            continue
        turn = sentence.get("turn")
        speaker = speakers[turn] if isinstance(turn, int) and 0 <= turn < len(speakers) else None
        out.append(((start, end), turn, speaker, body))
    return out


def add_document(store: Any, hash: str, data: dict[str, Any], day: str | None, embedder: Embedder) -> int:
    """Assign each sentence of the stored document ``hash`` to a point; how many members it added.

    A sentence is compared with the seed (first member) of each point that a
    member sharing one of its keys belongs to, never with the other members,
    so that no chain of near neighbours can grow a point beyond its seed."""
    if store.has_point_members(hash):
        return 0
    found = sentences_of(data)
    if not found:
        return 0
    stems = [content_stems(body) for _, _, _, body in found]
    names = [name_stems(body) for _, _, _, body in found]
    sentence_keys = [keys(s, n) for s, n in zip(stems, names)]
    vectors = embedder.vectors([body for _, _, _, body in found])
    store.count_point_stems([set(s) for s in stems])  # this document counts in its own weights
    by_key: dict[str, list[tuple]] = {}
    seeds: dict[int, tuple] = {}
    for key, point, seed_stems, seed_vector, seed_body in store.point_candidates(
            [k for ks in sentence_keys for k in ks], hash, CANDIDATES_PER_KEY):
        if int(point) not in seeds:
            seeds[int(point)] = (seed_stems.split(), name_stems(seed_body), seed_vector and bytes(seed_vector))
        by_key.setdefault(key, []).append(int(point))
    counts, total = store.point_stem_counts({x for s in stems for x in s}
                                            | {x for seed in seeds.values() for x in seed[0]})
    idf, rare = inverse_frequencies(counts, total), rare_stems(counts, total)
    members = []
    for (span, turn, speaker, body), own, own_names, own_keys, vector in zip(found, stems, names, sentence_keys,
                                                                           vectors):
        best: tuple[float, int] | None = None
        seen: set[int] = set()
        for key in own_keys:
            for point in by_key.get(key, ()):
                if point in seen:
                    continue
                seen.add(point)
                score, dense = similarity((own, own_names, vector), seeds[point], idf, rare)
                if joins(score, dense) and (best is None or score > best[0]):
                    best = (score, point)
        members.append((best[1] if best else None, span, turn, speaker, day, body, " ".join(own), vector,
                        best[0] if best else 1.0, own_keys))
    store.add_point_members(hash, members)
    return len(found)


def _medoid(rows: list[tuple]) -> str:
    """The wording closest (stem cosine) to all the others: the point's representative."""
    stems = [r[10].split() for r in rows]
    best = max(range(len(rows)), key=lambda i: (sum(lexical_similarity(stems[i], s) for s in stems), -i))
    return rows[best][9]


def build(point_id: int, rows: list[tuple]) -> Point:
    """A ``Point`` from its member rows (``MEMBER_COLUMNS`` + stems, oldest first)."""
    members = [Member(r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows]
    days = sorted(m.day for m in members if m.day)
    return Point(
        id=point_id, representative=_medoid(rows), documents=len({m.hash for m in members}),
        first_seen=days[0] if days else None, last_seen=days[-1] if days else None,
        per_speaker=dict(Counter(m.speaker or "unknown" for m in members).most_common()),
        per_month=dict(sorted(Counter(m.day[:7] for m in members if m.day).items())),
        members=members,
    )


def points(store: Any, speaker: str | None = None, since: str | None = None, min_docs: int = DEFAULT_MIN_DOCS,
           limit: int | None = 100, offset: int = 0) -> list[Point]:
    """The talking points with members from at least ``min_docs`` documents, largest first."""
    from parley.store.query import check_day

    from parley.errors import CorpusError

    since = check_day(since, "--since")
    if int(min_docs) < 1:
        raise CorpusError(f"--min-docs must be at least 1 (got {min_docs})", code="E852")
    found = store.point_ids(int(min_docs), speaker, since, limit, offset)
    rows = store.point_members([p for p, _ in found], since)
    grouped: dict[int, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(int(row[1]), []).append(row)
    return [build(p, grouped[p]) for p, _ in found if p in grouped]


def point(store: Any, point_id: int) -> Point:
    """One talking point by id (StoreError E603 when there is none)."""
    from parley.errors import CorpusError

    rows = store.point_members([int(point_id)])
    if not rows:
        raise CorpusError(f"no talking point {point_id}", code="E851")
    return build(int(point_id), rows)


def chart_svg(p: Point, width: int = 360, height: int = 80) -> str:
    """A small bar chart of the point's members per month, as an SVG document."""
    months = [(html.escape(month), n) for month, n in p.per_month.items()]  # stored dates: never trusted
    top = max((n for _, n in months), default=1)
    bar = width / max(1, len(months))
    bars = []
    for i, (month, n) in enumerate(months):
        h = (height - 20) * n / top
        bars.append(f'<rect x="{i * bar + 1:.1f}" y="{height - 14 - h:.1f}" width="{max(1.0, bar - 2):.1f}" '
                    f'height="{h:.1f}" fill="#36c"><title>{month}: {n}</title></rect>')
    label = (f'<text x="0" y="{height - 2}" font-size="10">{months[0][0]}</text>'
             f'<text x="{width}" y="{height - 2}" font-size="10" text-anchor="end">{months[-1][0]}</text>'
             if months else f'<text x="0" y="{height / 2}" font-size="10">no dated members</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="members per month">'
            + "".join(bars) + label + "</svg>")


def dumps(items: list[Point]) -> str:
    return json.dumps([p.json() for p in items], ensure_ascii=False, indent=2)

