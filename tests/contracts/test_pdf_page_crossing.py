"""A PDF clause whose sentence runs on over a page break is one clause and one sentence, on the page it
starts on; pages that end a sentence or a heading are still separated by a blank line."""

from __future__ import annotations

import pytest

from contracts.documents import Document
from contracts.ingest import load_bytes
from contracts.segment import runs_on, segment_clauses, split_sentences
from tests.contracts.pdfs import lines_pdf

# a printed line is longer than 60 characters; the last line of page 1 ends mid-sentence
PAGE_ONE = [
    "1. Services. Provider shall perform the services described in each statement of work.",
    "2. Payment. Customer shall pay each undisputed invoice in full, without set-off, within",
]
PAGE_TWO = [
    "(30) days of the date of the invoice, by wire transfer to the account Provider names.",
    "3. Term. This Agreement runs for one year from the Effective Date.",
]
SHORT_ENDING = ["4. Delivery. The Supplier shall deliver the Goods to the"]  # a short last line ending in "the"
AFTER_SHORT = ["Customer within thirty days of each order.", "5. Notices. Notices are given in writing."]


def _clause_at(document: Document, needle: str) -> str:
    at = document.text.index(needle)
    clause = next(c for c in segment_clauses(document.text) if c.start <= at < c.end)
    return clause.text(document.text)


def test_a_sentence_over_a_page_break_is_one_clause_on_its_first_page() -> None:
    document = load_bytes(lines_pdf([PAGE_ONE, PAGE_TWO], size=9), "msa.pdf")
    clause = _clause_at(document, "2. Payment.")
    assert clause.startswith("2. Payment.") and "(30) days of the date of the invoice" in clause
    assert "3. Term." not in clause
    assert [c.number for c in segment_clauses(document.text)] == ["1", "2", "3"]
    assert document.page_of(document.text.index("2. Payment.")) == 1
    assert document.page_of(document.text.index("(30) days")) == 2  # the page map still says where page 2 starts
    sentences = [document.text[s.start:s.end] for s in split_sentences(document.text)]
    assert any(s.startswith("2. Payment.") and s.endswith("names.") for s in sentences), sentences


def test_a_short_last_line_that_reads_on_joins_the_next_page() -> None:
    document = load_bytes(lines_pdf([SHORT_ENDING, AFTER_SHORT], size=9), "supply.pdf")
    assert "deliver the Goods to the Customer within thirty days" in document.text
    sentences = [document.text[s.start:s.end] for s in split_sentences(document.text)]
    assert "4. Delivery. The Supplier shall deliver the Goods to the Customer within thirty days of each order." \
        in sentences
    assert [c.number for c in segment_clauses(document.text)] == ["4", "5"]


def test_a_page_that_ends_a_sentence_or_a_heading_stays_apart() -> None:
    document = load_bytes(lines_pdf([["1. Services. Provider shall perform the services.", "ARTICLE 2 PAYMENT"],
                                     ["2.1 Fees. Customer shall pay the fees.", "2.2 Taxes. Customer pays taxes."]],
                                    size=9), "msa.pdf")
    assert "ARTICLE 2 PAYMENT\n\n2.1 Fees." in document.text
    assert [c.number for c in segment_clauses(document.text)] == ["1", "ARTICLE 2", "2.1", "2.2"]


@pytest.mark.parametrize(("page", "next_page", "joined"), [
    ("a line as long as a printed line of the agreement that ends with no stop", "Section 5 applies.", True),
    ("short and unfinished, the", "Customer pays.", True),
    ("short and unfinished,", "Customer pays.", True),
    ("Schedule", "continues here", True),
    ("The Customer pays the fees.", "all of them", False),
    ("(a) the fees; and", "(b) the taxes.", False),
    ("payable within", "(30) days of the invoice.", True),  # reads on into what looks like an opening
    ("as agreed with the Customer", "ARTICLE 5 TERM", False),  # the next page opens a clause of its own
    ("a line as long as a printed line of the agreement, its last word Capitalised", "5.2 Fees.", False),
    ("(ii) any of the foregoing; and/or", "(iii) the Company", False),
    ("-" * 70, "1. Search. The user searches.", False),
    ("Payment Terms", "Customer pays.", False),
    ("", "anything", False),
])
def test_runs_on(page: str, next_page: str, joined: bool) -> None:
    assert runs_on(page, next_page) is joined
