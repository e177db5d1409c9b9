"""The isolated reader: the same documents and errors as in-process, and a budget that stops a parser
that runs too long or too big, while the caller carries on."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from contracts.errors import (
    ExtractionFailedError,
    ExtractionMemoryError,
    ExtractionTimeoutError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from contracts.ingest import load_bytes
from contracts.limits import MIB, IngestLimits
from serving import isolation
from serving.isolation import load_isolated, read_isolated
from tests.conftest import SAMPLE_DOCX, SAMPLE_PDF, SAMPLE_TXT

LIMITS = IngestLimits(memory_bytes=512 * MIB)


@pytest.fixture(autouse=True, scope="module")
def _stop_children():
    yield
    isolation.shutdown()


@pytest.mark.parametrize("path", [SAMPLE_PDF, SAMPLE_DOCX, SAMPLE_TXT])
def test_isolated_reading_gives_the_same_document(path):
    data = path.read_bytes()
    outcome = read_isolated(data, path.name, limits=LIMITS)
    assert outcome.ended == "ok" and outcome.document == load_bytes(data, path.name, limits=LIMITS)
    assert 0 < outcome.stats.peak_rss_bytes < 512 * MIB


def test_errors_cross_the_process_boundary_with_their_code():
    with pytest.raises(UnsupportedTypeError, match="unsupported file type") as info:
        load_isolated(b"MZ\x90\x00", "tool.exe", limits=LIMITS)
    assert info.value.code == "unsupported_type" and info.value.name == "tool.exe"


# 13 MB of text: decoding and normalising it takes a reader hundreds of milliseconds, far past the 10 ms budget
# below (a small sample file can be read within a millisecond by a warm child, so it cannot stand for "slow")
SLOW_TEXT = ("Clause text. " * 1_000_000).encode()


def test_a_reader_past_its_time_is_killed_and_the_next_file_is_read():
    with pytest.raises(ExtractionTimeoutError, match=r"longer than 0\.01 s") as info:
        load_isolated(SLOW_TEXT, "slow.txt", limits=IngestLimits(timeout_s=0.01, memory_bytes=512 * MIB))
    assert info.value.code == "extraction_timeout"
    assert load_isolated(SAMPLE_TXT.read_bytes(), SAMPLE_TXT.name, limits=LIMITS).text


def test_a_reader_past_its_memory_is_stopped_and_the_next_file_is_read():
    """20 MB of text with one astral character: Python holds it as 4 bytes a character, a few copies
    deep in normalisation (about 190 MiB resident), past a 160 MiB budget."""
    data = ("Clause text. " * 1_600_000 + "\U0001f600").encode()
    small = IngestLimits(memory_bytes=160 * MIB, max_text_chars=50_000_000)  # the backstop, not the text limit
    with pytest.raises(ExtractionMemoryError, match=r"more than 160\.0 MiB") as info:
        load_isolated(data, "huge.txt", limits=small)
    assert info.value.code == "extraction_out_of_memory"
    assert load_isolated(SAMPLE_TXT.read_bytes(), SAMPLE_TXT.name, limits=small).text


def test_an_unforeseen_exception_is_a_named_failure_not_a_traceback():
    outcome = read_isolated(SAMPLE_PDF.read_bytes(), "x.pdf", limits=LIMITS, pdf_extractor="no-such-extractor")
    assert outcome.ended == "crash" and isinstance(outcome.error, ExtractionFailedError)
    assert "KeyError" in (outcome.trace or "") and "\n" not in str(outcome.error)


def test_a_child_that_died_while_idle_is_replaced():
    load_isolated(SAMPLE_TXT.read_bytes(), SAMPLE_TXT.name, limits=LIMITS)
    for worker in isolation._idle[LIMITS.memory_bytes]:
        worker.process.kill()
        worker.process.join(5)
    assert load_isolated(SAMPLE_TXT.read_bytes(), SAMPLE_TXT.name, limits=LIMITS).text


def test_a_reader_that_exits_while_starting_is_a_named_failure(tmp_path: Path, monkeypatch) -> None:
    """A spawn child re-runs the parent's __main__ before its target; one that fails there (here it exits 3;
    after a Streamlit AppTest it was a NameError) never says it is ready. That is `extraction_failed` from a
    reader that could not start, not an EOFError the API would answer as a damaged file (`corrupt_file`)."""
    script = tmp_path / "main.py"
    script.write_text("raise SystemExit(3)\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    isolation.shutdown()  # no idle child to reuse: this read starts one
    outcome = read_isolated(SAMPLE_TXT.read_bytes(), SAMPLE_TXT.name, limits=LIMITS)
    assert outcome.ended == "died" and isinstance(outcome.error, ExtractionFailedError)
    assert "could not start" in str(outcome.error) and not isolation._idle[LIMITS.memory_bytes]


def test_load_follows_the_settings(monkeypatch):
    """`load` is the one call for the API and workers: isolated by default, in-process when
    LEXRISK_INGEST_ISOLATION is off, with the settings' limits either way."""
    from contracts.settings import clear_settings

    data = SAMPLE_PDF.read_bytes()
    for isolated in ("true", "false"):
        monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", isolated)
        monkeypatch.setenv("LEXRISK_MAX_PAGES", "1")
        clear_settings()
        try:
            with pytest.raises(TooManyPagesError):
                isolation.load(data, SAMPLE_PDF.name)
            assert isolation.load(data, SAMPLE_PDF.name, max_pages=5).text == load_bytes(data, SAMPLE_PDF.name,
                                                                                         max_pages=5).text
        finally:
            clear_settings()
