"""Key-term dates the contract names by reference rather than by a date (#26, the held-out round): an
effective date that is "the date first written above" or "the date of its signature", a term counted from
an event the contract does not date, and a term that lasts as long as something else does."""

from __future__ import annotations

import pytest

from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.terms import extract_terms
from contracts.terms.dates import find_dates
from contracts.terms.sentences import lowered
from contracts.terms.term import AT_THE_EARLIEST, UNTIL_AN_EVENT, expiration
from tests.contracts.rankers import EVEN


def terms_of(text: str) -> KeyTerms:
    return extract_terms(Document.from_text("contract.txt", text))


def test_effective_as_of_the_date_first_written_above_is_the_agreement_date() -> None:
    # the form in the exhibit ("Effective Date: January 5, 1999") is not the agreement's effective date
    terms = terms_of("AGENCY AGREEMENT\n\nThis Agency Agreement is made as of March 29, 1999, by and between A and B. "
                     "This Agreement will become effective as of the date first written above and will continue in "
                     "effect until terminated.\n\nEXHIBIT A\nEffective Date:        January 5, 1999\n")
    assert terms.effective_date is not None and terms.effective_date.value == "1999-03-29"
    assert terms.effective_date.rule == "the agreement date"


@pytest.mark.parametrize("words", [
    "This Agreement shall be effective on the date of signed acceptance by MMMW.",
    "The Effective Date of this Agreement shall be the later of the dates shown by the signatures below.",
    "This Amendment shall enter into force on the date of its signature by both Parties.",
])
def test_an_effective_date_by_signature_is_the_signature_date(words: str) -> None:
    text = (f"MAINTENANCE AGREEMENT\n\nDate: March 1, 1998\n\n{words} " + "The parties agree. " * 300
            + "\n\nIN WITNESS WHEREOF the parties have signed.\nBy: A    By: B\nDate: March 4, 1998    Date: 3-5-98\n")
    terms = terms_of(text)
    assert terms.effective_date is not None and terms.effective_date.value == "1998-03-05"  # the later signature
    assert terms.effective_date.quote == "3-5-98"


@pytest.mark.parametrize("words", [
    "This Agreement shall become effective upon the signature of both parties.",
    "This Agreement shall be effective upon execution by both parties.",
])
def test_effective_upon_signature_by_the_parties_is_the_last_signature_date(words: str) -> None:
    text = (f"This Agreement is made as of March 1, 2010. {words}" + " The parties agree." * 300
            + "\nIN WITNESS WHEREOF\nDate: March 3, 2010   Date: March 5, 2010")
    terms = terms_of(text)
    assert terms.effective_date is not None and terms.effective_date.value == "2010-03-05"
    assert terms.agreement_date is not None and terms.agreement_date.value == "2010-03-01"


def test_the_first_of_a_month_without_day_of() -> None:
    terms = terms_of("THIS AGREEMENT is made on the 1st of March 2010 between A and B.")
    assert terms.agreement_date is not None and terms.agreement_date.value == "2010-03-01"
    assert terms.agreement_date.quote == "1st of March 2010"
    # a numbered section is not a day: "Section 2 of March 2010" stays the month it names
    assert [h.value for h in find_dates("see section 2 of march 2010 report")] == ["2010-03"]


def test_a_stated_effective_date_before_a_reference_is_kept() -> None:
    terms = terms_of('This Agreement is made on May 2, 2001 and is effective as of June 1, 2001 (the "Effective '
                     'Date"). Each amendment shall be effective as of the date first written in it.')
    assert terms.effective_date is not None and terms.effective_date.value == "2001-06-01"


def test_an_end_no_later_than_a_date_is_that_date() -> None:
    terms = terms_of('This Agreement is made as of January 15, 2008 (the "Effective Date"). This Agreement shall '
                     "commence as of the Effective Date and shall terminate five (5) years following the date of "
                     "launch of the first Website, but in no event later than February 28, 2013.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "2013-02-28"


@pytest.mark.parametrize("words", [
    "shall continue until the termination of the Strategic Alliance Agreement",
    "shall extend until the last date of expiration of the intellectual property rights licensed hereunder",
    "shall end on the expiration date of the operation term of Party B",
    "shall continue in effect until Achaogen ceases development of the Product",
    "shall remain in effect until the expiration or termination of the Master Agreement",
    "shall remain in full force and effect so long as Licensee sells the Products",
    "shall continue as long as the Supply Agreement remains in effect",
    "shall remain in effect until the parties agree in writing to terminate it",
    "has no fixed term",
])
def test_a_term_as_long_as_something_else_lasts_is_perpetual(words: str) -> None:
    # the reader's rule, whatever the shipped ranker makes of a two-sentence contract: an even ranker reads the
    # sentences in order
    low = lowered(f"This Agreement is made as of June 8, 2010. The term of this Agreement {words}.")
    ends = expiration(low, "2010-06-08", "2010-06-08", ranker=EVEN)
    assert ends is not None and ends.value == "perpetual"
    # CUAD's "perpetual", but a lawyer is told the term ends with something else, where it does
    endless = words in ("has no fixed term", "shall remain in effect until the parties agree in writing to terminate it")
    assert ends.rule == (None if endless else UNTIL_AN_EVENT)


@pytest.mark.parametrize("words", ["shall be perpetual", "shall continue indefinitely",
                                   "shall be in effect for an unlimited period of time",
                                   "shall continue in full force and effect until terminated by either party"])
def test_a_term_with_no_end_at_all_is_perpetual_without_a_rule(words: str) -> None:
    low = lowered(f"This Agreement is made as of June 8, 2010. The term of this Agreement {words}.")
    ends = expiration(low, "2010-06-08", "2010-06-08", ranker=EVEN)
    assert ends is not None and (ends.value, ends.rule) == ("perpetual", None)


@pytest.mark.parametrize(("words", "value", "rule"), [
    ("shall end on the later of (i) December 15, 2019 or (ii) the last delivery of Product", "2019-12-15",
     AT_THE_EARLIEST),
    ("shall end on the later of (a) the seventh (7th) anniversary of the Effective Date and (b) the date the last "
     "Product is delivered", "2017-06-08", f"7 years after the effective date; {AT_THE_EARLIEST}"),
    ("shall end on the seventh (7th) anniversary of the Effective Date", "2017-06-08", "7 years after the effective date"),
])
def test_an_end_that_is_the_later_of_two_is_the_earliest_it_can_be(words: str, value: str, rule: str) -> None:
    # the calendar's date is the earliest the term can end; the review says so
    low = lowered(f"This Agreement is made and effective as of June 8, 2010. The term of this Agreement {words}.")
    ends = expiration(low, "2010-06-08", "2010-06-08", ranker=EVEN)
    assert ends is not None and (ends.value, ends.rule) == (value, rule)


@pytest.mark.parametrize(("words", "value"), [
    ("shall continue for two (2) years and thereafter until the expiration of the then-current term", "2012-06-08"),
    ("shall continue until the expiration of this Agreement's Initial Term of three (3) years", "2013-06-08"),
])
def test_the_terms_own_expiry_is_not_another_things(words: str, value: str) -> None:
    terms = terms_of(f"This Agreement is made as of June 8, 2010. The term of this Agreement {words}.")
    assert terms.expiration_date is not None and terms.expiration_date.value == value


def test_a_date_under_conformed_signatures_is_the_agreement_date() -> None:
    # no date in the head, no "Date:" label, no witness clause: the dates under "/s/" (EDGAR's conformed
    # signatures); the later one is the day the contract was fully signed
    text = ("OUTSOURCING AGREEMENT\n\nMMI shall manufacture the units. " + "The parties agree. " * 300
            + "\n\nMMI  \\s\\ John Dick   General Manager\n-----------------------   19 Jan. 1998\n"
            "DRAGON SYSTEMS, INC.  /s/ Janet M. Baker, President\n-----------------------   12 Jan. 1998\n")
    terms = terms_of(text)
    assert terms.agreement_date is not None and terms.agreement_date.value == "1998-01-19"


def test_a_date_the_term_ends_on_is_not_the_agreement_date() -> None:
    text = ('ENDORSEMENT AGREEMENT\n\n1. Definitions. a) "Contract Period" means that period of time commencing upon '
            "the full execution of this agreement by both parties and terminating on May 31, 2016. "
            + "The parties agree. " * 300 + "\n\nIN WITNESS WHEREOF the parties have signed.\nDate: May 17, 2012\n")
    terms = terms_of(text)
    assert terms.agreement_date is not None and terms.agreement_date.value == "2012-05-17"
    assert terms.expiration_date is not None and terms.expiration_date.value == "2016-05-31"


def test_a_forms_labelled_start_is_the_effective_date() -> None:
    terms = terms_of("CONTENT LICENSE AGREEMENT  03/24/06\n\nContract  start:  04-01-06\n\n7.1 The term of this "
                     "letter Agreement shall continue for twenty-four (24) months from the contract start.")
    assert terms.effective_date is not None and terms.effective_date.value == "2006-04-01"
    assert terms.expiration_date is not None and terms.expiration_date.value == "2008-04-01"


HEAD = 'This Agreement is made and entered into as of March 1, 2010 (the "Effective Date") by and between Acme and Beta LLC. '


# common wordings of a term's end that no train contract happened to use (written for the round, not taken from CUAD)
@pytest.mark.parametrize(("words", "value"), [
    ("Term: 2 years from the Effective Date.", "2012-03-01"),  # a label, its value after the colon
    ("Term. This Agreement shall be effective for two years.", "2012-03-01"),
    ("The Agreement shall be effective for a period of one (1) year and shall automatically renew for successive "
     "one-year periods.", "2011-03-01"),
    ("This Agreement commences on the Effective Date and ends on the fifth anniversary thereof.", "2015-03-01"),
    ("This agreement will last for two years.", "2012-03-01"),
    ("This Agreement shall be in force until 31.12.2015.", "2015-12-31"),
    ("This Agreement shall be in effect for an unlimited period of time.", "perpetual"),
    ("This Agreement shall be effective from the Effective Date until December 31, 2012.", "2012-12-31"),
    ("The duration of this Agreement is three (3) years.", "2013-03-01"),
    ("This Agreement shall be binding for a period of 5 years.", "2015-03-01"),
    ("This Agreement shall run for a period of three years.", "2013-03-01"),
    ("TERM\n\nThis Agreement shall be for a period of two (2) years.", "2012-03-01"),
    ("The contract period is from March 1, 2010 to February 28, 2011.", "2011-02-28"),
])
def test_an_end_in_common_wordings(words: str, value: str) -> None:
    terms = terms_of(HEAD + words)
    assert terms.expiration_date is not None and terms.expiration_date.value == value


@pytest.mark.parametrize("words", [
    "AGREEMENT dated as of March 1, 2010. The effective date of this Agreement is April 1, 2010.",
    "This Agreement is made on March 1, 2010 with effect from April 1, 2010.",
    "This Agreement is made on March 1, 2010 and shall take effect on April 1, 2010.",
    "This Agreement is made on March 1, 2010 and is effective as from April 1, 2010.",
    "This Agreement is made on March 1, 2010. This Agreement shall enter into force on April 1, 2010.",
    "This Agreement is made on March 1, 2010, effective retroactively to April 1, 2010.",
    "This Agreement is made on March 1, 2010 but shall have effect from April 1, 2010.",
])
def test_an_effective_date_in_common_wordings(words: str) -> None:
    terms = terms_of(words)
    assert terms.effective_date is not None and terms.effective_date.value == "2010-04-01"
    assert terms.agreement_date is not None and terms.agreement_date.value == "2010-03-01"


@pytest.mark.parametrize("words", [
    "The Revenue Share Fee shall be payable quarterly in arrears for the duration of this Agreement.",
    "Galen may terminate if the turnover during the period 1 July 2004 - 30 June 2005 is less than $50,000,000.",
    "If any term is held invalid, the remaining terms shall remain in full force and effect and shall in no way be "
    "affected, so long as the economic substance is not affected.",
])
def test_words_near_a_term_that_do_not_state_its_end(words: str) -> None:
    terms = terms_of(HEAD + words)
    assert terms.expiration_date is None


@pytest.mark.parametrize(("words", "value"), [
    ("This Agreement shall automatically renew for successive one (1) year periods following an initial term of "
     "three (3) years.", "2013-03-01"),
    ("The term of this Agreement shall be extended for additional periods of one year after the initial term of "
     "five years.", "2015-03-01"),
    ("This Agreement shall continue for an initial period of two (2) years and thereafter for successive periods of "
     "one (1) year.", "2012-03-01"),
])
def test_a_renewals_length_is_not_the_initial_term(words: str, value: str) -> None:
    terms = terms_of(HEAD + words)
    assert terms.expiration_date is not None and terms.expiration_date.value == value


def test_a_renewal_only_sentence_states_no_end() -> None:
    terms = terms_of(HEAD + "Following the completion of such term, Bank may renew maintenance for subsequent periods "
                            "of one (1) year each.")
    assert terms.expiration_date is None
