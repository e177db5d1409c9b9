"""`lexrisk compare`: every format, and one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from lexrisk.cli import main

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
TEMPLATE = TEMPLATES / "master_services_agreement.txt"
DRAFT = TEMPLATES / "drafts" / "msa_counterparty_draft.txt"


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
