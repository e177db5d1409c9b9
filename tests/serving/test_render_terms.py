"""The table and the HTML report open with the key terms; each HTML value links to its quote."""

from __future__ import annotations

import re

from rich.console import Console

from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalyzerInfo
from contracts.terms import extract_terms
from serving.render import NO_FINDINGS, render_html, render_table

TEXT = ("This Agreement is made as of June 23, 2015 between ACME, Inc. (\"Buyer\") and Widget Ltd (\"Seller\"). "
        "This Agreement shall be governed by the laws of England and Wales. Payment is due on delivery of "
        "the Products.")


def _result(text: str = TEXT) -> tuple[Document, AnalysisResult]:
    document = Document.from_text("c.txt", text)
    return document, AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name="t", version="1"),
                                    findings=[], terms=extract_terms(document))


def _table(result: AnalysisResult) -> str:
    console = Console(record=True, width=160)
    render_table(result, console)
    return console.export_text()


def test_the_table_opens_with_the_key_terms() -> None:
    _, result = _result()
    console = Console(record=True, width=160)
    render_table(result, console)
    out = console.export_text()
    assert out.index("key terms") < out.index("findings")
    assert "2015-06-23" in out and "England and Wales (GB)" in out
    assert 'ACME, Inc. ("Buyer"); Widget Ltd ("Seller")' in out
    assert re.search(r"Expires\s+│\s+not stated", out)


def test_a_party_found_outside_the_preamble_is_marked_to_check() -> None:
    from tests.contracts.test_party_ranker import LETTER

    document = Document.from_text("letter.txt", LETTER)
    result = AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name="t", version="1"), findings=[],
                            terms=extract_terms(document))
    console = Console(record=True, width=160)
    render_table(result, console)
    assert "Netzee, Inc. (to check); THE BANKERS BANK (to check)" in console.export_text()


def test_each_html_value_links_to_its_quote() -> None:
    document, result = _result()
    page = render_html(document, result)
    assert page.index('class="terms"') < page.index(NO_FINDINGS)
    links = re.findall(r'<a href="#t(\d+)">', page)
    assert links
    terms = result.terms
    assert terms is not None and terms.governing_law is not None
    assert str(terms.governing_law.start) in links
    for offset in links:
        assert f'<a id="t{offset}"></a>' in page
    anchor = page.index(f'<a id="t{terms.governing_law.start}"></a>')
    assert page[anchor:].split("</a>", 1)[1].startswith("This Agreement shall be governed")


def test_no_terms_no_table() -> None:
    document, result = _result()
    plain = result.model_copy(update={"terms": None})
    assert 'class="terms"' not in render_html(document, plain)


def test_an_end_counted_from_an_undated_event_says_so() -> None:
    text = ("This Supply Agreement is made as of March 1, 2026 between Acme Corp. (\"Buyer\") and Beta Ltd. "
            "(\"Seller\").\n\n1. Term. This Agreement shall commence on the Effective Date and continue for ten (10) "
            "years from the First Commercial Sale (the \"Initial Term\").")
    _, result = _result(text)
    assert re.search(r"Expires\s+│\s+no date: 10 years after the first commercial sale", _table(result))


def test_periods_read_in_words_as_in_the_app() -> None:
    text = ("This Agreement is made as of June 1, 2020 between ACME, Inc. and Widget Ltd. The term of this Agreement "
            "shall be two (2) years from the date hereof and shall renew automatically for successive one (1) year "
            "terms unless either party gives ninety (90) days written notice of non-renewal.")
    document, result = _result(text)
    out = _table(result)
    assert re.search(r"Renewal\s+│\s+1 year \(automatic\)", out)
    assert re.search(r"Notice to stop renewal\s+│\s+90 days \(deadline 2022-03-03\)", out)
    assert "P1Y" not in out and "P90D" not in out
    assert ">1 year (automatic)</a>" in render_html(document, result)
