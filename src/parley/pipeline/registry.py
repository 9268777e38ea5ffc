"""The analyser registry: what each analyser is, and the settings it reads.

An analyser is a pure function ``(analysis, parse, config) -> {layer: records}``
registered with a name, a version, the layers it requires and the layers it
assigns. Analysers live one per folder under ``parley.analysers``; each
folder's ``analyser.py`` registers itself on import.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from parley.document import Analysis


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
    """Import every ``parley.analysers.<name>.analyser`` once, so each registers."""
    global _loaded
    if not _loaded:
        from parley import analysers

        for info in sorted(pkgutil.iter_modules(analysers.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{analysers.__name__}.{info.name}.analyser")
        _loaded = True
    return REGISTRY
