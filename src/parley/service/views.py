"""What each page shows, as plain JSON-ready dicts.

Every page of the web UI is drawn from one of these views, and its JSON twin
(the same path under ``/api``) returns the very same dict, so the two cannot
drift. Nothing here knows about HTTP or HTML.
"""
from __future__ import annotations

from typing import Any

from parley.document import Analysis
from parley.render.sections import sections_for
from parley.render.table import cell_json
from parley.service.errors import ServiceError
from parley.store import SEARCH_LAYERS, Filters, Store

LIBRARY_PAGE = 50


def filters_of(speaker: str | None = None, outlet: str | None = None, entity: str | None = None,
               since: str | None = None, until: str | None = None, date: str | None = None) -> Filters:
    """Filters from query parameters; ``date`` is one day (since = until)."""
    clean = {k: (v.strip() or None) if isinstance(v, str) else v
             for k, v in dict(speaker=speaker, outlet=outlet, entity=entity, since=since, until=until, date=date).items()}
    for name in ("since", "until", "date"):
        if clean[name] is not None:
            clean[name] = _iso_date(clean[name], name)
    day = clean.pop("date")
    if day is not None:
        clean["since"] = clean["since"] or day
        clean["until"] = clean["until"] or day
    return Filters(**clean)


def _iso_date(value: str, name: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise ServiceError(f"'{name}' must be a date YYYY-MM-DD, not {value!r}", code="E704", status=422) from e


def library(store: Store, filters: Filters, offset: int = 0, limit: int = LIBRARY_PAGE) -> dict[str, Any]:
    rows = store.documents(filters, limit=limit + 1, offset=offset)
    return {
        "filters": filters.json(),
        "offset": offset,
        "limit": limit,
        "more": len(rows) > limit,
        "total": store.count(),
        "documents": [row.json() for row in rows[:limit]],
    }


def document(store: Store, ref: str) -> tuple[dict[str, Any], Analysis]:
    """The view of one document with people's corrections applied, and that
    Analysis (the page draws the text from it)."""
    data, corrections = store.corrected(ref)
    info = store.info(ref)
    analysis = Analysis.from_json(data)
    sections = [
        {"key": s.key, "title": s.title, "header": list(header), "rows": [[cell_json(c) for c in row] for row in rows]}
        for s in sections_for(analysis)
        for header, rows in [s.rows(analysis)]
    ]
    entities = [{"id": e.id, "name": e.name, "type": e.type, "mentions": len(e.mentions)}
                for e in analysis.layer("entities")]
    entities.sort(key=lambda e: (-e["mentions"], e["name"].lower()))
    view = {
        "document": info.json(),
        "metadata": analysis.metadata.json(),
        "sections": sections,
        "entities": entities,
        "unavailable": analysis.unavailable,
        "corrections": len(corrections),
        "claim_matches": store.claim_matches_of(info.hash),
        "attribution_checks": attribution_checks_of(store, info.hash),
        "analysis": data,
    }
    return view, analysis


def entity(store: Store, entity_id: str, offset: int = 0, said_offset: int = 0) -> dict[str, Any]:
    """The entity's dossier (``store/dossier.py``), one page of documents at ``offset``."""
    return store.dossier(entity_id, offset=offset, said_offset=said_offset).json()  # type: ignore[attr-defined]


def search(store: Store, query: str, filters: Filters, layer: str, limit: int, time_limit: float) -> dict[str, Any]:
    view: dict[str, Any] = {
        "query": query,
        "layer": layer,
        "layers": list(SEARCH_LAYERS),
        "filters": filters.json(),
        "hits": [],
        "complete": True,
        "elapsed": 0.0,
        "searched": False,
    }
    if layer not in SEARCH_LAYERS:
        raise ServiceError(f"unknown search layer {layer!r} (use one of {', '.join(SEARCH_LAYERS)})",
                           code="E704", status=422)
    if not query.strip() and not filters.json():
        return view  # the empty search page
    result = store.search(query, filters, layer=layer, limit=limit, time_limit=time_limit)
    view.update(hits=[hit.json() for hit in result.hits], complete=result.complete,
                elapsed=round(result.elapsed, 4), searched=True)
    return view


CHECK_WORDS = {"close": "close to the source's own words", "paraphrase": "a paraphrase of the source's words",
               "differs": "differs from the source's words", "no-statement": "no statement of the source in the corpus"}


def attribution_checks_of(store: Store, hash: str) -> list[dict[str, Any]]:
    """The document's stored attribution checks (``parley.corpus.checks``), each with ``words``
    (what its label means; never a verdict of truth) and each passage's ``link``."""
    found = store.attribution_checks(hash=hash, limit=None) if hasattr(store, "attribution_checks") else []
    for c in found:
        c["words"] = CHECK_WORDS.get(c["label"], c["label"])
        for p in c["passages"]:
            p["link"] = f"/documents/{p['hash']}?at={int(p['start'])}-{int(p['end'])}"
    return found
