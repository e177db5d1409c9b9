"""DOCX and text files have pages: a text file's form feeds, a DOCX's explicit page breaks and the page
breaks Word recorded when it last laid the file out. A file with none is one page."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from contracts.documents import Document
from contracts.ingest import load_bytes
from contracts.textnorm import normalize_text


def _docx(build: Callable[[docx.document.Document], None]) -> Document:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return load_bytes(buffer.getvalue(), "contract.docx")


def _rendered_break(paragraph) -> None:
    """A w:lastRenderedPageBreak at the start of the paragraph's first run: Word's page starts there."""
    paragraph.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))


def _pages(document: Document, *needles: str) -> list[int]:
    return [document.page_of(document.text.index(n)) for n in needles]


def test_word_s_rendered_page_breaks_give_the_pages() -> None:
    def build(d) -> None:
        d.add_paragraph("1. Services. Provider shall perform the services.")
        _rendered_break(d.add_paragraph("2. Fees. Customer shall pay the fees."))
        _rendered_break(d.add_paragraph("3. Term. One year."))
        d.add_paragraph("4. Notices. In writing.")

    document = _docx(build)
    assert _pages(document, "1. Services", "2. Fees", "3. Term", "4. Notices") == [1, 2, 3, 3]
    assert document.text == ("1. Services. Provider shall perform the services.\n\n2. Fees. Customer shall pay "
                             "the fees.\n\n3. Term. One year.\n\n4. Notices. In writing.")


def test_a_paragraph_over_a_page_is_on_the_page_it_starts_on() -> None:
    def build(d) -> None:
        d.add_paragraph("1. Services. Provider shall perform the services.")
        crossing = d.add_paragraph("2. Fees. Customer shall pay ")
        crossing.add_run("the fees within thirty days.")
        crossing.runs[1]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
        d.add_paragraph("3. Term. One year.")

    document = _docx(build)
    assert _pages(document, "1. Services", "2. Fees", "the fees within", "3. Term") == [1, 1, 1, 2]
    assert len(document.pages) == 2


def test_an_explicit_break_and_the_rendered_break_after_it_are_one_page_break() -> None:
    def build(d) -> None:
        d.add_paragraph("1. Services. Provider shall perform the services.")
        d.add_page_break()  # a paragraph holding w:br w:type="page"
        _rendered_break(d.add_paragraph("2. Fees. Customer shall pay the fees."))  # where Word's page 2 starts
        third = d.add_paragraph("3. Term. One year.")
        third.paragraph_format.page_break_before = True
        _rendered_break(third)
        mid = d.add_paragraph("4. Notices. In writing.")
        mid.runs[0]._r.append(OxmlElement("w:br"))
        mid.runs[0]._r[-1].set(qn("w:type"), "page")
        rest = mid.add_run("Delivered by hand.")
        rest._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
        d.add_paragraph("5. Assignment. Not without consent.")

    document = _docx(build)
    assert _pages(document, "1. Services", "2. Fees", "3. Term", "4. Notices", "5. Assignment") == [1, 2, 3, 3, 4]


def test_two_explicit_breaks_leave_a_blank_page_that_keeps_its_number() -> None:
    def build(d) -> None:
        d.add_paragraph("1. Services. Provider shall perform the services.")
        d.add_page_break()
        d.add_page_break()
        d.add_paragraph("2. Fees. Customer shall pay the fees.")

    document = _docx(build)
    assert _pages(document, "1. Services", "2. Fees") == [1, 3]
    assert [(p.number, p.start == p.end) for p in document.pages] == [(1, False), (2, True), (3, False)]
    assert document.text == "1. Services. Provider shall perform the services.\n\n2. Fees. Customer shall pay the fees."


def test_a_table_over_a_page_break_moves_what_follows() -> None:
    def build(d) -> None:
        d.add_paragraph("Schedule A")
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Fee", "100"
        table.cell(1, 0).text, table.cell(1, 1).text = "Rate", "5%"
        _rendered_break(table.cell(1, 0).paragraphs[0])
        d.add_paragraph("1. Payment. Net thirty.")

    document = _docx(build)
    assert _pages(document, "Schedule A", "Fee | 100", "1. Payment") == [1, 1, 2]


def test_breaks_in_deleted_runs_do_not_count_and_in_inserted_runs_do() -> None:
    def build(d) -> None:
        d.add_paragraph("1. Services. Provider shall perform the services.")
        second = d.add_paragraph()
        ins = OxmlElement("w:ins")
        ins.set(qn("w:id"), "1")
        ins.set(qn("w:author"), "A")
        run = OxmlElement("w:r")
        run.append(OxmlElement("w:lastRenderedPageBreak"))
        text = OxmlElement("w:t")
        text.text = "2. Fees. Customer shall pay the fees."
        run.append(text)
        ins.append(run)
        second._p.append(ins)
        third = d.add_paragraph("3. Term. One year.")
        deleted = OxmlElement("w:del")
        deleted.set(qn("w:id"), "2")
        deleted.set(qn("w:author"), "A")
        gone = OxmlElement("w:r")
        br = OxmlElement("w:br")
        br.set(qn("w:type"), "page")
        gone.append(br)
        deleted.append(gone)
        third._p.append(deleted)
        d.add_paragraph("4. Notices. In writing.")

    document = _docx(build)
    assert _pages(document, "1. Services", "2. Fees", "3. Term", "4. Notices") == [1, 2, 2, 2]


def test_a_docx_without_page_breaks_is_one_page() -> None:
    def build(d) -> None:
        for n in range(1, 30):
            d.add_paragraph(f"{n}. Clause {n}. The parties agree to clause {n}.")

    document = _docx(build)
    assert [p.number for p in document.pages] == [1]


def test_a_text_file_s_form_feeds_are_page_breaks() -> None:
    raw = "1. Services. Provider shall\n\fperform the services.\n\n\f2. Fees. Customer pays.\f\f3. Term. One year.\n"
    document = load_bytes(raw.encode(), "contract.txt")
    assert document.text == normalize_text(raw)  # the text is what it was: only the page map is new
    assert _pages(document, "1. Services", "perform the", "2. Fees", "3. Term") == [1, 2, 3, 5]
    assert [p.number for p in document.pages] == [1, 2, 3, 4, 5]
    assert document.pages[3].start == document.pages[3].end  # the empty page takes no room


def test_a_text_file_without_form_feeds_is_one_page() -> None:
    document = load_bytes(b"1. Services.\n\n2. Fees.\n", "contract.txt")
    assert [(p.number, p.start, p.end) for p in document.pages] == [(1, 0, len(document.text))]
    assert document.page_of(document.text.index("2. Fees")) == 1


def test_a_leading_form_feed_makes_page_one_empty() -> None:
    document = load_bytes(b"\f1. Services.", "contract.txt")
    assert document.text == "1. Services." and document.page_of(0) == 2
