"""What `lexrisk analyze` and `lexrisk compare` put in a lawyer's files and terminal: the same risks in every file
(no `possible` finding in the Word copy or the spreadsheets), one error form, an `--out` folder the OS refuses as one
line, every file written named, the table as wide as COLUMNS, the possible passages pointed at, and the plain-text
files the API reads read alike."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import docx
import pytest

from contracts.ingest import SUPPORTED_SUFFIXES
from contracts.settings import clear_settings
from lexrisk.cli import main
from tests.serving.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "examples" / "templates"
TEMPLATE = TEMPLATES / "master_services_agreement.txt"
DRAFT = TEMPLATES / "drafts" / "msa_counterparty_draft.txt"
PLAYBOOK = TEMPLATES / "playbook.yaml"
COMPARE = ["compare", str(DRAFT), "--template", str(TEMPLATE), "--playbook", str(PLAYBOOK)]


@pytest.fixture(autouse=True)
def fresh_settings():
    clear_settings()
    yield
    clear_settings()


def _draft_findings(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """Every finding of the draft, the possible ones too, as `analyze --format json` gives them (same playbook)."""
    assert main(["analyze", str(DRAFT), "--playbook", str(PLAYBOOK), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["findings"]


def test_the_word_copy_and_the_spreadsheets_hold_the_risks_the_table_lists(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The possible findings (HIGH · Exclusivity on a non-exclusive licence...) were comments and rows with
    nothing to mark them; the API's downloads already left them out."""
    findings = _draft_findings(capsys)
    risks = [f for f in findings if not f["possible"]]
    assert len(risks) < len(findings)  # the draft has possible findings, so leaving them out shows
    assert main([*COMPARE, "--format", "docx", "--out", str(tmp_path)]) == 0
    review = docx.Document(io.BytesIO((tmp_path / "msa_counterparty_draft.review.docx").read_bytes()))
    titles = [c.paragraphs[0].text for c in review.comments]
    # a deviation's title ends in "modified clause" ..., a proofing note's starts with PROOFING
    finding_titles = [t for t in titles if not t.endswith(" clause") and not t.startswith("PROOFING · ")]
    assert Counter(finding_titles) == Counter(f"{f['severity'].upper()} · {f['category']}" for f in risks)

    def key(row: dict) -> tuple:
        return row["category"], row["severity"], int(row["start"]), int(row["end"])

    assert main([*COMPARE, "--format", "csv", "--out", str(tmp_path)]) == 0
    with (tmp_path / "msa_counterparty_draft.findings.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(map(key, rows)) == sorted(map(key, risks))
    openpyxl = pytest.importorskip("openpyxl")
    assert main([*COMPARE, "--format", "xlsx", "--out", str(tmp_path)]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "msa_counterparty_draft.comparison.xlsx")["findings"]
    head, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sorted(key(dict(zip(head, r, strict=True))) for r in body) == sorted(map(key, risks))


def _refused_reason(folder: Path) -> str:
    """What the OS says when asked to make `folder` (asked here, so that the expected line is the OS's own)."""
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        return str(exc.strerror)
    raise AssertionError(f"{folder} was created; the test needs a folder the OS refuses")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
@pytest.mark.parametrize("argv", [["analyze", str(TEMPLATE)],
                                  [*COMPARE, "--analyzer", "none", "--format", "docx"]])
def test_an_out_folder_the_os_refuses_is_one_line_and_exit_2(argv: list[str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path("/proc/lexrisk-no-such-folder")
    reason = _refused_reason(folder)
    assert main([*argv, "--out", str(folder)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"lexrisk: error: cannot create the folder {folder}: {reason}\n"
    assert captured.out == ""


def test_a_report_the_os_will_not_write_is_one_line_and_exit_2(tmp_path: Path, monkeypatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A full disk (or a folder on a read-only mount): one line naming the file, not a crash of every file."""
    def full(self: Path, data: bytes) -> int:
        raise OSError(28, os.strerror(28), str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["analyze", str(TEMPLATE), "--format", "json", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"lexrisk: error: cannot write {tmp_path / TEMPLATE.name.replace('.txt', '.json')}: " \
                  f"{os.strerror(28)}\n"


def test_both_commands_word_a_refused_file_the_same_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`lexrisk: X` from analyze, `lexrisk: error: X` from compare, for the same empty file."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["analyze", str(empty)]) == 2
    from_analyze = capsys.readouterr().err
    assert main(["compare", str(empty), "--template", str(TEMPLATE), "--analyzer", "none"]) == 2
    from_compare = capsys.readouterr().err
    assert from_analyze == from_compare
    assert from_analyze.startswith("lexrisk: error: empty.txt: ") and from_analyze.count("\n") == 1


def _plain_text_suffixes() -> list[str]:
    return sorted(s for s, kind in SUPPORTED_SUFFIXES.items() if kind == "txt")


def test_the_plain_text_files_read_are_the_ones_the_docs_and_help_name(capsys: pytest.CaptureFixture[str]) -> None:
    """Markdown was read as text (ingestion reads .md and .text as .txt, for the API too) while the docs and
    --help said PDF, DOCX or TXT only."""
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    analyze_row = next(line for line in docs.splitlines() if line.startswith("| `lexrisk analyze` |"))
    for argv in (["analyze", "--help"], ["compare", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        shown = " ".join(capsys.readouterr().out.split())
        assert all(suffix in shown for suffix in _plain_text_suffixes()), shown
    assert all(f"`{suffix}`" in analyze_row for suffix in _plain_text_suffixes()), analyze_row


@pytest.mark.parametrize("suffix", [*_plain_text_suffixes(), ".rtf"])
def test_the_cli_and_the_api_take_or_refuse_a_text_file_alike(suffix: str, api: Api, tmp_path: Path, monkeypatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", "false")  # the reading is the question, not the worker
    clear_settings()
    path = tmp_path / f"notes{suffix}"
    path.write_bytes(TEMPLATE.read_bytes())
    upload = api.upload(path)
    taken = upload.status_code == 202
    assert upload.status_code in (202, 415)
    assert main(["analyze", str(path), "--format", "json"]) == (0 if taken else 2)
    captured = capsys.readouterr()
    if taken:
        assert json.loads(captured.out)["document"]["name"] == path.name
    else:
        assert upload.json()["error"]["code"] == "unsupported_type" and "unsupported file type" in captured.err
    assert taken == (suffix in SUPPORTED_SUFFIXES)


def _announced(err: str) -> list[Path]:
    return [Path(m) for m in re.findall(r"^wrote (.+)$", err, flags=re.MULTILINE)]


@pytest.mark.parametrize("argv", [
    ["analyze", str(TEMPLATE), "--format", "json"],
    ["analyze", str(TEMPLATE), "--format", "html"],
    ["analyze", str(TEMPLATE), "--format", "table"],
    [*COMPARE, "--analyzer", "none", "--format", "json"],
    [*COMPARE, "--analyzer", "none", "--format", "html"],
    [*COMPARE, "--analyzer", "none", "--format", "table"],
    [*COMPARE, "--analyzer", "none", "--format", "csv"],
    [*COMPARE, "--analyzer", "none", "--format", "docx"],
], ids=lambda argv: f"{argv[0]}-{argv[-1]}")
def test_every_file_written_is_named_on_stderr(argv: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`analyze --out` and `compare --format json|html --out` wrote in silence, docx/csv/xlsx printed "wrote"."""
    out = tmp_path / "reports"
    assert main([*argv, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    written = sorted(out.iterdir())
    assert written and sorted(_announced(captured.err)) == written
    assert "wrote" not in captured.out


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", [80, 200])
def test_the_compare_table_is_as_wide_as_columns_as_analyze_is(columns: int, monkeypatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Piped, compare printed 160 columns whatever COLUMNS said; analyze follows it."""
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main([*COMPARE, "--analyzer", "none"]) == 0
    compared = capsys.readouterr().out
    assert main(["analyze", str(DRAFT)]) == 0
    analysed = capsys.readouterr().out
    assert _widest(compared) <= columns and _widest(analysed) <= columns
    assert "Termination for Convenience" in compared and "1 missing, 1 extra" in compared
    if columns == 200:  # wide enough for the table, which fills the width as analyze's does
        assert _widest(compared) == _widest(analysed) == columns


def test_the_table_says_where_the_possible_passages_are(capsys: pytest.CaptureFixture[str]) -> None:
    """The table lists the risks; the possible findings, on some passages, are in the JSON, and the table now
    says so (the app counts them as passages: findings on the same words are one)."""
    findings = _draft_findings(capsys)
    passages = len({(f["start"], f["end"]) for f in findings if f["possible"]})
    assert passages > 1
    assert main(["analyze", str(DRAFT), "--playbook", str(PLAYBOOK)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"{passages} possible passages to check" in out and "are in --format json" in out
