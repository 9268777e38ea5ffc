"""Exports of a store: JSONL (whole analyses), and flat tables for CSV/Parquet.

``TABLES`` names the flat tables: ``documents`` (one row per document:
metadata, pipeline version, record counts per layer) and one table per
layer (one row per record: the document, the record's fields with each span
as ``<field>_start``/``<field>_end``, lists as JSON text, and ``text``, the
words of the record's main span).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from parley.errors import ModelUnavailable, StoreError

LAYER_TABLES = {
    "sentences": "sentences", "turns": "turns", "quotes": "attributions", "claims": "claims",
    "techniques": "techniques", "entities": "entities", "stance": "stance", "timex": "timex", "answers": "answers",
}
TABLES = ("documents", *LAYER_TABLES)
MAIN_SPAN = ("span", "content_span")


def _is_span(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)


def document_row(data: dict[str, Any]) -> dict[str, Any]:
    meta = data.get("metadata") or {}
    parley = data.get("parley") or {}
    row: dict[str, Any] = {
        "hash": parley.get("hash"), "doc_id": data.get("doc_id"),
        **{k: meta.get(k) for k in ("title", "published", "place", "outlet", "interviewee", "genre", "source")},
        "pipeline_version": parley.get("pipeline_version"), "characters": len(data.get("text") or ""),
    }
    for table, layer in LAYER_TABLES.items():
        row[f"n_{table}"] = len(data.get(layer) or [])
    return row


def layer_rows(data: dict[str, Any], table: str) -> Iterator[dict[str, Any]]:
    text = data.get("text") or ""
    base = {"hash": (data.get("parley") or {}).get("hash"), "doc_id": data.get("doc_id"),
            "published": (data.get("metadata") or {}).get("published")}
    for index, record in enumerate(data.get(LAYER_TABLES[table]) or []):
        row = dict(base, index=index)
        main = None
        for key, value in record.items():
            if _is_span(value):
                row[f"{key}_start"], row[f"{key}_end"] = value
                if key in MAIN_SPAN and main is None:
                    main = value
            elif value is None:
                row[key] = None
            elif isinstance(value, (list, dict)):
                row[key] = json.dumps(value, ensure_ascii=False)
            else:
                row[key] = value
        if main is not None:
            row["text"] = text[main[0]:main[1]]
        yield row


def rows(analyses: Iterable[dict[str, Any]], table: str) -> Iterator[dict[str, Any]]:
    """The flat rows of ``table`` over every analysis."""
    if table not in TABLES:
        raise StoreError(f"unknown export table '{table}' (choose from {', '.join(TABLES)})", code="E605")
    for data in analyses:
        if table == "documents":
            yield document_row(data)
        else:
            yield from layer_rows(data, table)


def columns_of(rows_list: list[dict[str, Any]]) -> list[str]:
    """Every key in order of first appearance (rows of one table may differ)."""
    seen: dict[str, None] = {}
    for r in rows_list:
        for k in r:
            seen.setdefault(k, None)
    return list(seen)


def write_parquet(rows_list: list[dict[str, Any]], path: str) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise ModelUnavailable("Parquet export needs pyarrow: pip install 'parley[export]'", code="E400") from e
    columns = columns_of(rows_list)
    arrays = {}
    for c in columns:
        values = [r.get(c) for r in rows_list]
        kinds = {type(v) for v in values if v is not None}
        if kinds <= {int, bool} and kinds:
            arrays[c] = pa.array(values, type=pa.int64() if bool not in kinds else pa.bool_())
        elif kinds <= {int, float} and kinds:
            arrays[c] = pa.array([None if v is None else float(v) for v in values], type=pa.float64())
        else:
            arrays[c] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    try:
        pq.write_table(pa.table(arrays) if arrays else pa.table({"hash": pa.array([], pa.string())}), path)
    except OSError as e:
        raise StoreError(f"cannot write {path}: {e}", code="E607") from e
