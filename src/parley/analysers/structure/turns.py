"""Speaker labels, turns, speakers and turn kinds.

A label is a name or role before a colon (``Sergey Lavrov:``, ``MR. SULLIVAN:``,
``Question:``) or the press-office ``Q`` followed by spaces. Labels are found
at paragraph starts; a label already confirmed there is also found after a
sentence end inside a paragraph (``...commute. Barack Obama: I am``), and a
multi-word name label glued to a sentence end (``extent.Mohammed al Tomaihi:``).
A turn runs from its label to the end of its last paragraph before the next
label; trailing boilerplate paragraphs are left out.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from parley.document import Span
from parley.document.records import Turn
from parley.nlp.ids import slug
from parley.nlp.textlayout import is_blank, strip, structure_tables

_WORD = r"[A-Z\u00c0-\u00de\u0400-\u042f][\w.’'\-]*"
_PART = r"(?:[A-Za-z\u00c0-\u024f\u0400-\u04ff][\w.’'\-]*)"
# A candidate label: up to six words, then a colon and space, at a line start.
LABEL = re.compile(rf"(?:(?P<label>Q)(?::[ \t]*|[ \t]+(?=[A-Z“\"‘(\d—–…\[]))|(?P<name>{_WORD}(?:[ \t]+{_PART}){{0,5}}):[ \t]*)(?=\S)")
GLUED = re.compile(rf"(?<=[a-z0-9\)][.?!])(?P<label>{_WORD}(?:[ \t]+(?:[a-z]{{1,4}}[-]?|{_WORD})){{1,3}}):[ \t]+(?=\S)")
# Bracketed stamps and capitalised words that a broken export puts in front of a
# label inside a paragraph: ``terror? PRESIDENT [01.01.20, 01:00:00] Barack Obama:``.
STAMPED_PREFIX = re.compile(r"(?:(?:\[[^\]\n]{1,40}\]|[A-Z][\w.]*)[ \t]+){1,6}")
INITIALS = re.compile(r"[A-Z]{2,3}")
# A role word glued straight onto a sentence end: ``Mr. Putin.caller: Good evening``.
GLUED_ROLE = re.compile(r"(?<=[a-z0-9\)][.?!])(?P<name>[A-Za-z]+):[ \t]+(?=\S)")
QUOTE_OPEN = "“\"«„‘'"
QUOTE_CLOSE = "”\"»“’'"


@dataclass
class Label:
    span: Span  # the label words, without the colon
    body_start: int  # first character of what is said
    text: str
    at_paragraph_start: bool


def _tables():
    t = structure_tables()
    lower = lambda xs: {x.lower() for x in xs}  # noqa: E731
    return (lower(t["interviewer_labels"]), lower(t["non_speaker_labels"]), lower(t["header_keys"]),
            lower(t["honorifics"]), lower(t["titles"]), lower(t["name_particles"]))


def _is_name_like(label: str) -> bool:
    """Every word capitalised (or a name particle); no sentence inside."""
    *_, particles = _tables()
    words = label.split()
    if not words or len(words) > 6:
        return False
    for w in words:
        if w[0].isupper() or w.lower() in particles or w.lower().rstrip("-") in particles:
            continue
        return False
    return True


def classify(label: str) -> str:
    """'interviewer', 'ignore' (stage directions, headers) or 'speaker'."""
    interviewer, non_speaker, headers, *_ = _tables()
    key = label.lower().rstrip(".")
    if key in interviewer:
        return "interviewer"
    if key in non_speaker or key in headers:
        return "ignore"
    return "speaker"


def find_labels(text: str, paragraphs: list[Span]) -> list[Label]:
    """Speaker labels, in text order."""
    headers = _tables()[2]
    candidates: list[Label] = []
    for para in paragraphs:
        m = LABEL.match(text, para.start, para.end)
        if m and _is_name_like(label_text(m)) and label_text(m).lower() not in headers:
            candidates.append(Label(label_span(m), m.end(), label_text(m), True))
    counts = Counter(_norm(c.text) for c in candidates)
    confirmed = {k for k, n in counts.items() if n >= 2 or classify(k) == "interviewer"}
    labels: list[Label] = []
    for c in candidates:
        key = _norm(c.text)
        words = c.text.split()
        if (key in confirmed or c.text.isupper() or len(words) >= 2 or classify(key) != "speaker"):
            labels.append(c)
    # Labels inside paragraphs: confirmed ones after a sentence end, and
    # multi-word names glued straight onto a sentence end.
    known = {_norm(lab.text) for lab in labels if classify(_norm(lab.text)) != "ignore"}
    starts = {lab.span.start for lab in labels}
    for para in paragraphs:
        for m in re.finditer(r"(?<=[.?!…\]\)])[ \t]+|(?<=[a-z0-9][.?!])(?=[A-Z])", text[para.start:para.end]):
            pos = para.start + m.end()
            lm = LABEL.match(text, pos, para.end)
            if pos in starts:
                continue
            if not lm:
                lm = _stamped_label(text, pos, para.end, known)
                if lm and label_span(lm).start not in starts:
                    labels.append(Label(Span(pos, label_span(lm).end), lm.end(), label_text(lm), False))
                    starts.update({pos, label_span(lm).start})
                continue
            key = _norm(label_text(lm))
            glued = m.start() == m.end()
            if key in known or (glued and GLUED.match(text, pos) is not None
                                and len(label_text(lm).split()) >= 2 and _is_name_like(label_text(lm))):
                labels.append(Label(label_span(lm), lm.end(), label_text(lm), False))
                starts.add(pos)
    for para in paragraphs:
        for m in GLUED_ROLE.finditer(text, para.start, para.end):
            if m.start() not in starts and classify(_norm(m.group("name"))) == "interviewer":
                labels.append(Label(Span(m.start("name"), m.end("name")), m.end(), m.group("name"), False))
                starts.add(m.start())
    labels.sort(key=lambda lab: lab.span.start)
    return labels


def _stamped_label(text: str, pos: int, end: int, known: set[str]) -> re.Match | None:
    """A known label behind a run of bracketed stamps and capitalised words
    (at least one stamp), as broken exports leave them; the turn starts at
    the first of them."""
    prefix = STAMPED_PREFIX.match(text, pos, end)
    if not prefix or "[" not in prefix.group(0):
        return None
    # the label may start at any word of the run: the earliest start wins
    cuts = [pos + m.end() for m in re.finditer(r"[ \t]+", prefix.group(0))]
    for cut in sorted(cuts):
        lm = LABEL.match(text, cut, end)
        if lm and _norm(label_text(lm)) in known and "[" not in text[cut:lm.end()]:
            return lm
    return None


def label_text(m: re.Match) -> str:
    return m.group("label") or m.group("name")


def label_span(m: re.Match) -> Span:
    group = "label" if m.group("label") else "name"
    return Span(m.start(group), m.end(group))


def _norm(label: str) -> str:
    return " ".join(label.split()).lower().rstrip(".")


def is_headline(text: str, label: Label, end: int) -> bool:
    """A label whose whole body is one quotation: an editor's headline quote."""
    body = text[label.body_start:end].strip()
    return len(body) > 2 and body[0] in QUOTE_OPEN and body.rstrip(".")[-1] in QUOTE_CLOSE and "\n\n" not in body


# -- speakers ----------------------------------------------------------------
def bare_name(label: str) -> str:
    """The name in a label: honorifics and titles dropped ('MR. SULLIVAN' -> 'Sullivan')."""
    _, _, _, honorifics, titles, particles = _tables()
    words = label.replace("’", "'").split()
    title_words = {w for t in titles for w in t.lower().split()}
    while words and (words[0].lower() in honorifics or words[0].lower() in title_words):
        words.pop(0)
    return " ".join(w if w.lower() in particles else _titlecase(w) for w in words)


def _titlecase(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "-".join(p[:1] + p[1:].lower() for p in word.split("-"))
    return word


def resolve_speaker(label: str, context: str) -> tuple[str, str]:
    """(id, readable name) for a speaker label, using the document's own
    mentions of a full name first and data/speakers.tsv second."""
    if INITIALS.fullmatch(label.replace(".", "")) and label.replace(".", "").lower() not in people():
        full = _name_with_initials(label.replace(".", ""), context)
        if full:
            return resolve_speaker(full, context)
    name = bare_name(label)
    if not name:  # a bare role: 'THE PRESIDENT'
        role = " ".join(label.split()[1:] if label.lower().startswith("the ") else label.split())
        m = re.search(rf"\b{re.escape(_titlecase(role))}\s+({_WORD}(?:\s+{_WORD})?)", context)
        if m:
            return resolve_speaker(m.group(1), context)
        return slug(label), label.title()
    if len(name.split()) == 1:
        full = _full_name_in(name, context)
        if full:
            name = full
        elif name.lower() in people():
            pid, pname = people()[name.lower()]
            return pid, pname
    if name.lower() in people() and len(name.split()) > 1:
        return people()[name.lower()]
    return slug(name), name


def _name_with_initials(initials: str, context: str) -> str | None:
    """The most frequent run of capitalised words whose initials spell the
    label ('VP' -> 'Vladimir Putin'), title and text alike."""
    n = len(initials)
    words = r"\s+".join([r"([A-Z][a-z\u00e0-\u00ff’'\-]+)"] * n)
    found = Counter(
        " ".join(m.groups()) for m in re.finditer(rf"\b{words}\b", context)
        if "".join(w[0] for w in m.groups()) == initials
    )
    return found.most_common(1)[0][0] if found else None


def _full_name_in(surname: str, context: str) -> str | None:
    """The most frequent 'Firstname Surname' in the text, if any."""
    _, _, _, honorifics, titles, _ = _tables()
    title_words = {w for t in titles for w in t.lower().split()} | honorifics
    found = Counter(
        m.group(1) for m in re.finditer(rf"\b([A-Z][a-z]+(?:\s[A-Z]\.)?)\s+{re.escape(surname)}\b", context)
        if m.group(1).lower() not in title_words and not m.group(1).lower().startswith(("the", "mr", "ms"))
    )
    if not found:
        return None
    first, _ = found.most_common(1)[0]
    return f"{first} {surname}"


# -- turns -------------------------------------------------------------------
def build_turns(text: str, paragraphs: list[Span], labels: list[Label], boilerplate: list[Span],
                title: str | None) -> list[Turn]:
    """Turns from labels and paragraph spans; each runs to the end of its last
    paragraph before the next label, whole-boilerplate paragraphs left out."""
    bp_paras = {p for p in paragraphs if any(b.start <= p.start and p.end <= b.end for b in boilerplate)}
    context = (title or "") + "\n" + text
    speakers: dict[str, tuple[str, str]] = {}
    turns: list[Turn] = []
    for i, label in enumerate(labels):
        limit = labels[i + 1].span.start if i + 1 < len(labels) else len(text)
        end = label.body_start
        for p in paragraphs:
            if p.start >= limit:
                break
            if p.end <= label.span.start or p in bp_paras:
                continue
            end = max(end, min(p.end, limit))
        span = strip(text, Span(label.span.start, end))
        kind = classify(_norm(label.text))
        if kind == "ignore" or label.body_start >= span.end or is_blank(text, Span(label.body_start, span.end)):
            continue
        if kind == "interviewer":
            sid, sname = "interviewer", None
        else:
            key = _norm(label.text)
            if key not in speakers:
                speakers[key] = resolve_speaker(label.text, context)
            sid, sname = speakers[key]
        turns.append(Turn(span, sid, "question" if kind == "interviewer" else "answer", label.span,
                          Span(label.body_start, span.end), sname))
    turns = _reporters_as_interviewers(text, turns, title)
    return _assign_kinds(text, turns)


def split_headline(text: str, paragraphs: list[Span], labels: list[Label]) -> tuple[Span | None, list[Label]]:
    """A first label whose paragraph is one quotation is a headline, not a turn."""
    if len(labels) < 2 or not labels[0].at_paragraph_start:
        return None, labels
    first = labels[0]
    para = next((p for p in paragraphs if p.start == first.span.start), None)
    if para is not None and classify(_norm(first.text)) == "speaker" and is_headline(text, first, para.end) \
            and para.end <= labels[1].span.start:
        return para, labels[1:]
    return None, labels


def _reporters_as_interviewers(text: str, turns: list[Turn], title: str | None) -> list[Turn]:
    """Named reporters ask questions: a speaker not named in the title who
    asks at least one question and says far less than the principal is an
    interviewer (the gold convention)."""
    words: Counter[str] = Counter()
    asks: Counter[str] = Counter()
    for t in turns:
        if t.speaker == "interviewer" or t.body_span is None:
            continue
        body = text[t.body_span.start:t.body_span.end]
        words[t.speaker] += len(body.split())
        asks[t.speaker] += "?" in body
    if len(words) < 2:
        return turns
    top = max(words.values())
    title_l = (title or "").lower()
    reporters = {
        s for s in words
        if words[s] < 0.2 * top and asks[s] >= 1 and s.split("-")[-1] not in title_l
    }
    return [Turn(t.span, "interviewer", "question", t.label_span, t.body_span, None) if t.speaker in reporters else t
            for t in turns]


def _assign_kinds(text: str, turns: list[Turn]) -> list[Turn]:
    """A principal's turn is an answer while a question is open and it says
    something of substance; opening remarks and asides are statements."""
    out: list[Turn] = []
    open_question = False
    for i, t in enumerate(turns):
        if t.speaker == "interviewer":
            open_question = True
            out.append(t)
            continue
        body = text[t.body_span.start:t.body_span.end].strip() if t.body_span else ""
        # the reply straight after a question answers it, however short,
        # unless it only asks back ('My view?')
        replies = i > 0 and turns[i - 1].speaker == "interviewer" and not body.endswith("?")
        kind = "answer" if replies or (open_question and len(body.split()) >= 12) else "statement"
        out.append(Turn(t.span, t.speaker, kind, t.label_span, t.body_span, t.speaker_name))
    return out


@lru_cache(maxsize=None)
def people() -> dict[str, tuple[str, str]]:
    """Speaker form (lower case) -> (id, name), from ``data/speakers.tsv``."""
    table: dict[str, tuple[str, str]] = {}
    with resources.files(__package__).joinpath("data", "speakers.tsv").open(encoding="utf-8") as f:
        for row in f:
            if not row.strip() or row.startswith("#"):
                continue
            pid, name, forms = (row.rstrip("\n").split("\t") + ["", ""])[:3]
            for form in [name, *forms.split(",")]:
                if form.strip():
                    table.setdefault(form.strip().lower(), (pid, name))
    return table

