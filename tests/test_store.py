"""The corpus store, on SQLite (a temp file) and on PostgreSQL (PARLEY_TEST_PG).

Documents are small invented transcripts built here with their layers, so
the store is tested apart from the analysers; the ingest tests run the real
ingest with the structure analyser only.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from parley.document import Analysis, text_hash
from parley.errors import ParleyError, StoreError
from parley.store import Filters, migrations, open_store
from tests.conftest import needs

@pytest.fixture
def store(url):
    with open_store(url) as s:
        yield s


def build(doc_id: str, date: str | None, turns: list[tuple[str, list[str]]], *, entities=(), quotes=(),
          stance=(), outlet: str = "Example Gazette") -> dict:
    """An analysis JSON: turns of (speaker, sentences); entities (id, surface);
    quotes (turn index, source id, words in that turn); stance (holder, target, polarity)."""
    text, turn_rows, sentence_rows = "", [], []
    for i, (speaker, sentences) in enumerate(turns):
        label = "Question" if speaker == "interviewer" else speaker.replace("-", " ").title()
        start = len(text)
        text += label + ": "
        body = len(text)
        for k, s in enumerate(sentences):
            if k:
                text += " "
            sentence_rows.append({"span": [len(text), len(text) + len(s)], "turn": i})
            text += s
        turn_rows.append({"span": [start, len(text)], "speaker": speaker, "kind": "question" if speaker ==
                          "interviewer" else "answer", "label_span": [start, start + len(label)],
                          "body_span": [body, len(text)], "speaker_name": label})
        text += "\n\n"
    data = {"doc_id": doc_id, "metadata": {"published": date, "outlet": outlet, "title": f"Talk {doc_id}"},
            "text": text, "turns": turn_rows, "sentences": sentence_rows, "entities": [], "attributions": [],
            "stance": []}
    if date is None:
        del data["metadata"]["published"]
    for entity_id, surface in entities:
        spans, at = [], text.find(surface)
        while at >= 0:
            spans.append([at, at + len(surface)])
            at = text.find(surface, at + 1)
        data["entities"].append({"id": entity_id, "name": surface, "type": "ORG", "mentions": spans})
    for turn, source, words in quotes:
        at = text.find(words, turn_rows[turn]["span"][0])
        data["attributions"].append({"source": source, "content_span": [at, at + len(words)], "direct": False,
                                     "turn": turn})
    for holder, target, polarity in stance:
        data["stance"].append({"holder": holder, "target": target, "polarity": polarity, "confidence": 0.9})
    return Analysis.from_json(data).to_json()


DOCS = [
    build("alpha", "2023-03-01", [
        ("interviewer", ["What about the harbour treaty?"]),
        ("olga-berg", ["The harbour treaty protects fishermen.", "Northland rejected the treaty twice."]),
    ], entities=[("northland", "Northland")], stance=[("olga-berg", "northland", "negative")]),
    build("beta", "2024-07-15", [
        ("interviewer", ["Did Olga Berg say the treaty failed?"]),
        ("karl-lind", ["Olga Berg said the treaty was a mistake.", "Northland supports fishermen now."]),
    ], entities=[("northland", "Northland"), ("olga-berg", "Olga Berg")],
       quotes=[(1, "olga-berg", "the treaty was a mistake")], stance=[("karl-lind", "northland", "positive")],
       outlet="Harbour Post"),
    build("gamma", None, [("olga-berg", ["Weather reports mention no treaty."])]),
]


def put_all(store) -> None:
    for data in DOCS:
        store.put_json(data, "test:1")


def test_migrates_an_empty_database(url):
    with open_store(url, migrate=False) as s:
        assert s.schema_version() == 0
        assert s.migrate() == migrations.LATEST
        assert s.migrate() == migrations.LATEST  # twice is harmless
        assert s.schema_version() == migrations.LATEST
        assert s.count() == 0


def test_put_is_idempotent_and_records_pipeline_version(store):
    first = store.put_json(DOCS[0], "test:1")
    again = store.put_json(DOCS[0], "test:2")
    assert first.created and not again.created
    assert store.count() == 1
    assert store.has(text_hash(DOCS[0]["text"]))
    info = store.info("alpha")
    assert info.pipeline_version == "test:1"
    assert store.get(first.hash)["parley"]["pipeline_version"] == "test:1"
    replaced = store.put_json(DOCS[0], "test:2", replace=True)
    assert replaced.created and store.count() == 1 and store.info("alpha").pipeline_version == "test:2"
    assert len(store.search("harbour").hits) == 2  # index rows replaced, not doubled


def test_put_analysis_round_trips_whole(store):
    analysis = Analysis.from_json(DOCS[1])
    result = store.put_analysis(analysis, "test:1")
    back = store.get_analysis(result.hash[:8])
    assert back.text == analysis.text
    assert back.layer("sentences") == analysis.layer("sentences")
    assert back.layer("entities") == analysis.layer("entities")


def test_get_by_reference(store):
    put_all(store)
    h = text_hash(DOCS[1]["text"])
    assert store.get(h)["doc_id"] == "beta"
    assert store.get(h[:10])["doc_id"] == "beta"
    assert store.get("gam")["doc_id"] == "gamma"
    with pytest.raises(StoreError) as e:
        store.get("no-such-document")
    assert e.value.code == "E603"


def test_search_finds_offsets_turn_and_speaker(store):
    put_all(store)
    hits = store.search("harbour treaty").hits
    assert {h.doc_id for h in hits} == {"alpha"}
    by_text = {h.snippet: h for h in hits}
    hit = by_text["The harbour treaty protects fishermen."]
    assert hit.turn == 1 and hit.speaker == "olga-berg"
    assert DOCS[0]["text"][hit.start:hit.end] == hit.snippet
    assert {h.doc_id for h in store.search("fisher*").hits} == {"alpha", "beta"}
    assert [h.snippet for h in store.search("harbour protect* fisher*").hits] == [
        "The harbour treaty protects fishermen."]
    assert store.search("zebra*").hits == [] and store.search("treaty zebra*").hits == []
    assert store.search("treaty OR ) \" *").complete  # punctuation cannot break the query


@pytest.mark.parametrize("filters, expected", [
    (Filters(speaker="olga-berg"), {"alpha", "gamma"}),
    (Filters(speaker="karl-lind"), {"beta"}),
    (Filters(entity="olga-berg"), {"beta"}),
    (Filters(since="2024-01-01"), {"beta"}),
    (Filters(until="2023-12-31"), {"alpha"}),
    (Filters(outlet="Harbour Post"), {"beta"}),
])
def test_search_filters(store, filters, expected):
    put_all(store)
    assert {h.doc_id for h in store.search("treaty", filters).hits} == expected


def test_search_layers_and_errors(store):
    put_all(store)
    quotes = store.search("mistake", layer="quotes").hits
    assert [(h.doc_id, h.label, h.speaker) for h in quotes] == [("beta", "olga-berg", "karl-lind")]
    assert store.search("treaty", Filters(speaker="karl-lind"), layer="claims").hits == []
    listed = store.search("", Filters(speaker="karl-lind")).hits
    assert len(listed) == 2 and all(h.speaker == "karl-lind" for h in listed)
    for query, kwargs, code in (("treaty", {"layer": "words"}, "E605"), ("  ", {}, "E606"),
                                ("treaty", {"filters": Filters(since="March")}, "E610")):
        with pytest.raises(StoreError) as e:
            store.search(query, **kwargs)
        assert e.value.code == code


def test_documents_list_filters(store):
    put_all(store)
    assert [d.doc_id for d in store.documents()] == ["beta", "alpha", "gamma"]
    assert [d.doc_id for d in store.documents(Filters(entity="northland"))] == ["beta", "alpha"]
    assert [d.doc_id for d in store.documents(Filters(speaker="karl-lind"))] == ["beta"]


def test_entity_page(store):
    put_all(store)
    page = store.entity("olga-berg")
    assert page.name == "Olga Berg" and page.documents == 1
    assert [m.text for m in page.mentions] == ["Olga Berg", "Olga Berg"]
    assert {h.snippet for h in page.said} >= {"The harbour treaty protects fishermen.",
                                               "Weather reports mention no treaty."}
    assert [(h.doc_id, h.snippet, h.speaker) for h in page.said_by_others] == [
        ("beta", "the treaty was a mistake", "karl-lind")]
    northland = store.entity("northland")
    assert [(s.doc_id, s.polarity) for s in northland.stance] == [("alpha", "negative"), ("beta", "positive")]
    with pytest.raises(StoreError) as e:
        store.entity("nobody-at-all")
    assert e.value.code == "E603"


def test_export_formats(store, url, tmp_path, capsys):
    from parley.cli import main

    put_all(store)
    exported = list(store.export())
    assert sorted(d["doc_id"] for d in exported) == ["alpha", "beta", "gamma"]
    assert [d["doc_id"] for d in store.export(Filters(since="2024-01-01"))] == ["beta"]

    assert main(["export", "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(json.loads(line)["doc_id"] for line in lines) == ["alpha", "beta", "gamma"]

    assert main(["export", "--db", url, "--format", "csv", "--table", "sentences"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == sum(len(d["sentences"]) for d in DOCS)
    row = next(r for r in rows if r["text"] == "Northland rejected the treaty twice.")
    alpha = DOCS[0]["text"]
    assert alpha[int(row["span_start"]):int(row["span_end"])] == row["text"]

    pq = needs("pyarrow.parquet", extra="export")
    out = tmp_path / "quotes.parquet"
    assert main(["export", "--db", url, "--format", "parquet", "--table", "quotes", "-o", str(out)]) == 0
    table = pq.read_table(out).to_pylist()
    assert [(r["doc_id"], r["source"], r["text"]) for r in table] == [("beta", "olga-berg", "the treaty was a mistake")]


def test_failure_is_recorded(store):
    store.record_failure("a.txt", "E102", "is empty", "test:1")
    assert [(f.source, f.code) for f in store.failures()] == [("a.txt", "E102")]


def test_bad_urls_are_coded_errors(tmp_path):
    for url, code in (("mysql://x/y", "E601"), (str(tmp_path / "missing" / "x.db"), "E602")):
        with pytest.raises(StoreError) as e:
            open_store(url)
        assert e.value.code == code
    with pytest.raises(StoreError) as e:
        open_store(str(tmp_path / "absent.db"), create=False)
    assert e.value.code == "E602" and not (tmp_path / "absent.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as e:
        open_store(str(junk))
    assert e.value.code == "E602"


# -- ingest ---------------------------------------------------------------
TRANSCRIPT = """Question: {q}

Olga Berg: {a} The harbour is calm today.

Question: Anything else?

Olga Berg: Nothing more on number {n}.
"""


def write_inputs(folder: Path, n: int) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"talk-{i:03d}.txt").write_text(
            TRANSCRIPT.format(q=f"What about pier {i}?", a=f"Pier {i} will reopen.", n=i), encoding="utf-8")


@pytest.mark.parametrize("workers", [0, 2])
def test_ingest_is_idempotent_and_carries_on_after_failures(url, tmp_path, workers, capsys):
    from parley.cli import main

    inputs = tmp_path / "in"
    write_inputs(inputs, 6)
    (inputs / "copy.txt").write_text((inputs / "talk-000.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "empty.txt").write_text("   \n", encoding="utf-8")
    argv = ["ingest", str(inputs), "--db", url, "--only", "structure", "--workers", str(workers), "--no-progress"]
    assert main(argv) == 1  # one input failed, the rest stored
    err = capsys.readouterr().err
    assert "E102" in err and "empty.txt" in err
    with open_store(url) as s:
        assert s.count() == 6
        assert [f.code for f in s.failures()] == ["E102"]
        versions = {d.pipeline_version for d in s.documents()}
        assert len(versions) == 1 and "structure@" in versions.pop()
        hits = s.search("pier 3", Filters(speaker="olga-berg")).hits
        assert [h.snippet for h in hits] == ["Pier 3 will reopen."]
    (inputs / "empty.txt").unlink()
    assert main(argv) == 0
    assert "0 stored, 7 already stored" in capsys.readouterr().err
    with open_store(url) as s:
        assert s.count() == 6


def test_ingest_records_an_analyser_that_raises(tmp_path):
    from parley.pipeline import REGISTRY, analyser
    from parley.store.ingest import ingest

    @analyser("test-explodes", version="1", requires=("turns",), assigns=("claims",))
    def explodes(analysis, parse, config):
        if "pier 2" in analysis.text:
            raise RuntimeError("boom")
        return {"claims": []}

    try:
        inputs = tmp_path / "in"
        write_inputs(inputs, 4)
        with open_store(str(tmp_path / "s.db")) as s:
            report = ingest([str(inputs)], s, only=["structure", "test-explodes"], workers=1, progress=False,
                            log=io.StringIO())
            assert (report.stored, report.failed) == (3, 1)
            assert [(Path(f.source).name, f.code) for f in s.failures()] == [("talk-002.txt", "E611")]
    finally:
        REGISTRY.pop("test-explodes", None)


def test_cli_queries_print_tables_json_and_csv(url, capsys):
    from parley.cli import main

    with open_store(url) as s:
        put_all(s)
    assert main(["search", "treaty", "--db", url, "--speaker", "karl-lind", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [h["doc_id"] for h in data["hits"]] == ["beta"] and data["complete"]
    assert main(["search", "treaty", "--db", url, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("doc_id,hash,date,turn,speaker,start,end,label,text")
    assert main(["show", "alpha", "--db", url]) == 0
    assert "olga-berg" in capsys.readouterr().out
    assert main(["entity", "northland", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "stance" in out and "negative" in out
    assert main(["show", "zzz-nothing", "--db", url]) == 1
    assert "[E603]" in capsys.readouterr().err
    assert main(["search", "x", "--db", url, "--since", "soon"]) == 1
    assert "[E610]" in capsys.readouterr().err


def test_every_store_error_code_is_catalogued():
    import re

    from parley.errors import CATALOGUE

    root = Path(__file__).resolve().parents[1] / "src" / "parley"
    sources = [p.read_text(encoding="utf-8") for p in (root / "store").glob("*.py")]
    sources += [(root / "cli" / f"{n}.py").read_text(encoding="utf-8") for n in
                ("ingest", "search", "show", "entity", "export")]
    codes = {c for text in sources for c in re.findall(r'"(E\d{3})"', text)}
    assert codes and codes <= set(CATALOGUE)
    assert isinstance(StoreError("x"), ParleyError)


def test_migration_2_indexes_facets_of_rows_stored_before_it(url):
    """A database at schema 1 with a document in it is upgraded: its segments
    get the same facets that a new put computes, so filters find them."""
    from parley.store.rows import rows_of

    with open_store(url, migrate=False) as s:
        one = migrations.MIGRATIONS[0]
        with s._transaction():
            s.schema_version()
            for statement in one.statements(s.dialect):
                s._execute(statement)
            s._execute("INSERT INTO schema_version (version, description, applied_at) VALUES (1, 'v1', 'now')")
        rows = rows_of(DOCS[1], "test:1")
        doc = rows.document
        with s._transaction():
            s._execute(f"INSERT INTO documents ({', '.join(doc)}) VALUES ({', '.join('?' * len(doc))})", list(doc.values()))
            s._executemany("INSERT INTO segments (hash, layer, turn, span_start, span_end, speaker, label, body) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(rows.hash, *r[:7]) for r in rows.segments])
            s._executemany("INSERT INTO entities (hash, entity_id, name, type, mentions) VALUES (?, ?, ?, ?, ?)",
                           [(rows.hash, *r) for r in rows.entities])
        assert s.schema_version() == 1
        assert s.migrate() == migrations.LATEST
        stored = [set(r[0].split()) for r in s._rows("SELECT facets FROM segments ORDER BY id")]
        assert stored == [set(r[7].split()) for r in rows.segments]
        hits = s.search("treaty", Filters(speaker="karl-lind", entity="olga-berg", outlet="Harbour Post",
                                          since="2024-07-01", until="2024-07-31")).hits
        assert [h.snippet for h in hits] == ["Olga Berg said the treaty was a mistake."]


def test_recompute_replaces_analyses_of_another_pipeline_version(url, tmp_path):
    from parley.store.ingest import ingest

    inputs = tmp_path / "in"
    write_inputs(inputs, 3)
    with open_store(url) as s:
        first = ingest([str(inputs)], s, only=["structure"], workers=0, progress=False, log=io.StringIO())
        s.put_json(dict(s.get(s.documents()[0].hash)), "old:0", replace=True)
        assert sorted(d.pipeline_version == first.pipeline_version for d in s.documents()) == [False, True, True]
        again = ingest([str(inputs)], s, only=["structure"], workers=0, progress=False, log=io.StringIO())
        assert again.stored == 0
        redone = ingest([str(inputs)], s, only=["structure"], workers=0, progress=False, log=io.StringIO(),
                        recompute=True)
        assert (redone.stored, redone.skipped) == (1, 2)
        assert {d.pipeline_version for d in s.documents()} == {first.pipeline_version}
        assert s.count() == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_workers_are_single_threaded_processes(tmp_path, workers):
    """Parallelism comes from worker processes only: each worker, the one of
    workers=1 too, runs torch/OpenMP/MKL with one thread."""
    import importlib.util

    from parley.pipeline import REGISTRY, analyser
    from parley.store.ingest import default_workers, ingest

    seen = tmp_path / "seen"
    seen.mkdir()

    @analyser("test-threads", version="1", requires=("turns",), assigns=("claims",))
    def threads(analysis, parse, config):
        torch_threads = "-"
        if importlib.util.find_spec("torch") is not None:
            import torch

            torch_threads = str(torch.get_num_threads())
        env = ",".join(os.environ.get(n, "") for n in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"))
        with open(seen / str(os.getpid()), "a") as f:
            f.write(f"{env} {torch_threads}\n")
        return {"claims": []}

    try:
        inputs = tmp_path / "in"
        write_inputs(inputs, 6)
        with open_store(str(tmp_path / "s.db")) as s:
            report = ingest([str(inputs)], s, only=["structure", "test-threads"], workers=workers, progress=False,
                            log=io.StringIO())
        assert report.stored == 6
        pids = {int(p.name) for p in seen.iterdir()}
        assert os.getpid() not in pids and 1 <= len(pids) <= workers
        lines = {line for p in seen.iterdir() for line in p.read_text().splitlines()}
        assert lines <= {"1,1,1 1", "1,1,1 -"}, lines
    finally:
        REGISTRY.pop("test-threads", None)
    assert default_workers() == max(1, min(os.cpu_count() or 1, 8))


def test_ingest_survives_a_worker_that_dies(tmp_path):
    from parley.pipeline import REGISTRY, analyser
    from parley.store.ingest import ingest

    @analyser("test-dies", version="1", requires=("turns",), assigns=("claims",))
    def dies(analysis, parse, config):
        if "pier 2" in analysis.text:
            os._exit(3)  # the worker process vanishes, as under the OOM killer
        return {"claims": []}

    try:
        inputs = tmp_path / "in"
        write_inputs(inputs, 8)
        with open_store(str(tmp_path / "s.db")) as s:
            report = ingest([str(inputs)], s, only=["structure", "test-dies"], workers=2, progress=False,
                            log=io.StringIO())
            assert (report.stored, report.failed) == (7, 1)
            assert [(Path(f.source).name, f.code) for f in s.failures()] == [("talk-002.txt", "E612")]
            assert s.count() == 7
    finally:
        REGISTRY.pop("test-dies", None)
