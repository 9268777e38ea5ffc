"""UIMA CAS XMI (INCEpTION, DKPro) through dkpro-cassis: one XMI per document.

One annotation type per layer (``parley.Turn``, ``parley.Entity``, ...,
all subtypes of ``uima.tcas.Annotation``), each with the features
``label`` (the region's label), ``role`` and ``position`` (the record field
the span came from, and its place in a tuple field), ``record`` (the
record's index in its layer), ``key`` (the speaker, entity id, source,
timex value or stance holder, for people reading the CAS), ``attributes``
(the record's other fields as JSON, head regions only) and ``head`` (a
non-head region's link to its record's head annotation). XMI counts
``begin``/``end`` in UTF-16 code units; cassis converts them to and from
Python's code points itself (tests/test_exchange.py checks the raw XMI
against ``offsets.Utf16Offsets``). Needs the ``exchange`` extra.
"""
from __future__ import annotations

import json
from typing import Any

from parley.document.model import Analysis
from parley.document.spans import Span
from parley.errors import ModelUnavailable, SpanError
from parley.exchange.regions import EXPORTED, Region, records_from_regions, regions_of

NAMESPACE = "parley"
TYPE_NAMES = {"turns": "Turn", "entities": "Entity", "attributions": "Attribution", "timex": "Timex",
              "claims": "Claim", "techniques": "Technique", "stance": "Stance"}
KEY_FIELD = {"turns": "speaker", "entities": "id", "attributions": "source", "timex": "value", "stance": "holder"}
STRING, INTEGER, ANNOTATION = "uima.cas.String", "uima.cas.Integer", "uima.tcas.Annotation"
FEATURES = (("label", STRING), ("role", STRING), ("position", INTEGER), ("record", INTEGER),
            ("key", STRING), ("attributes", STRING), ("head", ANNOTATION))


def _cassis():
    try:
        import cassis
    except ImportError as e:
        raise ModelUnavailable("UIMA CAS XMI needs dkpro-cassis: pip install 'parley[exchange]'", code="E400") from e
    return cassis


def type_system():
    """Parley's UIMA type system (cassis ``TypeSystem``); ``.to_xml()`` writes it."""
    cassis = _cassis()
    ts = cassis.TypeSystem()
    for layer in EXPORTED:
        t = ts.create_type(f"{NAMESPACE}.{TYPE_NAMES[layer]}", supertypeName=ANNOTATION)
        for name, range_type in FEATURES:
            ts.create_feature(t, name, range_type)
    return ts


def to_uima(analysis: Analysis, typesystem=None):
    """A cassis ``Cas`` holding the document text and every region."""
    cassis = _cassis()
    ts = typesystem or type_system()
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = analysis.text
    heads: dict[str, Any] = {}
    for region in regions_of(analysis.layers):
        t = ts.get_type(f"{NAMESPACE}.{TYPE_NAMES[region.layer]}")
        fs = t(begin=region.span.start, end=region.span.end, label=region.label, role=region.role,
               position=region.k, record=region.index)
        if region.attrs is not None:
            fs.attributes = json.dumps(region.attrs, ensure_ascii=False, sort_keys=True)
            key = region.attrs.get(KEY_FIELD.get(region.layer, ""))
            if key is not None:
                fs.key = str(key)
            heads[region.head_key] = fs
        else:
            fs.head = heads[region.head_key]
        cas.add(fs)
    return cas


def to_uima_xmi(analysis: Analysis, typesystem=None) -> str:
    """The document's CAS as XMI text (offsets in UTF-16 code units, as UIMA counts)."""
    return to_uima(analysis, typesystem).to_xmi(pretty_print=True)


def from_uima(cas, text: str | None = None) -> dict[str, list[Any]]:
    """The records of a cassis ``Cas``; ``text``, when given, must be its sofa."""
    if text is not None and cas.sofa_string != text:
        raise SpanError("the CAS holds another text than the document's")
    regions = []
    for layer in EXPORTED:
        name = f"{NAMESPACE}.{TYPE_NAMES[layer]}"
        if not cas.typesystem.contains_type(name):
            continue
        for fs in cas.select(name):
            attrs = json.loads(fs.attributes) if fs.attributes else None
            regions.append(Region(layer, int(fs.record or 0), fs.role or "", int(fs.position or 0),
                                  Span(fs.begin, fs.end), fs.label or "", attrs))
    return records_from_regions(regions)


def from_uima_xmi(xmi: str | bytes, text: str | None = None, typesystem=None) -> dict[str, list[Any]]:
    """The records of an XMI document written with Parley's type system."""
    cassis = _cassis()
    cas = cassis.load_cas_from_xmi(xmi, typesystem=typesystem or type_system())
    return from_uima(cas, text)
