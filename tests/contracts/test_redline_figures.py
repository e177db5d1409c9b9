"""A changed figure (an amount, a date, a rate) is redlined whole: the old figure deleted and the new one
inserted, never a diff inside its digits ("$~~1,000~~500,000"), in the redline of the text, the HTML
report and the Word redline, which all take the word diff of contracts.compare.redline."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from contracts.compare import compare_documents, document_redline
from contracts.compare.redline import new_text, old_text, word_redline
from contracts.documents import Document
from contracts.ingest import load_document
from serving.compare_render import render_html
from word.files import redline_docx

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _changes(old: str, new: str) -> list[tuple[str, str]]:
    ops = word_redline(old, new)
    assert (old_text(ops), new_text(ops)) == (old, new)
    return [(o.op, o.text) for o in ops if o.op != "equal"]


@pytest.mark.parametrize(("old", "new", "deleted", "inserted"), [
    ("The fee is $1,000,000 a year.", "The fee is $500,000 a year.", "$1,000,000", "$500,000"),
    ("The fee is $1,000.50 a year.", "The fee is $2,000.50 a year.", "$1,000.50", "$2,000.50"),
    ("Fees: €1.000,00 net.", "Fees: €1.500,00 net.", "€1.000,00", "€1.500,00"),
    ("It ends on 12/31/2024 at noon.", "It ends on 12/31/2025 at noon.", "12/31/2024", "12/31/2025"),
    ("It starts on 2024-01-01.", "It starts on 2024-03-01.", "2024-01-01", "2024-03-01"),
    ("Interest at 1.5% a month.", "Interest at 2.5% a month.", "1.5%", "2.5%"),
    ("Delivery by 10:30 daily.", "Delivery by 11:30 daily.", "10:30", "11:30"),
    ("Paid by the 15th day.", "Paid by the 25th day.", "15th", "25th"),
])
def test_a_changed_figure_is_deleted_and_inserted_whole(old: str, new: str, deleted: str, inserted: str) -> None:
    assert _changes(old, new) == [("delete", deleted), ("insert", inserted)]


def test_words_around_figures_are_still_diffed_word_by_word() -> None:
    assert _changes("Pay $500 within thirty days.", "Pay $500 within sixty days.") == [
        ("delete", "thirty"), ("insert", "sixty")]
    assert _changes("See Section 3.2. Then pay.", "See Section 3.2. Then sue.") == [("delete", "pay"), ("insert", "sue")]


@pytest.fixture(scope="module")
def insurance() -> tuple[Document, Document]:
    msa = load_document(TEMPLATES / "master_services_agreement.txt")
    assert "at least $2,000,000 per occurrence" in msa.text
    draft = Document.from_text("draft.txt", msa.text.replace("at least $2,000,000 per occurrence",
                                                             "at least $1,500,000 per occurrence"))
    return msa, draft


def test_the_html_report_strikes_the_whole_amount(insurance: tuple[Document, Document]) -> None:
    msa, draft = insurance
    comparison = compare_documents(draft, msa)
    page = render_html(comparison, document_redline(comparison, msa, draft))
    assert "<del>$2,000,000</del><ins>$1,500,000</ins>" in page


def test_the_word_redline_tracks_the_whole_amount(insurance: tuple[Document, Document]) -> None:
    msa, draft = insurance
    data = redline_docx(compare_documents(draft, msa), msa, draft)
    body = docx.Document(io.BytesIO(data)).element.body
    deleted = ["".join(t.text or "" for t in d.iter(f"{W}delText")) for d in body.iter(f"{W}del")]
    inserted = ["".join(t.text or "" for t in i.iter(f"{W}t")) for i in body.iter(f"{W}ins")]
    assert [d for d in deleted if d] == ["$2,000,000"]
    assert [i for i in inserted if i] == ["$1,500,000"]
