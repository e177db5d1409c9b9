"""Compare two Word files whose only difference is a rate in a fee table: the change is reported against the
table, not against the clause the table follows, and the execution block stands apart from the last clause
(a fresh-eyes review: the rate change was reported against "9.3 Nothing in this Agreement confers ... IN
WITNESS WHEREOF ...", whose template text, signatures and all, run together, was proposed to restore it)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from lxml import etree

from contracts.compare import compare_documents
from contracts.compare.align import units_of
from contracts.documents import Document
from contracts.ingest import load_bytes
from word.files import notes_for, redline_docx, review_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CLAUSES = [
    ("1. Services", ["1.1 Provider shall perform the services described in each statement of work.",
                     "1.2 Provider may use subcontractors with Customer's prior written consent."]),
    ("2. Fees and Payment", ["2.1 Customer shall pay the fees set out in the fee schedule.",
                             "2.2 Invoices are payable within thirty (30) days of receipt."]),
    ("3. Term", ["3.1 This Agreement has an initial term of three (3) years.",
                 "3.2 Either party may terminate this Agreement on ninety (90) days' written notice."]),
    ("4. Limitation of Liability", ["4.1 Neither party is liable for indirect or consequential damages.",
                                    "4.2 Each party's total liability is capped at the fees paid in the twelve (12) "
                                    "months before the claim."]),
    ("9. General", ["9.1 This Agreement is the entire agreement between the parties about its subject.",
                    "9.2 This Agreement is governed by the laws of the State of New York."]),
]
NOTHING = "9.3 Nothing in this Agreement confers any right or remedy on any person other than the parties."
TITLES = {False: "Fee Schedule", True: "Schedule A - Fees"}  # the fee table's, before 9.3 or at the end
WITNESS = "IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date."


def _firm_docx(rate: str, table_at_end: bool) -> bytes:
    """The firm's template (or, with another rate, the draft): header, footer, title and heading styles,
    numbered clauses, a fee table, clause 9.3 with the signature page after a page break in its paragraph,
    and the signatures; the fee table before 9.3, or at the end as a schedule."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Northwind Analytics - Confidential"
    section.footer.paragraphs[0].text = "Firm template v4"
    document.add_paragraph("MASTER SERVICES AGREEMENT", style="Title")
    document.add_paragraph('This Master Services Agreement is made between Northwind Analytics, Inc. ("Provider") '
                           'and Harbor Freight Logistics, LLC ("Customer").')
    for heading, items in CLAUSES:
        document.add_paragraph(heading, style="Heading 1")
        for item in items:
            document.add_paragraph(item)
    if not table_at_end:
        _fee_table(document, TITLES[False], rate)
    clause = document.add_paragraph(NOTHING)
    clause.add_run().add_break(WD_BREAK.PAGE)
    clause.add_run(WITNESS)
    document.add_paragraph("NORTHWIND ANALYTICS, INC.\tHARBOR FREIGHT LOGISTICS, LLC")
    document.add_paragraph("By: Jane Smith, Chief Executive Officer\tBy: John Doe, President")
    if table_at_end:
        _fee_table(document, TITLES[True], rate)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fee_table(document: docx.document.Document, title: str, rate: str) -> None:
    document.add_paragraph(title, style="Heading 2")
    rows = [("Role", "Rate", "Unit"), ("Senior Consultant", rate, "per hour"), ("Analyst", "$150", "per hour")]
    table = document.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value


@pytest.fixture(params=[False, True], ids=["table-before-9.3", "table-after-the-signatures"])
def table_at_end(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def sides(table_at_end: bool) -> tuple[bytes, bytes, Document, Document]:
    template_data, draft_data = _firm_docx("$300", table_at_end), _firm_docx("$450", table_at_end)
    return template_data, draft_data, load_bytes(template_data, "template.docx"), load_bytes(draft_data, "draft.docx")


def test_a_page_break_inside_a_paragraph_separates_its_words(sides) -> None:
    template = sides[2]
    assert "parties.IN WITNESS" not in template.text
    assert NOTHING + "\n" + WITNESS in template.text


def test_the_table_and_the_execution_block_are_clauses_of_their_own(sides) -> None:
    units = units_of(sides[2])
    nothing = next(u for u in units if u.text.startswith("9.3"))
    assert nothing.text == NOTHING and nothing.number == "9.3"
    execution = next(u for u in units if u.text.startswith("IN WITNESS WHEREOF"))
    assert "NORTHWIND ANALYTICS, INC." in execution.text and "$300" not in execution.text
    table = next(u for u in units if "$300" in u.text)
    assert table.heading in TITLES.values() and table.text.startswith(str(table.heading))
    assert table.text.endswith("Analyst | $150 | per hour") and "IN WITNESS" not in table.text
    assert "9.2" not in table.text and "9.1" not in table.text


def test_a_changed_rate_is_reported_against_the_table(sides, table_at_end: bool) -> None:
    result = compare_documents(sides[3], sides[2])
    changed = [p for p in result.pairs if p.status != "matched"]
    assert len(changed) == 1
    pair = changed[0]
    assert pair.status == "modified" and pair.template_clause and pair.contract_clause
    assert pair.template_clause.text == "\n\n".join([TITLES[table_at_end], "Role | Rate | Unit",
                                                     "Senior Consultant | $300 | per hour", "Analyst | $150 | per hour"])
    assert pair.contract_clause.text == pair.template_clause.text.replace("$300", "$450")
    assert "Amount changed from $300 to $450" in pair.explanation
    assert pair.suggestion == pair.template_clause.text  # the table, never the signatures
    assert "IN WITNESS" not in pair.suggestion and "NORTHWIND" not in pair.suggestion


def test_the_word_exports_put_the_change_in_the_table_cell(sides) -> None:
    template_data, draft_data, template, draft = sides
    result = compare_documents(draft, template)
    redline = redline_docx(result, template, draft, template_data=template_data, contract_data=draft_data)
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(redline)).read("word/document.xml"))
    inserted = ["".join(t.text or "" for t in change.iter(f"{W}t")) for change in body.iter(f"{W}ins")]
    deleted = ["".join(t.text or "" for t in change.iter(f"{W}delText")) for change in body.iter(f"{W}del")]
    assert "".join(inserted).strip() in ("$450", "450") and "".join(deleted).strip() in ("$300", "300")
    assert all(any(a.tag == f"{W}tc" for a in change.iterancestors()) for change in body.iter(f"{W}ins", f"{W}del"))

    review = docx.Document(io.BytesIO(review_docx(draft, notes_for(result), data=draft_data)))
    comment = next(c for c in review.comments if "modified clause" in c.text)
    pair = next(p for p in result.pairs if p.status == "modified")
    assert comment.text.endswith("Suggested text: " + pair.suggestion)  # type: ignore[operator]
    assert "$450" in _anchored(review, comment.comment_id) and "IN WITNESS" not in _anchored(review, comment.comment_id)


def _anchored(document: docx.document.Document, comment_id: int) -> str:
    """The body text between a comment's range marks."""
    text, inside = "", False
    for node in document.element.body.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if node.tag == f"{W}t":
            text += node.text or "" if inside else ""
        elif int(node.get(f"{W}id")) == comment_id:
            inside = node.tag == f"{W}commentRangeStart"
    return text


def test_in_plain_text_a_table_its_clause_introduces_stays_in_it_and_a_lone_row_is_no_table() -> None:
    from contracts.compare.pieces import comparison_clauses

    text = ("1. Fees. The fees are as follows:\n\nRole | Rate\n\nAnalyst | $150\n\n"
            "2. Term. This Agreement lasts three (3) years.\n\nConfidential | Page 3\n\n"
            "3. Notices. Notices are in writing.\n\nIN WITNESS WHEREOF, the parties sign.\n\nACME, INC.")
    pieces = [(p.number, text[p.start:p.end].strip()) for p in comparison_clauses(text)]
    assert pieces == [("1", "1. Fees. The fees are as follows:\n\nRole | Rate\n\nAnalyst | $150"),
                      ("2", "2. Term. This Agreement lasts three (3) years.\n\nConfidential | Page 3"),
                      ("3", "3. Notices. Notices are in writing."),
                      (None, "IN WITNESS WHEREOF, the parties sign.\n\nACME, INC.")]
    assert "".join(text[p.start:p.end] for p in comparison_clauses(text)) == text  # they tile the text
