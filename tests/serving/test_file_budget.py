"""`lexrisk analyze`'s budget per file (issue 29): reading, segmenting and analysing together within
LEXRISK_FILE_BUDGET_S and LEXRISK_FILE_MEMORY_MB; a file stopped at its budget costs the batch that budget
and one line, and the next file is still analysed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from contracts.settings import clear_settings
from lexrisk.cli import main
from tests.conftest import SAMPLE_PDF, SAMPLE_TXT


@pytest.fixture(autouse=True)
def fresh_settings():
    clear_settings()
    yield
    clear_settings()


class _Stuck:
    """The real baseline, except on one document: there it runs (CPU) or holds memory until stopped."""

    def __init__(self, inner, name: str, how: str) -> None:
        self.inner, self.name, self.how = inner, name, how

    def analyze(self, document):
        if document.name == self.name:
            if self.how == "time":
                while True:
                    pass
            held = bytearray(900 * 2**20)  # touched: resident, not just mapped
            for i in range(0, len(held), 4096):
                held[i] = 1
            time.sleep(60)
        return self.inner.analyze(document)


def _stuck_on(monkeypatch, name: str, how: str) -> None:
    import analyzers as analyzers

    real = analyzers.get_analyzer
    monkeypatch.setattr(analyzers, "get_analyzer", lambda *a, **k: _Stuck(real(*a, **k), name, how))


def test_a_file_past_its_time_is_stopped_and_the_next_file_is_analysed(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("LEXRISK_FILE_BUDGET_S", "3")
    _stuck_on(monkeypatch, "stuck.txt", "time")
    stuck = tmp_path / "stuck.txt"
    stuck.write_bytes(SAMPLE_TXT.read_bytes())
    started = time.monotonic()
    assert main(["analyze", str(stuck), str(SAMPLE_TXT), "--format", "json"]) == 2
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert "stuck.txt: analysing the file took longer than 3 s, the budget of one file; it was stopped" in captured.err
    assert [r["document"]["name"] for r in json.loads(captured.out)] == [SAMPLE_TXT.name]
    assert "Traceback" not in captured.err and elapsed < 90  # the stuck file cost its 3 s, not forever


def test_a_file_past_the_group_memory_is_stopped(tmp_path: Path, monkeypatch, capsys):
    """900 MiB held by the analysis: past a 768 MiB budget for the group (what the command and its worker
    took, however much the calling process held before: here, the whole test session)."""
    monkeypatch.setenv("LEXRISK_FILE_MEMORY_MB", "768")
    _stuck_on(monkeypatch, "big.txt", "memory")
    big = tmp_path / "big.txt"
    big.write_bytes(SAMPLE_TXT.read_bytes())
    assert main(["analyze", str(big), str(SAMPLE_TXT), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "big.txt: analysing the file needed more than 768.0 MiB of memory (the whole process group)" in captured.err
    assert [r["document"]["name"] for r in json.loads(captured.out)] == [SAMPLE_TXT.name]


def test_text_far_beyond_a_contract_is_refused_at_once(tmp_path: Path, capsys):
    huge = tmp_path / "items.txt"
    huge.write_bytes(b"(a) x\n" * 1_700_000)
    started = time.monotonic()
    assert main(["analyze", str(huge), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "items.txt: the text has at least 2,550,000 characters; the limit is 2,000,000" in err
    assert time.monotonic() - started < 60  # the command's start included; the read is a fraction of a second


def test_refusals_print_the_file_name_not_its_path(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("LEXRISK_MAX_UPLOAD_MB", "0.001")
    assert main(["analyze", str(SAMPLE_PDF)]) == 2
    err = capsys.readouterr().err
    assert f"lexrisk: error: {SAMPLE_PDF.name}: the file is" in err and str(SAMPLE_PDF.parent) not in err


def test_a_name_with_markup_and_slashes_is_printed_as_it_is(tmp_path: Path, capsys):
    odd = tmp_path / "[bold]x[_bold].txt"
    odd.write_bytes(b"")
    assert main(["analyze", str(odd)]) == 2
    assert "lexrisk: error: [bold]x[_bold].txt: the file is empty" in capsys.readouterr().err


def test_an_uploaded_name_with_a_slash_is_kept_whole(tmp_path: Path) -> None:
    from tests.serving.conftest import make_settings, open_api

    for api in open_api(make_settings(tmp_path)):
        accepted = api.upload(name="…A0<b>x</b>.txt")
        assert accepted.status_code == 202, accepted.text
        contract = api.client.get(f"/v1/contracts/{accepted.json()['contract_id']}", headers=api.h()).json()
        assert contract["name"] == "…A0<b>x<_b>.txt"
