"""Fact-check files to ``FactCheck`` records, with every problem and where it is.

Forms read (``read_factchecks``), chosen by the file's suffix:

- ``.json`` / ``.jsonld``: one ClaimReview object, a list of them, a JSON-LD
  ``@graph``, or a Fact Check Tools data feed (``dataFeedElement`` items
  whose ``item`` lists hold ClaimReviews). Every ClaimReview anywhere in the
  document is found (objects of other types are walked through, not kept);
  at the top level and in a top-level list an object without ``@type`` that
  has ``claimReviewed`` counts too. A ``.json`` file that is JSON Lines is
  read as such.
- ``.jsonl``: one ClaimReview a line (``@type`` optional).
- ``.html`` / ``.htm``: the ClaimReview objects of the page's
  ``<script type="application/ld+json">`` blocks, extracted by extruct
  (the ``factchecks`` extra; without it the page is E400).

Positions: ``$.dataFeedElement[0].item[2]`` (a JSON path), ``line 7``
(JSONL, or where broken JSON breaks: ``line 7 column 3``), ``script[1]``
(the first JSON-LD block of a page). A malformed record is a problem at its
position and the others are still read; a file that cannot be read at all
(missing, too large, not JSON, no ClaimReview) gives one problem and no
records (its position is None, or where its JSON breaks). A file larger than ``max_bytes`` is
refused from its size, before any of it is read.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from parley.errors import FactCheckError, ParleyError
from parley.factchecks.record import FactCheck, from_claimreview, is_claimreview
from parley.ingest.decode import decode_bytes

JSON_SUFFIXES = (".json", ".jsonld")
JSONL_SUFFIXES = (".jsonl",)
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = JSON_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES
# Larger than ingest's limit for transcripts: a data feed of tens of
# thousands of fact-checks is one file (19,250 PolitiFact checks: 16 MB).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
EXTRA_HINT = "pip install 'parley[factchecks]'"


@dataclass(frozen=True)
class Problem:
    """What went wrong, and where: ``position`` None means the whole file."""

    code: str
    message: str
    position: str | None = None

    def line(self, source: str) -> str:
        where = f"{source}:{self.position}" if self.position else source
        return f"[{self.code}] {where}: {self.message}"


@dataclass
class Parsed:
    """The records read from one file, each with its position, and the problems."""

    source: str
    records: list[tuple[str, FactCheck]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def unreadable(self) -> bool:
        """Nothing could be read from the file: problems and no record."""
        return not self.records and bool(self.problems)

    def factchecks(self) -> list[FactCheck]:
        return [record for _, record in self.records]


def factcheck_files(paths: Iterable[str]) -> Iterator[str]:
    """Each path, with folders walked (sorted) for files with a fact-check suffix."""
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES):
                        yield os.path.join(folder, name)
        else:
            yield path


def read_factchecks(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Parsed:
    """The fact-checks of one file; never raises for what the file holds."""
    def found() -> list[tuple[str, Any]]:
        data = _read_bytes(path, max_bytes)
        lower = path.lower()
        if lower.endswith(HTML_SUFFIXES):
            return _html(data, path)
        text = decode_bytes(data, path).text
        return _jsonl(text) if lower.endswith(JSONL_SUFFIXES) else _json(text)

    return _collect(Parsed(path), found)


def parse_factchecks(data: bytes, source: str) -> Parsed:
    """The fact-checks of JSON or JSON Lines bytes (a request body), read as a
    ``.json`` file is; never raises for what the bytes hold."""
    return _collect(Parsed(source), lambda: _json(decode_bytes(data, source).text))


def _collect(parsed: Parsed, found: Callable[[], list[tuple[str, Any]]]) -> Parsed:
    """``parsed`` with the records of what ``found()`` returns, and the problems met."""
    try:
        _records(parsed, found())
    except _Stop as stop:
        parsed.problems.append(stop.problem)
    except ParleyError as e:  # decoding (E102-E104), a missing extra (E400)
        parsed.problems.append(Problem(e.code, e.message))
    if not parsed.records and not parsed.problems:
        parsed.problems.append(Problem("E802", "holds no ClaimReview"))
    return parsed


def _records(parsed: Parsed, found: list[tuple[str, Any]]) -> None:
    """Each found object as a record of ``parsed``, or as its problem."""
    for position, obj in found:
        if isinstance(obj, Problem):  # a record that could not even be parsed
            parsed.problems.append(obj)
            continue
        try:
            parsed.records.append((position, from_claimreview(obj)))
        except FactCheckError as e:
            parsed.problems.append(Problem(e.code, e.message, position))


class _Stop(Exception):
    """Carries a problem that ends the reading of a file or of a record."""

    def __init__(self, code: str, message: str, position: str | None = None):
        super().__init__(message)
        self.problem = Problem(code, message, position)


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """The file's bytes; the size limit is checked before reading."""
    if not os.path.exists(path):
        raise _Stop("E101", "does not exist")
    if not path.lower().endswith(SUFFIXES):
        raise _Stop("E805", f"is not a fact-check file (suffixes read: {', '.join(SUFFIXES)})")
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise _Stop("E803", f"is {size} bytes, larger than the limit of {max_bytes} (--max-bytes)")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise _Stop("E109", f"cannot be read: {e.strerror or e}") from e
    if len(data) > max_bytes:  # it grew while we looked
        raise _Stop("E803", f"is larger than the limit of {max_bytes} bytes (--max-bytes)")
    return data


def _loads(text: str, position: str | None = None) -> Any:
    """JSON, or a problem saying where it breaks (E804)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno} column {e.colno}"
        if position:
            raise _Stop("E804", f"is not valid JSON: {e.msg} at {where}", position) from e
        raise _Stop("E804", f"is not valid JSON: {e.msg}", where) from e
    except RecursionError as e:
        raise _Stop("E804", "is not usable JSON: nested too deeply", position) from e


def _json(text: str) -> list[tuple[str, Any]]:
    try:
        data = _loads(text)
    except _Stop as stop:
        if stop.problem.message.startswith("is not valid JSON: Extra data"):
            first = text.lstrip().split("\n", 1)[0]
            try:
                json.loads(first)
            except ValueError:
                raise stop from None
            return _jsonl(text)  # JSON Lines in a .json file
        raise
    return _found(data, "$")


def _found(data: Any, position: str) -> list[tuple[str, Any]]:
    """``claimreviews`` of parsed JSON, as a list; too deep to walk is E804."""
    try:
        return list(claimreviews(data, "$", untyped=True))
    except RecursionError:
        raise _Stop("E804", "is not usable JSON: nested too deeply", None if position == "$" else position) from None


def _jsonl(text: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        position = f"line {number}"
        try:
            data = _loads(line, position)
        except _Stop as stop:  # one broken line: the others are still read
            found.append((position, stop.problem))
            continue
        try:
            in_line = [(position + p[1:], obj) for p, obj in _found(data, position)]
        except _Stop as stop:
            found.append((position, stop.problem))
            continue
        found.extend(in_line or [(position, data)])  # no ClaimReview: E801 when read
    return found


def _html(data: bytes, path: str) -> list[tuple[str, Any]]:
    """The ClaimReviews of a page's JSON-LD blocks, each block read apart."""
    try:
        from extruct.jsonld import JsonLdExtractor
        from extruct.utils import parse_html
    except ImportError as e:
        raise FactCheckError(f"reading HTML fact-check pages needs extruct: {EXTRA_HINT}", code="E400") from e
    text = decode_bytes(data, path).text
    extractor = JsonLdExtractor()
    try:
        tree = parse_html(text.encode("utf-8"), encoding="UTF-8")
    except Exception as e:  # lxml's own errors on a page it cannot build a tree of
        raise _Stop("E802", f"cannot be parsed as HTML: {e}") from e
    scripts = tree.xpath('//script[@type="application/ld+json"]') if tree is not None else []
    if not scripts:
        raise _Stop("E802", "holds no JSON-LD (<script type=\"application/ld+json\">)")
    found: list[tuple[str, Any]] = []
    for number, script in enumerate(scripts, 1):
        position = f"script[{number}]"
        try:
            items = extractor.extract_items(script)
        except (ValueError, RecursionError) as e:
            found.append((position, Problem("E804", f"JSON-LD block is not valid JSON: {e}", position)))
            continue
        for index, item in enumerate(items):
            base = position if len(items) == 1 else f"{position}[{index}]"
            try:
                found.extend([(base + p[1:], obj) for p, obj in claimreviews(item, "$")])
            except RecursionError:
                found.append((base, Problem("E804", "JSON-LD block is nested too deeply", base)))
    if not found:
        raise _Stop("E802", f"holds {len(scripts)} JSON-LD blocks but no ClaimReview")
    return found


def claimreviews(node: Any, path: str, untyped: bool = False) -> Iterator[tuple[str, Any]]:
    """(JSON path, object) of every ClaimReview in ``node``, depth first.

    ``untyped``: at this level (and in a list here) an object without
    ``@type`` that has ``claimReviewed`` counts, and a list item that is not
    an object is yielded as is (to be reported as malformed).
    """
    if isinstance(node, dict):
        if is_claimreview(node, untyped=untyped):
            yield path, node
            return
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from claimreviews(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if untyped and not isinstance(value, (dict, list)):
                yield f"{path}[{index}]", value
            else:
                yield from claimreviews(value, f"{path}[{index}]", untyped)
