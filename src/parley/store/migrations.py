"""Numbered schema migrations for both backends, recorded in ``schema_version``.

Each ``Migration`` holds the statements for SQLite and for PostgreSQL. A
store's ``migrate()`` creates ``schema_version`` if needed, then applies, in
order and each in its own transaction, every migration newer than the highest
recorded version. Never edit a released migration: append a new one.

Tables (both backends):

- ``documents``: one row per distinct text (``hash`` = SHA-256 of the text),
  its metadata, the pipeline version, and the whole analysis JSON.
- ``segments``: searchable pieces of text per layer (sentences, quotes,
  claims, techniques) with offsets, turn and speaker; full text through FTS5
  (SQLite, ``segments_fts``) or a tsvector column with a GIN index (PostgreSQL).
- ``speakers``, ``entities``, ``mentions``, ``stances``: what the filters and
  entity pages read.
- ``failures``: inputs an ingest could not analyse, and why.
- ``factchecks``: imported fact-checks (``parley factchecks import``), their
  claim and claimant in a full-text index (migration 5: FTS5
  ``factchecks_fts`` or the ``tsv`` column with a GIN index).
- ``factcheck_vectors``: one MiniLM vector per fact-check (float32 bytes),
  for dense claim matching (``parley claims match``).
- ``corrections`` (migration 6): people's corrections of findings, by
  document hash; no foreign key, so replacing an analysis (``ingest
  --recompute``) never deletes them (``store/corrections.py``).
- ``claim_matches``: for each stored claim segment, its best fact-checks and
  the other stored claims that say the same thing, with a score and a rank
  (migration 8, filled at ingest and at fact-check import,
  ``factchecks/claim_matching.py``); ``match_terms``: how many matchable
  texts (fact-check claims and claim segments) hold each word, for weights.
"""
from __future__ import annotations

from dataclasses import dataclass

from parley.store import tables


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: str) -> tuple[str, ...]:
        return self.sqlite if dialect == "sqlite" else self.postgresql


SCHEMA_VERSION_TABLE = {
    "sqlite": "CREATE TABLE IF NOT EXISTS schema_version ("
              " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
    "postgresql": "CREATE TABLE IF NOT EXISTS schema_version ("
                  " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
}

# Columns every backend shares, so the common SQL in ``sql.py`` works on both.
_DOCUMENTS = """CREATE TABLE documents (
    hash TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    title TEXT,
    published TEXT,
    day TEXT,
    outlet TEXT,
    interviewee TEXT,
    source TEXT,
    pipeline_version TEXT NOT NULL,
    words INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    analysis TEXT NOT NULL)"""

_COMMON_TAIL = (
    "CREATE INDEX documents_doc_id ON documents (doc_id)",
    "CREATE INDEX documents_day ON documents (day)",
    "CREATE INDEX segments_hash ON segments (hash)",
    "CREATE INDEX segments_speaker ON segments (speaker, layer)",
    "CREATE INDEX segments_label ON segments (label, layer)",
    """CREATE TABLE speakers (
        hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
        speaker TEXT NOT NULL,
        name TEXT,
        PRIMARY KEY (hash, speaker))""",
    "CREATE INDEX speakers_speaker ON speakers (speaker)",
    """CREATE TABLE entities (
        hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
        entity_id TEXT NOT NULL,
        name TEXT,
        type TEXT,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (hash, entity_id))""",
    "CREATE INDEX entities_entity ON entities (entity_id)",
    """CREATE TABLE mentions (
        hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
        entity_id TEXT NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        turn INTEGER,
        surface TEXT NOT NULL)""",
    "CREATE INDEX mentions_entity ON mentions (entity_id)",
    "CREATE INDEX mentions_hash ON mentions (hash)",
    """CREATE TABLE stances (
        hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
        holder TEXT NOT NULL,
        target TEXT NOT NULL,
        polarity TEXT NOT NULL,
        confidence REAL NOT NULL,
        turn INTEGER)""",
    "CREATE INDEX stances_target ON stances (target)",
    "CREATE INDEX stances_hash ON stances (hash)",
)

# Facets of rows stored before migration 2, computed as rows.py does.
_FACETS_SQLITE = """UPDATE segments SET facets = trim(
    (SELECT CASE WHEN d.day IS NULL THEN 'ynone' ELSE 'y' || substr(d.day, 1, 4) END
            || CASE WHEN d.outlet IS NULL OR d.outlet = '' THEN '' ELSE ' ou' || lower(hex(d.outlet)) END
     FROM documents d WHERE d.hash = segments.hash)
    || coalesce((SELECT ' ' || group_concat('en' || lower(hex(e.entity_id)), ' ')
                 FROM entities e WHERE e.hash = segments.hash), '')
    || CASE WHEN speaker IS NULL THEN '' ELSE ' sp' || lower(hex(speaker)) END)"""
_FACETS_POSTGRESQL = """UPDATE segments s SET facets = trim(
    (SELECT CASE WHEN d.day IS NULL THEN 'ynone' ELSE 'y' || substr(d.day, 1, 4) END
            || CASE WHEN d.outlet IS NULL OR d.outlet = '' THEN ''
                    ELSE ' ou' || encode(convert_to(d.outlet, 'UTF8'), 'hex') END
     FROM documents d WHERE d.hash = s.hash)
    || coalesce((SELECT ' ' || string_agg('en' || encode(convert_to(e.entity_id, 'UTF8'), 'hex'), ' ')
                 FROM entities e WHERE e.hash = s.hash), '')
    || CASE WHEN s.speaker IS NULL THEN '' ELSE ' sp' || encode(convert_to(s.speaker, 'UTF8'), 'hex') END)"""

def _segments(key: str, *extra: str) -> str:
    """The segments table, keyed as the backend keys rows, with its extra columns."""
    columns = [key, "hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE", "layer TEXT NOT NULL",
               "turn INTEGER", "span_start INTEGER NOT NULL", "span_end INTEGER NOT NULL", "speaker TEXT",
               "label TEXT", "body TEXT NOT NULL", *extra]
    return "CREATE TABLE segments (\n    " + ",\n    ".join(columns) + ")"


def _failures(key: str) -> str:
    columns = [key, "source TEXT NOT NULL", "code TEXT NOT NULL", "message TEXT NOT NULL", "pipeline_version TEXT",
               "at TEXT NOT NULL"]
    return "CREATE TABLE failures (\n    " + ",\n    ".join(columns) + ")"


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "documents, segments with full text, speakers, entities, mentions, stances, failures",
        sqlite=(
            _DOCUMENTS,
            _segments("id INTEGER PRIMARY KEY"),
            "CREATE VIRTUAL TABLE segments_fts USING fts5("
            " body, layer, content='segments', content_rowid='id',"
            " tokenize='unicode61 remove_diacritics 2')",
            """CREATE TRIGGER segments_fts_insert AFTER INSERT ON segments BEGIN
                INSERT INTO segments_fts (rowid, body, layer) VALUES (new.id, new.body, new.layer);
            END""",
            """CREATE TRIGGER segments_fts_delete AFTER DELETE ON segments BEGIN
                INSERT INTO segments_fts (segments_fts, rowid, body, layer)
                VALUES ('delete', old.id, old.body, old.layer);
            END""",
            *_COMMON_TAIL,
            _failures("id INTEGER PRIMARY KEY"),
        ),
        postgresql=(
            _DOCUMENTS,
            _segments("id BIGSERIAL PRIMARY KEY",
                      "tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED"),
            "CREATE INDEX segments_tsv ON segments USING GIN (tsv)",
            *_COMMON_TAIL,
            _failures("id BIGSERIAL PRIMARY KEY"),
        ),
    ),
)

MIGRATIONS += (
    Migration(
        2,
        "segments.facets: year, outlet, speaker and entity tokens in the full-text index",
        sqlite=(
            "ALTER TABLE segments ADD COLUMN facets TEXT NOT NULL DEFAULT ''",
            "DROP TRIGGER segments_fts_insert",
            "DROP TRIGGER segments_fts_delete",
            "DROP TABLE segments_fts",
            _FACETS_SQLITE,
            "CREATE VIRTUAL TABLE segments_fts USING fts5("
            " body, layer, facets, content='segments', content_rowid='id',"
            " tokenize='unicode61 remove_diacritics 2')",
            """CREATE TRIGGER segments_fts_insert AFTER INSERT ON segments BEGIN
                INSERT INTO segments_fts (rowid, body, layer, facets) VALUES (new.id, new.body, new.layer, new.facets);
            END""",
            """CREATE TRIGGER segments_fts_delete AFTER DELETE ON segments BEGIN
                INSERT INTO segments_fts (segments_fts, rowid, body, layer, facets)
                VALUES ('delete', old.id, old.body, old.layer, old.facets);
            END""",
            "INSERT INTO segments_fts (segments_fts) VALUES ('rebuild')",
        ),
        postgresql=(
            "ALTER TABLE segments ADD COLUMN facets TEXT NOT NULL DEFAULT ''",
            _FACETS_POSTGRESQL,
            "ALTER TABLE segments DROP COLUMN tsv",
            "ALTER TABLE segments ADD COLUMN tsv TSVECTOR GENERATED ALWAYS AS ("
            " setweight(to_tsvector('simple', body), 'A') || setweight(to_tsvector('simple', facets), 'D')) STORED",
            "CREATE INDEX segments_tsv ON segments USING GIN (tsv)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        3,
        "terms: every indexed word, so a prefix query expands to words (SQLite)",
        sqlite=(
            "CREATE TABLE terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
            "CREATE VIRTUAL TABLE temp.segments_vocab USING fts5vocab(main, 'segments_fts', 'row')",
            "INSERT OR IGNORE INTO terms (term) SELECT term FROM temp.segments_vocab",
            "DROP TABLE temp.segments_vocab",
        ),
        postgresql=(),  # GIN answers prefix queries itself
    ),
)


def _factchecks(real: str) -> str:
    """The factchecks table; ``real`` is the dialect's double-precision type."""
    columns = ["key TEXT PRIMARY KEY", "content_hash TEXT NOT NULL", "claim TEXT NOT NULL", "verdict TEXT NOT NULL",
               "url TEXT", "claimant TEXT", "claim_date TEXT", "rating TEXT", f"rating_value {real}",
               f"best_rating {real}", f"worst_rating {real}", "publisher TEXT", "review_date TEXT", "source TEXT",
               "imported_at TEXT NOT NULL"]
    return "CREATE TABLE factchecks (\n    " + ",\n    ".join(columns) + ")"


_FACTCHECK_INDEXES = (
    "CREATE INDEX factchecks_verdict ON factchecks (verdict)",
    "CREATE INDEX factchecks_claimant ON factchecks (claimant)",
    "CREATE INDEX factchecks_publisher ON factchecks (publisher)",
)

MIGRATIONS += (
    Migration(
        4,
        "factchecks: imported ClaimReview fact-checks, keyed by URL or content hash",
        sqlite=(_factchecks("REAL"), *_FACTCHECK_INDEXES),
        postgresql=(_factchecks("DOUBLE PRECISION"), *_FACTCHECK_INDEXES),
    ),
)

_FACTCHECK_VECTORS = """CREATE TABLE factcheck_vectors (
    key TEXT PRIMARY KEY REFERENCES factchecks (key) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    vector {blob} NOT NULL)"""
# A contentful FTS5 table keyed by the fact-check's key (UNINDEXED): an
# external-content index would follow factchecks' implicit rowid, which VACUUM
# may renumber. Updates and deletes (rare: a revised rating) find the row by key.
_FC_FTS_INSERT = ("INSERT INTO factchecks_fts (key, claim, claimant) "
                  "VALUES (new.key, new.claim, coalesce(new.claimant, ''));")
_FC_FTS_DELETE = "DELETE FROM factchecks_fts WHERE key = old.key;"

MIGRATIONS += (
    Migration(
        5,
        "fact-check claims in the full-text index; factcheck_vectors: sentence vectors for claim matching",
        sqlite=(
            "CREATE VIRTUAL TABLE factchecks_fts USING fts5("
            " key UNINDEXED, claim, claimant, tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER factchecks_fts_insert AFTER INSERT ON factchecks BEGIN {_FC_FTS_INSERT} END",
            f"CREATE TRIGGER factchecks_fts_delete AFTER DELETE ON factchecks BEGIN {_FC_FTS_DELETE} END",
            f"CREATE TRIGGER factchecks_fts_update AFTER UPDATE ON factchecks BEGIN "
            f"{_FC_FTS_DELETE} {_FC_FTS_INSERT} END",
            "INSERT INTO factchecks_fts (key, claim, claimant) "
            "SELECT key, claim, coalesce(claimant, '') FROM factchecks",
            _FACTCHECK_VECTORS.format(blob="BLOB"),
        ),
        postgresql=(
            "ALTER TABLE factchecks ADD COLUMN tsv TSVECTOR GENERATED ALWAYS AS ("
            " setweight(to_tsvector('simple', claim), 'A')"
            " || setweight(to_tsvector('simple', coalesce(claimant, '')), 'B')) STORED",
            "CREATE INDEX factchecks_tsv ON factchecks USING GIN (tsv)",
            _FACTCHECK_VECTORS.format(blob="BYTEA"),
        ),
    ),
)


MIGRATIONS += (
    Migration(
        6,
        "corrections: people's accept/reject/edit/add of findings, kept across re-analysis",
        sqlite=(tables.corrections_table("id INTEGER PRIMARY KEY"), tables.CORRECTIONS_INDEX),
        postgresql=(tables.corrections_table("id BIGSERIAL PRIMARY KEY"), tables.CORRECTIONS_INDEX),
    ),
)


MIGRATIONS += (
    Migration(
        7,
        "feeds, feed_items: what parley watch saw; saved_searches: alerts and what each last showed",
        sqlite=tables.SOURCES,
        postgresql=tables.SOURCES,
    ),
)


MIGRATIONS += (
    Migration(
        8,
        "claim_matches: stored fact-check and corpus matches of each claim; match_terms: word counts for weights",
        sqlite=(tables.claim_matches_table("INTEGER", "REAL"), *tables.CLAIM_MATCH_INDEXES,
                "CREATE TABLE match_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID"),
        postgresql=(tables.claim_matches_table("BIGINT", "DOUBLE PRECISION"), *tables.CLAIM_MATCH_INDEXES,
                    "CREATE TABLE match_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL)"),
    ),
)


MIGRATIONS += (Migration(
    9,
    "talking points (point_members, point_keys) and attribution checks (attribution_checks, check_keys)",
    sqlite=tables.corpus_tables("id INTEGER PRIMARY KEY", "BLOB", "INTEGER"),
    postgresql=tables.corpus_tables("id BIGSERIAL PRIMARY KEY", "BYTEA", "BIGINT"),
),)


MIGRATIONS += (
    Migration(
        10,
        "entity_aliases: cross-document entity identity; stance_evidence: the sentences behind each stance",
        sqlite=tables.LINKS,
        postgresql=tables.LINKS,
    ),
)


# Keep last: every migration above counts.
LATEST = max(m.version for m in MIGRATIONS)


def pending(applied: set[int]) -> list[Migration]:
    """The migrations a database still needs, by version: every one whose version
    is not among those it recorded (so a migration merged below one already
    applied still runs)."""
    return sorted((m for m in MIGRATIONS if m.version not in applied), key=lambda m: m.version)
