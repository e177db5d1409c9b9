"""`lexrisk analyze` and proofing: the JSON's "proofing" list, the table's and the HTML's Proofing
section; the findings (and so the CUAD scores) are the same with and without it."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from contracts.proofing import PROOFING_KINDS
from contracts.settings import clear_settings
from lexrisk.cli import main

DEFECTS = ('SERVICES AGREEMENT\n\nThis Agreement is made by Acme Widgets, Inc. ("Provider") and Beta LLC ("Client").\n\n'
           '1. Services.\nProvider shall perform the services described in Exhibit C for a fee of $[____]. Client may '
           'terminate this Agreement under Section 4 and shall indemnify Provider for any loss.\n\n'
           '2. Liability.\nProvider\'s liability is unlimited. [***]\n')


@pytest.fixture(autouse=True)
def every_kind(monkeypatch):
    monkeypatch.setenv("LEXRISK_PROOFING_KINDS", '["placeholder", "missing_reference", "redaction"]')
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", "false")
    clear_settings()
    yield
    clear_settings()


@pytest.fixture
def contract(tmp_path: Path) -> Path:
    path = tmp_path / "services.txt"
    path.write_text(DEFECTS, encoding="utf-8")
    return path


def test_json_has_the_proofing_items_beside_unchanged_findings(contract: Path, capsys, monkeypatch) -> None:
    assert main(["analyze", str(contract), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    kinds = sorted(i["kind"] for i in payload["proofing"])
    assert kinds == ["missing_reference", "missing_reference", "placeholder", "redaction"]
    for item in payload["proofing"]:
        assert DEFECTS[item["start"]:item["end"]] == item["quote"]
    monkeypatch.setenv("LEXRISK_PROOFING_KINDS", "[]")
    clear_settings()
    assert main(["analyze", str(contract), "--format", "json"]) == 0
    without = json.loads(capsys.readouterr().out)
    assert without["proofing"] == [] and without["findings"] == payload["findings"]


def test_table_and_html_have_a_proofing_section(contract: Path, capsys, tmp_path: Path) -> None:
    assert main(["analyze", str(contract)]) == 0
    out = capsys.readouterr().out
    assert "Proofing" in out and "Exhibit C is referred to" in out and "1 redaction marks" in out
    assert main(["analyze", str(contract), "--format", "html", "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "services.html").read_text("utf-8")
    assert '<h2 id="proofing">Proofing</h2>' in page and "Section 4 is referred to" in page
    assert page.count('<span class="proofing">') >= 3 and '<a id="p0"></a>' in page
    # the checks this installation turned off, said as a lawyer reads it (the setting's name is the API's)
    assert "your firm's administrator has turned these drafting checks off" in html.unescape(page)
    assert "LEXRISK_PROOFING_KINDS" not in page


def test_the_proofing_line_names_the_checks_that_did_not_run(contract: Path, capsys, monkeypatch) -> None:
    """By default redaction alone runs: "0 items" must not read as a pass of the blanks and references
    it never checked (DEFECTS has both)."""
    monkeypatch.delenv("LEXRISK_PROOFING_KINDS")
    clear_settings()
    assert main(["analyze", str(contract)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Proofing: 0 items; 1 redaction marks; not run: undefined term, unused definition, duplicate " \
           "definition, missing reference, placeholder, numbering, party name — these drafting checks are off by " \
           "default" in out
    # said to a lawyer: who can turn them on, not the server's setting and a developer's page
    assert "your firm's administrator can turn them on" in out
    assert "LEXRISK_PROOFING_KINDS" not in out and "docs/proofing.md" not in out
    monkeypatch.setenv("LEXRISK_PROOFING_KINDS", json.dumps(list(PROOFING_KINDS)))
    clear_settings()
    assert main(["analyze", str(contract)]) == 0
    assert "not run" not in capsys.readouterr().out
