"""Periods as ISO 8601 durations ("P30D", "P6M", "P1Y") and the date arithmetic on them.

A period is kept as (years, months, days) as written: "12 months" stays P12M, so that the quote and the
value agree; `same_length` says when two periods are equal for matching (P12M == P1Y, P2W == P14D)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from contracts.terms.counts import COUNT, read_count

UNIT = r"(?:calendar\s+|business\s+|working\s+|consecutive\s+)?(?:years?|months?|weeks?|days?)"
DURATION = re.compile(rf"(?<![\w-])(?P<count>{COUNT})[\s-]*(?:\(\s*\d{{1,4}}\s*\)\s*)?(?P<unit>{UNIT})\b")
# ASCII digits only, and the whole value (`fullmatch`): a correction of "P٣D" or "P1Y\n" is not a period
_ISO = re.compile(r"P(?=[0-9])(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?")


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def iso(self) -> str:
        parts = [f"{n}{u}" for n, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + ("".join(parts) or "0D")

    def delta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def describe(self) -> str:
        parts = [f"{n} {u}{'s' if n != 1 else ''}" for n, u in ((self.years, "year"), (self.months, "month"),
                                                               (self.days, "day")) if n]
        return " ".join(parts)


def period_of(count: float, unit: str) -> Period | None:
    """The period "count unit" ("0.5 year" is six months); None for a count no contract means."""
    unit = unit.lower().split()[-1].rstrip("s")
    if count <= 0 or count > 1000:
        return None
    if unit == "year":
        months = round(count * 12)
        return Period(years=months // 12, months=months % 12) if months % 12 == 0 else Period(months=months)
    if unit == "month":
        return Period(months=round(count))
    if unit == "week":
        return Period(days=round(count * 7))
    return Period(days=round(count))


def parse_period(words: str) -> Period | None:
    """The first period in `words` ("thirty (30) days" -> P30D)."""
    m = DURATION.search(words.lower())
    if not m:
        return None
    count = read_count(m.group("count"))
    return period_of(count, m.group("unit")) if count is not None else None


def from_iso(value: str) -> Period | None:
    """The period an ISO 8601 duration of years, months, weeks and days names ("P1Y6M", "P2W"), else None."""
    m = _ISO.fullmatch(value)
    if not m:
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in m.groups())
    return Period(years, months, days + 7 * weeks)


_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}


def period_words(value: str | None) -> str:
    """An ISO 8601 period as a lawyer reads it ('P1Y' -> '1 year', 'P1Y6M' -> '1 year 6 months', 'P2W' ->
    '2 weeks'); anything else as it is, and '—' for none. The app, the terminal table and the HTML report
    all say periods this way."""
    if not value:
        return "—"
    if not re.fullmatch(r"P(\d+[YMWD])+", value):
        return value
    return " ".join(f"{n} {_UNITS[u]}{'' if n == '1' else 's'}" for n, u in re.findall(r"(\d+)([YMWD])", value))


def same_length(a: Period, b: Period) -> bool:
    """Equal periods: the same months (a year is twelve) and the same days."""
    return a.years * 12 + a.months == b.years * 12 + b.months and a.days == b.days


def add(date: dt.date, period: Period, sign: int = 1) -> dt.date:
    """`date` plus (or minus) the period, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    delta = period.delta()
    return date + delta if sign > 0 else date - delta
