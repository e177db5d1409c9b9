"""`lexrisk analyze` end to end, on the shipped baseline analyzer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from contracts.ingest import load_document
from contracts.settings import clear_settings
from lexrisk.cli import main
from tests.conftest import SAMPLE_DOCX, SAMPLE_PDF, SAMPLE_TXT
from tests.serving.fakes import CrashOn


@pytest.fixture(autouse=True)
def fresh_settings():
    clear_settings()
    yield
    clear_settings()


def test_table_for_the_sample_pdf(capsys):
    assert main(["analyze", str(SAMPLE_PDF)]) == 0
    out = capsys.readouterr().out
    assert "master_services_agreement.pdf" in out
    assert "findings:" in out and "high" in out


def test_json_findings_are_grounded_in_the_document(capsys):
    assert main(["analyze", str(SAMPLE_PDF), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"document", "analyzer", "findings"}
    assert set(payload["document"]) == {"name", "sha256", "pages", "chars"}
    assert payload["analyzer"]["name"] == "baseline"
    text = load_document(SAMPLE_PDF).text
    assert payload["document"]["chars"] == len(text)
    assert payload["findings"], "the sample contract is full of risks"
    for finding in payload["findings"]:
        assert set(finding) == {"category", "severity", "quote", "start", "end", "page", "score", "explanation",
                                "model", "possible"}
        assert finding["model"] == payload["analyzer"]["model"] == f"baseline@{payload['analyzer']['version']}"
        assert text[finding["start"]:finding["end"]] == finding["quote"]
        assert finding["severity"] in {"high", "medium", "low", "info"}


def test_json_out_dir_writes_one_file_per_input(tmp_path: Path, capsys):
    out = tmp_path / "reports"
    assert main(["analyze", str(SAMPLE_PDF), str(SAMPLE_DOCX), str(SAMPLE_TXT), "--format", "json",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    written = sorted(p.name for p in out.iterdir())
    # the three inputs share a stem, so each report keeps its input's whole name
    assert written == ["master_services_agreement.docx.json", "master_services_agreement.pdf.json",
                       "master_services_agreement.txt.json"]
    assert main(["analyze", str(SAMPLE_PDF), "--format", "json", "--out", str(out)]) == 0
    assert (out / "master_services_agreement.json").is_file()


def test_inputs_of_one_name_in_different_folders_each_get_a_report(tmp_path: Path, capsys):
    """a/contract.txt and b/contract.txt had one report between them: the second overwrote the first."""
    inputs = []
    for folder, law in (("a", "Delaware"), ("b", "New York"), ("c/a", "Texas")):
        (tmp_path / folder).mkdir(parents=True)
        inputs.append(tmp_path / folder / "contract.txt")
        inputs[-1].write_text(SAMPLE_TXT.read_text(encoding="utf-8") + f"\nThis Agreement is governed by the laws of {law}.")
    out = tmp_path / "reports"
    assert main(["analyze", *map(str, inputs), "--format", "json", "--out", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["b-contract.txt.json", "contract.txt-1.json", "contract.txt-3.json"]
    assert len({json.loads((out / name).read_text())["document"]["sha256"] for name in written}) == 3


def test_several_html_pages_need_a_folder(capsys):
    """Two pages written one after the other to the terminal made one malformed HTML file."""
    assert main(["analyze", str(SAMPLE_PDF), str(SAMPLE_TXT), "--format", "html"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--out FOLDER" in captured.err


def test_json_list_for_several_inputs(capsys):
    assert main(["analyze", str(SAMPLE_PDF), str(SAMPLE_TXT), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert isinstance(payload, list) and [p["document"]["name"] for p in payload] == [SAMPLE_PDF.name, SAMPLE_TXT.name]


def test_html_report_highlights_findings(tmp_path: Path):
    assert main(["analyze", str(SAMPLE_PDF), "--format", "html", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "master_services_agreement.html").read_text("utf-8")
    assert page.startswith("<!doctype html>") and "<mark" in page and "MASTER SERVICES AGREEMENT" in page


def _write_bad_inputs(folder: Path) -> dict[str, str]:
    """name -> the words its one-line error must contain"""
    locked = PdfWriter(clone_from=PdfReader(SAMPLE_PDF))
    locked.encrypt(user_password="secret")
    buffer = io.BytesIO()
    locked.write(buffer)
    (folder / "locked.pdf").write_bytes(buffer.getvalue())
    scan = PdfWriter()
    scan.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    scan.write(buffer)
    (folder / "scan.pdf").write_bytes(buffer.getvalue())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\ngarbage without objects")
    (folder / "sheet.xlsx").write_bytes(b"not a contract")
    return {"locked.pdf": "password", "scan.pdf": "OCR", "empty.txt": "empty", "broken.pdf": "damaged",
            "sheet.xlsx": "unsupported file type", "missing.pdf": "no such file"}


def test_bad_inputs_get_one_line_each_and_good_ones_are_still_analyzed(tmp_path: Path, capsys):
    expected = _write_bad_inputs(tmp_path)
    files = [str(tmp_path / name) for name in expected] + [str(SAMPLE_TXT)]
    assert main(["analyze", *files, "--format", "json"]) == 2  # refused files, no crash
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert [p["document"]["name"] for p in payload] == [SAMPLE_TXT.name]
    errors = [line for line in captured.err.splitlines() if line.startswith("lexrisk: ")]
    assert len(errors) == len(expected)
    for name, words in expected.items():
        line = next(e for e in errors if name in e)
        assert words in line, line
    assert "Traceback" not in captured.err


def test_file_over_the_size_limit(monkeypatch, capsys):
    monkeypatch.setenv("LEXRISK_MAX_UPLOAD_MB", "0.001")
    assert main(["analyze", str(SAMPLE_PDF)]) == 2
    assert "the limit is" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--analyzer", "nonsense"], "unknown analyzer 'nonsense'"),
        (["--playbook", "/nonexistent/playbook.yaml"], "cannot read playbook"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(["analyze", str(SAMPLE_TXT), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lexrisk: error: ") and message in err and err.count("\n") == 1


def _crash_on(monkeypatch, name: str) -> None:
    import analyzers as analyzers

    real = analyzers.get_analyzer
    monkeypatch.setattr(analyzers, "get_analyzer", lambda *a, **k: CrashOn(real(*a, **k), name))


def test_a_crash_exits_1_with_one_line_and_the_other_files_are_still_written(tmp_path: Path, monkeypatch, capsys):
    """A traceback exited 1 like a refused file, and aborted the batch with nothing written."""
    _crash_on(monkeypatch, SAMPLE_PDF.name)
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "reports"
    files = [str(SAMPLE_PDF), str(tmp_path / "empty.txt"), str(SAMPLE_DOCX), str(SAMPLE_TXT)]
    assert main(["analyze", *files, "--format", "json", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["master_services_agreement.docx.json",
                                                     "master_services_agreement.txt.json"]
    assert "Traceback" not in err and "crash: " in err and "ZeroDivisionError: division by zero" in err
    assert "empty.txt: the file is empty" in err and "--debug" in err


def test_debug_prints_the_traceback(monkeypatch, capsys):
    _crash_on(monkeypatch, SAMPLE_TXT.name)
    assert main(["analyze", str(SAMPLE_TXT), "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_hostile_files_are_refused_with_status_2_in_process_too(tmp_path: Path, monkeypatch, capsys):
    """The guards do not depend on the isolated reader: with it off, a 10,000-page PDF is still refused."""
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", "false")
    writer = PdfWriter()
    for _ in range(10_000):
        writer.add_blank_page(width=612, height=792)
    writer.write(tmp_path / "long.pdf")
    assert main(["analyze", str(tmp_path / "long.pdf"), str(SAMPLE_TXT), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "more than 500 pages, the limit" in captured.err
    assert json.loads(captured.out)[0]["document"]["name"] == SAMPLE_TXT.name


def test_what_the_command_loaded_is_out_of_the_collectors_reach(capsys):
    import gc

    gc.unfreeze()
    try:
        assert main(["analyze", str(SAMPLE_TXT), "--format", "json"]) == 0
        assert gc.get_freeze_count() > 10_000  # the analyzer and the modules it imported
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("isolation", ["true", "false"])
def test_a_model_server_that_does_not_answer_is_one_line_not_a_crash(monkeypatch, capsys, isolation: str):
    """It was "crash: ... BackendError ... run with --debug for the traceback", exit 1: the setting or the server
    is at fault, not lexrisk, and every other file would fail alike."""
    monkeypatch.setenv("LEXRISK_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # the discard port: refused
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", isolation)
    assert main(["analyze", str(SAMPLE_TXT), str(SAMPLE_PDF), "--analyzer", "openai"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the openai analyzer cannot run: model server at http://127.0.0.1:9/v1" in err[0]
    assert "crash" not in err[0]
