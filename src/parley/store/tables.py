"""The statements that create the tables of migrations 6 to 10 (``migrations.py``
lists the migrations; their tables are built here to keep that file short).

- ``corrections`` (6): people's accept/reject/edit/add of findings;
- ``feeds``, ``feed_items``, ``saved_searches`` (7): ``parley watch`` and alerts;
- ``claim_matches``, ``match_terms`` (8): stored claim matches and word counts;
- ``point_members``, ``point_keys``, ``attribution_checks``, ``check_keys`` (9):
  talking points and attribution checks;
- ``entity_aliases``, ``stance_evidence`` (10): cross-document identity and
  the sentences behind each stance.
"""
from __future__ import annotations


def corrections_table(key: str) -> str:
    """The corrections table; ``key`` is the dialect's row key."""
    columns = [key, "hash TEXT NOT NULL", "layer TEXT NOT NULL", "action TEXT NOT NULL", "target TEXT",
               "record TEXT", "author TEXT NOT NULL", "reason TEXT", "created_at TEXT NOT NULL",
               "status TEXT NOT NULL DEFAULT 'active'", "finding TEXT"]
    return "CREATE TABLE corrections (\n    " + ",\n    ".join(columns) + ")"


CORRECTIONS_INDEX = "CREATE INDEX corrections_hash ON corrections (hash, id)"

SOURCES = (
    "CREATE TABLE feeds (url TEXT PRIMARY KEY, title TEXT, checked_at TEXT NOT NULL, code TEXT, message TEXT)",
    "CREATE TABLE feed_items (feed_url TEXT NOT NULL, item_key TEXT NOT NULL, link TEXT, title TEXT,"
    " seen_at TEXT NOT NULL, doc_hash TEXT, code TEXT, message TEXT, PRIMARY KEY (feed_url, item_key))",
    "CREATE TABLE saved_searches (name TEXT PRIMARY KEY, query TEXT NOT NULL, layer TEXT NOT NULL,"
    " filters TEXT NOT NULL, created_at TEXT NOT NULL, last_seen_at TEXT, seen TEXT NOT NULL)",
)


def claim_matches_table(key: str, real: str) -> str:
    """The claim_matches table; ``key`` is the dialect's segment id type."""
    columns = [f"segment_id {key} NOT NULL REFERENCES segments (id) ON DELETE CASCADE",
               "hash TEXT NOT NULL", "span_start INTEGER NOT NULL", "span_end INTEGER NOT NULL",
               "kind TEXT NOT NULL CHECK (kind IN ('factcheck', 'claim'))",
               "factcheck_key TEXT REFERENCES factchecks (key) ON DELETE CASCADE",
               f"target_segment {key} REFERENCES segments (id) ON DELETE CASCADE",
               f"score {real} NOT NULL", "rank INTEGER NOT NULL"]
    return "CREATE TABLE claim_matches (\n    " + ",\n    ".join(columns) + ")"


CLAIM_MATCH_INDEXES = (
    "CREATE INDEX claim_matches_segment ON claim_matches (segment_id, kind, rank)",
    "CREATE INDEX claim_matches_hash ON claim_matches (hash)",
    "CREATE INDEX claim_matches_factcheck ON claim_matches (factcheck_key)",
    "CREATE INDEX claim_matches_target ON claim_matches (target_segment)",
)


def corpus_tables(key: str, blob: str, big: str) -> tuple[str, ...]:
    """Talking points and attribution checks (migration 9): ``key`` is the dialect's row key."""
    return (
        f"""CREATE TABLE point_members (
    {key},
    hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
    point_id {big} NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    turn INTEGER,
    speaker TEXT,
    day TEXT,
    body TEXT NOT NULL,
    stems TEXT NOT NULL,
    vector {blob},
    similarity REAL NOT NULL)""",
        "CREATE INDEX point_members_point ON point_members (point_id)",
        "CREATE INDEX point_members_hash ON point_members (hash)",
        "CREATE INDEX point_members_speaker ON point_members (speaker)",
        f"""CREATE TABLE point_keys (
    key TEXT NOT NULL,
    member_id {big} NOT NULL REFERENCES point_members (id) ON DELETE CASCADE,
    point_id {big} NOT NULL,
    hash TEXT NOT NULL,
    speaker TEXT)""",
        "CREATE INDEX point_keys_key ON point_keys (key, point_id)",
        "CREATE INDEX point_keys_speaker ON point_keys (speaker, key)",
        "CREATE INDEX point_keys_member ON point_keys (member_id)",
        """CREATE TABLE attribution_checks (
    hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,
    attribution INTEGER NOT NULL,
    source TEXT NOT NULL,
    direct INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    day TEXT,
    body TEXT NOT NULL,
    label TEXT NOT NULL,
    similarity REAL NOT NULL,
    differs TEXT NOT NULL,
    passages TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (hash, attribution))""",
        "CREATE INDEX attribution_checks_source ON attribution_checks (source)",
        """CREATE TABLE check_keys (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    hash TEXT NOT NULL,
    attribution INTEGER NOT NULL,
    FOREIGN KEY (hash, attribution) REFERENCES attribution_checks (hash, attribution) ON DELETE CASCADE)""",
        "CREATE INDEX check_keys_key ON check_keys (source, key)",
        "CREATE INDEX check_keys_check ON check_keys (hash, attribution)",
    )

LINKS = (
    "CREATE TABLE entity_aliases (alias_id TEXT PRIMARY KEY, canonical_id TEXT NOT NULL, rule TEXT NOT NULL,"
    " name_key TEXT NOT NULL, surname TEXT NOT NULL, words INTEGER NOT NULL, type TEXT NOT NULL)",
    "CREATE INDEX entity_aliases_canonical ON entity_aliases (canonical_id)",
    "CREATE INDEX entity_aliases_key ON entity_aliases (name_key, rule)",
    "CREATE INDEX entity_aliases_surname ON entity_aliases (surname, rule)",
    "CREATE TABLE stance_evidence (hash TEXT NOT NULL REFERENCES documents (hash) ON DELETE CASCADE,"
    " holder TEXT NOT NULL, target TEXT NOT NULL, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,"
    " body TEXT NOT NULL)",
    "CREATE INDEX stance_evidence_pair ON stance_evidence (hash, holder, target)",
    "CREATE INDEX mentions_entity_doc ON mentions (entity_id, hash, span_start)",
    "CREATE INDEX stances_holder ON stances (holder)",
)
