"""Word-level helpers shared by talking points and attribution checks.

- ``content_stems(text)``: the sentence's content words (stop words left
  out), lower-cased and cut to their first ``STEM`` letters, a crude but
  language-light stemmer ("sanctions" and "sanctioned" meet);
- ``keys(stems)``: the candidate keys of a sentence: every pair of its
  ``KEY_WORDS`` longest stems, so that two sentences sharing two long words
  meet in an index lookup, never a scan;
- ``boilerplate(text)``: True for lines that never make a talking point
  (too few content words, or a stock phrase such as "Thank you very much");
- ``procedure_removed(text)``: the sentence's words with interview-procedure
  phrasing taken out (``PROCEDURE_PATTERNS``: "let me follow up on", "if I may
  ask", "another question", "thank you for..."); ``content_stems`` reads
  what is left, so that procedure never counts as content and a sentence that
  is only procedure is boilerplate;
- ``lexical_similarity(a, b)``: cosine of two stem sets;
- ``weighted_similarity``: the stem-set cosine with each stem weighted by its
  inverse sentence frequency (``idf``), so that overlap on words common across
  the store ("time", "people", "president") weighs little;
- ``Embedder``: MiniLM vectors (``models`` extra) as float32 bytes, or None
  when the extra is missing, so that every caller falls back to the lexical
  similarity.
"""
from __future__ import annotations

import base64
import itertools
import math
import re
from typing import Iterable, Sequence

STEM = 6
KEY_WORDS = 5
MIN_CONTENT_WORDS = 4
RARE_SHARE = 0.01  # a stem held by more than this share of the stored sentences is common ...
RARE_FLOOR = 10  # ... unless it is held by at most this many (a small store has no common words)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CAPITALISED = re.compile(r"(?<=[\w,;:'’\"”)-] )[A-Z][^\W_]*(?:['’][^\W_]+)*")

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like me more most
mr mrs ms much must mustn't my myself no nor not now of off on once only or other ought our ours ourselves out over
own really said same say says she she'd she'll she's should shouldn't so some such than that that's the their
theirs them themselves then there there's these they they'd they'll they're they've this those through thus to
too under until up upon us very was wasn't we we'd we'll we're we've well were weren't what what's when when's
where where's which while who who's whom why why's will with won't would wouldn't yes yeah you you'd you'll
you're you've your yours yourself yourselves okay ok oh um uh sir thing things lot going know think want mean
""".split())

# Stock lines of press conferences and interviews: never a talking point,
# however often they recur (compared after lower-casing and stripping
# punctuation).
STOP_PHRASES = frozenset({
    "thank you", "thank you very much", "thanks very much", "thank you so much", "thanks a lot",
    "next question", "go ahead", "please go ahead", "good morning", "good afternoon", "good evening",
    "ladies and gentlemen", "thank you all", "thank you everybody", "thank you everyone", "we'll see",
    "i don't know", "that's right", "that's true", "absolutely", "of course", "excuse me", "i'm sorry",
    "one more question", "last question", "let me answer", "let me say this", "let me be clear",
    "thank you for having me", "thank you for your question", "thank you very much for the question",
    "it's a pleasure to be here", "nice to see you", "great to see you", "good to see you",
})


# Interview procedure: asking, following up, thanking, handing over. Each pattern is
# matched on the lower-cased words joined by single spaces and taken out before the
# content words are counted (``procedure_removed``).
_ASKER = r"(?:if i (?:may|might|could)|may i|can i|could i|let me|allow me to|i (?:want|would like|d like|wanted) to)"
PROCEDURE_PATTERNS = tuple(re.compile(p) for p in (
    _ASKER + r"(?: (?:just|quickly|also|now|again|briefly))*"
    r" (?:ask|follow up|add|go back|come back|turn|press|put|finish|answer)"
    r"(?: (?:you|on|to|a|one))*\b",
    r"\b(?:a |one )?follow(?:ing)? up(?: on| to)?\b",
    r"\b(?:another|next|last|one more|final|quick|first|second|a|my|follow up) questions?\b",
    r"^(?:thank you|thanks)(?: (?:very|so) much)?(?: (?:for (?:the|your|that|this) (?:question|opportunity)"
    r"|for having me|for coming|for joining us|for being here))?\b",
    r"\b(?:please )?go ahead(?: please)?\b",
))


def procedure_removed(text: str) -> str:
    """The lower-cased words of ``text`` with the phrases of ``PROCEDURE_PATTERNS`` taken out."""
    folded = " ".join(words(text))
    for pattern in PROCEDURE_PATTERNS:
        folded = pattern.sub(" ", folded)
    return folded


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits; inner apostrophes kept)."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (procedure phrasing taken out), in order, with repeats."""
    return [w[:STEM] for w in words(procedure_removed(text)) if w not in STOP_WORDS and (len(w) > 2 or w.isdigit())]


def keys(stems: Iterable[str], names: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Every pair (sorted, joined by a space) of the ``KEY_WORDS`` longest distinct stems, except
    pairs of two ``names`` stems ("new york", "united states": a name alone makes no talking point)."""
    distinct = sorted(set(stems), key=lambda s: (-len(s), s))[:KEY_WORDS]
    return [" ".join(pair) for pair in itertools.combinations(sorted(distinct), 2)
            if not (pair[0] in names and pair[1] in names)]


def name_stems(text: str) -> set[str]:
    """Stems of the capitalised words of ``text`` that do not open it or a clause (a light name cue)."""
    out = set()
    for m in _CAPITALISED.finditer(text):
        w = m.group().lower().replace("’", "'")
        if w not in STOP_WORDS and (len(w) > 2 or w.isdigit()):
            out.add(w[:STEM])
    return out


def named_similarity(a: Sequence[str], names_a: set[str], b: Sequence[str], names_b: set[str]) -> float:
    """Stem-set cosine in which shared names do not count as overlap (they still count in the
    sizes): two sentences that only share "President Putin" or "the United States" score low."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len((sa & sb) - names_a - names_b) / math.sqrt(len(sa) * len(sb))


def weighted_similarity(a: Sequence[str], names_a: set[str], b: Sequence[str], names_b: set[str],
                        idf: dict[str, float]) -> float:
    """``named_similarity`` with each stem weighted by ``idf`` (a binary tf-idf cosine): the shared
    non-name stems' squared weights over the geometric mean of each side's; 0 when a side weighs nothing."""
    sa, sb = set(a), set(b)
    size_a, size_b = sum(idf.get(s, 0.0) ** 2 for s in sa), sum(idf.get(s, 0.0) ** 2 for s in sb)
    if size_a <= 0 or size_b <= 0:
        return 0.0
    return sum(idf.get(s, 0.0) ** 2 for s in (sa & sb) - names_a - names_b) / math.sqrt(size_a * size_b)


def rare_stems(counts: dict[str, int], total: int) -> set[str]:
    """The stems of ``counts`` held by at most ``RARE_FLOOR`` or ``RARE_SHARE`` of ``total`` sentences."""
    most = max(RARE_FLOOR, RARE_SHARE * total)
    return {s for s, n in counts.items() if n <= most}


def inverse_frequencies(counts: dict[str, int], total: int) -> dict[str, float]:
    """``1 + ln((total + 1) / (count + 1))`` of each stem counted in ``total`` sentences (the smoothed
    idf: a stem every sentence holds still weighs 1, so a store of a few sentences behaves as unweighted)."""
    return {s: 1.0 + math.log((total + 1) / (min(n, total) + 1)) for s, n in counts.items()}


def boilerplate(text: str) -> bool:
    """True when ``text`` is a stock phrase or has fewer than MIN_CONTENT_WORDS content words once
    interview procedure is taken out ("If I may ask another question", "Let me follow up on Jim's question")."""
    folded = " ".join(words(text))
    if folded in STOP_PHRASES:
        return True
    return len(set(content_stems(text))) < MIN_CONTENT_WORDS


def lexical_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Cosine of the stem sets ``a`` and ``b`` (0 when either is empty)."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / math.sqrt(len(sa) * len(sb))


def dense_similarity(a: bytes | None, b: bytes | None) -> float | None:
    """Cosine of two float32 vectors stored as bytes (they are L2-normalised); None if either is missing."""
    if not a or not b or len(a) != len(b):
        return None
    import numpy as np

    return float(np.dot(np.frombuffer(a, dtype=np.float32), np.frombuffer(b, dtype=np.float32)))


class Embedder:
    """MiniLM sentence vectors as float32 bytes; ``model`` is None when the extra is missing (or turned off).
    Vectors made elsewhere (an ingest worker's) are given with ``remember`` and used instead of embedding
    again, until ``forget``."""

    def __init__(self, dense: bool = True):
        self.model: str | None = None
        self.known: dict[str, bytes] = {}
        if dense:
            from parley.models import encoder

            if encoder.available() is None:
                self.model = encoder.MODEL_PACKAGE

    def remember(self, texts: list[str], vectors: list[bytes]) -> None:
        if len(texts) == len(vectors):  # a payload that does not fit these texts is ignored, not trusted
            self.known.update(zip(texts, vectors))

    def forget(self) -> None:
        self.known.clear()

    def vectors(self, texts: list[str]) -> list[bytes | None]:
        if self.model is None or not texts:
            return [None] * len(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self.known))
        made: dict[str, bytes] = {}
        if missing:
            import numpy as np

            from parley.models import encoder

            matrix = np.asarray(encoder.embed(missing), dtype=np.float32)
            made = {t: row.tobytes() for t, row in zip(missing, matrix)}
        return [self.known.get(t) or made[t] for t in texts]


def pack_vectors(texts: list[str], vectors: list[bytes | None]) -> str:
    """``vectors`` (float32 bytes, one per text) as one base64 string ("" if any is missing)."""
    if not texts or any(v is None for v in vectors):
        return ""
    return base64.b64encode(b"".join(vectors)).decode("ascii")  # type: ignore[arg-type]


def unpack_vectors(packed: str, width: int = 384 * 4) -> list[bytes]:
    """The float32 vectors of ``pack_vectors`` (``width`` bytes each); [] when the payload is malformed."""
    try:
        raw = base64.b64decode(packed.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return []
    if not raw or len(raw) % width:
        return []
    return [raw[i:i + width] for i in range(0, len(raw), width)]
