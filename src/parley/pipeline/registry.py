"""The analyser registry: what each analyser is, and the options it reads.

An analyser is a pure function ``(analysis, parse, config) -> {layer: records}``
registered with a name, a version, the layers it requires, the layers it
assigns and the options it reads. Analysers live one per folder under
``parley.analysers``; each folder's ``analyser.py`` registers itself on import.

Options work like spaCy's ``default_config``: ``@analyser(..., options=...)``
declares every option with its default (and type), the analyser reads each
one with ``config.option(name, key)``, and ``validate_options`` rejects an
unknown analyser, an unknown option or a value of the wrong type (E303)
when the pipeline is built, before anything runs.
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from parley.document import Analysis
from parley.errors import PipelineError
from parley.models.runtime import RUNTIMES

AnalyserFunc = Callable[[Analysis, Any, "Config"], dict[str, list[Any]]]

# What each option type accepts, in words for error messages.
_TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string", tuple: "a list"}


@dataclass(frozen=True)
class Option:
    """One option an analyser reads: its default, its type, what it does.

    ``type`` is one of bool, int, float, str or tuple (a list on the command
    line). A float option also takes an int; a tuple option also takes a
    list. ``default`` may be None, meaning "the analyser decides" (the cut of
    a shipped model, say); None is then also accepted as a given value.
    ``choices``, when given, are the only values allowed.
    """

    default: Any
    type: type
    help: str = ""
    choices: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in _TYPE_WORDS:
            raise TypeError(f"option type must be one of bool, int, float, str, tuple, not {self.type!r}")

    def problem(self, value: Any) -> str | None:
        """None when ``value`` fits this option, else what was expected."""
        if value is None and self.default is None:
            return None
        wanted = self.type
        if isinstance(value, bool) or wanted is bool:
            fits = isinstance(value, bool) and wanted is bool
        elif wanted is float:
            fits = isinstance(value, (int, float))
        elif wanted is tuple:
            fits = isinstance(value, (list, tuple))
        else:
            fits = isinstance(value, wanted)
        if not fits:
            return f"{_TYPE_WORDS[wanted]} ({wanted.__name__})"
        if self.choices and value not in self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return None

    def resolve(self, value: Any) -> Any:
        """``value`` as the analyser reads it: floats as float, lists as tuple."""
        if value is None:
            return None
        if self.type is float:
            return float(value)
        if self.type is tuple:
            return tuple(value)
        return value


def _declare(options: Mapping[str, Any]) -> dict[str, Option]:
    """``Option`` declarations from ``{key: Option | default}``; a bare
    default declares its own type."""
    declared = {}
    for key, spec in options.items():
        declared[key] = spec if isinstance(spec, Option) else Option(spec, type(spec))
    return declared


@dataclass(frozen=True)
class Config:
    """Settings every analyser may read. Only the CLI builds these from flags."""

    model: str | None = None  # spaCy model name; None: the preferred installed one
    metadata: dict[str, str] = field(default_factory=dict)  # overrides from the CLI
    aliases: tuple[str, ...] = ()  # extra alias tables (paths) for entity identity
    # Per-analyser options, {analyser: {key: value}}; read them with ``option``.
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def option(self, analyser: str, key: str) -> Any:
        """The value of option ``key`` of ``analyser``: the one given, else
        the declared default. Reading an option the analyser does not
        declare is an error (E303), so every option is declared."""
        declared = REGISTRY[analyser].options if analyser in REGISTRY else SETTINGS.get(analyser, {})
        if key not in declared:
            raise PipelineError(f"analyser '{analyser}' reads option '{key}', which it does not declare", code="E303")
        given = self.options.get(analyser) or {}
        return declared[key].resolve(given[key]) if key in given else declared[key].default


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
    options: dict[str, Option] = field(default_factory=dict)  # every option it reads
    # (layer, record) -> confidence in [0, 1] for records the function left
    # without one: the record's own score, or its rule kind's constant.
    confidence: Callable[[str, Any], float] | None = None


REGISTRY: dict[str, Analyser] = {}

# Settings of shared components that are not analysers, given and checked
# like analyser options (``--option encoder.runtime=onnx``).
SETTINGS: dict[str, dict[str, Option]] = {
    "encoder": {"runtime": Option(None, str, "how the MiniLM encoder runs (default: PARLEY_ENCODER_RUNTIME, "
                                             "else the faster measured one)", choices=RUNTIMES)},
}


def analyser(
    name: str,
    *,
    version: str,
    requires: Sequence[str] = (),
    assigns: Sequence[str],
    needs_parse: bool = False,
    order: int = 50,
    check: Callable[[], str | None] | None = None,
    options: Mapping[str, Any] | None = None,
    confidence: Callable[[str, Any], float] | None = None,
) -> Callable[[AnalyserFunc], AnalyserFunc]:
    """Register ``func`` as the analyser ``name``; ``options`` declares
    every option it reads, ``{key: Option(...)}`` or ``{key: default}``;
    ``confidence(layer, record)`` gives the confidence of a record the
    function returns without one (the pipeline runner calls it)."""

    def register(func: AnalyserFunc) -> AnalyserFunc:
        REGISTRY[name] = Analyser(
            name, version, func, tuple(requires), tuple(assigns), needs_parse, order, check,
            _declare(options or {}), confidence,
        )
        return func

    return register


def _hint(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    listed = ", ".join(sorted(known)) or "none"
    return (f"did you mean '{close[0]}'? " if close else "") + f"known: {listed}"


def validate_options(options: Mapping[str, Any] | None) -> None:
    """Check ``{analyser: {key: value}}`` against what the registered
    analysers declare; the first problem is a PipelineError E303."""
    if not options:
        return
    registry = load_analysers()
    for name, given in options.items():
        if name not in registry and name not in SETTINGS:
            known = list(registry) + list(SETTINGS)
            raise PipelineError(f"options given for unknown analyser '{name}' ({_hint(name, known)})", code="E303")
        if not isinstance(given, Mapping):
            raise PipelineError(f"options of analyser '{name}' must be a mapping of option names to values, "
                                f"not {type(given).__name__}", code="E303")
        declared = registry[name].options if name in registry else SETTINGS[name]
        for key, value in given.items():
            if key not in declared:
                raise PipelineError(f"analyser '{name}' has no option '{key}' ({_hint(key, list(declared))})", code="E303")
            expected = declared[key].problem(value)
            if expected:
                raise PipelineError(f"analyser '{name}' option '{key}' expects {expected}, "
                                    f"got {type(value).__name__} {value!r}", code="E303")


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
