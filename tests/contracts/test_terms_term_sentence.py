"""How the sentence that states a contract's term is chosen and read (#26, the fourth round, developed on the
first 241 contracts of CUAD's train split by name): a renewal's tail does not unmake the term's sentence, a
term never counts from the date its end names, and a term stated by the year it ends in ("the end of Year 3")."""

from __future__ import annotations

import pytest

from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.terms import extract_terms

HEAD = 'This Distribution Agreement is made on March 29, 2018 between Acme Pty Ltd ("Supplier") and Beta Inc. ("Distributor").\n\n'


def terms_of(text: str) -> KeyTerms:
    return extract_terms(Document.from_text("contract.txt", text))


def test_a_renewal_tail_after_the_term_does_not_unmake_its_sentence() -> None:
    terms = terms_of(HEAD + "11.1 This agreement begins on the Commencement Date and shall continue for an initial term "
                     "of one (1) years (Initial Term) and indefinitely after that until terminated by either party giving "
                     "at least twelve (12) months' prior written notice to expire on or after the expiry date of the "
                     "initial term.")
    assert terms.expiration_date is not None
    assert terms.expiration_date.value == "2019-03-29"
    assert terms.expiration_date.rule == "1 year after the effective date"


def test_a_sentence_about_what_follows_the_term_is_still_not_the_term() -> None:
    terms = terms_of(HEAD + "Following the expiry of the initial term of this Agreement, the Supplier may amend the "
                     "territory for a period of two (2) years. The term of this Agreement shall be three (3) years.")
    assert terms.expiration_date is not None
    assert terms.expiration_date.value == "2021-03-29"


@pytest.mark.parametrize(("words", "value"), [
    ("will end automatically upon the end of Year 3", "2021-03-29"),
    ("shall expire at the end of the second (2nd) year of this Agreement", "2020-03-29"),
])
def test_a_term_that_ends_with_a_numbered_year(words: str, value: str) -> None:
    terms = terms_of(HEAD + f"The term of this Agreement will commence on the Effective Date and {words}.")
    assert terms.expiration_date is not None
    assert terms.expiration_date.value == value


def test_a_contract_year_is_not_counted() -> None:
    """A "Contract Year" is whatever the contract defines (often a calendar year): its end is not guessed."""
    terms = terms_of(HEAD + "This Agreement shall commence on the Effective Date and continue until the end of the "
                     "fifteenth (15th) Contract Year.")
    assert terms.expiration_date is None or terms.expiration_date.value != "2033-03-29"


@pytest.mark.parametrize(("words", "value", "rule"), [
    # the event the period counts from has no date: no end is guessed from the start the sentence names first
    ("commencing on the Effective Date and ending two (2) years after the Launch Date", None,
     "2 years after the launch date"),
    ("commencing on April 1, 2018 and ending two (2) years following the Launch Date", None,
     "2 years after the launch date"),
    ("commencing on the Effective Date and ending three (3) years from the date hereof", "2021-03-29",
     "3 years after the agreement date"),
    # an event named without "date", or a date of several words: no date either
    ("commencing on the Effective Date and ending ten (10) years from the First Commercial Sale", None,
     "10 years after the first commercial sale"),
    ("commencing on the Effective Date and ending twelve (12) months after the Launch", None,
     "12 months after the launch"),
    ("commencing on the Effective Date and ending one (1) year from the Rig Release Date", None,
     "1 year after the rig release date"),
    ("of three years from and including the date of this Agreement", "2021-03-29", "3 years after the effective date"),
])
def test_a_period_counts_from_the_start_named_just_after_it(words: str, value: str | None, rule: str) -> None:
    terms = terms_of(HEAD + f"The term of this Agreement shall be the period {words}.")
    assert terms.expiration_date is not None
    assert (terms.expiration_date.value, terms.expiration_date.rule) == (value, rule)


def test_a_contract_that_ends_on_a_partys_notice_has_no_fixed_term() -> None:
    """CUAD reads "shall terminate ... upon either party giving notice" as perpetual; the year an extension
    would last is not the term's."""
    terms = terms_of(HEAD + "This Agreement shall terminate, subject to any automatic renewal or extension for one year "
                     "as required by law, upon either party giving at least one hundred twenty (120) days advance "
                     "written notice to the other.")
    assert terms.expiration_date is not None
    assert terms.expiration_date.value == "perpetual"


def test_a_period_before_a_passing_mention_of_the_term_is_not_the_term() -> None:
    terms = terms_of(HEAD + "The committee shall meet every other week during the first sixty (60) days after the "
                     "Launch Date and monthly for the rest of the Term.")
    assert terms.expiration_date is None


def test_a_period_just_before_its_term_is_read() -> None:
    terms = terms_of(HEAD + "The Distributor's appointment expires at the end of a one (1) year term.")
    assert terms.expiration_date is not None
    assert terms.expiration_date.value == "2019-03-29"


def test_a_term_that_ends_on_the_last_day_of_a_month() -> None:
    terms = terms_of(HEAD + "Expiration Date: at midnight on the last day of the month fifteen (15) years from the "
                     "Effective Date.")
    assert terms.expiration_date is not None
    assert (terms.expiration_date.value, terms.expiration_date.rule) == (
        "2033-03-31", "15 years after the effective date, at that month's end")


def test_a_sentence_that_does_not_speak_of_the_agreement_is_not_its_term() -> None:
    """A weak cue ("continue ... in effect") in a sentence about something else gives no end; a form's
    "Expiration Date:" label still does."""
    terms = terms_of(HEAD + "The Company will continue such qualifications in effect for one (1) year so long as "
                     "required for the distribution of the Shares.")
    assert terms.expiration_date is None
    terms = terms_of(HEAD + "Expiration Date: August 31, 2020\n\nFees: $100.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "2020-08-31"


def test_an_agreement_that_automatically_continues_renews() -> None:
    """"shall automatically continue ... for an additional period of three (3) years, unless ... notice ... at least
    sixty (60) days prior" renews as "automatically renew" does; a service that continues during the term does not."""
    terms = terms_of(HEAD + "6.1 Term. The term of this Agreement shall continue for a period of five years (\"Initial "
                     "Term\"). This Agreement shall automatically continue following the Initial Term, for an additional "
                     "period of three (3) years, unless a party provides written notice of termination to the other "
                     "parties at least sixty (60) days prior to the expiration of the Initial Term.")
    assert terms.renewal_term is not None and terms.renewal_term.value == "P3Y" and terms.renewal_term.automatic
    assert terms.notice_period_to_terminate_renewal is not None
    assert terms.notice_period_to_terminate_renewal.value == "P60D"
    support = terms_of(HEAD + "4.2 Support. Maintenance and Support shall automatically continue during the term of "
                       "this Agreement and thereafter, provided that the Licensee pays the annual fees.")
    assert support.renewal_term is None


def test_an_undated_event_the_term_counts_from_is_named_in_full() -> None:
    """The rule a lawyer reads named "the initial date" of "the initial date of execution of the Memorandum";
    it goes on with the event's "of ..." words, up to the sentence's next clause."""
    terms = terms_of(HEAD + "6.1 Term. The term of this Agreement shall continue for a period of five years following "
                     "the initial date of execution of the Memorandum, unless terminated earlier pursuant to Section 6.2.")
    assert terms.expiration_date is not None and terms.expiration_date.value is None
    assert terms.expiration_date.rule == "5 years after the initial date of execution of the memorandum"
    launch = terms_of(HEAD + "The term of this Agreement shall be ten (10) years from the first commercial sale of the "
                      "first Licensed Product in the Territory.")
    assert launch.expiration_date is not None
    assert launch.expiration_date.rule == "10 years after the first commercial sale of the first licensed product"
