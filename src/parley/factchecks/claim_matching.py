"""Stored claim matches (issue 13): computed when something new arrives,
never by rescanning the store.

- **At ingest** (``match_document``, called by ``Store.put_json`` in the
  document's transaction): the claim segments of the new document are
  ranked against the stored fact-checks by ``StoreMatcher`` (all of them in
  one call, the document's date as the query date), and each against the
  claims stored before it (``claim_candidates``: the segments holding the
  claim's rarest words, through the full-text index).
- **At fact-check import** (``match_factchecks``, called by
  ``Store.put_factchecks`` in the import's transaction): each new or revised
  fact-check finds its candidate claims the same way; the new fact-checks
  get their vectors (when the store keeps vectors and the ``models`` extra
  is installed), and every claim one of them matches has its fact-check
  matches ranked again, so the stored ranking is the one ``parley claims
  match`` would give.

The ``StoreMatcher`` is made once per store object (its fact-check vectors
read once), when the first match is needed, and made again when the number
of stored vectors has changed (another process imported fact-checks). Its
**method** says what ran:

- ``re-ranked``: full-text and dense rankings, candidates scored by the
  shipped re-ranker; a fact-check match's score is the re-ranker's
  probability, stored at ``RERANK_THRESHOLD`` or above when the two share
  ``MIN_SHARED`` words (the re-ranker orders candidates, and a claim that
  nothing matches still has a best one);
- ``rrf`` (no re-ranker file) or ``lexical`` (no ``models`` extra, or no
  stored vectors), and any claim of a document without a date:
  StoreMatcher's order, each candidate scored by the idf-weighted word
  cosine (``similarity``), stored at ``LEXICAL_THRESHOLD`` or above. A log line (``parley.factchecks``) says which ran and why.

Claim-to-claim matches are always scored by ``similarity`` over
``LEXICAL_THRESHOLD``. Both thresholds are the best F0.5 on the CheckThat!
2022 Task 2B dev queries (``benchmarks/bench_match_latency.py
--threshold``); at most ``TOP`` matches of each kind are kept per claim.
"""
from __future__ import annotations

import logging
import math
from typing import Any, Iterable, Sequence

from parley.factchecks.match import VECTOR_MODEL, StoreMatcher, tokens
from parley.factchecks.rerank import parse_date

LOG = logging.getLogger("parley.factchecks")
LEXICAL_THRESHOLD = 0.55  # word cosine: best F0.5 of the stored pairs on CheckThat! 2022 2B dev (docs/matching.md)
RERANK_THRESHOLD = 0.35  # re-ranker probability, the claim's date known: top of the F0.5 plateau on the same dev queries
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
    """One store's matching state: its ``StoreMatcher`` (``matcher``, made
    once, when first needed), the word counts read, and how many candidate
    claims were read (``candidates_read``, what tests look at). ``embed``
    replaces ``encoder.embed`` (a benchmark's cache)."""

    def __init__(self, store, embed: Any = None) -> None:
        self.store, self.embed = store, embed
        self._matcher: StoreMatcher | None = None
        self._vectors = 0  # fact-check vectors stored when the matcher was made
        self.embed_new = True  # embed new fact-checks at import when the matcher is dense (--no-vectors: not)
        self.candidates_read = 0
        self._counts: dict[str, int] = {}
        self._total: int | None = None

    @property
    def matcher(self) -> StoreMatcher:
        """The store's ``StoreMatcher`` (vectors read once); logs which method it runs."""
        if self._matcher is None:
            self._matcher = StoreMatcher(self.store, embed=self.embed)
            self._vectors = self.store.factcheck_vector_count(VECTOR_MODEL)
            why = self._matcher.dense_off or self._matcher.rerank_off
            if why is None:
                LOG.info("stored claim matches: re-ranked (%d fact-check vectors)", len(self._matcher.keys))
            else:  # a warning only when there are fact-checks to miss
                LOG.log(logging.WARNING if self.store.factcheck_count() else logging.INFO,
                        "stored claim matches: %s, scored by word overlap (%s)", self.method, why)
        return self._matcher

    @property
    def method(self) -> str:
        """``re-ranked``, ``rrf`` or ``lexical``: what ``matcher`` runs."""
        m = self.matcher
        return "re-ranked" if m.reranker is not None else ("lexical" if m.dense_off else "rrf")

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

    def factcheck_matches(self, texts: Sequence[str], date: str | None = None) -> list[list[tuple[str, float]]]:
        """For each text (said on ``date``): ``(fact-check key, score)`` in
        StoreMatcher's order, those under the method's threshold left out."""
        cut = self.threshold(date)
        return [[(key, score) for key, score in found if score >= cut][:TOP]
                for found in self.scored_factchecks(texts, [date] * len(texts))]

    def threshold(self, date: str | None) -> float:
        """The score a fact-check match of a claim said on ``date`` needs to be stored."""
        return RERANK_THRESHOLD if self.probability(date) else LEXICAL_THRESHOLD

    def probability(self, date: str | None) -> bool:
        """Whether the score is the re-ranker's probability: it runs, and the
        claim's date is known. Without a date its date features are all zero,
        which it learnt as "said the same day" (``log days apart`` 0), and its
        probabilities run far too high (docs/matching.md), so the word cosine
        scores those claims, in the re-ranker's order."""
        return self.matcher.reranker is not None and parse_date(date) is not None

    def scored_factchecks(self, texts: Sequence[str], dates: Sequence[str | None] | None = None
                          ) -> list[list[tuple[str, float]]]:
        """For each text, StoreMatcher's best ``FACTCHECK_CANDIDATES`` that
        share ``MIN_SHARED`` words with it, each with its score: the
        re-ranker's probability, or (no re-ranker, or no date) the word
        cosine. (The re-ranker orders candidates; a claim nothing matches
        still has a best one, and sharing no words it is no match.)"""
        if not texts:
            return []
        dates = list(dates) if dates else [None] * len(texts)
        ranked = self.matcher.rank(list(texts), top=FACTCHECK_CANDIDATES, dates=dates)
        claims = self.store.factcheck_claims(sorted({key for found in ranked for key, _ in found}))
        out = []
        for text, date, found in zip(texts, dates, ranked):
            query = set(tokens(text))
            words = {key: set(tokens(claims[key])) for key, _ in found if key in claims}
            if self.probability(date):
                out.append([(key, p) for key, p in found if len(query & words.get(key, set())) >= MIN_SHARED])
                continue
            weight = self.weights([query, *words.values()])
            out.append([(key, similarity(query, words[key], weight)) for key, _ in found if key in words])
        return out

    def claim_matches(self, text: str, exclude_hash: str | None) -> list[tuple[int, float]]:
        """``(segment id, score)`` of the stored claims saying what ``text`` says, best first."""
        query = set(tokens(text))
        candidates = self.store.claim_candidates(self.rare_words(query), exclude_hash, CLAIM_CANDIDATES)
        self.candidates_read += len(candidates)
        found = {i: set(tokens(body)) for i, _, body in candidates}
        weight = self.weights([query, *found.values()])
        scored = sorted(((i, similarity(query, words, weight)) for i, words in found.items()),
                        key=lambda pair: (-pair[1], -pair[0]))
        return [(i, score) for i, score in scored if score >= LEXICAL_THRESHOLD][:TOP]

    # -- what the store calls ---------------------------------------------------
    def match_document(self, hash: str) -> int:
        """Store the matches of a newly stored document's claims; how many."""
        rows = []
        segments = self.store.claim_segments(hash)
        if segments and self._matcher is not None and \
                self.store.factcheck_vector_count(VECTOR_MODEL) != self._vectors:
            self._matcher = None  # another process stored fact-check vectors: read them again
        found = self.factcheck_matches([body for *_, body in segments], self.store.published_of([hash]).get(hash))
        for (segment_id, start, end, body), checks in zip(segments, found):
            where = (segment_id, hash, start, end)
            rows += [(*where, "factcheck", key, None, score, rank) for rank, (key, score) in enumerate(checks, 1)]
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
        if not touched:
            return 0
        self._embed_new_factchecks()
        segments = self.store.segments_by_id(sorted(touched))
        self.store.drop_factcheck_matches([s[0] for s in segments])
        dates = self.store.published_of(sorted({s[1] for s in segments}))
        rows = []
        for segment_id, hash, start, end, body in segments:
            [checks] = self.factcheck_matches([body], dates.get(hash))
            rows += [(segment_id, hash, start, end, "factcheck", key, None, score, rank)
                     for rank, (key, score) in enumerate(checks, 1)]
        self.store.put_claim_matches(rows)
        return len(segments)

    def _embed_new_factchecks(self) -> None:
        """When the matcher is dense, embed the fact-checks without a current
        vector (those just imported) and read the vectors again, so the new
        fact-checks take part in the re-ranked matches."""
        if not self.embed_new or self.matcher.dense_off is not None:
            return
        from parley.factchecks.match import embed_new_factchecks

        if embed_new_factchecks(self.store, self.embed):
            self._matcher = None
