"""Which date of a contract is its agreement date: the rules that pass over another agreement's date, read a
year left alone by lost blanks, and fall back on a defined Effective Date before a date deep in the body."""

from __future__ import annotations

from contracts.terms.dates import find_dates
from contracts.terms.sentences import lowered
from contracts.terms.term import agreement_date

FILLER = "The Supplier shall perform the services with due care and skill. " * 90  # pushes text past the head


def _date(text: str) -> str | None:
    hit = agreement_date(lowered(text))
    return hit.value if hit is not None else None


def test_a_recited_agreement_with_its_defined_name_is_not_the_agreement() -> None:
    text = ('This letter sets out the terms under a License Agreement (the "License Agreement") dated as of '
            "May 4, 2012 between Acme Inc. and Beta LLC.\n\nDated this 9th day of June, 2012.")
    assert _date(text) == "2012-06-09"


def test_a_recited_agreement_with_its_reference_number_is_not_the_agreement() -> None:
    text = ("AMENDMENT NO. 2 TO THE SUPPLY AGREEMENT REF. SA/C-101/09 ISSUE 3 DATED MARCH 9, 2015\n\n"
            "This Amendment is entered into on January 6, 2016 between Acme Inc. and Beta LLC.")
    assert _date(text) == "2016-01-06"


def test_a_day_of_the_month_of_is_read_to_the_day() -> None:
    hits = list(find_dates(lowered("signed in Lima on the twelfth (12th) day of the month of April, 2011.")))
    assert [h.value for h in hits] == ["2011-04-12"]


def test_a_year_left_alone_by_lost_blanks_is_the_agreement_year() -> None:
    text = ('This Amendment No. 1 is entered into on 2019 (the "Amendment Date") by Acme Inc. and Beta LLC.\n\n'
            '"Gamma Agreement" means the supply agreement entered into between Acme Inc. and Gamma Ltd. (a subsidiary'
            " of Delta plc) dated 4 March 2019.")
    assert _date(text) == "2019"


def test_a_blank_day_and_month_are_not_filled_from_another_date_of_that_year() -> None:
    text = ("This Agreement is made this ___ day of ________, 2019 between Acme Inc. and Beta LLC.\n\n"
            '"Gamma Agreement" means the supply agreement entered into between Acme Inc. and Gamma Ltd. (a subsidiary'
            " of Delta plc) dated 4 March 2019.")
    assert _date(text) == "2019"


def test_a_defined_effective_date_comes_before_a_date_deep_in_the_body() -> None:
    text = ("MANUFACTURING AGREEMENT\n\nbetween Acme Inc. and Beta LLC\n\n1. Definitions\n\n"
            '1.1 "Effective Date" shall mean December 5, 2014.\n\n' + FILLER +
            "\n\nAs of January 1, 2015, such insurance shall have annual aggregate limits of $2,000,000.")
    assert _date(text) == "2014-12-05"
