"""A test that needs the CUAD data, PostgreSQL or Redis fails when it is missing, so CI cannot go green
without running it; only a developer outside CI may turn that into a skip."""

from __future__ import annotations

import pytest

from tests.conftest import SKIP_MISSING_ENV, unavailable


def test_missing_resource_fails_by_default(monkeypatch):
    monkeypatch.delenv(SKIP_MISSING_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.fail.Exception, match=f"no server .*{SKIP_MISSING_ENV}=1"):
        unavailable("no server")


def test_developer_opt_out_skips(monkeypatch):
    monkeypatch.setenv(SKIP_MISSING_ENV, "1")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no server"):
        unavailable("no server")


def test_ci_ignores_the_opt_out(monkeypatch):
    monkeypatch.setenv(SKIP_MISSING_ENV, "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        unavailable("no server")
