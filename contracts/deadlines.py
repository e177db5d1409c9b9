"""The dates a lawyer must act on, read from a contract's key terms: its expiration and the last day to
give notice that stops a renewal. One function for every surface (the API's calendar feed and notice
webhook, the portfolio's filter, the app's timeline), so that they never disagree on a date.

Only full dates make a deadline: a contract that says "expires in 2015" gives no day to put in a
calendar. For filters, `last_day` reads a reduced-precision date as the last day it can mean, so that
"expires before X" holds for every day the contract's words allow."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from contracts.key_terms import Grounded, KeyTerms
from contracts.terms.durations import from_iso

DeadlineKind = Literal["expiration", "notice_deadline"]
DEADLINE_TITLES: dict[DeadlineKind, str] = {"expiration": "expires", "notice_deadline": "last day to give notice"}
# ASCII digits only, and the whole value (`fullmatch`): "２０３０-０１-３１" or "2030-06-30\n" is no date
_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    day: date
    term: Grounded  # where the contract says it (the expiration, or the notice period)


def parse_iso(value: str | None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO 8601 date at full or reduced precision, or None when it is none
    (a real calendar day is required when the day is given: no 31 February; and no year 0, which no
    calendar has)."""
    match = _ISO_DATE.fullmatch(value or "")
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def full_day(value: str | None) -> date | None:
    """The day an ISO date names, or None when it is not a full date (reduced precision, 'perpetual')."""
    parts = parse_iso(value)
    if parts is None or parts[1] is None or parts[2] is None:
        return None
    return date(parts[0], parts[1], parts[2])


def last_day(value: str | None) -> date | None:
    """The last day an ISO date at any precision can mean ('2015' -> 2015-12-31, '2015-02' -> 2015-02-28)."""
    parts = parse_iso(value)
    if parts is None:
        return None
    year, month, day = parts
    month = month or 12
    return date(year, month, day or calendar.monthrange(year, month)[1])


def deadlines(terms: KeyTerms) -> list[Deadline]:
    """The contract's dated deadlines, soonest first."""
    found: list[Deadline] = []
    expiration = terms.expiration_date
    if expiration is not None and (day := full_day(expiration.value)) is not None:
        found.append(Deadline("expiration", day, expiration))
    notice = terms.notice_period_to_terminate_renewal
    if notice is not None and (day := full_day(notice.deadline)) is not None:
        found.append(Deadline("notice_deadline", day, notice))
    return sorted(found, key=lambda d: d.day)


def minus_period(day: date, period: str) -> date | None:
    """`day` less an ISO 8601 period (P1Y, P6M, P2W, P90D); None for a period that is not one. A month
    shift lands on the month's last day when the day does not exist (31 March - P1M = 28/29 February)."""
    length = from_iso(period)
    if length is None:
        return None
    months = day.year * 12 + day.month - 1 - length.years * 12 - length.months
    year, month = divmod(months, 12)
    if year < 1:
        return None
    shifted = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    ordinal = shifted.toordinal() - length.days
    return date.fromordinal(ordinal) if ordinal >= 1 else None


def notice_deadline(terms: KeyTerms) -> str | None:
    """The expiration date less the notice period, as an ISO date; None unless both are exact."""
    expiration = full_day(terms.expiration_date.value if terms.expiration_date else None)
    notice = terms.notice_period_to_terminate_renewal
    if expiration is None or notice is None or notice.value is None:
        return None
    day = minus_period(expiration, notice.value)
    return day.isoformat() if day else None
