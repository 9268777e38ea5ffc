"""Shared fixtures: the ../shared research folder (when present), the model,
the store backends under test; ``needs`` for tests of optional extras."""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def in_ci() -> bool:
    """True when the CI runner set CI (to true, 1 or yes)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def needs(module: str, extra: str | None = None) -> ModuleType:
    """``module`` imported, for a test of an optional extra.

    Locally a missing module skips the test (or the whole test module when
    called at its top). In CI (``CI=true``) it fails instead, naming the
    module and the extra, so that a broken install cannot give a green run.
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        where = f"the '{extra}' extra (scripts/setup.sh {extra})" if extra else "a core dependency"
        message = f"{module} cannot be imported ({e}); it comes with {where}"
        if in_ci():
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message, allow_module_level=True)


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared beside the checkout; tests that need it skip without it."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def parser():
    """The spaCy parser, loaded once for the whole test session."""
    from parley.pipeline.parse import Parser

    return Parser.shared()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


# The store backends: SQLite always, PostgreSQL when PARLEY_TEST_PG names a
# server that may be wiped (scripts/ci-postgres.sh starts one).
PG_URL = os.environ.get("PARLEY_TEST_PG")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.skipif(not PG_URL, reason="PARLEY_TEST_PG unset (scripts/ci-postgres.sh starts a server)"),
    pytest.mark.slow])]


def reset_postgres(url: str) -> None:
    """Drop everything in the test server's public schema."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def store_url(backend: str, folder: Path, name: str = "store.db") -> str:
    """A database URL for an empty store: a new SQLite file in ``folder``, or
    the PostgreSQL test server, wiped."""
    if backend == "sqlite":
        return str(folder / name)
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    """An empty store's URL, once per backend."""
    return store_url(request.param, tmp_path)


@pytest.fixture(scope="session", autouse=True)
def encoder_cache(tmp_path_factory):
    """ONNX graphs the tests export (parley.models.runtime) go to a folder of
    this run, not the user's cache; corpus vectors are off by default."""
    import os

    if "PARLEY_CACHE_DIR" not in os.environ:
        os.environ["PARLEY_CACHE_DIR"] = str(tmp_path_factory.mktemp("parley-cache"))
    # Talking points on stem similarity unless a test asks for MiniLM (the same result on every
    # machine, and no sentence embedding in every test that stores a document).
    os.environ.setdefault("PARLEY_CORPUS_VECTORS", "0")
    yield
