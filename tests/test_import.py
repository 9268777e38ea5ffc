"""parley import: annotations from Label Studio, Web Annotation and UIMA XMI come
back as corrections. An export imported again changes nothing (0 spans, labels
or sources differ, no correction made) on a text with emoji and astral
characters and on a pipeline-analysed fixture, for all three formats; a label an
annotator changed in the exported file comes back as an edit; a removed region
as a reject, a new one as an add; a second import is idempotent; bad files get
one coded error."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.cli import main
from parley.document import Analysis
from parley.exchange.imports import import_annotations, read_annotations
from parley.exchange.regions import layers_of
from parley.store import open_store
from tests.conftest import FIXTURES, needs
from tests.test_exchange import _analyse, hand_built, n_spans_differ

FORMATS = ["label-studio", "web-annotation", "uima-xmi"]


def export(url: str, fmt: str, out) -> str:
    """``parley export`` of the store, as the CLI writes it; the path to import."""
    if fmt == "uima-xmi":
        needs("cassis", extra="exchange")
    target = out / ("tasks.json" if fmt == "label-studio" else fmt)
    assert main(["export", "--format", fmt, "--db", url, "--output", str(target)]) == 0
    return str(target)


def stored_with(url: str, analysis: Analysis) -> str:
    with open_store(url) as store:
        return store.put_json(analysis.to_json(), "test:1").hash


def imported(path: str, fmt: str, url: str) -> tuple[list[dict], dict]:
    with open_store(url) as store:
        report = import_annotations(store, read_annotations(path, fmt), "ann")
        data, _rows = store.corrected(report[0]["hash"])
    return report, layers_of(Analysis.from_json(data))


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_changes_nothing_with_astral_text(tmp_path, fmt):
    url = str(tmp_path / "s.db")
    a = hand_built()
    stored_with(url, a)
    report, after = imported(export(url, fmt, tmp_path), fmt, url)
    assert report[0]["corrections"] == {} and n_spans_differ(after, layers_of(a)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_changes_nothing_on_the_pipeline_fixture(tmp_path, fmt):
    url = str(tmp_path / "s.db")
    a = _analyse(FIXTURES / "exchange_interview.txt", "2025-03-14")
    stored_with(url, a)
    report, after = imported(export(url, fmt, tmp_path), fmt, url)
    assert report[0]["corrections"] == {} and n_spans_differ(after, layers_of(a)) == 0


def label_studio_edited(path: str) -> None:
    """What an annotator does in the file: the technique relabelled, the claim's kind
    changed, the timex region deleted, a new technique region (a copy, Parley id) added."""
    tasks = json.loads(open(path, encoding="utf-8").read())
    result = tasks[0]["predictions"][0]["result"]
    for item in result:
        if item["type"] == "labels" and item["id"].startswith("techniques-0-span"):
            item["value"]["labels"] = ["Exaggeration,Minimisation"]
            copy = json.loads(json.dumps(item))
        if item["type"] == "labels" and item["id"].startswith("claims-0-span"):
            item["value"]["labels"] = ["event"]
    result[:] = [i for i in result if not (i["type"] == "labels" and i["id"].startswith("timex-"))]
    copy["id"] = "techniques-7-span-0"
    copy["value"].update(start=0, end=1, text=tasks[0]["data"]["text"][0], labels=["Doubt"])
    result.append(copy)
    open(path, "w", encoding="utf-8").write(json.dumps(tasks, ensure_ascii=False))


def test_annotator_changes_come_back_as_corrections_and_reimport_is_idempotent(url, tmp_path, capsys):
    h = stored_with(url, hand_built())
    path = export(url, "label-studio", tmp_path)
    label_studio_edited(path)
    assert main(["import", path, "--format", "label-studio", "--db", url, "--author", "ann"]) == 0
    assert "1 add, 2 edit, 1 reject" in capsys.readouterr().out
    with open_store(url) as store:
        rows = store.corrections(h)
        data, _ = store.corrected(h)
    by_action = {(r["action"], r["layer"]): r for r in rows}
    edit = by_action[("edit", "techniques")]
    assert edit["target"].endswith(":Loaded_Language") and edit["record"]["label"] == "Exaggeration,Minimisation"
    assert by_action[("edit", "claims")]["record"]["kind"] == "event"
    assert by_action[("reject", "timex")]["target"].startswith("timex:")
    assert by_action[("add", "techniques")]["record"]["span"] == [0, 1]
    assert {r["author"] for r in rows} == {"ann"} and data["timex"] == []
    assert main(["import", path, "--format", "label-studio", "--db", url, "--author", "ann"]) == 0
    assert "no change" in capsys.readouterr().out
    with open_store(url) as store:
        assert len(store.corrections(h)) == len(rows)


def test_bad_imports_get_one_coded_error(tmp_path, capsys):
    url = str(tmp_path / "s.db")
    stored_with(url, hand_built())
    path = export(url, "label-studio", tmp_path)
    tasks = json.loads(open(path, encoding="utf-8").read())

    def refused(content, code, fmt="label-studio", name="bad.json"):
        bad = tmp_path / name
        bad.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        assert main(["import", str(bad), "--format", fmt, "--db", url]) == 2
        err = capsys.readouterr().err
        assert f"[{code}]" in err and "Traceback" not in err, err

    refused("{not json", "E881")
    refused([{"no": "data"}], "E881")
    refused([], "E885")
    other = json.loads(json.dumps(tasks))
    other[0]["data"].update(text="Another text entirely.", hash="0" * 64, doc_id="nope")
    refused(other, "E882")
    changed = json.loads(json.dumps(tasks))
    changed[0]["data"]["text"] = changed[0]["data"]["text"] + " More."
    refused(changed, "E883")
    past = json.loads(json.dumps(tasks))
    region = next(r for r in past[0]["predictions"][0]["result"] if r["type"] == "labels")
    region["value"].update(start=10_000, end=10_004)
    del region["value"]["text"]
    refused(past, "E884")
    refused("{}", "E881", fmt="web-annotation", name="bad.jsonld")
    with open_store(url) as store:  # nothing half-written
        assert store.corrections(tasks[0]["data"]["hash"]) == []


def relabelled(path: str, fmt: str) -> None:
    """The technique's label changed in an exported Web Annotation or UIMA XMI file."""
    folder = Path(path)
    if fmt == "web-annotation":
        f = next(folder.glob("*.jsonld"))
        data = json.loads(f.read_text(encoding="utf-8"))
        for item in data["first"]["items"]:
            for body in item["body"]:
                if body.get("purpose") == "tagging" and body.get("value") == "Loaded_Language":
                    body["value"] = "Doubt"
        f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        f = next(folder.glob("*.xmi"))
        xmi = f.read_text(encoding="utf-8")
        assert xmi.count('label="Loaded_Language"') == 1
        f.write_text(xmi.replace('label="Loaded_Language"', 'label="Doubt"'), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["web-annotation", "uima-xmi"])
def test_a_label_changed_in_the_file_is_an_edit(tmp_path, fmt):
    url = str(tmp_path / "s.db")
    h = stored_with(url, hand_built())
    path = export(url, fmt, tmp_path)
    relabelled(path, fmt)
    report, after = imported(path, fmt, url)
    assert report[0]["corrections"] == {"edit": 1}
    with open_store(url) as store:
        (row,) = store.corrections(h)
    assert (row["layer"], row["action"], row["record"]["label"]) == ("techniques", "edit", "Doubt")
    assert [t.label for t in after["techniques"]] == ["Doubt"]


def test_regions_drawn_in_label_studio_are_added(tmp_path, capsys):
    """A task annotated in Label Studio: the annotation (not the prediction) is read, and
    regions drawn there (random ids, no attributes) come back as adds, once."""
    url = str(tmp_path / "s.db")
    h = stored_with(url, hand_built())
    path = export(url, "label-studio", tmp_path)
    tasks = json.loads(open(path, encoding="utf-8").read())
    text = tasks[0]["data"]["text"]
    result = json.loads(json.dumps(tasks[0]["predictions"][0]["result"]))
    at = text.index("Monday")
    result.append({"id": "Xy7_kQ", "from_name": "entities", "to_name": "text", "type": "labels",
                   "value": {"start": at, "end": at + 6, "text": "Monday", "labels": ["EVENT"]}})
    at = text.index("What about")
    result.append({"id": "p0Rt9a", "from_name": "claims", "to_name": "text", "type": "labels",
                   "value": {"start": at, "end": at + 10, "text": "What about", "labels": ["other"]}})
    tasks[0]["annotations"] = [{"result": result}]
    open(path, "w", encoding="utf-8").write(json.dumps(tasks, ensure_ascii=False))
    for _ in range(2):
        assert main(["import", path, "--format", "label-studio", "--db", url]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"{path}#0: emoji ({h[:12]}): 2 add", f"{path}#0: emoji ({h[:12]}): no change"]
    with open_store(url) as store:
        data, rows = store.corrected(h)
    assert [(r["layer"], r["action"], r["author"]) for r in rows] == [("entities", "add", "import"),
                                                                       ("claims", "add", "import")]
    monday = next(e for e in data["entities"] if e["id"] == "monday")
    assert (monday["name"], monday["type"], monday["mentions"]) == ("Monday", "EVENT", [[text.index("Monday"),
                                                                                         text.index("Monday") + 6]])
    assert {"span": [at, at + 10], "kind": "other"}.items() <= data["claims"][0].items()
