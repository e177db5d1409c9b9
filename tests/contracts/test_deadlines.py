"""The dates a lawyer acts on, read from key terms: ISO dates at any precision, period arithmetic, and
the deadlines every surface (calendar, notice webhook, portfolio, timeline) shares."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.deadlines import deadlines, full_day, last_day, minus_period, notice_deadline, parse_iso
from contracts.key_terms import ExpirationTerm, KeyTerms, NoticePeriodTerm

AT = {"quote": "x", "start": 0, "end": 1}


@pytest.mark.parametrize(("value", "parsed", "full", "last"), [
    ("2019-10-31", (2019, 10, 31), date(2019, 10, 31), date(2019, 10, 31)),
    ("2015-02", (2015, 2, None), None, date(2015, 2, 28)),
    ("2016-02", (2016, 2, None), None, date(2016, 2, 29)),
    ("2015", (2015, None, None), None, date(2015, 12, 31)),
    ("2015-02-31", None, None, None),  # no such day
    ("2015-13", None, None, None),
    ("perpetual", None, None, None),
    ("31/12/2015", None, None, None),
    (None, None, None, None),
])
def test_iso_dates_at_any_precision(value, parsed, full, last) -> None:
    assert parse_iso(value) == parsed
    assert full_day(value) == full
    assert last_day(value) == last


@pytest.mark.parametrize(("day", "period", "expected"), [
    (date(2024, 10, 30), "P90D", date(2024, 8, 1)),
    (date(2024, 3, 31), "P1M", date(2024, 2, 29)),  # the month's last day when the day does not exist
    (date(2025, 3, 31), "P1M", date(2025, 2, 28)),
    (date(2025, 1, 15), "P1Y6M", date(2023, 7, 15)),
    (date(2025, 1, 15), "P2W", date(2025, 1, 1)),
    (date(2025, 1, 15), "P1Y1M1W1D", date(2023, 12, 7)),
    (date(2025, 1, 15), "30 days", None),
    (date(2025, 1, 15), "P", None),
    (date(1, 1, 5), "P10D", None),  # before year 1
    (date(2, 1, 5), "P2Y", None),
])
def test_minus_period(day, period, expected) -> None:
    assert minus_period(day, period) == expected


def test_deadlines_need_full_dates_and_come_soonest_first() -> None:
    terms = KeyTerms(expiration_date=ExpirationTerm(value="2027-06-30", **AT),
                     notice_period_to_terminate_renewal=NoticePeriodTerm(value="P180D", **AT))
    assert notice_deadline(terms) == "2027-01-01"
    terms.notice_period_to_terminate_renewal.deadline = notice_deadline(terms)  # type: ignore[union-attr]
    assert [(d.kind, d.day) for d in deadlines(terms)] == [("notice_deadline", date(2027, 1, 1)),
                                                           ("expiration", date(2027, 6, 30))]
    vague = KeyTerms(expiration_date=ExpirationTerm(value="2027", **AT),
                     notice_period_to_terminate_renewal=NoticePeriodTerm(value="P180D", **AT))
    assert notice_deadline(vague) is None and deadlines(vague) == []
    assert deadlines(KeyTerms(expiration_date=ExpirationTerm(value="perpetual", **AT))) == []
    assert deadlines(KeyTerms()) == []
