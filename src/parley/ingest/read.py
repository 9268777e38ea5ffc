"""From files, folders, stdin, HTML and JSONL to ``Document``s.

Bytes are decoded once (``decode.py``: UTF-8 with or without BOM, UTF-16
with or without BOM, else a legacy code page found by charset-normalizer) and
newlines are normalised as Python's ``open()`` does, so offsets agree with
``open(path, encoding=...).read()``. After that the text is never changed;
the encoding is recorded as ``Metadata.encoding``.

``read_sources`` yields a ``Document`` or a ``Failure`` per input, so a batch
can record what went wrong and carry on.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from parley.document import Document, Metadata
from parley.errors import InputError
from parley.ingest.decode import decode, decode_bytes
from parley.ingest.fetch import is_url

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# Metadata fields a JSONL record may carry beside its text.
JSONL_FIELDS = {"title", "published", "date", "place", "outlet", "interviewee", "genre", "source"}


@dataclass(frozen=True)
class Failure:
    """An input that could not become a Document, and why."""

    source: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.source}: {self.message}"


# -- formats ---------------------------------------------------------------
def html_to_document(html: str, source: str, doc_id: str, encoding: str | None = None) -> Document:
    """Main text and metadata of an HTML page, through trafilatura."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as e:  # trafilatura raises many kinds on broken markup
        raise InputError(f"HTML could not be parsed: {e}", code="E107", path=source) from e
    body = getattr(result, "text", None) if result is not None else None
    if not body or not body.strip():
        raise InputError("HTML holds no main text that could be extracted", code="E107", path=source)
    # trafilatura puts one block per line; a blank line between blocks gives
    # the paragraph layout of plain transcripts.
    text = "\n\n".join(line.strip() for line in body.split("\n") if line.strip())
    meta = Metadata(
        title=result.title or None,
        published=result.date or None,
        outlet=result.sitename or None,
        source=source,
        encoding=encoding,
    )
    return Document(text=text, doc_id=doc_id, metadata=meta)


def jsonl_documents(text: str, source: str, stem: str, encoding: str | None = None) -> Iterator[Document | Failure]:
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield Failure(where, "E108", f"not valid JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield Failure(where, "E108", "a JSONL line must be an object with a non-empty string 'text'")
            continue
        fields = {k: str(v) for k, v in record.items() if k in JSONL_FIELDS and v not in (None, "")}
        if "date" in fields:
            fields.setdefault("published", fields.pop("date"))
        fields.setdefault("source", where)
        doc_id = str(record.get("doc_id") or record.get("id") or f"{stem}-{number}")
        text_value = record["text"].replace("\r\n", "\n").replace("\r", "\n")
        yield Document(text=text_value, doc_id=doc_id, metadata=Metadata(**fields, encoding=encoding))


def _sniff(text: str) -> str:
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.match(r"<(head|body|article|div|p)\b", head):
        return "html"
    lines = [ln for ln in text.split("\n")[:5] if ln.strip()]
    if lines and all(ln.lstrip().startswith("{") for ln in lines):
        return "jsonl"
    return "text"


def documents_from_bytes(data: bytes, source: str, doc_id: str, kind: str | None = None) -> Iterator[Document | Failure]:
    """Every document in one input's bytes (a JSONL file holds many)."""
    try:
        text, encoding = decode_bytes(data, source)
    except InputError as e:
        yield Failure(source, e.code, e.message)
        return
    kind = kind or _sniff(text)
    if kind == "jsonl":
        yield from jsonl_documents(text, source, doc_id, encoding)
    elif kind == "html":
        try:
            yield html_to_document(text, source, doc_id, encoding)
        except InputError as e:
            yield Failure(source, e.code, e.message)
    else:
        yield Document(text=text, doc_id=doc_id, metadata=Metadata(source=source, encoding=encoding))


def _kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def expand(paths: Iterable[str]) -> Iterator[str | Failure]:
    """Paths of inputs: files as given, folders walked for known suffixes."""
    for raw in paths:
        if raw == "-" or is_url(raw):
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                yield Failure(raw, "E106", f"folder holds no transcripts (looked for {', '.join(sorted(SUFFIXES))})")
            yield from (str(p) for p in found)
        elif path.exists():
            yield raw
        else:
            yield Failure(raw, "E101", "no such file or folder")


def read_sources(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES, stdin=None) -> Iterator[Document | Failure]:
    """A Document or a Failure for every input named by ``paths``."""
    for item in expand(paths):
        if isinstance(item, Failure):
            yield item
            continue
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(max_bytes + 1)
            if len(data) > max_bytes:
                yield Failure("-", "E105", f"standard input is larger than the limit of {_mb(max_bytes)} (raise it with --max-bytes)")
                continue
            yield from documents_from_bytes(data, "-", "stdin")
            continue
        if is_url(item):
            yield from url_documents(item, max_bytes)
            continue
        path = Path(item)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                yield Failure(item, "E105", f"is {_mb(size)}, over the limit of {_mb(max_bytes)} (raise it with --max-bytes)")
                continue
            data = path.read_bytes()
        except OSError as e:
            yield Failure(item, "E109", f"cannot be read: {e.strerror or e}")
            continue
        yield from documents_from_bytes(data, item, path.stem, _kind_of(path))


def url_documents(url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | Failure]:
    """Every document at ``url``, fetched with the checks of ``ingest/fetch.py``."""
    from urllib.parse import urlsplit

    from parley.errors import ParleyError
    from parley.ingest.fetch import fetch

    try:
        fetched = fetch(url, max_bytes)
    except ParleyError as e:
        yield Failure(url, e.code, e.message)
        return
    parts = urlsplit(fetched.final_url)
    stem = Path(parts.path).stem or parts.hostname or "url"
    yield from documents_from_bytes(fetched.data, url, stem, fetched.kind)


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The single document at ``path``; InputError if it cannot be read."""
    for item in read_sources([path], max_bytes):
        if isinstance(item, Failure):
            raise InputError(item.message, code=item.code, path=item.source)
        return item
    raise InputError("holds no document", code="E109", path=path)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


__all__ = ["Failure", "decode", "decode_bytes", "read_sources", "read_document", "url_documents", "DEFAULT_MAX_BYTES"]
