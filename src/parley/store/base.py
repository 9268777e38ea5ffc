"""The corpus store interface: what every backend (SQLite, PostgreSQL) offers.

A store holds analysed documents, keyed by the SHA-256 of their text
(``parley.document.text_hash``), so that storing the same text twice is a
no-op. Each stored analysis keeps the pipeline version that made it. Besides
the whole analysis JSON (``Analysis.to_json()``), a store indexes what the
queries need: segments of text per layer (sentences, quotes, claims,
techniques) for full-text search, entity mentions, speakers, and stance.

Open a store with ``open_store(url)`` (``parley.store.open``, which picks the
backend; this module imports no backend):

- ``"parley.db"``, ``"path/to/file.db"`` or ``"sqlite:///path/to/file.db"``:
  an embedded SQLite file (created on first use, WAL mode, FTS5);
- ``"postgresql://user@host:port/db"``: a PostgreSQL server (psycopg 3,
  the ``postgres`` extra).

Opening runs the migrations (``migrate()``), so a new or old database is
brought to the current schema. Every method raises ``StoreError`` (E6xx) on
failure, never a driver's exception.

Typical use::

    with open_store("parley.db") as store:
        result = store.put_analysis(analysis, pipeline_version(pipeline))
        hits = store.search("sanctions", Filters(speaker="sergey-lavrov"))
        page = store.entity("nato")
"""
from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from parley.document import Analysis
    from parley.factchecks import FactCheck

DEFAULT_URL = "parley.db"

# Layers that ``search`` can look in. "quotes" are the attributions layer
# (what a speaker says someone else said), indexed by their content span.
SEARCH_LAYERS = ("sentences", "quotes", "claims", "techniques")
DEFAULT_SEARCH_LIMIT = 20
DEFAULT_TIME_LIMIT = 2.0  # seconds; a search that runs longer returns what it has


@dataclass(frozen=True)
class Filters:
    """Restrictions shared by ``documents``, ``search`` and ``export``.

    ``speaker``: a turn speaker id ("sergey-lavrov", "interviewer"); for
    ``search`` the hit's own turn must be by that speaker, for ``documents``
    the document must hold a turn by them. ``entity``: the document mentions
    this entity id. ``since``/``until``: ISO dates (YYYY-MM-DD), inclusive,
    against the document's publication date (documents without a date are
    left out when either is set). ``outlet``: exact outlet name.
    """

    speaker: str | None = None
    entity: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None

    def json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class PutResult:
    """What ``put_analysis`` did: ``created`` is False when the text was already stored."""

    hash: str
    doc_id: str
    created: bool


@dataclass(frozen=True)
class DocumentInfo:
    """One row of ``documents()``: a stored document without its analysis."""

    hash: str
    doc_id: str
    title: str | None
    published: str | None  # ISO date or date-time, as in Metadata.published
    outlet: str | None
    interviewee: str | None
    source: str | None
    pipeline_version: str
    words: int
    ingested_at: str  # ISO 8601 UTC

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """One search result: where in which document, with a snippet.

    ``start``/``end`` are ``[start, end)`` offsets into the stored document's
    text; ``turn`` is the index into its turns layer (None outside turns);
    ``speaker`` is that turn's speaker id. ``label`` depends on the layer:
    the quoted source for quotes, the kind for claims, the technique label
    for techniques, None for sentences. ``snippet`` is the segment text.
    """

    hash: str
    doc_id: str
    layer: str
    turn: int | None
    start: int
    end: int
    speaker: str | None
    label: str | None
    published: str | None
    snippet: str
    score: float = 0.0

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchResult:
    """The hits of a search; ``complete`` is False when the time limit cut it short."""

    hits: list[Hit]
    complete: bool = True
    elapsed: float = 0.0


@dataclass(frozen=True)
class Mention:
    """An entity mention: a span in a stored document."""

    hash: str
    doc_id: str
    start: int
    end: int
    turn: int | None
    published: str | None
    text: str

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StancePoint:
    """A stance toward an entity in one document (or one turn of it)."""

    hash: str
    doc_id: str
    published: str | None
    holder: str
    polarity: str  # positive | negative | neutral
    confidence: float
    turn: int | None

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EntityPage:
    """Everything the store knows about one entity id.

    ``said``: sentences from turns whose speaker is the entity (what it said).
    ``said_by_others``: quotes attributed to the entity in turns of other
    speakers (what others said it said). ``stance``: stances toward the
    entity, oldest first (documents without a date last).
    """

    id: str
    name: str | None
    type: str | None
    documents: int
    mentions: list[Mention] = field(default_factory=list)
    said: list[Hit] = field(default_factory=list)
    said_by_others: list[Hit] = field(default_factory=list)
    stance: list[StancePoint] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "type": self.type, "documents": self.documents,
            "mentions": [m.json() for m in self.mentions],
            "said": [h.json() for h in self.said],
            "said_by_others": [h.json() for h in self.said_by_others],
            "stance": [s.json() for s in self.stance],
        }


@dataclass(frozen=True)
class FailureRecord:
    """An input that failed during an ingest, and why."""

    source: str
    code: str
    message: str
    pipeline_version: str | None
    at: str  # ISO 8601 UTC

    def json(self) -> dict[str, Any]:
        return asdict(self)


class FactCheckCounts(NamedTuple):
    """What ``put_factchecks`` did with the records it was given."""

    added: int
    unchanged: int
    updated: int = 0


class Store(ABC):
    """A corpus of analysed documents. Use as a context manager or call close().

    A store object belongs to one thread/process; open one per worker.
    Writes are transactional: ``put_analysis`` stores a document with all its
    index rows in ONE transaction, so a reader (or a resumed ingest after a
    crash) sees either the whole analysis or nothing.
    """

    url: str

    # -- lifecycle -------------------------------------------------------
    @abstractmethod
    def migrate(self) -> int:
        """Apply pending migrations (``migrations.py``); returns the schema version."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the database (0: empty)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection. Safe to call twice."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------
    def batch(self) -> contextlib.AbstractContextManager:
        """Group several writes in one transaction (bulk loads): ``with store.batch(): ...``."""
        return contextlib.nullcontext()

    @abstractmethod
    def put_analysis(self, analysis: "Analysis", pipeline_version: str) -> PutResult:
        """Store ``analysis`` unless its text hash is already stored (one transaction).

        Idempotent: a second call with the same text returns ``created=False``
        and changes nothing (use ``replace=True`` of ``put_json`` to recompute).
        """

    @abstractmethod
    def put_json(self, data: dict[str, Any], pipeline_version: str, replace: bool = False) -> PutResult:
        """Like ``put_analysis`` for an ``Analysis.to_json()`` dict (with ``text``).

        ``replace=True`` overwrites a stored analysis of the same text (a newer
        pipeline version, say).
        """

    @abstractmethod
    def record_failure(self, source: str, code: str, message: str, pipeline_version: str | None = None) -> None:
        """Log an input that failed (committed at once)."""

    # -- reading ---------------------------------------------------------
    @abstractmethod
    def has(self, hash: str) -> bool:
        """Whether a document with this text hash is stored."""

    @abstractmethod
    def hashes(self) -> set[str]:
        """Every stored text hash (ingest uses it to skip what is done)."""

    @abstractmethod
    def count(self) -> int:
        """The number of stored documents."""

    @abstractmethod
    def get(self, ref: str) -> dict[str, Any]:
        """The stored analysis JSON (``Analysis.to_json()`` form, with ``text``
        and ``parley.pipeline_version``) of a document named by its full hash,
        a unique hash prefix (at least 6 characters) or a unique doc_id.

        Raises StoreError E603 when nothing matches, E604 when several do.
        """

    def get_analysis(self, ref: str) -> "Analysis":
        """``get`` read back into an ``Analysis``."""
        from parley.document import Analysis

        return Analysis.from_json(self.get(ref))

    @abstractmethod
    def info(self, ref: str) -> DocumentInfo:
        """The ``DocumentInfo`` of one document (same ``ref`` rules as ``get``)."""

    @abstractmethod
    def documents(self, filters: Filters | None = None, limit: int | None = 100, offset: int = 0) -> list[DocumentInfo]:
        """Stored documents matching ``filters``, newest publication first."""

    @abstractmethod
    def search(
        self,
        query: str,
        filters: Filters | None = None,
        layer: str = "sentences",
        limit: int = DEFAULT_SEARCH_LIMIT,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
    ) -> SearchResult:
        """Full-text search of one layer's segments.

        ``query`` is plain words (all must occur; a trailing ``*`` makes a
        prefix); punctuation is ignored, so user input cannot break the
        query syntax. An empty query with filters lists segments, newest
        document first. Hits come best first: the newest 300 matches are
        scored (BM25-like on term counts and length) and the best ``limit``
        returned, so the cost stays bounded in a large store. A search that
        runs past ``time_limit`` seconds returns what it found with
        ``complete=False``. Raises StoreError E605 for an unknown layer,
        E606 for a query with no words and no filters, E610 for a bad date.
        """

    @abstractmethod
    def entity(self, entity_id: str, limit: int = 200) -> EntityPage:
        """The entity page of ``entity_id`` (E603 when nothing is known of it)."""

    @abstractmethod
    def failures(self) -> list[FailureRecord]:
        """Recorded failures, oldest first."""

    @abstractmethod
    def export(self, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        """Every matching stored analysis JSON, one at a time (streams)."""

    # -- fact-checks (store/factchecks.py) --------------------------------
    @abstractmethod
    def put_factchecks(self, records: Iterable["FactCheck"], source: str | None = None) -> FactCheckCounts:
        """Store fact-checks in ONE transaction, keyed by ``FactCheck.key`` (idempotent)."""

    @abstractmethod
    def factchecks(self, verdict: str | None = None, publisher: str | None = None, claimant: str | None = None,
                   limit: int | None = 100, offset: int = 0) -> list["FactCheck"]:
        """Stored fact-checks matching every filter given, newest review first."""

    @abstractmethod
    def factcheck(self, key: str) -> "FactCheck":
        """The stored fact-check with this key (URL or ``sha256:...``); E806 when none."""

    @abstractmethod
    def factcheck_count(self) -> int:
        """The number of stored fact-checks."""

    # -- stored claim matches (store/claim_match_reads.py, docs/matching.md) --
    @abstractmethod
    def claim_matches_of(self, hash: str) -> list[dict[str, Any]]:
        """Each claim of a document with its fact-check matches and the other statements of it."""

    @abstractmethod
    def factcheck_transcripts(self, key: str, limit: int = 200) -> list[dict[str, Any]]:
        """The stored claim passages that a fact-check matches, best first."""

    @abstractmethod
    def search_factchecks(self, query: str = "", publisher: str | None = None, verdict: str | None = None,
                          since: str | None = None, until: str | None = None, limit: int | None = 50,
                          offset: int = 0) -> list[dict[str, Any]]:
        """Fact-checks by words, publisher, verdict and review dates, with their match counts."""


__all__ = [
    "DEFAULT_URL", "SEARCH_LAYERS", "DocumentInfo", "EntityPage", "FactCheckCounts", "FailureRecord", "Filters", "Hit",
    "Mention", "PutResult", "SearchResult", "StancePoint", "Store",
]
