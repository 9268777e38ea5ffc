"""Every third-party package src/parley imports is declared in pyproject.toml,
with the exact pin of requirements/; src/parley never imports parley_lab."""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "parley"
# An exact pin: name, optional [extras], ==version.
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_imports(source: str, filename: str = "<source>") -> set[str]:
    """Top-level names of every absolute import in ``source``, at any depth
    (function-level and TYPE_CHECKING imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party(names: set[str]) -> set[str]:
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("parley", "parley_lab")}


def package_imports() -> dict[str, set[str]]:
    """Import name -> the modules of src/parley that import it."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in top_level_imports(path.read_text(encoding="utf-8"), str(path)):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distributions_of(import_name: str) -> set[str]:
    """Distributions that provide ``import_name`` (the name itself when none
    installed does: the package may simply be absent here)."""
    return {normalise(d) for d in _installed().get(import_name, [])} or {normalise(import_name)}


def declared() -> dict[str, str]:
    """Normalised distribution name -> pinned version, core and every extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    pins: dict[str, str] = {}
    for requirement in requirements:
        m = PIN.match(requirement)
        assert m, f"pyproject.toml: {requirement!r} is not an exact pin (name==version)"
        pins[normalise(m[1])] = m[3]
    return pins


def locked() -> dict[str, set[str]]:
    """Normalised name -> the versions pinned for it across requirements/*.txt."""
    pins: dict[str, set[str]] = {}
    for path in sorted((ROOT / "requirements").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = PIN.match(line)
            if m:
                pins.setdefault(normalise(m[1]), set()).add(m[3])
    return pins


def test_the_import_scan_sees_lazy_and_nested_imports():
    source = ("import os, numpy.linalg\nfrom a.b import c\nfrom . import sibling\n"
              "def f():\n    import torch\n    if True:\n        from jinja2 import Template\n")
    assert third_party(top_level_imports(source)) == {"numpy", "a", "torch", "jinja2"}
    assert normalise("charset_normalizer") == normalise("Charset.Normalizer") == "charset-normalizer"


def test_every_third_party_import_of_src_parley_is_declared():
    pins = declared()
    missing = {
        name: sorted(modules) for name, modules in package_imports().items()
        if name in third_party({name}) and not distributions_of(name) & pins.keys()
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_src_parley_never_imports_parley_lab():
    offenders = sorted(package_imports().get("parley_lab", ()))
    assert not offenders, f"src/parley imports parley_lab in {offenders}"


@pytest.mark.parametrize("name, version", sorted(declared().items()))
def test_every_declared_pin_matches_the_requirements_files(name, version):
    pins = locked()
    assert name in pins, f"{name} is declared in pyproject.toml but pinned in no requirements/*.txt"
    assert version in pins[name], f"{name}=={version} in pyproject.toml, {sorted(pins[name])} in requirements/"
