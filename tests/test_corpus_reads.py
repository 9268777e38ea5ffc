"""Issue 14, the corpus where analysts read: batched point writes, the dossier grouped by talking
point, attribution checks on the document and entity pages (HTML and JSON), both backends."""
from __future__ import annotations

import pytest

from tests.conftest import needs
from tests.corpus_fixture import analysis

from parley.corpus import points as talking_points
from parley.store import open_store

LINE = "The sanctions against our country have completely failed to damage the economy"
PARAPHRASE = "The sanctions against our country completely failed to damage our economy"
SAID = "We will send 300 engineers to rebuild the bridges in Kherson next spring"
HOSTILE = "We will send <script>alert(1)</script> 300 engineers to rebuild the bridges in Kherson next spring"


def _store(url):
    store = open_store(url)
    store.corpus_vectors = False
    return store


def _long(doc_id: str, n: int) -> dict:
    return analysis(doc_id, "2024-01-01", [("lavrov", f"Bridge number {i} across the river {doc_id} was rebuilt "
                                                      f"by engineers working {i} nights") for i in range(n)])


def test_members_of_a_document_are_written_in_a_fixed_number_of_statements(url):
    with _store(url) as store:
        cls, counted = type(store), []
        plain = cls._execute

        def counting(self, sql, params=()):
            counted.append(sql)
            return plain(self, sql, params)

        cls._execute = counting
        try:
            for doc_id, n in (("short", 3), ("long", 40)):
                counted.clear()
                store.put_json(_long(doc_id, n), "t")
                member_writes = [s for s in counted if "point_members" in s and not s.startswith("SELECT")]
                assert member_writes == [], member_writes  # one executemany, never one INSERT per member
        finally:
            cls._execute = plain
        rows = store._rows("SELECT id, point_id, hash FROM point_members ORDER BY id", ())
        assert len(rows) == 43 and len({r[0] for r in rows}) == 43
        first = store.info("short").hash
        assert all(point == member for member, point, h in rows if h == first)  # the first document: seeds only
        assert {point for _, point, _ in rows} <= {member for member, _, _ in rows}
        keyed = store._one("SELECT COUNT(DISTINCT member_id) FROM point_keys", ())[0]
        assert keyed == 43


def test_batched_members_still_join_points(url):
    with _store(url) as store:
        store.put_json(analysis("a", "2024-01-05", [("lavrov", LINE + "."), ("host", "Bridges rose over rivers "
                                                                                     "in three northern provinces.")]), "t")
        store.put_json(analysis("b", "2024-02-07", [("lavrov", PARAPHRASE + "!")]), "t")
        [p] = talking_points.points(store)
        assert p.documents == 2 and {m.doc_id for m in p.members} == {"a", "b"}


def test_dossier_groups_what_it_said_by_talking_point(url):
    with _store(url) as store:
        store.put_json(analysis("a", "2024-01-05", [("lavrov", LINE + "."),
                                                    ("lavrov", "Grain exports through southern ports reached records.")]),
                       "t")
        store.put_json(analysis("b", "2024-02-07", [("lavrov", PARAPHRASE + "!")]), "t")
        said = store.dossier("lavrov").said
    assert [g["point"] is not None for g in said] == [True, False]
    assert said[0]["label"] == LINE + "." and said[0]["documents"] == 2
    assert sorted(s["doc_id"] for s in said[0]["sentences"]) == ["a", "b"]
    assert [s["snippet"] for s in said[1]["sentences"]] == ["Grain exports through southern ports reached records."]
    assert said[1]["label"] == "Other statements"


@pytest.fixture
def checked(url):
    """A speech of shoigu and a report that changes one word of it (a 'differs' check)."""
    with _store(url) as store:
        store.put_json(analysis("speech", "2024-04-01", [("shoigu", HOSTILE + ".")]), "t")
        store.put_json(analysis("report", "2024-05-01", [("host", "He said he might send <script>alert(1)</script> "
                                                                  "300 engineers to rebuild the bridges in Kherson next spring.")],
                                [("shoigu", "he might send <script>alert(1)</script> 300 engineers to rebuild the "
                                            "bridges in Kherson next spring", False)]), "t")
        report = store.info("report").hash
        speech = store.info("speech").hash
        assert store.dossier("shoigu").said_by_others[0]["check"] == "differs"
    return url, report, speech


def test_document_page_shows_each_attribution_check_and_its_twin(checked):
    needs("fastapi", extra="service")
    needs("httpx", extra="service")
    from fastapi.testclient import TestClient

    from parley.service import Settings, create_app

    url, report, speech = checked
    with TestClient(create_app(url, Settings(token="t"), pipeline=[])) as client:
        [c] = client.get(f"/api/documents/{report}").json()["attribution_checks"]
        assert c["label"] == "differs" and c["differs"] == ["modal"] and c["source"] == "shoigu"
        passage = c["passages"][0]
        assert passage["link"] == f"/documents/{speech}?at={passage['start']}-{passage['end']}"
        page = client.get(f"/documents/{report}").text
        assert 'id="panel-attribution-checks"' in page and "differs from the source&#39;s words: modal" in page
        assert f'href="/documents/{speech}?at={passage["start"]}-{passage["end"]}"' in page
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "verdict" not in page.split('id="panel-attribution-checks"')[1].split("</section>")[0].replace(
            "never a verdict of truth", "")
        entity = client.get("/entities/shoigu").text.split('id="entity-said-by-others"')[1]
        assert 'class="check check-differs"' in entity
        others = client.get("/api/entities/shoigu").json()["said_by_others"]
        assert [o["check"] for o in others] == ["differs"]
        assert 'id="panel-attribution-checks"' not in client.get(f"/documents/{speech}").text
