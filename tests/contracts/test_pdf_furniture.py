"""Running headers, footers and page numbers are taken out of a PDF's text; nothing else is."""

from __future__ import annotations

import io
import itertools

import docx
import pytest

from contracts.ingest import load_bytes
from contracts.pdf_furniture import strip_furniture
from tests.contracts.pdfs import lines_pdf

FOOTER = "Source: ACME HOLDINGS, INC., 10-K, 3/1/2019"
HEADER = "CONFIDENTIAL"
CROSSING = ("The Supplier shall deliver the Goods to the", "Customer within thirty (30) days of each order.")


def _filler(page: int, n: int) -> list[str]:
    return [f"{page}.{i} The parties agree to clause {page}.{i} of this Agreement as set out here." for i in range(1, n)]


def _contract(count: int, number: str, *, header: bool = True) -> list[list[str]]:
    """`count` pages with a running header, a footer and a page number (`number` formatted with n and
    count), the sentence CROSSING cut between pages 1 and 2, and a heading used mid-page on two pages."""
    pages = []
    for n in range(1, count + 1):
        body = _filler(n, 10)
        if n == 1:
            body = [*body, CROSSING[0]]
        if n == 2:
            body = [CROSSING[1], *body]
        if n in (1, 3):
            body.insert(5, "Payment Terms")
        pages.append([*([HEADER] if header else []), *body, FOOTER, number.format(n=n, count=count)])
    return pages


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("number", ["Page {n} of {count}", "- {n} -", "{n}", "{n} of {count}"])
def test_running_header_footer_and_page_numbers_leave_the_text(number: str) -> None:
    document = load_bytes(lines_pdf(_contract(4, number)), "supply.pdf")
    text = document.text
    assert FOOTER not in text and HEADER not in text
    assert number.format(n=2, count=4) not in text.split("\n")
    # the sentence that crosses the page reads on, its halves joined as words of one line
    assert f"{CROSSING[0]} {CROSSING[1]}" in text
    assert _flat(" ".join(CROSSING)) in _flat(text)
    # the heading used twice in the middle of a page stays, both times
    assert text.count("Payment Terms") == 2
    for n in range(1, 5):
        assert all(line in text for line in _filler(n, 10)), n


def test_the_page_map_covers_each_pages_remaining_text() -> None:
    document = load_bytes(lines_pdf(_contract(4, "Page {n} of {count}")), "supply.pdf")
    text, pages = document.text, document.pages
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert pages[0].start == 0 and pages[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(pages))
    for span in pages:
        page_text = text[span.start:span.end].strip()
        assert page_text.startswith(f"{span.number}.1 The parties") or page_text.startswith(CROSSING[1])
        assert page_text.endswith(CROSSING[0] if span.number == 1 else f"{span.number}.9 of this Agreement as set out here.")
    assert document.page_of(text.index(CROSSING[1])) == 2
    assert document.page_of(text.index(CROSSING[0])) == 1


@pytest.mark.parametrize("count", [1, 2])
def test_one_and_two_page_documents_keep_everything(count: int) -> None:
    """Two pages cannot show what recurs: their footers and numbers stay (this held before too)."""
    text = load_bytes(lines_pdf(_contract(count, "Page {n} of {count}")), "short.pdf").text
    assert text.count(FOOTER) == count and text.count(HEADER) == count
    assert f"Page {count} of {count}" in text


def test_a_docx_keeps_a_line_repeated_at_the_top_of_its_pages() -> None:
    document = docx.Document()
    for n in range(1, 5):
        document.add_paragraph(HEADER)
        for line in _filler(n, 4):
            document.add_paragraph(line)
        document.add_paragraph(str(n))
        if n < 4:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    loaded = load_bytes(buffer.getvalue(), "draft.docx")
    assert len(loaded.pages) == 4 and loaded.text.count(HEADER) == 4


def test_a_number_out_of_the_page_sequence_stays() -> None:
    """'2020' closing a table on page 3 is not a page number; '2' and '4' following the pages are."""
    pages = ["\n".join([*_filler(1, 6), "1"]), "\n".join([*_filler(2, 6), "2"]),
             "\n".join([*_filler(3, 6), "Year", "2020"]), "\n".join([*_filler(4, 6), "4"])]
    stripped = strip_furniture(pages)
    assert [p.split("\n")[-1] for p in stripped] == [_filler(n, 6)[-1] for n in (1, 2)] + ["2020", _filler(4, 6)[-1]]


def test_a_page_that_is_only_furniture_keeps_it() -> None:
    """A blank page of the original still carries its header and footer: they are all the text it has."""
    pages = ["\n".join([HEADER, *([] if n == 3 else _filler(n, 6)), FOOTER]) for n in range(1, 5)]
    stripped = strip_furniture(pages)
    assert stripped[2] == f"{HEADER}\n{FOOTER}"
    assert all(HEADER not in stripped[i] and FOOTER not in stripped[i] for i in (0, 1, 3))


def test_a_line_without_a_letter_is_not_a_running_header() -> None:
    """A redaction mark ending most pages is content, not furniture."""
    pages = ["\n".join([*_filler(n, 6), "[***]"]) for n in range(1, 5)]
    assert strip_furniture(pages) == pages
