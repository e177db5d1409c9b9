"""The Proofing tab of Review, driven by AppTest against a real API process: the API's items listed and
each highlighted in the text; selecting one outlines it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from contracts.settings import clear_settings
from contracts.wire import PROOFING_KINDS, ContractProofing
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


def _tab(kinds: list[str], not_run: list[str] | None = None, reason: str | None = None) -> AppTest:
    """The tab alone for a contract the API found nothing in, its answer (`kinds` ran) already cached."""

    def app(body):
        import streamlit as st

        from contracts.wire import ContractText
        from ui.proofing_tab import CACHE, show

        st.session_state[CACHE] = ("c1", body)
        show("c1", ContractText(contract_id="c1", text="1. Supply. The goods.", pages=[]))

    answer = ContractProofing(contract_id="c1", data=[], count=0, kinds=kinds, not_run=not_run or [],
                              not_run_reason=reason)
    at = AppTest.from_function(app, args=(answer,)).run()
    assert not at.exception, at.exception
    return at


def test_an_empty_answer_claims_only_the_checks_that_ran() -> None:
    """The server's default runs redaction alone: nothing found is no pass of the terms, references, numbers
    and blanks it never checked (a 112k-character CUAD contract was told every one 'checks out')."""
    off = [k for k in PROOFING_KINDS if k != "redaction"]
    at = _tab(["redaction"], off, "off by default: too many false alarms")
    said = texts(at)
    assert "checks out" not in said and not at.success
    assert [i.value for i in at.info] == ["No proofing item from the checks that ran: Redaction."]
    assert "Undefined term, Unused definition, Defined twice, Missing reference, Blank to fill in, Numbering, " \
           "Party name — these drafting checks are off by default" in said
    # the lawyer is told who can turn them on, not the server's setting the API's reason names for its operator
    assert "your firm's administrator can turn them on." in said and "too many false alarms." not in said
    assert "LEXRISK_PROOFING_KINDS" not in said
    # an API that names no skipped checks: the tab still names every known one missing from `kinds`
    assert "Not run, so not checked: Undefined term" in texts(_tab(["redaction"]))


def test_an_empty_answer_of_every_check_is_a_pass() -> None:
    at = _tab(list(PROOFING_KINDS))
    assert [s.value for s in at.success] == ["No proofing item: every defined term, reference, number and blank "
                                             "checks out."]
    assert not at.warning and not at.info
