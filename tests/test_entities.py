"""Entities: alias table, mention rules, identity, report rows (invented fixtures)."""
from __future__ import annotations

import re

import pytest

from parley.analysers.entities.analyser import entity_at, entity_rows, find_entities, spacy_ner_baseline
from parley.analysers.entities.identity import AliasTable, alias_table, resolve, surface_key
from parley.analysers.entities.mentions import Candidate, is_language_use, select, table_candidates, trim, url_spans
from parley.document import Analysis, Document, Span
from parley.errors import InputError
from parley.nlp.ids import slug
from parley.pipeline import load_analysers


# -- identity ------------------------------------------------------------------
def test_slug_is_ascii_lowercase_hyphenated():
    assert slug("Volker Türk") == "volker-turk"
    assert slug("the West") == "the-west"
    assert slug("OPEC+") == "opec-plus"
    assert slug("5+2") == "5-2"


def test_surface_key_collapses_line_breaks_and_apostrophes():
    assert surface_key("White\nHouse") == "White House"
    assert surface_key("People’s  Republic") == "People's Republic"


def test_shipped_table_joins_variant_spellings():
    table = alias_table()
    assert table.lookup("Kiev").id == table.lookup("Kyiv").id == "kyiv"
    assert table.lookup("Zelensky").id == table.lookup("Zelenskyy").id
    assert table.lookup("America").id == table.lookup("U.S.").id == "united-states"
    assert table.lookup("Steve Witkoff").id == table.lookup("Steven Witkoff").id
    assert table.lookup("Russian").id == "russians" and table.lookup("Russian").type == "NORP"


def test_every_known_speaker_is_an_entity_of_the_shipped_table():
    from parley.analysers.structure.turns import people

    table = alias_table()
    for pid, name in set(people().values()):
        info = table.info(pid)
        assert info is not None and info.type == "PERSON", pid
        assert table.lookup(name).id == pid, name


def test_user_alias_file_extends_and_overrides(tmp_path):
    path = tmp_path / "aliases.tsv"
    path.write_text("# alias\tid\tname\ttype\nOrlan\torlan\tOrlan\tGPE\nKyiv\tkyiv-city\tKyiv City\tGPE\n",
                    encoding="utf-8")
    table = alias_table([path])
    assert table.lookup("Orlan").id == "orlan"
    assert table.lookup("Kyiv").id == "kyiv-city"
    assert alias_table().lookup("Kyiv").id == "kyiv"  # the shipped table is untouched


@pytest.mark.parametrize("row", ["Orlan\torlan\tOrlan", "Orlan\torlan\tOrlan\tPLACE", "\torlan\tOrlan\tGPE"])
def test_malformed_alias_rows_are_coded_errors(tmp_path, row):
    path = tmp_path / "bad.tsv"
    path.write_text(row + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        alias_table([path])
    assert e.value.code == "E110"


def test_missing_alias_file_is_e101(tmp_path):
    with pytest.raises(InputError) as e:
        alias_table([tmp_path / "nope.tsv"])
    assert e.value.code == "E101"


def test_resolve_falls_back_to_a_stable_slug():
    assert resolve("Zelenskyy").id == "volodymyr-zelenskyy"
    assert resolve("Nowhere Institute", "ORG").id == "nowhere-institute"


# -- mention rules -------------------------------------------------------------
def _text(text: str, span: Span) -> str:
    return text[span.start:span.end]


def test_trim_cuts_determiner_title_and_possessive():
    text = "the President Anna Berg’s plan"
    span, role = trim(text, Span(0, len("the President Anna Berg’s")), "PERSON")
    assert _text(text, span) == "Anna Berg" and role == "President"
    text = "The Financial Times"
    assert _text(text, trim(text, Span(0, len(text)), "ORG")[0]) == "Financial Times"


def test_trim_drops_titles_alone_lowercase_and_ideologies():
    assert trim("National Security Advisor", Span(0, 25), "ORG") is None
    assert trim("the world war", Span(0, 13), "EVENT") is None
    assert trim("Nazism", Span(0, 6), "NORP") is None


def test_table_matches_split_hyphen_compounds_and_cross_line_breaks():
    text = "a US-Russian deal at the White\nHouse with anti-European NATO"
    found = {_text(text, c.span) for c in table_candidates(text, alias_table())}
    assert {"US", "Russian", "White\nHouse", "European", "NATO"} <= found


def test_select_is_flat_longest_first():
    a = Candidate(Span(0, 20), "ORG", "spacy")
    b = Candidate(Span(0, 6), "GPE", "table")
    c = Candidate(Span(25, 30), "GPE", "table")
    assert select([b, a, c]) == [a, c]
    assert select([a, c], blocked=[Span(3, 4)]) == [c]


def test_language_names_are_not_nationalities():
    text = "(Speaks Ukrainian.) Russian-speaking people and Ukrainian farmers"
    assert is_language_use(text, Span(8, 17))
    assert is_language_use(text, Span(20, 27))
    assert not is_language_use(text, Span(text.index("Ukrainian farmers"), text.index(" farmers")))


def test_urls_are_found():
    text = "read more https://t.me/x/Moscow and alarabiya.net/news then"
    spans = [_text(text, s) for s in url_spans(text)]
    assert spans == ["https://t.me/x/Moscow", "alarabiya.net/news"]


# -- the analyser on an invented interview -------------------------------------
@pytest.fixture
def interview(fixtures) -> Analysis:
    return _structured((fixtures / "entities_interview.txt").read_text(encoding="utf-8"), "entities-fixture")


def _spacy_like(text: str) -> list[tuple[Span, str]]:
    """What a NER model would say for the fixture's full names."""
    out = []
    for name in ("Marta Kovalenko", "Volodymyr Zelenskyy", "Steve Witkoff"):
        for m in re.finditer(re.escape(name), text):
            out.append((Span(m.start(), m.end()), "PERSON"))
    return out


def _by_id(entities):
    return {e.id: e for e in entities}


def test_fixture_entities_and_identities(interview):
    text = interview.text
    entities = _by_id(find_entities(interview, _spacy_like(text), alias_table()))
    forms = {i: sorted({_text(text, m) for m in e.mentions}) for i, e in entities.items()}
    assert forms["kyiv"] == ["Kiev", "Kyiv"]
    assert forms["united-states"] == ["America", "US", "United States"]
    assert forms["volodymyr-zelenskyy"] == ["Volodymyr Zelenskyy", "Zelensky", "Zelenskyy"]
    assert forms["steve-witkoff"] == ["Steve Witkoff", "Steven Witkoff"]
    assert forms["white-house"] == ["White\nHouse"]
    assert forms["russians"] == ["Russian", "Russians"]
    assert forms["europeans"] == ["European"]
    assert forms["friedrich-merz"] == ["Merz"]
    # headline label, turn label, possessive surname, all-caps label: one person
    kovalenko = entities["marta-kovalenko"]
    assert sorted({_text(text, m) for m in kovalenko.mentions}) == ["KOVALENKO", "Kovalenko", "Marta Kovalenko"]
    assert len(kovalenko.mentions) == 5
    assert "Foreign Minister" in kovalenko.roles
    assert "President" in entities["volodymyr-zelenskyy"].roles


def test_fixture_exclusions(interview):
    text = interview.text
    entities = find_entities(interview, _spacy_like(text), alias_table())
    mentions = sorted(m for e in entities for m in e.mentions)
    url = url_spans(text)[0]
    assert not any(url.overlaps(m) for m in mentions), "nothing inside a URL"
    speaks = text.index("Ukrainian.)")
    assert not any(m.start == speaks for m in mentions), "a language is not a nationality"
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:])), "mentions overlap"
    assert all(_text(text, m) == _text(text, m).strip() for m in mentions)
    assert not any(_text(text, m).upper() in ("THE PRESIDENT", "PRESIDENT", "QUESTION") for m in mentions)


def test_user_aliases_name_new_places_and_processes(interview, tmp_path):
    path = tmp_path / "aliases.tsv"
    path.write_text("Orlan\torlan\tOrlan\tGPE\nVeldanians\tveldanians\tVeldanians\tNORP\n", encoding="utf-8")
    entities = _by_id(find_entities(interview, [], alias_table([path])))
    assert [_text(interview.text, m) for m in entities["orlan-summit"].mentions] == ["Orlan summit"]
    assert entities["orlan-summit"].type == "EVENT"
    assert entities["veldanians"].type == "NORP"


def test_entity_at_and_report_rows(interview):
    entities = find_entities(interview, _spacy_like(interview.text), alias_table())
    interview.set_layer("entities", entities)
    at = interview.text.index("Kiev")
    assert entity_at(interview, Span(at, at + 2)).id == "kyiv"
    assert entity_at(interview, Span(0, 0)) is None
    header, rows = entity_rows(interview)
    assert header == ("identity", "name", "type", "mentions", "roles")
    first = rows[0]
    assert first[0].span is not None and first[3] == max(len(e.mentions) for e in entities)


class _FakeParse:
    def __init__(self, ents):
        self._ents = ents

    def entities(self):
        return iter(self._ents)


def test_spacy_baseline_groups_by_surface_text(interview):
    text = interview.text
    ents = [(span, "PERSON", None) for span, _ in _spacy_like(text)]
    ents.append((Span(text.index("Kyiv"), text.index("Kyiv") + 4), "GPE", None))
    ents.append((Span(0, 4), "DATE", None))
    baseline = _by_id(spacy_ner_baseline(interview, _FakeParse(ents)))
    assert len(baseline["marta-kovalenko"].mentions) == 3
    assert baseline["kyiv"].type == "GPE"
    assert all(e.type != "DATE" for e in baseline.values())


@pytest.mark.slow
def test_analyser_runs_in_the_pipeline_with_spacy(fixtures):
    from parley.pipeline import analyze, build_pipeline

    text = (fixtures / "entities_interview.txt").read_text(encoding="utf-8")
    analysis = analyze(Document(text=text, doc_id="fixture"), build_pipeline(only=["structure", "entities"]))
    ids = {e.id for e in analysis.layer("entities")}
    assert {"kyiv", "united-states", "volodymyr-zelenskyy", "marta-kovalenko"} <= ids
    assert analysis.to_json()["entities"][0]["mentions"]


@pytest.mark.slow
@pytest.mark.corpus
def test_every_corpus_transcript_gives_valid_flat_mentions(shared):
    from parley.pipeline import analyze, build_pipeline

    pipeline = build_pipeline(only=["structure", "entities"])
    for path in sorted((shared / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        analysis = analyze(Document(text=text, doc_id=path.stem), pipeline)
        entities = analysis.layer("entities")
        assert entities, path.stem
        mentions = sorted(m for e in entities for m in e.mentions)
        assert all(0 <= m.start < m.end <= len(text) for m in mentions), path.stem
        assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:])), f"{path.stem}: overlapping mentions"
        for m in mentions:
            piece = text[m.start:m.end]
            assert piece == piece.strip() and not piece.endswith(("’s", "'s")), (path.stem, piece)
        urls = url_spans(text)
        assert not any(u.overlaps(m) for u in urls for m in mentions), f"{path.stem}: mention inside a URL"
        assert len({e.id for e in entities}) == len(entities), f"{path.stem}: duplicate ids"


def test_offices_resolve_by_reference_date():
    from parley.analysers.entities.offices import holder, office_candidates

    assert holder("NATO Secretary General", "2020-05-01").id == "jens-stoltenberg"
    assert holder("NATO Secretary General", "2025-05-01").id == "mark-rutte"
    assert holder("NATO Secretary General", None).id == "mark-rutte"
    text = "We asked the UN Secretary General. The post of NATO Secretary General is vacant. NATO Secretary General Mark Rutte"
    found = [(text[c.span.start:c.span.end], c.info.id) for c in office_candidates(text, "2025-10-15")]
    assert found == [("UN Secretary General", "antonio-guterres")]


def test_unique_titles_name_the_one_holder():
    from parley.analysers.entities.identity import EntityInfo
    from parley.analysers.entities.offices import unique_title_candidates

    text = "We met the King and the Crown Prince. The King of Spain was absent."
    roles = {"k": {"King of Ruritania"}, "p": {"Crown Prince"}}
    people = {"k": EntityInfo("k", "K", "PERSON"), "p": EntityInfo("p", "P", "PERSON")}
    found = [(text[c.span.start:c.span.end], c.info.id) for c in unique_title_candidates(text, roles, people)]
    assert found == [("Crown Prince", "p"), ("King", "k")]


def test_bare_treaty_refers_to_the_last_named_treaty():
    text = "Question: Will the Veldan Treaty survive?\n\nAnswer Person: The Treaty expires, and the Treaty of Ghent is older."
    analysis = Analysis(Document(text=text, doc_id="heads"))
    spacy = [(Span(text.index("Veldan"), text.index(" survive")), "LAW"),
             (Span(text.index("Treaty of Ghent"), text.index(" is older")), "LAW")]
    entities = _by_id(find_entities(analysis, spacy, alias_table()))
    forms = [text[m.start:m.end] for m in entities["veldan-treaty"].mentions]
    assert forms == ["Veldan Treaty"]  # "The Treaty" opens a sentence: no "the" before it
    text2 = text.replace("The Treaty expires", "So the Treaty expires")
    analysis2 = Analysis(Document(text=text2, doc_id="heads2"))
    spacy2 = [(Span(text2.index("Veldan"), text2.index(" survive")), "LAW"),
              (Span(text2.index("Treaty of Ghent"), text2.index(" is older")), "LAW")]
    entities2 = _by_id(find_entities(analysis2, spacy2, alias_table()))
    assert [text2[m.start:m.end] for m in entities2["veldan-treaty"].mentions] == ["Veldan Treaty", "Treaty"]
    assert "treaty-of-ghent" in entities2


def test_roles_attach_to_people():
    text = ("We met US Special Envoy for Syria (and concurrently Ambassador to Türkiye) Rafe Oduya. "
            "Press Secretary Lin Mo and National Security Advisor Ada Vance spoke. Mr. Oduya agreed.")
    analysis = Analysis(Document(text=text, doc_id="roles"))
    spacy = [(Span(m.start(), m.end()), "PERSON") for m in re.finditer(r"Rafe Oduya|Lin Mo|Ada Vance", text)]
    entities = _by_id(find_entities(analysis, spacy, alias_table()))
    assert entities["rafe-oduya"].roles == ("US Special Envoy for Syria (and concurrently Ambassador to Türkiye)",)
    assert entities["ada-vance"].roles == ("National Security Advisor",)
    assert entities["lin-mo"].roles == ("Press Secretary",)
    assert len(entities["rafe-oduya"].mentions) == 2  # "Oduya" after "Mr." is found again


def test_surnames_that_are_first_names_are_not_spread():
    text = "Elton John sang. Then John asked a question, and Ivo Brandt answered. Brandt smiled."
    analysis = Analysis(Document(text=text, doc_id="names"))
    spacy = [(Span(0, 10), "PERSON"), (Span(text.index("Ivo"), text.index(" answered")), "PERSON")]
    entities = _by_id(find_entities(analysis, spacy, alias_table()))
    assert len(entities["elton-john"].mentions) == 1
    assert [text[m.start:m.end] for m in entities["ivo-brandt"].mentions] == ["Ivo Brandt", "Brandt"]


def test_resolutions_weapons_and_plurals_without_the_table():
    text = ("They broke UN Security Council Resolution 2417. We sent Harrow cruise missiles, "
            "and more Harrows will follow. The Harrow works.")
    analysis = Analysis(Document(text=text, doc_id="generic"))
    spacy = [(Span(m.start(), m.end()), "ORG") for m in re.finditer(r"Harrows?", text)]
    entities = _by_id(find_entities(analysis, spacy, AliasTable()))
    assert [text[m.start:m.end] for m in entities["unsc-resolution-2417"].mentions] == [
        "UN Security Council Resolution 2417"]
    harrow = entities["harrow"]
    assert harrow.type == "PRODUCT" and len(harrow.mentions) == 3


def test_mentions_highlight_by_type(interview):
    from parley.analysers.entities.analyser import highlight_entity

    entity = _by_id(find_entities(interview, _spacy_like(interview.text), alias_table()))["kyiv"]
    marks = highlight_entity(interview, entity)
    assert [label for _, label, _ in marks] == ["GPE", "GPE"]
    assert "kyiv" in marks[0][2]


def test_labels_without_names_are_not_mentions():
    from parley.analysers.entities.mentions import label_candidates

    text = "THE VICE PRESIDENT: Hi.\nMODERATOR: Next.\nSECRETARY BLINKEN: Yes.\nQ: Why?"
    labels = [Span(m.start(), m.end()) for m in re.finditer(r"^[^:\n]+(?=:)", text, re.MULTILINE)]
    found = [text[c.span.start:c.span.end] for c in label_candidates(text, labels, alias_table())]
    assert found == ["BLINKEN"]


def _structured(text: str, doc_id: str) -> Analysis:
    """An analysis of ``text`` with the structure layers only (no model)."""
    registry = load_analysers()
    analysis = Analysis(Document(text=text, doc_id=doc_id))
    for layer, records in registry["structure"].func(analysis, None, None).items():
        if layer != "metadata":
            analysis.set_layer(layer, records)
    return analysis


def test_names_after_an_honorific_are_people_in_no_table():
    text = ("Question: The governor, Mr Okonkwo, spoke to Mrs Adeyemi-Bello before the vote. "
            "Dr Ruto was there too, and Mr President arrived later.\n\nAnna Lind: I met them all.")
    analysis = _structured(text, "honorifics")
    ruto = text.index("Ruto")
    # spaCy missed two of the names and took the third for a place
    entities = find_entities(analysis, [(Span(ruto, ruto + 4), "GPE")], alias_table())
    typed = {_text(text, m): e.type for e in entities for m in e.mentions}
    assert typed["Okonkwo"] == typed["Adeyemi-Bello"] == typed["Ruto"] == "PERSON"
    assert "President" not in typed  # "Mr President" names nobody


def test_types_of_names_in_no_table_from_their_shape_and_head():
    text = ("Question: Hubbard T. Saunders IV, in Jackson, asks about books. Thom Foulks of Colorado Springs, "
            "Colo., asks about the KGB. A reporter from The Straits Times asks about the Detroit-Windsor Tunnel."
            "\n\nAnna Lind: I read them all.")
    analysis = _structured(text, "shapes")

    def at(form: str, label: str) -> tuple[Span, str]:
        i = text.index(form)
        return Span(i, i + len(form)), label
    # what a small NER model says for them: all wrong types
    spacy = [at("Hubbard T. Saunders IV", "ORG"), at("Thom Foulks", "ORG"), at("Straits Times", "PERSON"),
             at("Detroit-Windsor Tunnel", "ORG")]
    typed = {_text(text, m): e.type for e in find_entities(analysis, spacy, alias_table()) for m in e.mentions}
    assert typed["Hubbard T. Saunders IV"] == typed["Thom Foulks"] == "PERSON"
    assert typed["Straits Times"] == "ORG"
    assert typed["Detroit-Windsor Tunnel"] == "LOC"
