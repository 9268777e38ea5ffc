"""``needs``: a missing optional extra skips locally and fails in CI."""
from __future__ import annotations

import pytest

from tests.conftest import in_ci, needs

ABSENT = "parley_no_such_extra_module"


def test_a_present_module_is_returned(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert needs("json").dumps([1]) == "[1]"


def test_a_missing_module_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=f"{ABSENT}.*'models' extra"):
        needs(ABSENT, extra="models")


def test_a_missing_module_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=f"CI: {ABSENT}.*scripts/setup.sh models"):
        needs(ABSENT, extra="models")


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("TRUE", True), ("false", False),
                                             ("", False), ("0", False)])
def test_what_counts_as_ci(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected
