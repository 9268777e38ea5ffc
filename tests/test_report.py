import re
from html.parser import HTMLParser

from markupsafe import escape

from parley.document import Document
from parley.pipeline import analyze, build_pipeline
from parley.render.html import render_html
from parley.render.text import render_text
from tests.conftest import needs

HOSTILE = ("TITLE: <script>alert('title')</script>\n\n"
           "Question: Did you see <img src=x onerror=alert(1)> and </article><script>alert(2)</script>?\n\n"
           "John Smith: Yes, “<b onmouseover=alert(3)>bold</b>” & more.\n")


def report():
    return analyze(Document(HOSTILE, "hostile"), build_pipeline(only=["structure"]))


def test_html_report_escapes_the_transcript_and_carries_no_script():
    html = render_html(report())
    assert "<script" not in html.lower()
    assert "<img" not in html and "<b " not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "onerror=alert(1)" in html  # shown as text, inside an escaped tag
    assert "script-src 'none'" in html


def test_html_report_keeps_the_text_and_offers_toggles():
    html = render_html(report())
    text = re.sub(r"<[^>]+>", "", html.split('<article class="text">')[1].split("</article>")[0])
    import html as h

    assert h.unescape(text) == HOSTILE
    assert 'id="t-turns"' in html and 'id="t-boilerplate"' in html


def test_text_summary_lists_metadata_and_turns():
    out = render_text(report())
    assert "title        <script>alert('title')</script>" in out
    assert "Turns (2)" in out


# -- hostile text in the text, a speaker label and the metadata --------------
PAYLOAD = '<script>alert(1)</script>"onmouseover=alert(2)'
LABEL = f"Anna {PAYLOAD}"


def hostile_analysis():
    """An analysis built by hand, so the payload sits exactly where it must:
    in the text, in a turn's speaker label (and its speaker), in an entity's
    name and in three metadata fields."""
    from parley.document import Analysis, Metadata, Span
    from parley.document.records import Entity, Sentence, Turn

    text = f"Question: Is {PAYLOAD} shown as text?\n\n{LABEL}: It is, and {PAYLOAD} too.\n"
    question_end = text.index("\n\n")
    label = text.index(LABEL)
    turns = [
        Turn(Span(0, question_end), "interviewer", "question", Span(0, 8), Span(10, question_end)),
        Turn(Span(label, len(text) - 1), LABEL, "answer", Span(label, label + len(LABEL)),
             Span(label + len(LABEL) + 2, len(text) - 1), LABEL),
    ]
    mention = text.index(PAYLOAD)
    meta = Metadata(title=f"Title {PAYLOAD}", outlet=f"Outlet {PAYLOAD}", interviewee=LABEL)
    analysis = Analysis(Document(text, "hostile-doc", meta))
    analysis.set_layer("turns", turns)
    analysis.set_layer("sentences", [Sentence(t.body_span, i) for i, t in enumerate(turns)])
    analysis.set_layer("entities", [Entity("payload", PAYLOAD, "ORG", (Span(mention, mention + len(PAYLOAD)),))])
    return analysis


class Page(HTMLParser):
    """Every element and attribute of a page, and its text, as a browser reads them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(page: str, scripts: list[dict] = ()):
    """The payload is shown (as text and in tooltips) but never becomes markup."""
    assert "<script>alert" not in page and '"onmouseover=' not in page
    parsed = Page(page)
    assert [attrs for tag, attrs in parsed.tags if tag == "script"] == list(scripts)
    assert not [(tag, name) for tag, attrs in parsed.tags for name in attrs if name.startswith("on")]
    text = "".join(parsed.text)
    assert text.count(PAYLOAD) >= 6, text  # text twice, label, title, outlet, interviewee, entity...
    assert any(PAYLOAD in (attrs.get("title") or "") for _tag, attrs in parsed.tags)  # a tooltip holds it
    return text


def test_report_escapes_text_speaker_label_and_metadata():
    analysis = hostile_analysis()
    page = render_html(analysis)
    text = assert_inert(page)
    assert f"<h1>Title {escape(PAYLOAD)}</h1>" in page
    for field in (f"Outlet {PAYLOAD}", LABEL):  # the metadata table
        assert f"<td>{escape(field)}</td>" in page
    assert f"<td>{escape(LABEL)}</td>" in page  # the speaker column of the turns table
    assert analysis.text in text  # the whole text, as text


def test_service_page_escapes_text_speaker_label_and_metadata(tmp_path):
    needs("fastapi", extra="service")
    from fastapi.testclient import TestClient

    from parley.service import Settings, create_app
    from parley.store import open_store

    analysis = hostile_analysis()
    url = str(tmp_path / "hostile.db")
    with open_store(url) as store:
        ref = store.put_json(analysis.to_json(), "test").hash
    with TestClient(create_app(url, Settings(token="t"), pipeline=[])) as client:
        page = client.get(f"/documents/{ref}", headers={"accept": "text/html"}).text
        library = client.get("/documents", headers={"accept": "text/html"}).text
    assert_inert(page, scripts=[{"src": "/static/parley.js", "defer": None},
                                {"src": "/static/corrections.js", "defer": None}])
    assert f"<h1>Title {escape(PAYLOAD)}</h1>" in page
    assert f"<dd>{escape(LABEL)}</dd>" in page and f"<dd>Outlet {escape(PAYLOAD)}</dd>" in page
    assert f"<td>{escape(LABEL)}</td>" in page  # the speaker column of the turns table
    assert escape(f"Title {PAYLOAD}") in library and "<script>alert" not in library
