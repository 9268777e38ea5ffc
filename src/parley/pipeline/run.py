"""The one function that runs analysers, and the order they run in.

``build_pipeline`` orders the selected analysers and checks, before
anything runs, that each one's requirements are assigned by an earlier one
and that the options given are ones the analysers declare, of the declared
types (``registry.validate_options``).
``analyze`` is the single code path that the CLI, the store, the service and
batch runs all call.

The default pipeline is every registered analyser (``registry.py``), in
dependency order (ties broken by ``order``).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any, Iterable, Mapping, Sequence

from parley.document import Analysis, Document
from parley.errors import ModelUnavailable, PipelineError
from parley.models.encoder import document_scope
from parley.pipeline.confidence import default_confidence
from parley.pipeline.registry import Analyser, Config, load_analysers, validate_options

# Layers that ingest provides, so no analyser needs to assign them.
GIVEN = ("text", "metadata")


def build_pipeline(
    only: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
) -> list[Analyser]:
    """The analysers to run, in an order where every requirement is met.

    ``options`` (``{analyser: {key: value}}``, as in ``Config.options``) are
    checked against the registered analysers' declarations (E303)."""
    registry = load_analysers()
    validate_options(options)
    only = list(only or [])
    skip = list(skip)
    for name in only + skip:
        if name not in registry:
            known = ", ".join(sorted(registry))
            raise PipelineError(f"unknown analyser '{name}' (known: {known})", code="E301")
    names = [n for n in (only or registry) if n not in skip]
    pending = sorted((registry[n] for n in names), key=lambda a: (a.order, a.name))
    ordered: list[Analyser] = []
    assigned = set(GIVEN)
    while pending:
        ready = next((a for a in pending if set(a.requires) <= assigned), None)
        if ready is None:
            a = pending[0]
            missing = sorted(set(a.requires) - assigned)
            by = {layer: n for n, an in registry.items() for layer in an.assigns}
            hint = ", ".join(f"'{m}' (from '{by[m]}')" if m in by else f"'{m}'" for m in missing)
            raise PipelineError(f"analyser '{a.name}' requires {hint}, which no selected analyser assigns", code="E302")
        ordered.append(ready)
        pending.remove(ready)
        assigned.update(ready.assigns)
    return ordered


def analyze(
    document: Document,
    pipeline: Sequence[Analyser] | None = None,
    config: Config | None = None,
    parser: "Any | None" = None,
) -> Analysis:
    """Run ``pipeline`` over ``document``: the one code path for every runner.

    The spaCy parse is made once, only if some analyser needs it, and shared.
    An analyser whose ``check`` fails is recorded in ``analysis.unavailable``.
    """
    from parley.pipeline.parse import Parser

    config = config or Config()
    validate_options(config.options)  # a Config built without build_pipeline is checked too
    pipeline = build_pipeline() if pipeline is None else list(pipeline)
    metadata = document.metadata.merged(config.metadata) if config.metadata else document.metadata
    analysis = Analysis(document, metadata)
    parse = None
    clock = time.perf_counter
    # One encoder pass per window and model for all layers, with the runtime asked for.
    with document_scope(config.option("encoder", "runtime")):
        for step in pipeline:
            reason = step.check() if step.check else None
            if reason:
                analysis.unavailable[step.name] = reason
                continue
            started = clock()
            if step.needs_parse and parse is None:
                parse = (parser or Parser.shared(config.model)).parse(document.text)
                analysis.timings["parse"] = round(clock() - started, 4)
                started = clock()
            try:
                result = step.func(analysis, parse, config)
            except ModelUnavailable as e:
                analysis.unavailable[step.name] = e.message
                continue
            for layer, records in result.items():
                if layer != "metadata":
                    records = stamp(step, layer, records)
                if layer == "metadata":
                    # Extracted metadata fills gaps; ingest's and the CLI's win.
                    analysis.metadata = records.merged(analysis.metadata)
                else:
                    analysis.set_layer(layer, records)
            analysis.pipeline.append({"name": step.name, "version": step.version})
            analysis.timings[step.name] = round(clock() - started, 4)
    return analysis


def stamp(step: Analyser, layer: str, records: Sequence[Any]) -> list[Any]:
    """``records`` of ``layer`` with the trust fields filled: ``analyser`` is
    ``name@version`` of ``step``; a ``confidence`` the analyser left unset
    comes from its ``confidence`` function, else ``default_confidence`` (its
    score, or its rule kind's constant). Objects that are not records (no
    trust fields) pass unchanged; ``parley evaluate`` reports the coverage."""
    tag = f"{step.name}@{step.version}"
    out = []
    for r in records:
        if not (dataclasses.is_dataclass(r) and hasattr(r, "analyser")):
            out.append(r)
            continue
        confidence = r.confidence
        if confidence is None:
            confidence = (step.confidence or default_confidence)(layer, r)
        confidence = None if confidence is None else round(float(confidence), 3)
        out.append(dataclasses.replace(r, confidence=confidence, analyser=tag))
    return out


def pipeline_version(pipeline: Sequence[Analyser]) -> str:
    """A short string naming every analyser and version, for stored analyses."""
    from parley import __version__

    return __version__ + ":" + ",".join(f"{a.name}@{a.version}" for a in pipeline)


__all__ = ["GIVEN", "analyze", "build_pipeline", "pipeline_version", "stamp"]
