"""Saved searches: what is new since the last look, on both backends; the
``parley alerts`` command; migration 7 over the gap left for migration 6."""
from __future__ import annotations

import json

import pytest

from parley.cli import main
from parley.document import Analysis, Document, Metadata, Span
from parley.document.records import Sentence
from parley.errors import ParleyError
from parley.sources import alerts
from parley.store import migrations, open_store
from parley.store.sources import SourceBook


def analysis(doc_id: str, text: str, published: str = "2024-03-05") -> Analysis:
    """A document whose sentences are its lines (offsets found, never typed)."""
    result = Analysis(Document(text, doc_id, Metadata(title=doc_id, published=published)))
    spans, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append(Sentence(Span(at, at + len(line))))
        at += len(line) + 1
    result.set_layer("sentences", spans)
    result.pipeline = [{"name": "test", "version": "1"}]
    return result


def put(store, doc_id: str, text: str) -> str:
    return store.put_analysis(analysis(doc_id, text), "test@1").hash


def test_new_hits_since_the_last_look(url):
    with open_store(url) as store:
        old = put(store, "old", "The harbour will reopen in spring.\nNothing else.")
        first = alerts.save(store, alerts.make_search("harbour news", "harbour"))
        assert len(first.hits) == 1 and first.new == [first.hits[0]]  # shown at saving, then seen
        assert alerts.look(store, "harbour news").new == []
        new = put(store, "new", "Repairs to the harbour are finished.")
        put(store, "other", "The railway opens in May.")
        peek = alerts.look(store, "harbour news")
        assert [h.hash for h in peek.new] == [new] and {h.hash for h in peek.hits} == {old, new}
        assert [h.hash for h in alerts.look(store, "harbour news", mark=True).new] == [new]
        assert alerts.look(store, "harbour news").new == []
        assert SourceBook(store).saved_search("harbour news").last_seen_at


def test_filters_and_bad_searches(url):
    with open_store(url) as store:
        put(store, "a", "The harbour will reopen in spring.")
        saved = alerts.save(store, alerts.make_search("dated", "harbour", filters={"since": "2025-01-01"}))
        assert saved.hits == []
        for name, query, filters in [("", "harbour", {}), ("x" * 81, "harbour", {}), ("empty", "  ", {}),
                                     ("bad", "harbour", {"colour": "red"}), ("day", "harbour", {"since": "soon"})]:
            with pytest.raises(ParleyError) as caught:
                alerts.make_search(name, query, filters=filters)
            assert caught.value.code in ("E841", "E610")
        with pytest.raises(ParleyError) as caught:
            alerts.look(store, "nobody saved this")
        assert caught.value.code == "E841"


def test_parley_alerts_command(tmp_path, capsys):
    db = str(tmp_path / "alerts.db")
    with open_store(db) as store:
        put(store, "old", "Grain exports will double by June.")
    assert main(["alerts", "--save", "grain", "grain", "--db", db]) == 0
    with open_store(db) as store:
        put(store, "new", "Grain prices fell today.")
    capsys.readouterr()
    assert main(["alerts", "--list", "--db", db, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["name"], a["new_count"], a["total"]) for a in listed] == [("grain", 1, 2)]
    assert main(["alerts", "--db", db, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [h["doc_id"] for h in shown[0]["hits"]] == ["new"]
    assert main(["alerts", "grain", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["hits"] == []  # marked by the look before
    assert main(["alerts", "missing", "--db", db]) != 0
    assert "[E841]" in capsys.readouterr().err
    assert main(["alerts", "--delete", "grain", "--db", db]) == 0


def test_a_migration_missing_below_the_highest_applied_still_runs(tmp_path):
    assert [m.version for m in migrations.pending(set())] == sorted(m.version for m in migrations.MIGRATIONS)
    assert 7 in [m.version for m in migrations.pending({1, 2, 3})]
    path = str(tmp_path / "gap.db")
    with open_store(path) as store:
        assert store.schema_version() == migrations.LATEST
        assert store._rows("SELECT COUNT(*) FROM saved_searches") == [(0,)]
        # As if this database had been migrated on a branch without 6.
        store._execute("DROP TABLE corrections")
        store._execute("DELETE FROM schema_version WHERE version = 6")
        store.conn.commit()
    with open_store(path) as store:
        assert store._rows("SELECT COUNT(*) FROM corrections") == [(0,)]
        assert 6 in {v for (v,) in store._rows("SELECT version FROM schema_version")}
