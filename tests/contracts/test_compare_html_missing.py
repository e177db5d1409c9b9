"""The comparison's HTML report shows a clause the contract lacks once in its row of deviations, whole, and
once in the redline, struck out; a playbook's own standard wording is still offered as the suggested text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from contracts.compare import compare_documents, document_redline
from contracts.documents import Document
from contracts.ingest import load_document
from contracts.playbook import load_playbook
from serving.compare_render import render_html

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"


@pytest.fixture(scope="module")
def msa() -> Document:
    return load_document(TEMPLATES / "master_services_agreement.txt")


def _panes(page: str) -> tuple[str, str]:
    """(the deviations pane, the redline pane) of the page."""
    side = re.search(r'<div id="pairs" class="side">(.*?)</div>\n<div id="text">', page, re.S)
    text = re.search(r'<div id="text">(.*?)</div>\n</body>', page, re.S)
    assert side and text
    return side.group(1), text.group(1)


def test_a_missing_clause_is_shown_once_in_the_deviations_and_once_in_the_redline(msa: Document) -> None:
    clause = re.search(r"7\.4 Notices\..*", msa.text).group(0)  # type: ignore[union-attr]
    draft = Document.from_text("draft.txt", msa.text.replace(clause + "\n", ""))
    comparison = compare_documents(draft, msa)
    missing = [p for p in comparison.pairs if p.status == "missing"]
    assert len(missing) == 1 and missing[0].suggestion == clause  # the template's clause is what it suggests
    side, text = _panes(render_html(comparison, document_redline(comparison, msa, draft)))
    escaped = html.escape(clause)
    assert side.count(escaped) == 1
    assert "Suggested: restore this clause in the template's words." in side
    assert text.count(escaped) == 1 and f"<del>\n\n{escaped}" in text


def test_a_long_missing_clause_is_shown_whole(msa: Document) -> None:
    clause = re.search(r"4\.1 Ownership of Deliverables\..*", msa.text).group(0)  # type: ignore[union-attr]
    assert len(clause) > 200  # longer than a clause the row shows cut short
    draft = Document.from_text("draft.txt", msa.text.replace(clause + "\n", ""))
    comparison = compare_documents(draft, msa)
    side, _ = _panes(render_html(comparison, document_redline(comparison, msa, draft)))
    assert side.count(html.escape(clause)) == 1
    assert side.count(html.escape(clause[:60])) == 1


def test_a_playbook_standard_is_still_suggested(tmp_path: Path, msa: Document) -> None:
    standard = "Notices are given in writing to the addresses on the signature page."
    playbook_file = tmp_path / "playbook.yaml"
    playbook_file.write_text(f"categories:\n  Notice Period to Terminate Renewal:\n    severity: low\n"
                             f"    reason: Notices matter.\n    standard: \"{standard}\"\n", encoding="utf-8")
    clause = re.search(r"7\.4 Notices\..*", msa.text).group(0)  # type: ignore[union-attr]
    start = msa.text.index(clause)
    draft = Document.from_text("draft.txt", msa.text.replace(clause + "\n", ""))
    comparison = compare_documents(draft, msa, playbook=load_playbook(playbook_file),
                                   template_categories=[(start, start + len(clause), "Notice Period to Terminate Renewal")])
    assert [p.suggestion for p in comparison.pairs if p.status == "missing"] == [standard]
    side, _ = _panes(render_html(comparison, document_redline(comparison, msa, draft)))
    assert f"<details><summary>Suggested text</summary>{html.escape(standard)}</details>" in side
    assert side.count(html.escape(clause)) == 1
