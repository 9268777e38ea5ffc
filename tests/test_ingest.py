import io
import json

import pytest

from parley.document import METADATA_FIELDS, Analysis, Document, Metadata
from parley.errors import InputError
from parley.ingest import Failure, decode, decode_bytes, documents_from_bytes, read_document, read_sources

TEXT = "Question: Where next?\r\n\r\nJohn Smith: To Café Luna, then home.\r\n"


def test_utf8_with_and_without_bom_and_newlines_as_python_reads_them(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_bytes(TEXT.encode("utf-8"))
    bom = tmp_path / "b.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    expected = open(plain, encoding="utf-8").read()
    assert read_document(str(plain)).text == expected
    assert read_document(str(bom)).text == expected


def test_utf16_cp1251_and_latin1_are_detected():
    assert decode(TEXT.encode("utf-16")).startswith("Question: Where next?\n")
    russian = "Вопрос: Что дальше?\n\nИван Петров: Домой, конечно, и поскорее.\n"
    assert decode(russian.encode("cp1251")) == russian
    assert "Café Luna" in decode(TEXT.encode("latin-1"))


@pytest.mark.parametrize("data, code", [
    (b"", "E102"),
    (b"  \n\t \n", "E102"),
    (b"\x00\x01\x02binary\x00", "E103"),
    (bytes(range(1, 32)) * 20, "E103"),
])
def test_bad_bytes_give_coded_errors(data, code):
    with pytest.raises(InputError) as e:
        decode(data, "x")
    assert e.value.code == code


def test_utf16_bom_with_broken_bytes_is_undecodable():
    with pytest.raises(InputError) as e:
        decode(b"\xff\xfe" + b"\x00\xd8", "x")
    assert e.value.code == "E104"


def test_a_folder_is_walked_and_failures_are_recorded_not_raised(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("Question: A?\n\nJane Roe: B.")
    (tmp_path / "two.md").write_text("Question: C?\n\nJane Roe: D.")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x00")
    items = list(read_sources([str(tmp_path), str(tmp_path / "missing.txt")]))
    docs = [i for i in items if not isinstance(i, Failure)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert sorted(d.doc_id for d in docs) == ["one", "two"]
    assert sorted(f.code for f in failures) == ["E101", "E102"]


def test_empty_folder_and_size_limit(tmp_path):
    (tmp_path / "empty").mkdir()
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    items = list(read_sources([str(tmp_path / "empty"), str(big)], max_bytes=100))
    assert [i.code for i in items] == ["E106", "E105"]


def test_jsonl_gives_one_document_per_line_and_records_broken_lines(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps({"text": "Question: A?\n\nJane Roe: B.", "title": "One", "date": "2024-02-03", "id": "first"}),
             "{not json", json.dumps({"title": "no text"}), json.dumps({"text": "Jane Roe: C."})]
    path.write_text("\n".join(lines) + "\n")
    items = list(read_sources([str(path)]))
    assert [type(i).__name__ for i in items] == ["Document", "Failure", "Failure", "Document"]
    assert items[0].doc_id == "first" and items[0].metadata.published == "2024-02-03"
    assert items[1].code == "E108" and items[1].source.endswith(":2")
    assert items[3].doc_id == "batch-4"


def test_html_main_text_and_metadata_through_trafilatura(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Interview</title><meta name='date' content='2024-05-06'></head><body>"
        "<nav>Home | About</nav><article><h1>An interview</h1>"
        "<p>Question: What happened at the summit in Oslo last week?</p>"
        "<p>Jane Roe: We agreed on the text of the declaration after two long days of talks.</p>"
        "</article></body></html>", encoding="utf-8")
    doc = read_document(str(page))
    assert "Jane Roe: We agreed" in doc.text
    assert "\n\nJane Roe:" in doc.text
    assert doc.metadata.published == "2024-05-06"


def test_malformed_html_without_text_is_a_clear_failure(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><div><script>alert(1)</script></div", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_document(str(page))
    assert e.value.code == "E107"


def test_stdin_is_read_and_sniffed():
    items = list(read_sources(["-"], stdin=io.BytesIO(TEXT.encode())))
    assert items[0].doc_id == "stdin" and items[0].text.startswith("Question")


RUSSIAN = "Вопрос: Что дальше?\r\n\r\nИван Петров: Домой, конечно, и поскорее.\r\n"
CURLY = "Question: \u201cWhy?\u201d\n\nJosé Núñez: It\u2019s the café \u2014 déjà vu, naïve\u2026\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_and_recorded(codec):
    decoded = decode_bytes(RUSSIAN.encode(codec), "x")
    assert decoded.text == RUSSIAN.replace("\r\n", "\n")
    assert decoded.encoding == codec
    english = decode_bytes(TEXT.encode(codec), "x")
    assert english.text == TEXT.replace("\r\n", "\n") and english.encoding == codec


def test_stray_nuls_are_still_binary_not_utf16():
    # Even length, NULs on both sides of the pairs / too few to be UTF-16.
    # Or on one side but decoding to control characters (U+0001, U+0203).
    for data in [b"ab\x00cd\x00ef", ("word " * 40).encode() + b"\x00\x00", ("word " * 40 + "w").encode() + b"\x00",
                 b"\x00\x01\x02\x03", "binary\x01\x02".encode("utf-16-le")]:
        with pytest.raises(InputError) as e:
            decode(data, "x")
        assert e.value.code == "E103"


def test_cp1251_and_cp1252_are_detected_and_decode_as_before():
    russian = decode_bytes(RUSSIAN.encode("cp1251"), "x")
    assert russian.text == RUSSIAN.replace("\r\n", "\n") and russian.encoding == "cp1251"
    western = decode_bytes(CURLY.encode("cp1252"), "x")
    assert western.text == CURLY and western.encoding == "cp1252"
    # One accented letter: cp1251 reads it as well, the Western code page wins.
    assert decode_bytes("Café".encode("latin-1")).text == "Café"
    # A byte cp1252 leaves undefined (0x81) in Western text: latin-1, as before.
    undefined = decode_bytes(("Question: Where next?\n\nJohn Smith: To the summit, then home.\n" * 50
                              + "Jane Roe: Caf\xe9 \x81 Luna.\n").encode("latin-1"))
    assert undefined.encoding == "iso8859-1" and undefined.text.endswith("Café \x81 Luna.\n")


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
])
def test_the_encoding_is_recorded_in_the_metadata(data, encoding):
    (doc,) = documents_from_bytes(data, "x.txt", "x")
    assert doc.metadata.encoding == encoding
    assert Analysis(doc).to_json()["metadata"]["encoding"] == encoding


def test_jsonl_and_html_documents_carry_their_files_encoding():
    jsonl = json.dumps({"text": "Jane Roe: B."}, ensure_ascii=False).encode("utf-16")
    (doc,) = documents_from_bytes(jsonl, "x.jsonl", "x", "jsonl")
    assert doc.metadata.encoding == "utf-16"
    html = ("<html><body><article><p>Jane Roe: Nous sommes prêts, dit-elle, après deux jours de "
            "discussions à Genève sur le texte de la déclaration.</p></article></body></html>").encode("cp1252")
    (page,) = documents_from_bytes(html, "x.html", "x", "html")
    assert page.metadata.encoding == "cp1252" and "prêts" in page.text


def test_the_encoding_survives_json_and_is_not_scored():
    doc = Document("Jane Roe: B.", "x", Metadata(encoding="cp1251"))
    data = Analysis(doc).to_json()
    assert Analysis.from_json(data).metadata.encoding == "cp1251"
    assert "encoding" not in METADATA_FIELDS
