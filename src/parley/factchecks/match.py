"""Claim matching: rank fact-checks for a claim sentence (issue 13).

Three pieces, each usable alone:

- ``Bm25``: Okapi BM25 over ``tokens(text)`` (lower-cased word tokens, a
  short English stop list removed), an in-memory inverted index;
- ``dense_ranking``: cosine over unit-length sentence vectors (MiniLM,
  ``parley.models.encoder``), exact, with numpy;
- ``fuse``: reciprocal-rank fusion of any number of rankings,
  ``sum 1 / (k + rank)`` (Cormack et al. 2009), ``k`` chosen on the
  CheckThat! 2022 Task 2B dev queries (``RRF_K``).

A ranking is a list of ``(doc, score)`` pairs, best first. Ties keep the
index order, so every ranking is deterministic.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, Hashable, Sequence

from parley.factchecks.words import tokens

RRF_K = 5  # chosen on the CheckThat! 2022 Task 2B dev queries (benchmarks/bench_claim_retrieval.py)
K1, B = 1.2, 0.75

Ranking = list[tuple[Hashable, float]]


class Bm25:
    """Okapi BM25 (``k1``, ``b``) over the token lists of ``docs`` (ids ``ids``)."""

    def __init__(self, ids: Sequence[Hashable], texts: Sequence[str], k1: float = K1, b: float = B) -> None:
        self.ids, self.k1, self.b = list(ids), k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        for i, text in enumerate(texts):
            counts = Counter(tokens(text))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((i, tf))
        n = len(self.lengths)
        self.average = (sum(self.lengths) / n) if n else 0.0
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def scores(self, query: str) -> dict[int, float]:
        """Index of each document sharing a term with ``query`` -> its BM25 score."""
        out: dict[int, float] = defaultdict(float)
        for term in set(tokens(query)):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for i, tf in self.postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / (self.average or 1.0))
                out[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        return out

    def rank(self, query: str, top: int = 100) -> Ranking:
        """The ``top`` best documents for ``query``: ``(id, score)``, best first."""
        found = self.scores(query)
        best = sorted(found, key=lambda i: (-found[i], i))[:top]
        return [(self.ids[i], found[i]) for i in best]


def dense_ranking(ids: Sequence[Hashable], matrix, query_vector, top: int = 100) -> Ranking:
    """The ``top`` rows of ``matrix`` (unit vectors, one per id) by cosine with ``query_vector``."""
    import numpy as np

    if len(ids) == 0:
        return []
    return top_scores(ids, np.asarray(matrix, dtype=np.float32) @ np.asarray(query_vector, dtype=np.float32), top)


def top_scores(ids: Sequence[Hashable], sims, top: int = 100) -> Ranking:
    """The ``top`` ids by their score in ``sims`` (a numpy vector, one per id), best first."""
    import numpy as np

    if len(ids) == 0:
        return []
    top = min(top, len(ids))
    part = np.argpartition(-sims, top - 1)[:top]
    order = sorted(part.tolist(), key=lambda i: (-float(sims[i]), i))
    return [(ids[i], float(sims[i])) for i in order]


def fuse(rankings: Sequence[Ranking], k: float = RRF_K, top: int | None = None) -> Ranking:
    """Reciprocal-rank fusion: each doc scores ``sum 1/(k + rank)`` over the
    rankings it is in (rank from 1); best first, ties by first appearance."""
    total: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, (doc, _) in enumerate(ranking, 1):
            total[doc] = total.get(doc, 0.0) + 1.0 / (k + rank)
    order = list(total)
    position = {doc: i for i, doc in enumerate(order)}
    fused = sorted(order, key=lambda d: (-total[d], position[d]))
    return [(d, total[d]) for d in (fused if top is None else fused[:top])]


# -- matching against the store ----------------------------------------------------

VECTOR_MODEL = "all-MiniLM-L6-v2"
EMBED_BATCH = 256


def embed_new_factchecks(store, embed: Any = None) -> int:
    """Embed and store the vectors of the stored fact-checks that have none
    for their current content (those an import just added or revised); the
    number embedded. Needs the ``models`` extra (ModelUnavailable E400);
    ``embed`` replaces ``encoder.embed`` (a cache)."""
    import numpy as np

    from parley.models import encoder

    todo = store.factchecks_needing_vectors(VECTOR_MODEL)
    for start in range(0, len(todo), EMBED_BATCH):
        chunk = todo[start:start + EMBED_BATCH]
        vectors = np.asarray((embed or encoder.embed)([claim for _, _, claim in chunk]), dtype=np.float32)
        store.put_factcheck_vectors([(key, digest, v.tobytes()) for (key, digest, _), v in zip(chunk, vectors)],
                                    VECTOR_MODEL)
    return len(todo)


class StoreMatcher:
    """Ranks a store's fact-checks for claim sentences: the store's full-text
    index (``factcheck_lexical``) and, when the ``models`` extra is installed
    and vectors are stored, exact cosine over the stored vectors; the union of
    both top 100 is ordered by the shipped re-ranker (``factchecks.rerank``)
    or, without it, by RRF. The vectors are read once, so one matcher serves
    a whole file of queries. ``dense_off`` says why only the lexical ranking
    is used (None: both); ``rerank_off`` why the re-ranker is not (None: it is).
    ``embed`` replaces ``encoder.embed`` (a cache); ``reranker`` is a
    ``rerank.Reranker``, None for RRF alone, or "shipped" for the file."""

    def __init__(self, store, dense: bool = True, reranker: Any = "shipped", embed: Any = None) -> None:
        from parley.models import encoder

        self.store, self.keys, self.matrix, self.embed = store, [], None, embed or encoder.embed
        self.dense_off = None if dense else "dense matching turned off"
        self.dense_off = self.dense_off or (None if embed else encoder.available())
        if self.dense_off is None:
            import numpy as np

            self.keys, blobs = store.factcheck_vectors(VECTOR_MODEL)
            if not self.keys:
                self.dense_off = "no fact-check vectors are stored (import them with the models extra installed)"
            else:
                self.matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(self.keys), -1)
                self.row = {key: i for i, key in enumerate(self.keys)}
        self.reranker, self.rerank_off = self._reranker(reranker)

    def _reranker(self, reranker: Any) -> tuple[Any, str | None]:
        if self.dense_off is not None:
            return None, "the re-ranker needs the dense ranking"
        if reranker == "shipped":
            from parley.factchecks.rerank import load_reranker

            return load_reranker()
        return reranker, None if reranker is not None else "re-ranking turned off"

    def candidates(self, texts: Sequence[str], dates: Sequence[str | None] | None = None) -> list[tuple[list, Any]]:
        """For each text (said on ``dates[i]``, ISO, when known): the candidate
        keys (the union of the lexical and dense top 100) and their
        ``rerank.FEATURES`` matrix. Needs the dense ranking."""
        import numpy as np

        from parley.factchecks.rerank import candidate_features, parse_date

        if not texts:
            return []
        vectors = self.embed(list(texts))
        sims = self.matrix @ np.asarray(vectors, dtype=np.float32).T  # every query's cosines in one product
        out = []
        for i, text in enumerate(texts):
            lexical = self.store.factcheck_lexical(text)
            dense = top_scores(self.keys, sims[:, i])
            keys = list(dict.fromkeys([k for k, _ in lexical] + [k for k, _ in dense]))
            keys = [k for k in keys if k in self.row]
            cosines = sims[[self.row[k] for k in keys], i] if keys else []
            fields = self.store.factcheck_fields(keys)
            said = parse_date(dates[i]) if dates else None
            out.append((keys, candidate_features(text, said, keys, lexical, dense, list(cosines), fields, RRF_K)))
        return out

    def rank(self, texts: Sequence[str], top: int = 5, dates: Sequence[str | None] | None = None) -> list[Ranking]:
        """For each text, the ``top`` fact-check keys with their score, best
        first: the re-ranker's probability, or the fused RRF score without it."""
        if self.reranker is not None:
            return [self.reranker.rank(keys, x, top) for keys, x in self.candidates(texts, dates)]
        lexical = [self.store.factcheck_lexical(t) for t in texts]
        if self.dense_off is not None:
            return [fuse([r], top=top) for r in lexical]
        vectors = self.embed(list(texts)) if texts else []
        return [fuse([lex, dense_ranking(self.keys, self.matrix, v)], top=top) for lex, v in zip(lexical, vectors)]
