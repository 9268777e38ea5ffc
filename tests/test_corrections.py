"""Corrections: stored on both backends, applied, kept across --recompute (stale
marking), served over HTTP with the token, exported as gold, and scored."""
from __future__ import annotations

import io
import json
import shutil

import pytest

from parley.cli import main
from parley.document.corrections import Correction
from parley.errors import CorrectionError
from parley.pipeline import Config, build_pipeline
from parley.store import open_store
from parley.store.ingest import ingest
from tests.conftest import FIXTURES

DOC = "claims_interview"
TEXT = (FIXTURES / f"{DOC}.txt").read_text(encoding="utf-8")


def span_of(phrase: str) -> list[int]:
    at = TEXT.index(phrase)
    return [at, at + len(phrase)]


def turn_keys(data: dict) -> list[str]:
    return [f"turns:{t['span'][0]}-{t['span'][1]}" for t in data["turns"]]


@pytest.fixture
def folder(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(FIXTURES / f"{DOC}.txt", inputs)
    return inputs


def ingested(url, folder, recompute=False):
    store = open_store(url)
    ingest([str(folder)], store, only=["structure"], workers=0, progress=False, log=io.StringIO(),
           recompute=recompute)
    return store


def fix(layer, action, target=None, record=None, reason=None) -> Correction:
    return Correction(layer, action, target, record, "ann", reason)


def test_corrections_round_trip_and_apply(url, folder):
    with ingested(url, folder) as s:
        keys = turn_keys(s.get(DOC))
        first, second, third = keys[:3]
        s.add_correction(DOC, fix("turns", "edit", first, {"speaker": "olga-ray"}, reason="named in the intro"))
        s.add_correction(DOC, fix("turns", "reject", second))
        s.add_correction(DOC, fix("turns", "accept", third))
        claim = span_of("Exports fell by 12 percent")
        added = s.add_correction(DOC, fix("claims", "add", record={"span": claim, "kind": "numeric"}))
        assert added["finding"] == f"claims:{claim[0]}-{claim[1]}" and added["status"] == "active"
    with open_store(url) as s:  # a new connection reads them back
        rows = s.corrections(DOC)
        assert [(r["layer"], r["action"], r["status"], r["author"]) for r in rows] == [
            ("turns", "edit", "active", "ann"), ("turns", "reject", "active", "ann"),
            ("turns", "accept", "active", "ann"), ("claims", "add", "active", "ann")]
        assert rows[0]["reason"] == "named in the intro" and rows[0]["created_at"][:2] == "20"
        assert rows[0]["record"]["speaker"] == "olga-ray" and rows[0]["record"]["kind"] == "question"
        data, _ = s.corrected(DOC)
        stored = s.get(DOC)
    assert turn_keys(data) == [first, third, *keys[3:]]  # reject removed the second turn
    assert data["turns"][0]["speaker"] == "olga-ray"  # edit replaced the first
    assert data["claims"] == [{"span": claim, "kind": "numeric", "score": 1.0, "checkworthy": True,
                               "quantities": []}]
    assert data["parley"]["confirmed"]["turns"] == [first, third]
    assert turn_keys(stored) == keys and stored["turns"][0]["speaker"] == "interviewer"  # the analysis is untouched


def test_an_added_mention_joins_its_entity(tmp_path, folder):
    vienna, port = span_of("Vienna"), span_of("northern port")
    with ingested(str(tmp_path / "s.db"), folder) as s:
        s.add_correction(DOC, fix("entities", "add", record={"id": "vienna", "name": "Vienna", "type": "GPE",
                                                             "mentions": [vienna]}))
        s.add_correction(DOC, fix("entities", "add", record={"id": "vienna", "name": "Vienna", "type": "GPE",
                                                             "mentions": [port]}))
        entities = s.corrected(DOC)[0]["entities"]
    assert entities == [{"id": "vienna", "name": "Vienna", "type": "GPE", "mentions": [vienna, port],
                         "roles": [], "aliases": []}]


@pytest.mark.parametrize("fields, code", [
    ({"layer": "tones", "action": "reject", "target": "tones:0-1"}, "E821"),
    ({"layer": "turns", "action": "merge", "target": "turns:0-92"}, "E822"),
    ({"layer": "turns", "action": "reject", "target": "turns:1-2"}, "E823"),
    ({"layer": "turns", "action": "edit", "target": "turns:0-92", "record": {"colour": "red"}}, "E824"),
    ({"layer": "turns", "action": "edit", "target": "turns:0-92", "record": {"speaker": 7}}, "E824"),
    ({"layer": "stance", "action": "add", "record": {"holder": "a", "target": "b", "polarity": "angry"}}, "E824"),
    ({"layer": "claims", "action": "add", "record": {"span": [600, 9000], "kind": "other"}}, "E825"),
    ({"layer": "claims", "action": "add", "record": {"span": [50, 40], "kind": "other"}}, "E824"),
    ({"layer": "turns", "action": "reject"}, "E826"),
    ({"layer": "claims", "action": "add", "target": "claims:0-1", "record": {"span": [0, 1], "kind": "x"}}, "E826"),
    ({"layer": "turns", "action": "reject", "target": "turns:0-92", "author": " "}, "E826"),
])
def test_bad_corrections_get_one_code_and_store_nothing(tmp_path, folder, fields, code):
    with ingested(str(tmp_path / "s.db"), folder) as s:
        with pytest.raises(CorrectionError) as e:
            s.add_correction(DOC, Correction.from_json({"author": "ann", **fields}))
        assert e.value.code == code, e.value
        assert s.corrections(DOC) == []


def test_recompute_keeps_corrections_marks_stale_and_evaluate_scores_them(url, folder, tmp_path):
    """The figure: corrections made on an older analysis survive --recompute; the
    one whose finding is gone turns stale; evaluate --store gives 1.0 on turns,
    the same as evaluating the gold export."""
    from parley.scoring.corrected import evaluate_store, export_gold
    from parley.scoring.evaluate import evaluate, find_cases

    pipeline = build_pipeline(only=["structure"])
    with ingested(url, folder) as s:
        good = s.get(DOC)
        old = json.loads(json.dumps(good))
        old["turns"][0]["span"] = [0, 50]  # an older pipeline cut the first turn short
        s.put_json(old, "old:0", replace=True)
        s.add_correction(DOC, fix("turns", "edit", "turns:0-50", {"span": good["turns"][0]["span"]}))
        s.add_correction(DOC, fix("turns", "accept", turn_keys(good)[1]))
    with ingested(url, folder, recompute=True) as s:
        assert s.get(DOC)["parley"]["pipeline_version"] != "old:0"
        rows = s.corrections(DOC)
        assert [(r["action"], r["status"]) for r in rows] == [("edit", "stale"), ("accept", "active")]
        assert rows[0]["finding"] == turn_keys(good)[0]
        scores = evaluate_store(s, pipeline, Config())
        assert scores[DOC]["turns"]["f1"] == 1.0 and scores[DOC]["turns"]["speaker_acc"] == 1.0
        assert set(scores[DOC]) == {"turns"}  # only the layer people corrected
        export_gold(s, str(tmp_path / "gold"), corrected_only=True)
        again = evaluate(find_cases(tmp_path / "gold"), pipeline, Config())
        assert again[DOC]["turns"] == scores[DOC]["turns"]
        s.add_correction(DOC, fix("turns", "reject", turn_keys(good)[2]))  # a turn the analyser still finds
        assert evaluate_store(s, pipeline, Config())[DOC]["turns"]["p"] < 1.0


def test_cli_correct_export_gold_and_evaluate_store(tmp_path, folder, capsys):
    db = str(tmp_path / "s.db")
    ingested(db, folder).close()
    assert main(["evaluate", "--store", "--db", db, "--only", "structure"]) == 2  # nothing corrected yet
    assert "E827" in capsys.readouterr().err
    assert main(["correct", DOC, "--db", db, "--layer", "turns", "--action", "edit", "--target", "turns:0-92",
                 "--set", "speaker=olga-ray", "--author", "ann", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["corrections"][0]["finding"] == "turns:0-92"
    assert main(["correct", DOC, "--db", db, "--layer", "turns", "--action", "add", "--set", "span=[0,9999]",
                 "--set", "speaker=x", "--set", "kind=question", "--author", "ann"]) == 2
    assert "E825" in capsys.readouterr().err
    out = tmp_path / "gold"
    assert main(["export", "--format", "gold", "--corrected-only", "--db", db, "-o", str(out)]) == 0
    gold = json.loads((out / f"{DOC}.json").read_text(encoding="utf-8"))
    assert (out / f"{DOC}.txt").read_text(encoding="utf-8") == TEXT
    assert set(gold) <= {"doc_id", "reference_date", "metadata", "boilerplate", "turns", "entities",
                         "attributions", "timex", "claims", "stance"}
    assert gold["turns"][0] == {"span": [0, 92], "speaker": "olga-ray", "kind": "question"}
    capsys.readouterr()
    assert main(["evaluate", "--store", "--db", db, "--only", "structure", "--format", "json"]) == 0
    turns = json.loads(capsys.readouterr().out)[DOC]["turns"]
    assert turns["f1"] == 1.0 and turns["speaker_acc"] == 0.75  # the analyser still says "interviewer"


# -- the HTTP API ------------------------------------------------------------
TOKEN = "corrections-token"


def client(url, **settings):
    from tests.conftest import needs

    needs("fastapi", extra="service")
    needs("httpx", extra="service")
    from fastapi.testclient import TestClient

    from parley.service import Settings, create_app

    return TestClient(create_app(url, Settings(**settings), pipeline=[]))


def code_of(response) -> str:
    return response.json()["error"]["code"]


def test_api_reads_openly_writes_with_the_token(tmp_path, folder):
    db = str(tmp_path / "s.db")
    ingested(db, folder).close()
    body = {"layer": "turns", "action": "edit", "target": "turns:0-92", "record": {"speaker": "olga-ray"},
            "author": "ann", "reason": "the intro names her"}
    path = f"/api/documents/{DOC}/corrections"
    with client(db, token=TOKEN) as c:
        view = c.get(path).json()
        assert view["editable"] is True and view["corrections"] == []
        assert view["findings"]["turns"][0]["key"] == "turns:0-92"
        assert (r := c.post(path, json=body)).status_code == 401 and code_of(r) == "E701"
        assert code_of(c.post(path, json=body, headers={"Authorization": "Bearer nope"})) == "E701"
        ok = c.post(path, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201, ok.text
        assert ok.json()["finding"] == "turns:0-92" and ok.json()["correction"]["author"] == "ann"
        view = c.get(path, params={"layer": "turns"}).json()
        assert view["findings"]["turns"][0] == {"key": "turns:0-92", "confirmed": True,
                                                 "record": dict(view["findings"]["turns"][0]["record"],
                                                                speaker="olga-ray")}
        assert [x["id"] for x in view["corrections"]] == [ok.json()["correction"]["id"]]
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert code_of(c.post(path, content=b"{not json", headers=auth)) == "E826"
        assert code_of(c.post(path, json=dict(body, layer="tones"), headers=auth)) == "E821"
        assert code_of(c.post(path, json=dict(body, target="turns:1-2"), headers=auth)) == "E823"
        assert (r := c.post("/api/documents/nothing-here/corrections", json=body, headers=auth)).status_code == 404
        assert code_of(c.get(path, params={"layer": "tones"})) == "E821"
    with client(db) as c:  # read-only deployment: no token configured
        assert c.get(path).json()["editable"] is False
        assert (r := c.post(path, json=body, headers=auth)).status_code == 403 and code_of(r) == "E702"
    with client(db, token=TOKEN, read_token_required=True) as c:
        assert (r := c.get(path)).status_code == 401 and code_of(r) == "E701"
        assert c.get(path, headers=auth).status_code == 200
