"""The Proofing tab of Review, driven by AppTest against a real API process: the API's items listed and
each highlighted in the text; selecting one outlines it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from contracts.settings import clear_settings
from tests.ui.conftest import LiveApi
from tests.ui.test_app import signed_in, texts

TEXT = ('SUPPLY AGREEMENT\n\n1. Supply.\nThe supplier sells the goods at the agreed price. [***]\n'
        '"Launch Date" means the first day of sales.\n"Minimum Order" means ten units.\n\n'
        '2. Orders.\nEach order is for at least the Minimum Order.\n')


@pytest.fixture
def app_env(live_api: LiveApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    monkeypatch.setenv("LEXRISK_API_URL", live_api.url)
    clear_settings()
    yield live_api
    clear_settings()


def _reviewed(at: AppTest) -> AppTest:
    at.file_uploader[0].set_value(("supply.txt", TEXT.encode(), "text/plain"))
    at.button[0].click().run()
    deadline = time.monotonic() + 60
    while "proofing_cache" not in at.session_state and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
    assert not at.exception, at.exception
    return at


def test_proofing_tab_lists_and_highlights_the_items(app_env: LiveApi) -> None:
    at = _reviewed(signed_in(app_env.keys["acme"]))
    assert [t.label for t in at.tabs] == ["Risks", "Proofing"]
    _, proofing = at.session_state["proofing_cache"]
    assert [(i.kind, i.quote) for i in proofing.data] == [("redaction", "[***]"), ("unused_definition", "Launch Date")]
    assert "1 redaction marks of the filing (not listed)" in texts(at)
    table = next(d.value for d in at.dataframe if "Check" in d.value.columns)
    assert list(table["Check"]) == ["Unused definition"] and list(table["Text"]) == ["Launch Date"]
    pane = next(h.proto.body for h in at.get("html") if 'id="lx-p0"' in h.proto.body)
    assert "Launch Date" in pane
    key = next(d.key for d in at.dataframe if "Check" in d.value.columns)
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert '"Launch Date" is defined but never used' in texts(at)
