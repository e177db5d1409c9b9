"""`lexrisk compare`: every format, one-line errors, and the file budget over each step."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import docx
import pytest

from contracts.settings import clear_settings
from lexrisk.cli import main
from tests.serving.fakes import CrashOn

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
TEMPLATE = TEMPLATES / "master_services_agreement.txt"
DRAFT = TEMPLATES / "drafts" / "msa_counterparty_draft.txt"


@pytest.fixture(autouse=True)
def fresh_settings():
    clear_settings()
    yield
    clear_settings()


def test_json_is_the_comparison_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--analyzer", "none",
                 "--playbook", str(TEMPLATES / "playbook.yaml"), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["aligned"] is True and body["contract"]["name"] == DRAFT.name
    assert body["summary"]["missing"] == 1 and body["summary"]["extra"] == 1 and body["summary"]["modified"] == 3
    law = next(p for p in body["pairs"] if p["contract_clause"] and "Delaware" in p["contract_clause"]["text"])
    assert law["status"] == "modified" and "New York to Delaware" in law["explanation"]


def test_table_docx_csv_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--analyzer", "none"]) == 0
    out = capsys.readouterr().out
    assert "missing" in out and "1 missing, 1 extra" in out
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--analyzer", "none", "--format", "docx",
                 "--out", str(tmp_path)]) == 0
    redline = docx.Document(io.BytesIO((tmp_path / "msa_counterparty_draft.redline.docx").read_bytes()))
    assert redline.element.body.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ins")
    review = docx.Document(io.BytesIO((tmp_path / "msa_counterparty_draft.review.docx").read_bytes()))
    deviations = [c for c in review.comments if not c.text.startswith("PROOFING · ")]  # proofing: its own tests
    assert len(deviations) == 5  # 3 modified + 1 missing + 1 extra, no findings without an analyzer
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--analyzer", "none", "--format", "csv",
                 "--out", str(tmp_path)]) == 0
    assert (tmp_path / "msa_counterparty_draft.comparison.csv").read_text().startswith("status,category")
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--analyzer", "none", "--format", "html",
                 "--out", str(tmp_path)]) == 0
    page = (tmp_path / "msa_counterparty_draft.compare.html").read_text()
    assert "<del>twelve (12)</del>" in page or "<del>twelve</del>" in page


def test_table_with_out_writes_the_json_as_analyze_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--format table --out DIR` wrote nothing in DIR; `analyze` then prints the table on stderr and writes the
    JSON report into the folder, and so does compare now."""
    argv = ["compare", str(DRAFT), "--template", str(TEMPLATE), "--analyzer", "none"]
    assert main([*argv, "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main([*argv, "--format", "table", "--out", str(tmp_path / "reports")]) == 0
    printed = capsys.readouterr()
    assert printed.out == "" and "1 missing, 1 extra" in printed.err
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["msa_counterparty_draft.compare.json"]
    assert json.loads((tmp_path / "reports" / "msa_counterparty_draft.compare.json").read_text()) == expected


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(DRAFT), "--template", str(tmp_path / "nope.txt"), "--analyzer", "none"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.txt" in err
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--format", "docx"]) == 2
    assert "--out" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories:\n  Cap on Liability:\n    severity: high\n    reason: x\n    fallbacks:\n      - note: y\n")
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--playbook", str(bad)]) == 2
    assert "needs `text`, `pattern` or both" in capsys.readouterr().err


def test_clause_text_that_looks_like_rich_markup_is_printed_as_written(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # "[/i]" in a clause made rich raise MarkupError: the comparison was lost as a crash
    template, draft = tmp_path / "ours.txt", tmp_path / "draft.txt"
    template.write_text("1. Liability. Liability is capped at the fees paid.\n")
    draft.write_text("1. Liability. Liability is capped at [/i] twice the fees paid.\n")
    assert main(["compare", str(draft), "--template", str(template), "--analyzer", "none"]) == 0
    assert "[/i]" in capsys.readouterr().out


def _hostile_pair(folder: Path, clauses: int) -> tuple[Path, Path]:
    """A template and a draft of one paragraph each, every seventh clause of the draft reworded: aligning and
    redlining them grows faster than their length (5,000 clauses, 290k characters: comparing takes some 4 s, the
    Word redline 20 s; 8,000 clauses, 470k characters: 8 s and a minute)."""
    template, draft = folder / "ours.txt", folder / "draft.txt"
    template.write_text(" ".join(f"Clause {i}: the Supplier shall deliver goods number {i}." for i in range(clauses)))
    draft.write_text(" ".join(f"Clause {i}: the {'Buyer shall pay for' if i % 7 == 0 else 'Supplier shall deliver'} "
                              f"goods number {i}." for i in range(clauses)))
    return draft, template


def test_a_comparison_past_the_file_budget_is_one_line_not_a_hang(tmp_path: Path, monkeypatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The comparison ran in the command with no bound (this pair: some 8 s, a longer one minutes); it runs in
    the file worker under LEXRISK_FILE_BUDGET_S, as each file's reading does. Without an analyzer, so that the
    comparison is the only step that can reach the budget."""
    monkeypatch.setenv("LEXRISK_FILE_BUDGET_S", "3")
    draft, template = _hostile_pair(tmp_path, 8000)
    started = time.monotonic()
    assert main(["compare", str(draft), "--template", str(template), "--analyzer", "none"]) == 2
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert captured.err == ("lexrisk: error: draft.txt: comparing the template with the file took longer than 3 s, "
                            "the budget of one file; it was stopped\n")
    assert captured.out == "" and elapsed < 60  # reading each file and comparing: 3 s each at most


def test_a_word_redline_past_the_file_budget_is_one_line_and_no_file(tmp_path: Path, monkeypatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The Word redline is built in the worker under the budget, and past it no file is written. A redline that
    never ends stands in for a slow one (the paired paragraphs diffed word by word: 5,000 clauses take some
    20 s), so that the comparison before it, a small pair's, is far inside the budget on a busy machine too
    (with that pair's 4 s comparison against an 8 s budget, a loaded CI stopped the comparison instead)."""
    import word.files

    def endless(*_args: object, **_kwargs: object) -> bytes:
        while True:
            pass

    monkeypatch.setattr(word.files, "redline_docx", endless)  # the forked worker inherits it
    monkeypatch.setenv("LEXRISK_FILE_BUDGET_S", "4")
    draft, template = _hostile_pair(tmp_path, 50)
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["compare", str(draft), "--template", str(template), "--analyzer", "none", "--format", "docx",
                 "--out", str(out)]) == 2
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert captured.err == ("lexrisk: error: draft.txt: building the redline of the file took longer than 4 s, "
                            "the budget of one file; it was stopped\n")
    assert captured.out == "" and not any(out.iterdir()) and elapsed < 60


def test_an_unreadable_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "ours.pdf"
    fake.write_bytes(b"this is no PDF, only text named like one\n" * 10)
    assert main(["compare", str(DRAFT), "--template", str(fake)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lexrisk: error: ours.pdf: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("isolation", ["true", "false"])
def test_a_crash_is_one_line_and_exit_1(isolation: str, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A bug in lexrisk's own code, in the worker or (isolation off) in the command: one line, status 1, the
    traceback with --debug."""
    import analyzers

    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", isolation)
    real = analyzers.get_analyzer
    monkeypatch.setattr(analyzers, "get_analyzer", lambda *a, **k: CrashOn(real(*a, **k), TEMPLATE.name))
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lexrisk: crash: ") and err.count("\n") == 1 and "Traceback" not in err
    assert f"{TEMPLATE.name}: ZeroDivisionError: division by zero; run with --debug for the traceback" in err
    assert main(["compare", str(DRAFT), "--template", str(TEMPLATE), "--debug"]) == 1
    err = capsys.readouterr().err
    assert f"{TEMPLATE.name}: ZeroDivisionError" in err.splitlines()[0] and "Traceback" in err


def test_the_same_reports_with_isolation_off(tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The worker changes where the work runs, not what it gives: the JSON is the same in the command itself."""
    argv = ["compare", str(DRAFT), "--template", str(TEMPLATE), "--format", "json"]
    assert main(argv) == 0
    isolated = capsys.readouterr().out
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", "false")
    clear_settings()
    assert main(argv) == 0
    assert capsys.readouterr().out == isolated


@pytest.mark.parametrize("isolation", ["true", "false"])
def test_a_dropped_governing_law_clause_is_named_in_the_html(isolation: str, tmp_path: Path, monkeypatch) -> None:
    """The analyzer's findings give no Governing Law (a key term, not a clause category): the missing clause had an
    empty Category cell and a generic verdict; the analysis's key terms name it, and the playbook requires it."""
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", isolation)
    law = "7.3 Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    draft = tmp_path / "draft.txt"
    draft.write_text(TEMPLATE.read_text().replace(law, ""))
    assert main(["compare", str(draft), "--template", str(TEMPLATE), "--format", "html", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "draft.compare.html").read_text()
    assert "<td>missing</td><td>not acceptable</td><td>Governing Law</td>" in page
    assert "The contract has no Governing Law clause, which the playbook requires." in page
