"""Analysers, their registry, and the one function that runs them.

An analyser is a pure function ``(analysis, parse, config) -> {layer: records}``
registered with a name, a version, the layers it requires and the layers it
assigns. ``build_pipeline`` orders the selected analysers and checks, before
anything runs, that each one's requirements are assigned by an earlier one.
``analyze`` is the single code path that the CLI, the store, the service and
batch runs all call.

Analysers live one per module in ``parley.analysers`` and register themselves
on import; the default pipeline is every registered analyser, in dependency
order (ties broken by ``order``).
"""
from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from .document import Analysis, Document, Metadata
from .errors import ModelUnavailable, PipelineError

AnalyserFunc = Callable[[Analysis, Any, "Config"], dict[str, list[Any]]]


@dataclass(frozen=True)
class Config:
    """Settings every analyser may read. Only the CLI builds these from flags."""

    model: str | None = None  # spaCy model name; None: the preferred installed one
    metadata: dict[str, str] = field(default_factory=dict)  # overrides from the CLI
    aliases: tuple[str, ...] = ()  # extra alias tables (paths) for entity identity
    options: dict[str, Any] = field(default_factory=dict)  # per-analyser options


@dataclass(frozen=True)
class Analyser:
    name: str
    version: str
    func: AnalyserFunc
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    needs_parse: bool = False
    order: int = 50
    # Returns None when the analyser can run, else why it cannot (a missing
    # optional package, say); such an analyser is reported, not run.
    check: Callable[[], str | None] | None = None


REGISTRY: dict[str, Analyser] = {}


def analyser(
    name: str,
    *,
    version: str,
    requires: Sequence[str] = (),
    assigns: Sequence[str],
    needs_parse: bool = False,
    order: int = 50,
    check: Callable[[], str | None] | None = None,
) -> Callable[[AnalyserFunc], AnalyserFunc]:
    """Register ``func`` as the analyser ``name``."""

    def register(func: AnalyserFunc) -> AnalyserFunc:
        REGISTRY[name] = Analyser(
            name, version, func, tuple(requires), tuple(assigns), needs_parse, order, check
        )
        return func

    return register


_loaded = False


def load_analysers() -> dict[str, Analyser]:
    """Import every module of ``parley.analysers`` once, so each registers."""
    global _loaded
    if not _loaded:
        from . import analysers

        for info in sorted(pkgutil.iter_modules(analysers.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{analysers.__name__}.{info.name}")
        _loaded = True
    return REGISTRY


# Layers that ingest provides, so no analyser needs to assign them.
GIVEN = ("text", "metadata")


def build_pipeline(only: Iterable[str] | None = None, skip: Iterable[str] = ()) -> list[Analyser]:
    """The analysers to run, in an order where every requirement is met."""
    registry = load_analysers()
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
    from .parse import Parser

    config = config or Config()
    pipeline = build_pipeline() if pipeline is None else list(pipeline)
    metadata = document.metadata.merged(config.metadata) if config.metadata else document.metadata
    analysis = Analysis(document, metadata)
    parse = None
    clock = time.perf_counter
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
            if layer == "metadata":
                # Extracted metadata fills gaps; ingest's and the CLI's win.
                analysis.metadata = records.merged(analysis.metadata)
            else:
                analysis.set_layer(layer, records)
        analysis.pipeline.append({"name": step.name, "version": step.version})
        analysis.timings[step.name] = round(clock() - started, 4)
    return analysis


def pipeline_version(pipeline: Sequence[Analyser]) -> str:
    """A short string naming every analyser and version, for stored analyses."""
    from . import __version__

    return __version__ + ":" + ",".join(f"{a.name}@{a.version}" for a in pipeline)


__all__ = ["Analyser", "Config", "Metadata", "REGISTRY", "analyser", "analyze", "build_pipeline", "load_analysers"]
