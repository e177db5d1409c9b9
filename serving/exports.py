"""A contract's own downloads, without a template: its latest finished analysis as a Word review copy
(every finding a comment on its quote, with the reviewer's decision), as CSV/XLSX and as the HTML report.

Nothing here renders anew: the comment writer and the spreadsheet writers are contracts.compare's (the
same ones a comparison's exports use, formulas neutralised), the report is serving.render's. This module
only turns stored findings and their reviews into what those writers take; the Word copy and the report, which
grow with the text and its findings, are built by `run` under the file budget (serving/file_worker.Call)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalysisStats, AnalyzerInfo, Finding, reported
from serving.comparisons import Download
from serving.errors import NotFound
from serving.file_worker import Call
from serving.models import FindingRow, Job

if TYPE_CHECKING:
    from word.files import Note

CONTRACT_EXPORTS = {
    "review.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "findings.csv": "text/csv; charset=utf-8",
    "findings.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "report.html": "text/html; charset=utf-8",
}
REVIEW_COLUMNS = ("category", "severity", "page", "start", "end", "score", "quote", "explanation", "review",
                  "review_comment", "original_category", "original_severity", "id")


def review_state(row: FindingRow) -> str:
    """The reviewer's decision in words ("not reviewed", "accepted: fine as drafted", "edited from LOW ·
    Cap On Liability"), the same wording in the Word comment and the report."""
    if row.review is None:
        return "not reviewed"
    state: str = row.review
    if row.review == "edited" and (row.original_category, row.original_severity) != (row.category, row.severity):
        state += f" (was {(row.original_severity or row.severity).upper()} · {row.original_category or row.category})"
    return f"{state}: {row.review_comment}" if row.review_comment else state


def review_rows(rows: Sequence[FindingRow]) -> list[dict[str, Any]]:
    """The CSV/XLSX rows: a risk nobody has reviewed says so (its cell was empty, as if its value were lost)."""
    return [{k: getattr(r, k) for k in REVIEW_COLUMNS} | {"review": r.review or "not reviewed"} for r in rows]


def review_copy(document: Document, notes: list[Note], data: bytes | None, title: str) -> bytes:
    """The Word review copy's bytes: `notes` and the proofing notes as comments. Module-level and pure, so that a
    download builds it in a file worker under the budget, as every step a file's size drives is (a 1,800-clause
    contract's 4,331 comments: about 2 s, benchmarks/compare_long.py)."""
    from word.files import review_docx
    from word.proofing_notes import proofing_notes

    return review_docx(document, notes + proofing_notes(document), data=data, title=title)


def report_page(document: Document, result: AnalysisResult, reviews: list[str]) -> bytes:
    """The HTML report's bytes, built in a file worker as the review copy is (it marks up the whole text)."""
    from serving.render import render_html

    return render_html(document, result, reviews=reviews).encode("utf-8")


def render_contract_export(kind: str, document: Document, job: Job, rows: Sequence[FindingRow], *,
                           run: Callable[[Call], Any], data: bytes | None = None) -> Download:
    """One of CONTRACT_EXPORTS for the findings `rows` of `job` on `document` (`data`: the uploaded
    file, which the Word review copy is written into); the review copy and the report built by `run` (under the
    file budget: it raises BudgetExceeded past it)."""
    from contracts.compare.tables import to_csv, to_xlsx
    from word.files import Note

    if kind not in CONTRACT_EXPORTS:
        raise NotFound(f"no export {kind!r}; choose one of: {', '.join(CONTRACT_EXPORTS)}")
    # a possible finding is a passage to check, not a risk found, until a reviewer accepts it
    rows = [r for r in rows if reported(r.possible, r.review)]
    stem = document.name.rsplit(".", 1)[0] or "contract"
    if kind == "review.docx":
        notes = [Note(r.start, r.end, f"{r.severity.upper()} · {r.category}",
                      f"{r.explanation}\nReview: {review_state(r)}") for r in rows]
        body = run(Call(review_copy, (document, notes, data, f"Review: {document.name}"), "building"))
    elif kind == "findings.csv":
        body = to_csv(review_rows(rows), REVIEW_COLUMNS).encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    elif kind == "findings.xlsx":
        body = to_xlsx({"findings": (REVIEW_COLUMNS, review_rows(rows))})
    else:
        findings = [Finding.model_validate(r, from_attributes=True) for r in rows]
        stats = AnalysisStats.model_validate({k: v for k, v in job.stats.items() if k in AnalysisStats.model_fields})
        result = AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name=job.analyzer, version=""),
                                findings=findings, stats=stats)
        body = run(Call(report_page, (document, result, [review_state(r) for r in rows]), "building"))
    return Download(body, CONTRACT_EXPORTS[kind], f"{stem}.{kind}")
