"""The document model: an immutable text, its metadata, and layers of records.

Offsets are the truth. A ``Span`` is ``[start, end)`` into ``Document.text``,
which never changes after ingest; ``Analysis.set_layer`` refuses any record
whose spans do not fit the text. Records are frozen dataclasses (see
``records.py``); the whole analysis serialises to the gold JSON format of
``../shared/gold/GUIDELINES.md`` plus extra keys (``gold.py``), and reads back.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from parley.document.gold import layer_to_json, layers_from_json
from parley.document.spans import Span, iter_spans
from parley.errors import SpanError

METADATA_FIELDS = ("title", "published", "place", "outlet", "interviewee", "genre")


@dataclass(frozen=True)
class Metadata:
    """What a statement is: the six gold fields plus where it came from
    (source, language, encoding: these are never scored)."""

    title: str | None = None
    published: str | None = None  # ISO 8601: "2025-10-15T20:22" or "2025-10-15"
    place: str | None = None
    outlet: str | None = None
    interviewee: str | None = None
    genre: str | None = None
    source: str | None = None  # path, URL or "-" for stdin
    language: str = "en"
    # Python codec the bytes were decoded with ("utf-8", "utf-16-le",
    # "cp1251", ...); None when the text did not come from bytes.
    encoding: str | None = None

    def merged(self, override: "Metadata | dict") -> "Metadata":
        """This metadata with every non-empty field of ``override`` winning."""
        items = override.items() if isinstance(override, dict) else vars(override).items()
        return replace(self, **{k: v for k, v in items if v not in (None, "") and k in vars(self)})

    @property
    def date(self) -> str | None:
        return self.published[:10] if self.published else None

    def json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


def text_hash(text: str) -> str:
    """The key of a document in a store: the SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """An ingested transcript. ``text`` is never modified after ingest."""

    text: str
    doc_id: str
    metadata: Metadata = field(default_factory=Metadata)

    @property
    def hash(self) -> str:
        return text_hash(self.text)

    def span(self, start: int, end: int) -> Span:
        """A verified span of this text (raises SpanError if it does not fit)."""
        span = Span.of((start, end))
        self.check(span)
        return span

    def check(self, span: Span | None, what: str = "span") -> None:
        if span is not None and span.end > len(self.text):
            raise SpanError(
                f"{what} [{span.start}, {span.end}) runs past the end of the text "
                f"({len(self.text)} characters) of {self.doc_id}"
            )

    def __getitem__(self, span: Span) -> str:
        return self.text[span.start:span.end]


class Analysis:
    """A document and the layers of records the pipeline assigned to it."""

    def __init__(self, document: Document, metadata: Metadata | None = None):
        self.document = document
        self.metadata = metadata or document.metadata
        self.layers: dict[str, list[Any]] = {}
        self.pipeline: list[dict[str, str]] = []  # [{"name", "version"}] that ran
        self.unavailable: dict[str, str] = {}  # analyser name -> why it did not run
        self.timings: dict[str, float] = {}  # "parse" and analyser name -> seconds

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def reference_date(self) -> str | None:
        return self.metadata.date

    def set_layer(self, name: str, records: Iterable[Any]) -> None:
        """Store a layer after checking every span of every record."""
        records = list(records)
        for record in records:
            for field_name, span in iter_spans(record):
                self.document.check(span, f"{name}.{field_name}")
        self.layers[name] = records

    def layer(self, name: str) -> list[Any]:
        return self.layers.get(name, [])

    def __contains__(self, name: str) -> bool:
        return name in self.layers

    # -- serialisation ---------------------------------------------------
    def to_json(self, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.document.doc_id,
            "reference_date": self.reference_date,
            "metadata": self.metadata.json(),
        }
        for name, records in self.layers.items():
            out.update(layer_to_json(name, records))
        out["parley"] = {
            "version": _version(),
            "pipeline": self.pipeline,
            "unavailable": self.unavailable,
            "timings": self.timings,
            "hash": self.document.hash,
        }
        if include_text:
            out["text"] = self.document.text
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], text: str | None = None) -> "Analysis":
        """Read an analysis (or a gold file) back; ``text`` when it lacks one."""
        text = data.get("text", text)
        if text is None:
            raise SpanError("the JSON holds no 'text' and none was given")
        meta = {k: v for k, v in (data.get("metadata") or {}).items() if k in Metadata.__dataclass_fields__}
        document = Document(text=text, doc_id=str(data.get("doc_id") or "document"), metadata=Metadata(**meta))
        analysis = cls(document)
        for name, records in layers_from_json(data).items():
            analysis.set_layer(name, records)
        parley = data.get("parley") or {}
        analysis.pipeline = list(parley.get("pipeline", []))
        analysis.unavailable = dict(parley.get("unavailable", {}))
        analysis.timings = dict(parley.get("timings", {}))
        return analysis


def _version() -> str:
    from parley import __version__

    return __version__
