"""A generator of synthetic analysed transcripts, for store benchmarks.

Everything is invented: a vocabulary of made-up words with Zipf-like
frequencies (so some query words are rare and some occur in most
documents), speakers, entities, dates. Each document is an analysis JSON as
``Analysis.to_json()`` makes it (text, turns, sentences, entities,
attributions, claims, techniques, stance), ready for ``Store.put_json``.
Deterministic for a given seed.
"""
from __future__ import annotations

import bisect
import itertools
import random
import sys
from datetime import date, timedelta
from typing import Any, Iterator

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pa", "de", "zu", "fi", "go", "ha", "ju", "be"]
VOCABULARY = 6000
SPEAKERS = 200
ENTITIES = 500
OUTLETS = ["Northern Courier", "Daily Ledger", "Harbour Post", "Evening Signal", "Capital Review"]
TECHNIQUES = ["Loaded_Language", "Doubt", "Exaggeration,Minimisation", "Flag-Waving", "Repetition"]
FIRST_DAY = date(2000, 1, 1)


class Corpus:
    """Words, speakers and entities shared by the documents and the queries."""

    def __init__(self, seed: int = 7):
        rng = random.Random(seed)
        words: list[str] = []
        seen: set[str] = set()
        for n in itertools.count(2):
            for combo in itertools.product(SYLLABLES, repeat=n):
                word = "".join(combo)
                if rng.random() < 0.35 and word not in seen:
                    seen.add(word)
                    words.append(word)
                if len(words) >= VOCABULARY:
                    break
            if len(words) >= VOCABULARY:
                break
        rng.shuffle(words)
        self.words = words
        weights = [1.0 / (rank + 1) for rank in range(len(words))]  # Zipf, s = 1
        self.cumulative = list(itertools.accumulate(weights))
        self.speakers = [(f"{a}-{b}", f"{a.title()} {b.title()}")
                         for a, b in zip(rng.sample(words[500:], SPEAKERS), rng.sample(words[500:], SPEAKERS))]
        self.entities = [(f"ent-{w}", w.title()) for w in rng.sample(words[1000:], ENTITIES)]

    def word(self, rng: random.Random) -> str:
        return self.words[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]

    def sentence(self, rng: random.Random, entity: str | None = None) -> str:
        words = [self.word(rng) for _ in range(rng.randint(6, 14))]
        if entity:
            words.insert(rng.randrange(len(words)), entity)
        words[0] = words[0].capitalize()
        return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def document(corpus: Corpus, index: int, seed: int = 7) -> dict[str, Any]:
    """The ``index``-th synthetic analysis JSON."""
    rng = random.Random(seed * 1_000_003 + index)
    speaker_id, speaker_name = rng.choice(corpus.speakers)
    quoted_id, _ = rng.choice(corpus.speakers)
    doc_entities = rng.sample(corpus.entities, 3)
    published = (FIRST_DAY + timedelta(days=rng.randrange(9000))).isoformat()
    text = ""
    turns, sentences, claims, techniques = [], [], [], []
    mentions: dict[str, list[list[int]]] = {e: [] for e, _ in doc_entities}
    for t in range(rng.randint(2, 4)):
        speaker, name = ("interviewer", "Question") if t % 2 == 0 else (speaker_id, speaker_name)
        start = len(text)
        text += name + ": "
        body = len(text)
        for k in range(rng.randint(1, 3)):
            entity = rng.choice(doc_entities) if rng.random() < 0.3 else None
            s = corpus.sentence(rng, entity[1] if entity else None)
            if k:
                text += " "
            at = len(text)
            text += s
            sentences.append({"span": [at, len(text)], "turn": t})
            if entity:
                pos = text.index(entity[1], at)
                mentions[entity[0]].append([pos, pos + len(entity[1])])
            if rng.random() < 0.15:
                claims.append({"span": [at, len(text)], "kind": "other", "score": 0.7, "checkworthy": True,
                               "quantities": []})
            if rng.random() < 0.05:
                techniques.append({"span": [at, len(text)], "label": rng.choice(TECHNIQUES),
                                   "taxonomy": "semeval2020", "score": 0.6})
        turns.append({"span": [start, len(text)], "speaker": speaker, "kind": "question" if t % 2 == 0 else "answer",
                      "label_span": [start, start + len(name)], "body_span": [body, len(text)],
                      "speaker_name": name})
        text += "\n\n"
    answer = next((i for i, t in enumerate(turns) if t["speaker"] == speaker_id), None)
    attributions = []
    if answer is not None:
        s = next(x for x in sentences if x["turn"] == answer)
        attributions.append({"source": quoted_id, "content_span": s["span"], "direct": False, "turn": answer,
                             "source_span": None, "cue_span": None, "nested_in": None})
    return {
        "doc_id": f"synthetic-{index:06d}",
        "reference_date": published,
        "metadata": {"title": f"Interview {index}", "published": published, "outlet": rng.choice(OUTLETS),
                     "interviewee": speaker_name},
        "turns": turns,
        "sentences": sentences,
        "entities": [{"id": e, "name": n, "type": "ORG", "mentions": mentions[e], "roles": [], "aliases": []}
                     for e, n in doc_entities if mentions[e]],
        "attributions": attributions,
        "claims": claims,
        "techniques": techniques,
        "stance": [{"holder": speaker_id, "target": doc_entities[0][0],
                    "polarity": rng.choice(["positive", "negative", "neutral"]), "confidence": 0.8,
                    "evidence": [], "turn": None}],
        "parley": {"version": "synthetic", "pipeline": [], "unavailable": {}},
        "text": text,
    }


def documents(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    corpus = Corpus(seed)
    for i in range(n):
        yield document(corpus, i, seed)


def queries(n: int, seed: int = 11, corpus_seed: int = 7) -> list[dict[str, Any]]:
    """``n`` search requests: 1-2 words (some prefixes), a third with a filter."""
    corpus = Corpus(corpus_seed)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [corpus.word(rng) for _ in range(rng.choice([1, 1, 2]))]
        if rng.random() < 0.1:  # a word with its ending left open, as people type "negotiat*"
            words[-1] = words[-1][:max(5, len(words[-1]) - 2)] + "*"
        request: dict[str, Any] = {"query": " ".join(words), "layer": "sentences", "filters": {}}
        roll = rng.random()
        if roll < 0.12:
            request["filters"]["speaker"] = rng.choice(corpus.speakers)[0]
        elif roll < 0.24:
            first = FIRST_DAY + timedelta(days=rng.randrange(8000))
            request["filters"].update(since=first.isoformat(), until=(first + timedelta(days=900)).isoformat())
        elif roll < 0.34:
            request["filters"]["entity"] = rng.choice(corpus.entities)[0]
        elif roll < 0.42:
            request["layer"] = rng.choice(["quotes", "claims", "techniques"])
        out.append(request)
    return out


def store_documents(store: Any, n: int, batch: int = 1000, seed: int = 7) -> None:
    """Store ``n`` synthetic documents in ``store``, ``batch`` to a transaction,
    printing the count to stderr as it goes (the benchmarks' big stores)."""
    pending: list[dict[str, Any]] = []
    for data in documents(n, seed):
        pending.append(data)
        if len(pending) == batch:
            with store.batch():
                for d in pending:
                    store.put_json(d, "synthetic")
            pending = []
            print(f"\r  loaded {store.count()}/{n}", end="", file=sys.stderr, flush=True)
    with store.batch():
        for d in pending:
            store.put_json(d, "synthetic")
    print(file=sys.stderr)
