"""Shared fixtures: the ../shared research folder (when present) and the model."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


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
