"""The key-terms panel's words: an end counted from an undated event says so; unread words are shown as such."""

from __future__ import annotations

from contracts.documents import Document
from contracts.terms import extract_terms
from ui.terms_view import term_rows

HEAD = 'This Supply Agreement is made as of March 1, 2026 between Acme Corp. ("Buyer") and Beta Ltd. ("Seller").\n\n'


def _expires(text: str) -> str:
    terms = extract_terms(Document.from_text("c.txt", HEAD + text))
    return next(r.value for r in term_rows(terms) if r.key == "expiration_date")


def test_an_end_from_an_undated_event_and_an_impossible_date() -> None:
    assert _expires("1. Term. This Agreement shall continue for ten (10) years from the First Commercial Sale.") \
        == "no date: 10 years after the first commercial sale"
    assert _expires("1. Term. This Agreement shall continue for three (3) years from the Effective Date.") \
        == "2029-03-01 (3 years after the effective date)"
    assert _expires("1. Term. This Agreement shall expire on February 31, 2027.").startswith("unreadable: ")


def test_the_portfolio_says_no_date_where_the_end_hangs_on_an_undated_event() -> None:
    from contracts.wire import PortfolioItem
    from ui.terms_view import portfolio_rows

    def expires(text: str) -> str:
        terms = extract_terms(Document.from_text("c.txt", HEAD + text))
        item = PortfolioItem.model_validate({"id": "c1", "name": "c.txt", "created_at": "2026-12-06T00:00:00Z",
                                             "terms": terms.model_dump(), "risks": {}})
        return portfolio_rows([item])[0]["Expires"]

    assert expires("1. Term. This Agreement shall continue for ten (10) years from the First Commercial Sale.") == "no date"
    assert expires("1. Term. This Agreement shall continue for three (3) years from the Effective Date.") == "2029-03-01"
    assert expires("1. Payment. Fees are due on delivery.") == ""


def test_a_party_found_outside_the_preamble_is_marked_to_check_until_a_lawyer_confirms_it() -> None:
    from tests.contracts.test_party_ranker import LETTER

    preamble = {r.value for r in term_rows(extract_terms(Document.from_text("c.txt", HEAD)))}
    assert {"Acme Corp. (Buyer)", "Beta Ltd. (Seller)"} <= preamble  # the preamble's names: no mark
    terms = extract_terms(Document.from_text("letter.txt", LETTER))
    assert [r.value for r in term_rows(terms) if r.label == "Party"] == ["Netzee, Inc. · to check",
                                                                        "THE BANKERS BANK · to check"]
    from contracts.wire import PortfolioItem
    from ui.terms_view import portfolio_rows

    item = PortfolioItem.model_validate({"id": "c1", "name": "letter.txt", "created_at": "2026-12-06T00:00:00Z",
                                         "terms": terms.model_dump(), "risks": {}})
    assert portfolio_rows([item])[0]["Parties"] == "Netzee, Inc. (to check); THE BANKERS BANK (to check)"
    confirmed = terms.parties[1].model_copy(update={"source": "lawyer"})
    terms.parties[1] = confirmed
    assert [r.value for r in term_rows(terms) if r.label == "Party"][1] == "THE BANKERS BANK"


def test_the_end_says_how_it_was_reached_and_an_event_is_no_perpetuity() -> None:
    """A computed end shows its rule; one that is the later of two ends says it is the earliest; a term that lasts
    as long as something else does (CUAD's "perpetual") is not shown as perpetual, in the review or the portfolio."""
    from contracts.wire import PortfolioItem
    from ui.terms_view import portfolio_rows

    later = _terms("This Agreement is made and effective as of June 8, 2010. The term of this Agreement shall end on "
                   "the later of (a) the seventh (7th) anniversary of the Effective Date and (b) the date the last "
                   "Product is delivered.")
    assert _row(later, "expiration_date") == ("2017-06-08 (7 years after the effective date; at the earliest: the term "
                                              "ends at the later of this and another end the contract names)")
    patent = _terms("This Agreement is made as of June 8, 2010. The term of this Agreement shall continue until the "
                    "date of expiration of the last to expire patent within the Patent Rights.")
    assert _row(patent, "expiration_date") == "no fixed end: the term lasts until an event the contract names"
    item = PortfolioItem.model_validate({"id": "c1", "name": "c.txt", "created_at": "2026-12-06T00:00:00Z",
                                         "terms": patent.model_dump(), "risks": {}})
    assert portfolio_rows([item])[0]["Expires"] == "until an event"
    endless = _terms("This Agreement is made as of June 8, 2010. This Agreement shall be perpetual.")
    assert _row(endless, "expiration_date") == "perpetual"


def _terms(text: str):
    return extract_terms(Document.from_text("contract.txt", text))


def _row(terms, field: str) -> str:
    return next(r.value for r in term_rows(terms) if r.key == field)


def test_a_lawyers_value_without_words_reads_as_such() -> None:
    """A correction sent without a span (the app's form sends none) is stored unquoted: a lawyer's null read
    "unreadable: “”" rather than that the contract does not state it."""
    from contracts.key_terms import KeyTerms

    terms = KeyTerms.model_validate({"governing_law": {"value": None, "quote": "", "start": 0, "end": 0,
                                                       "source": "lawyer"},
                                     "effective_date": {"value": "2030-06-30", "quote": "", "start": 0, "end": 0,
                                                        "source": "lawyer"}})
    assert _row(terms, "governing_law") == "not stated"
    assert _row(terms, "effective_date") == "2030-06-30"
