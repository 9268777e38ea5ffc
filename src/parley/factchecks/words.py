"""Word tokens for claim matching: lower-cased words without a short English
stop list (``tokens``), shared by BM25 (``factchecks.match``), the store's
full-text queries and the re-ranker's features (``factchecks.rerank``)."""
from __future__ import annotations

import re

STOPWORDS = frozenset("""a an and are as at be been but by did do does for from had has have he her his i if in
into is it its me my no not of on or our she so that the their them they this to was we were what when which who
will with would you your""".split())

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` without stop words (``'s`` dropped)."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = re.sub(r"['’]s$", "", word)
        if word not in STOPWORDS:
            out.append(word)
    return out
