"""The Compare page's clauses with a PDF's printed line breaks inside a paragraph as spaces (ui/reflow.py).

Seen in Chromium on examples/contracts/master_services_agreement.pdf against the firm's MSA template: the contract's
clauses read "…by and / between Northwind…" and "at least one / hundred eighty (180) days". The clause texts below
are that PDF's as lexrisk extracts them."""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from streamlit.testing.v1 import AppTest

from contracts.compare.redline import word_redline
from tests.ui.conftest import read
from ui.plain import unwrapped
from ui.reflow import reflowed, unwrapped_clauses

PARTIES = ('MASTER SERVICES AGREEMENT\nThis Master Services Agreement (the "Agreement") is entered into as of March 1, '
           '2026 (the "Effective Date") by and\nbetween Northwind Analytics, Inc., a Delaware corporation ("Provider"), '
           'and Harbor Freight Logistics LLC, a New York\nlimited liability company ("Customer").')
TERM = ("5. Term and Termination\n5.1 Term. This Agreement begins on the Effective Date and continues for an initial "
        "term of three (3) years. Thereafter\nit shall automatically renew for successive one (1) year terms unless "
        "either party gives notice of non-renewal at least one\nhundred eighty (180) days before the end of the "
        "then-current term.\n\nThe parties may agree a shorter notice period in writing in any Statement of Work.")
ITEMS = ("8.1 Either party may terminate this Agreement on notice if the other party materially breaches it and fails "
         "to cure,\n(a) within thirty (30) days after notice of the breach; or\n(b) immediately, if the breach cannot "
         "be cured.")
TEMPLATE = ('MASTER SERVICES AGREEMENT\n\nThis Master Services Agreement (the "Agreement") is made as of March 1, 2026 '
            '(the "Effective Date") between Northwind Analytics LLC ("Customer") and the service provider named on the '
            'signature page ("Provider").')
JOINED = ('the "Effective Date") by and between Northwind Analytics, Inc., a Delaware corporation ("Provider"), and '
          'Harbor Freight Logistics LLC, a New York limited liability company ("Customer").')
RENEWAL = "at least one hundred eighty (180) days"


def _redline(template: str, contract: str) -> list[dict[str, str]]:
    """The ops as the API sends them: lexrisk's own word redline of the template's clause to the contract's."""
    return [op.model_dump() for op in word_redline(template, contract)]


def _body() -> dict[str, Any]:
    return {"contract": {"name": "master_services_agreement.pdf"}, "aligned": True, "pairs": [
        {"status": "modified", "similarity": 0.58, "category": None, "severity": "medium", "verdict": "needs_review",
         "template_clause": {"text": TEMPLATE, "start": 0, "end": len(TEMPLATE)},
         "contract_clause": {"text": PARTIES, "start": 0, "end": len(PARTIES)}, "redline": _redline(TEMPLATE, PARTIES)},
        {"status": "extra", "similarity": 0.0, "category": None, "severity": "low", "verdict": "needs_review",
         "contract_clause": {"text": TERM, "start": 2000, "end": 2000 + len(TERM)},
         "redline": [{"op": "insert", "text": TERM}]},
        {"status": "extra", "similarity": 0.0, "category": "Termination", "severity": "high", "verdict": "needs_review",
         "contract_clause": {"text": ITEMS, "start": 3000, "end": 3000 + len(ITEMS)},
         "redline": [{"op": "insert", "text": ITEMS}]},
    ]}


def test_a_wrapped_sentence_joins_and_breaks_headings_and_items_stay() -> None:
    """Against the document's usual line width: the PDF's wraps are spaces, the clause keeps its length; its
    heading, its paragraph break and its lettered items keep their lines."""
    parties, term, items = unwrapped_clauses([PARTIES, TERM, ITEMS])
    assert [len(parties), len(term), len(items)] == [len(PARTIES), len(TERM), len(ITEMS)]
    assert parties.startswith("MASTER SERVICES AGREEMENT\nThis Master") and JOINED in parties
    assert term.startswith("5. Term and Termination\n5.1 Term.") and RENEWAL in term
    assert "then-current term.\n\nThe parties may agree" in term
    assert "fails to cure,\n(a) within thirty (30) days after notice of the breach; or\n(b) immediately" in items
    # a heading and one sentence: alone they have no usual width and would run together, the document's parts them
    short = "Term\nThis Agreement begins on the Effective Date."
    assert unwrapped(short) == short.replace("\n", " ")
    assert unwrapped_clauses([short, PARTIES, TERM])[0] == short


def test_a_counts_digits_on_the_next_line_are_not_an_item() -> None:
    """"one / (1) month": a count's words ending a full line and its digits opening the next are one count, joined;
    digits that differ from the words, or an item after a sentence, keep their line."""
    wide = "The Supplier shall deliver the Products to the Customer's warehouse within"
    text = unwrapped(f"{wide} one\n(1) month of each order placed under this Agreement.\n{wide} ninety\n"
                     f"(1) the Products.\n{wide} thirty-\n(30) days.")
    assert f"{wide} one (1) month of each order" in text
    assert f"{wide} ninety\n(1) the Products." in text
    assert f"{wide} thirty- (30) days." in text


def test_the_redline_marks_the_same_words_and_the_body_is_left_as_sent() -> None:
    """The redline reflowed takes each op's words from its own side: the same ops and words, only wraps as spaces;
    the body the downloads use is not changed."""
    body = _body()
    sent = copy.deepcopy(body)
    shown = reflowed(body)
    assert body == sent
    ops, flowed = sent["pairs"][0]["redline"], shown["pairs"][0]["redline"]
    assert [o["op"] for o in flowed] == [o["op"] for o in ops]
    assert [o["text"].replace("\n", " ") for o in flowed] == [o["text"].replace("\n", " ") for o in ops]
    assert "".join(o["text"] for o in flowed if o["op"] != "delete") == shown["pairs"][0]["contract_clause"]["text"]
    assert "".join(o["text"] for o in flowed if o["op"] != "insert") == TEMPLATE
    assert JOINED in "".join(o["text"] for o in flowed if o["op"] != "delete")
    assert shown["pairs"][0]["contract_clause"]["start"] == 0 and shown["pairs"][1]["contract_clause"]["end"] == (
        2000 + len(TERM))
    odd = {**sent["pairs"][1], "redline": [{"op": "insert", "text": "not the clause"}]}
    assert reflowed({"pairs": [odd]})["pairs"][0]["redline"] == odd["redline"]  # words it cannot place: as sent


def test_the_page_shows_the_joined_sentences() -> None:
    """The page itself (AppTest): side by side, the redline and the extra clauses read the PDF's sentences whole."""
    at = AppTest.from_string("from tests.ui.test_compare_reflow import _body\n"
                             "from ui.pages.compare import render_comparison\n"
                             "render_comparison(_body())\n", default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    shown = read("\n".join(str(m.value) for m in at.markdown))
    assert JOINED in shown and RENEWAL in shown
    assert "by and  \n" not in shown and "at least one  \n" not in shown
    redline = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(str(h.proto.body) for h in at.get("html"))))
    assert "by and between Northwind" in redline and "a New York limited liability" in redline, redline
