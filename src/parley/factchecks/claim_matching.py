"""Stored claim matches (issue 13): computed when something new arrives,
never by rescanning the store.

- **At ingest** (``match_document``, called by ``Store.put_json`` in the
  document's transaction): each claim segment of the new document is ranked
  against the stored fact-checks (``StoreMatcher``, lexical: the full-text
  index) and against the claims stored before it (``claim_candidates``: the
  segments holding the claim's rarest words, through the full-text index).
- **At fact-check import** (``match_factchecks``, called by
  ``Store.put_factchecks`` in the import's transaction): each new or revised
  fact-check finds its candidate claims the same way; every claim it matches
  has its fact-check matches ranked again (``StoreMatcher``), so the stored
  ranking is the one ``parley claims match`` would give.

Every kept match has a **score**: the cosine of the two texts' word sets
(``match.tokens``), each word weighed by its inverse document frequency
over the matchable texts (``match_terms``). A pair scoring under
``THRESHOLD`` (best F0.5 on the CheckThat! 2022 Task 2B dev queries,
``benchmarks/bench_match_latency.py --threshold``) is not stored; at most
``TOP`` matches of each kind are kept per claim.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

from parley.factchecks.match import StoreMatcher, tokens

THRESHOLD = 0.55  # best F0.5 of the stored pairs on the CheckThat! 2022 Task 2B dev queries (docs/matching.md)
MIN_SHARED = 2  # words two texts must share to match ("This has not happened." / "What happened.")
TOP = 5  # matches of each kind kept per claim
FACTCHECK_CANDIDATES = 20  # of StoreMatcher's ranking, scored and thresholded
RARE_WORDS = 4  # a claim's rarest words that find its candidate claims
RARE_BUDGET = 2000  # stop adding rare words once they are held by this many texts
CLAIM_CANDIDATES = 150  # candidate claims read per query, newest first


def idf(df: int, total: int) -> float:
    """BM25's inverse document frequency, never negative."""
    return math.log(1.0 + (total - df + 0.5) / (df + 0.5))


def similarity(a: set[str], b: set[str], weight: dict[str, float]) -> float:
    """The idf-weighted cosine of two word sets, in [0, 1]; 0 when they share
    fewer than ``MIN_SHARED`` words (one shared word is no claim in common)."""
    both = a & b
    if len(both) < MIN_SHARED:
        return 0.0
    shared = sum(weight[w] ** 2 for w in both)
    return shared / math.sqrt(sum(weight[w] ** 2 for w in a) * sum(weight[w] ** 2 for w in b))


class ClaimMatching:
    """One store's matching state: the lexical ``StoreMatcher``, and how many
    candidate claims were read (``candidates_read``, what tests look at)."""

    def __init__(self, store) -> None:
        self.store = store
        self.factchecks = StoreMatcher(store, dense=False)
        self.candidates_read = 0
        self._counts: dict[str, int] = {}
        self._total: int | None = None

    def weights(self, sets: Iterable[set[str]]) -> dict[str, float]:
        """Each word's idf. Counts read are kept (``_counts``) and follow the
        texts this matcher adds; another writer's make them a little stale,
        which moves a weight by next to nothing."""
        words = set().union(*sets)
        missing = [w for w in words if w not in self._counts]
        if missing or self._total is None:
            counts, self._total = self.store.term_counts(missing)
            self._counts.update({w: counts.get(w, 0) for w in missing})
        return {w: idf(self._counts[w], self._total) for w in words}

    def count_terms(self, texts: list[set[str]]) -> None:
        """Add texts to the store's word counts, and to the counts kept here."""
        self.store.count_terms(texts)
        for words in texts:
            for w in words & self._counts.keys():
                self._counts[w] += 1
        if self._total is not None:
            self._total += len(texts)

    def rare_words(self, words: set[str]) -> list[str]:
        """The words that find a text's candidates: its rarest known ones."""
        counts, _ = self.store.term_counts(words)
        chosen: list[str] = []
        held = 0
        for word in sorted((w for w in words if counts.get(w)), key=lambda w: (counts[w], w)):
            if len(chosen) == RARE_WORDS or (chosen and held + counts[word] > RARE_BUDGET):
                break
            chosen.append(word)
            held += counts[word]
        return chosen

    def factcheck_matches(self, text: str) -> list[tuple[str, float]]:
        """``(fact-check key, score)``, in StoreMatcher's order, the weak left out."""
        return [(key, score) for key, score in self.scored_factchecks(text) if score >= THRESHOLD][:TOP]

    def scored_factchecks(self, text: str) -> list[tuple[str, float]]:
        """StoreMatcher's best ``FACTCHECK_CANDIDATES`` for ``text``, each with its score."""
        ranked = [key for key, _ in self.factchecks.rank([text], top=FACTCHECK_CANDIDATES)[0]]
        claims = self.store.factcheck_claims(ranked)
        query = set(tokens(text))
        found = {key: set(tokens(claims[key])) for key in ranked if key in claims}
        weight = self.weights([query, *found.values()])
        return [(key, similarity(query, found[key], weight)) for key in ranked if key in found]

    def claim_matches(self, text: str, exclude_hash: str | None) -> list[tuple[int, float]]:
        """``(segment id, score)`` of the stored claims saying what ``text`` says, best first."""
        query = set(tokens(text))
        candidates = self.store.claim_candidates(self.rare_words(query), exclude_hash, CLAIM_CANDIDATES)
        self.candidates_read += len(candidates)
        found = {i: set(tokens(body)) for i, _, body in candidates}
        weight = self.weights([query, *found.values()])
        scored = sorted(((i, similarity(query, words, weight)) for i, words in found.items()),
                        key=lambda pair: (-pair[1], -pair[0]))
        return [(i, score) for i, score in scored if score >= THRESHOLD][:TOP]

    # -- what the store calls ---------------------------------------------------
    def match_document(self, hash: str) -> int:
        """Store the matches of a newly stored document's claims; how many."""
        rows = []
        segments = self.store.claim_segments(hash)
        for segment_id, start, end, body in segments:
            where = (segment_id, hash, start, end)
            rows += [(*where, "factcheck", key, None, score, rank)
                     for rank, (key, score) in enumerate(self.factcheck_matches(body), 1)]
            rows += [(*where, "claim", None, other, score, rank)
                     for rank, (other, score) in enumerate(self.claim_matches(body, hash), 1)]
        self.store.put_claim_matches(rows)
        self.count_terms([set(tokens(body)) for *_, body in segments])
        return len(rows)

    def match_factchecks(self, claims: Sequence[str]) -> int:
        """Rank again the fact-check matches of every stored claim that one of
        the (new or revised) fact-check ``claims`` matches; how many claims."""
        self.count_terms([set(tokens(c)) for c in claims])
        touched: set[int] = set()
        for claim in claims:
            touched.update(i for i, _ in self.claim_matches(claim, None))
        segments = self.store.segments_by_id(sorted(touched))
        self.store.drop_factcheck_matches([s[0] for s in segments])
        rows = []
        for segment_id, hash, start, end, body in segments:
            rows += [(segment_id, hash, start, end, "factcheck", key, None, score, rank)
                     for rank, (key, score) in enumerate(self.factcheck_matches(body), 1)]
        self.store.put_claim_matches(rows)
        return len(segments)
