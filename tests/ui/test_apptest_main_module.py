"""An AppTest leaves the process's __main__ as it found it (tests/ui/conftest.py's `_keep_main_module`), so the
tests after it can start the isolated reader: a spawn child, which re-runs the parent's __main__ first. The two
tests run in this order (pytest keeps a module's order): the second is an upload's read right after an AppTest,
which failed (every API upload a `corrupt_file`) when an AppTest ran before tests/serving in one process."""

from __future__ import annotations

import sys

from streamlit.testing.v1 import AppTest

from serving import isolation
from tests.conftest import SAMPLE_TXT


def _script() -> None:
    import streamlit as st

    st.write("hello")


def test_an_apptest_installs_its_script_as_main() -> None:
    """Streamlit's behaviour, the reason for the fixture: its script runner puts the script in
    sys.modules["__main__"] and does not put the old one back."""
    before = sys.modules["__main__"]
    at = AppTest.from_function(_script).run()
    assert not at.exception and at.markdown[0].value == "hello"
    assert sys.modules["__main__"] is not before


def test_the_isolated_reader_starts_after_an_apptest() -> None:
    isolation.shutdown()  # no idle child to reuse: this read starts one, under whatever __main__ is now
    try:
        outcome = isolation.read_isolated(SAMPLE_TXT.read_bytes(), SAMPLE_TXT.name)
    finally:
        isolation.shutdown()
    assert outcome.ended == "ok", outcome.error
