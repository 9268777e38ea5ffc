import re

from parley.document import Document
from parley.pipeline import analyze, build_pipeline
from parley.render.html import render_html
from parley.render.text import render_text

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
