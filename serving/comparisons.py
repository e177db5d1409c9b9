"""Template comparisons in the service: run one (from the API or inside an analysis job), store it,
and render its downloads. The comparison itself is contracts.compare; this module only feeds it the
stored documents, findings and key terms and keeps the result; the callers run `compute`, and the Word
downloads' `word_export`, under the file budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from contracts.compare import Comparison, compare_documents, spans_of
from contracts.documents import Document
from contracts.findings import Finding
from contracts.key_terms import KeyTerms
from contracts.playbook import Playbook
from serving.errors import NotFound
from serving.file_worker import Call
from serving.models import ComparisonRow, Template

EXPORTS = {
    "redline.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "review.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "comparison.csv": "text/csv; charset=utf-8",
    "findings.csv": "text/csv; charset=utf-8",
    "comparison.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def compute(contract: Document, template_document: Document, contract_findings: Sequence[Finding],
            template_findings: Sequence[Finding], playbook: Playbook, contract_terms: KeyTerms | None = None,
            template_terms: KeyTerms | None = None) -> Comparison:
    """The comparison of the contract with the template, each side's categories from its findings and key terms
    (governing law, renewal: categories no finding has). Module-level and pure, so that a job or request runs it
    in a file worker under the budget (serving/file_worker.Call)."""
    return compare_documents(contract, template_document, playbook=playbook,
                             contract_categories=spans_of(contract_findings, contract_terms, contract.text),
                             template_categories=spans_of(template_findings, template_terms, template_document.text))


def store(session: Session, *, tenant_id: str, contract_id: str, template: Template, comparison: Comparison,
          job_id: str | None = None) -> ComparisonRow:
    """Add the comparison's row to the session (the caller commits, so a job stores its findings and its
    comparison in one transaction)."""
    row = ComparisonRow(tenant_id=tenant_id, contract_id=contract_id, template_id=template.id,
                        template_name=template.name, job_id=job_id, result=comparison.model_dump(mode="json"))
    session.add(row)
    return row


@dataclass
class Download:
    data: bytes
    media_type: str
    filename: str


def word_export(kind: str, comparison: Comparison, contract: Document, template: Document | None,
                findings: Sequence[Finding], title: str, contract_data: bytes | None,
                template_data: bytes | None) -> bytes:
    """The redline's or review copy's bytes. Module-level and pure, so that a download builds it in a file worker
    under the budget (serving/file_worker.Call): the redline diffs paired paragraphs word by word, which grows
    with the square of their length (one 234k-character paragraph pair: 14 s), and the review copy anchors a
    comment per deviation (two 4,000-clause documents sharing no clause: 15 s)."""
    from word.files import notes_for, redline_docx, review_docx
    from word.proofing_notes import proofing_notes

    if kind == "redline.docx":
        assert template is not None  # render_export refuses a deleted template's redline
        return redline_docx(comparison, template, contract, template_data=template_data,
                            contract_data=contract_data, title=title)
    return review_docx(contract, notes_for(comparison, findings) + proofing_notes(contract), data=contract_data,
                       title=title)


def word_title(kind: str, contract_name: str, template_name: str) -> str:
    """The title inside a Word export ("redline.docx" or "review.docx"), the same from the API and the CLI."""
    if kind == "redline.docx":
        return f"Redline: {template_name} (template) -> {contract_name} (contract)"
    return f"Review: {contract_name} against {template_name}"


def table_export(kind: str, comparison: Comparison, findings: Sequence[Finding]) -> bytes:
    """"comparison.csv", "findings.csv" or "comparison.xlsx" (both as sheets; ImportError without the `export`
    extra): the same files from the API's downloads and `lexrisk compare --format csv|xlsx`."""
    from contracts.compare.tables import (
        COMPARISON_COLUMNS,
        FINDING_COLUMNS,
        comparison_rows,
        finding_rows,
        to_csv,
        to_xlsx,
    )

    if kind == "comparison.csv":
        return to_csv(comparison_rows(comparison), COMPARISON_COLUMNS).encode("utf-8")
    if kind == "findings.csv":
        return to_csv(finding_rows(findings), FINDING_COLUMNS).encode("utf-8")
    return to_xlsx({"comparison": (COMPARISON_COLUMNS, comparison_rows(comparison)),
                    "findings": (FINDING_COLUMNS, finding_rows(findings))})


def render_export(kind: str, row: ComparisonRow, contract: Document, template: Document | None,
                  findings: Sequence[Finding], *, run: Callable[[Call], Any], contract_data: bytes | None = None,
                  template_data: bytes | None = None) -> Download:
    """One of EXPORTS for a stored comparison, a Word one built by `run` (under the file budget: it raises
    BudgetExceeded past it). The redline needs the template's whole text, so it is gone once the template is
    deleted; the other exports need only the stored result and contract."""
    if kind not in EXPORTS:
        raise NotFound(f"no export {kind!r}; choose one of: {', '.join(EXPORTS)}")
    comparison = Comparison.model_validate(row.result)
    stem = contract.name.rsplit(".", 1)[0] or "contract"
    if kind in ("redline.docx", "review.docx"):
        if kind == "redline.docx" and template is None:
            raise NotFound(f"the template {row.template_id} of comparison {row.id} was deleted; its redline "
                           "cannot be rebuilt", code="template_deleted")
        # the review copy names the template as the comparison stored it (the template may be gone since)
        title = word_title(kind, contract.name, row.template_name if template is None or kind == "review.docx"
                           else template.name)
        data = run(Call(word_export, (kind, comparison, contract, template, list(findings), title, contract_data,
                                      template_data), "building"))
    else:
        data = table_export(kind, comparison, findings)
    return Download(data, EXPORTS[kind], f"{stem}.{kind}")
