"""Spreadsheet exports (CSV, and XLSX with the `export` extra's openpyxl) of a comparison and of
findings: the shapes lawyers paste into their own trackers.

Cells that a spreadsheet would run as a formula (text starting with = + - @) are written as text: a
contract is untrusted input and must not execute in the reviewer's Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from contracts.compare.models import Comparison
from contracts.findings import Finding

COMPARISON_COLUMNS = ("status", "category", "severity", "verdict", "similarity", "template_start", "template_end",
                      "template_page", "template_text", "contract_start", "contract_end", "contract_page",
                      "contract_text", "explanation", "suggestion")
FINDING_COLUMNS = ("category", "severity", "page", "start", "end", "score", "quote", "explanation")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def comparison_rows(comparison: Comparison) -> list[dict[str, Any]]:
    rows = []
    for p in comparison.pairs:
        t, c = p.template_clause, p.contract_clause
        rows.append({"status": p.status, "category": p.category, "severity": p.severity, "verdict": p.verdict,
                     "similarity": p.similarity,
                     "template_start": t.start if t else None, "template_end": t.end if t else None,
                     "template_page": t.page if t else None, "template_text": t.text if t else None,
                     "contract_start": c.start if c else None, "contract_end": c.end if c else None,
                     "contract_page": c.page if c else None, "contract_text": c.text if c else None,
                     "explanation": p.explanation, "suggestion": p.suggestion})
    return rows


def finding_rows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [{k: getattr(f, k) for k in FINDING_COLUMNS} for f in findings]


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(row.get(k)) for k in columns})
    return buffer.getvalue()


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value


def to_xlsx(sheets: dict[str, tuple[Sequence[str], Sequence[dict[str, Any]]]]) -> bytes:
    """One worksheet per entry: (columns, rows). Needs openpyxl (`pip install lexrisk[export]`)."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:
        raise ImportError("XLSX export needs openpyxl: pip install 'lexrisk[export]'") from None
    book = Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.append(list(columns))
        for r, row in enumerate(rows, start=2):
            for col, key in enumerate(columns, start=1):
                value = row.get(key)
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
                cell = sheet.cell(row=r, column=col, value=value)
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
