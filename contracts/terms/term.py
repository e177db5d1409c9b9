"""When the contract starts and ends, how it renews and by when a renewal must be stopped.

Each reading is anchored on the words contracts use for it ("the term of this Agreement", "renew",
"governed by"), then read in the sentence around the anchor, so the work is a few regex scans of the
text. An end date counted from another date ("five (5) years from the Effective Date") is computed,
CUAD's way: the same day N years on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from contracts.terms.dates import DateHit, find_dates
from contracts.terms.durations import DURATION, Period, add, period_of
from contracts.terms.numbers import read_count
from contracts.terms.sentences import sentence_around

AGREEMENT_HEAD = 5000
_DATED = re.compile(r"(?:dated|made|entered|executed|as\s+of|effective|this|day\s+of|date[d]?\s*:|signed|on)\W{0,40}$",
                    re.IGNORECASE)
_EFFECTIVE_NAME = r"[\"“”']{0,2}\s?(?:Effective|Commencement|Start)\s+Date\s?[\"“”']{0,2}"
_EFFECTIVE_DEF = re.compile(rf"{_EFFECTIVE_NAME}\)?\s{{0,3}}(?:shall\s+)?(?:means?|is|shall\s+be|will\s+be|:)",
                            re.IGNORECASE)
_EFFECTIVE_AFTER = re.compile(rf"^[^.;]{{0,80}}?\(\s?(?:the|this)?\s?{_EFFECTIVE_NAME}", re.IGNORECASE)
_EFFECTIVE_BEFORE = re.compile(r"(?:effective|commenc\w+|become\s+effective)\s+(?:as\s+of|on|from|at)?\s*(?:the\s+)?$",
                               re.IGNORECASE)
_TERM = re.compile(r"\b(?:term\s+of\s+this|initial\s+term|the\s+term\s+(?:of|shall|will|hereof)|this\s+agreement\s+"
                   r"(?:shall|will)\s+(?:continue|remain|expire|terminate|be\s+effective|commence)|shall\s+(?:continue|"
                   r"remain)\s+in\s+(?:full\s+)?(?:force|effect)|(?:shall|will)\s+expire|in\s+perpetuity|perpetual"
                   r"|until\s+terminated)", re.IGNORECASE)
_UNTIL = re.compile(r"(?:until|through|expir\w*\s+(?:on|at)?|terminat\w*\s+on|end(?:ing|s)?\s+on|to\s+and\s+including"
                    r"|ending|expire\s+at\s+the\s+close\s+of\s+business\s+on)\W{0,12}$", re.IGNORECASE)
_PERPETUAL = re.compile(r"perpetu|indefinite|until\s+(?:terminated|such\s+time|either\s+party\s+terminates)"
                        r"|unless\s+(?:and\s+until\s+)?terminated", re.IGNORECASE)
_ANNIVERSARY = re.compile(r"(?P<n>\w+(?:[\s-]\w+)?)\s*(?:\(\s*\d+(?:st|nd|rd|th)?\s*\)\s*)?anniversary", re.IGNORECASE)
_RENEW = re.compile(r"\brenew|\bextend(?:ed)?\s+(?:automatically|for)|automatically\s+extend|successive|"
                    r"year[\s-]to[\s-]year|month[\s-]to[\s-]month", re.IGNORECASE)
_YEARLY = re.compile(r"(?:year[\s-]to[\s-]year|annual(?:ly)?\s+basis|yearly)", re.IGNORECASE)
_MONTHLY = re.compile(r"month[\s-]to[\s-]month", re.IGNORECASE)
_SAME = re.compile(r"(?:same|equal)\s+(?:duration|length|period|term)|equal\s+to\s+the\s+initial", re.IGNORECASE)
_NOTICE_BEFORE = re.compile(r"(?:at\s+least|not\s+less\s+than|no\s+(?:less|later)\s+than|minimum\s+of|upon|with|giving|"
                            r"within|least|prior|advance)\W{0,20}$", re.IGNORECASE)
_NOTICE_AFTER = re.compile(r"^\W{0,4}(?:(?:prior|before|in\s+advance|advance|written|notice|preceding)\b|'?s?\s*"
                           r"(?:prior|written|advance|notice))", re.IGNORECASE)
_AUTOMATIC = re.compile(r"automatic|unless|will\s+(?:be\s+)?(?:renew|extend)|shall\s+(?:be\s+)?(?:renew|extend)",
                        re.IGNORECASE)
_OPTIONAL = re.compile(r"\boption\b|\bmay\s+(?:be\s+)?(?:renew|extend)|mutual|upon\s+(?:the\s+)?(?:written\s+)?agree",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One term as read: where its words stand, the value, how it was derived and how sure the reader is."""

    start: int
    end: int
    value: str | None
    confidence: float
    rule: str | None = None
    automatic: bool | None = None
    period: Period | None = None


def agreement_date(text: str) -> DateHit | None:
    """The date the contract is dated: the first date in its head that the preamble introduces ("made as of",
    "this 5th day of"), else the first date in the head."""
    hits = list(find_dates(text, 0, min(len(text), AGREEMENT_HEAD)))
    for hit in hits:
        if _DATED.search(text, max(0, hit.start - 60), hit.start):
            return hit
    return hits[0] if hits else None


def effective_date(text: str) -> DateHit | None:
    """A date the contract names as its effective (or commencement) date, or None when it names none."""
    for m in _EFFECTIVE_DEF.finditer(text):
        hit = next(find_dates(text, m.end(), min(len(text), m.end() + 150)), None)
        if hit is not None and not re.search(r"[.;]\s", text[m.end():hit.start]):
            return hit
    for hit in find_dates(text):
        if _EFFECTIVE_AFTER.match(text[hit.end:hit.end + 120]) or _EFFECTIVE_BEFORE.search(
                text, max(0, hit.start - 40), hit.start):
            return hit
    return None


def _relative_end(sentence: str, start: dt.date | None, base: str) -> tuple[Period, str, dt.date | None] | None:
    """A term counted from a start: "for five (5) years", "until the third anniversary"."""
    anniversary = _ANNIVERSARY.search(sentence)
    if anniversary:
        count = read_count(anniversary.group("n").split("(")[0])
        if count is None:
            ordinal = re.search(r"(\d+)(?:st|nd|rd|th)", anniversary.group())
            count = float(ordinal.group(1)) if ordinal else None
        if count is None:
            from text_to_num import alpha2digit
            ordinal = re.search(r"(\d+)(?:st|nd|rd|th)", alpha2digit(anniversary.group("n").lower(), "en"))
            count = float(ordinal.group(1)) if ordinal else None
        if count:
            period = Period(years=int(count))
            return period, f"{period.describe()} after the {base}", add(start, period) if start else None
    for m in DURATION.finditer(sentence):
        before = sentence[max(0, m.start() - 60):m.start()]
        if _NOTICE_BEFORE.search(before) or _NOTICE_AFTER.match(sentence[m.end():m.end() + 30]):
            continue
        count = read_count(m.group("count"))
        period = period_of(count, m.group("unit")) if count is not None else None
        if period is None:
            continue
        return period, f"{period.describe()} after the {base}", add(start, period) if start else None
    return None


def expiration(text: str, effective: dt.date | None, agreement: dt.date | None) -> Reading | None:
    """The end of the (initial) term: a date the contract states, one computed from its start, or perpetual."""
    seen: set[int] = set()
    for trigger in _TERM.finditer(text):
        s, e = sentence_around(text, trigger.start(), trigger.end())
        if s in seen:
            continue
        seen.add(s)
        sentence = text[s:e]
        for hit in find_dates(text, s, e):
            if _UNTIL.search(text, max(s, hit.start - 60), hit.start):
                return Reading(hit.start, hit.end, hit.value, 0.85 if hit.value else 0.5)
        base = "agreement date" if re.search(r"date\s+(?:of\s+this|hereof|first\s+(?:written|set))|execution|signature",
                                             sentence, re.IGNORECASE) or effective is None else "effective date"
        start = agreement if base == "agreement date" else effective
        if re.search(r"\b(?:for|of|period|until|ending|expire|end|continue|through)\b", sentence, re.IGNORECASE):
            relative = _relative_end(sentence, start, base)
            if relative is not None:
                period, rule, end = relative
                return Reading(s, e, end.isoformat() if end else None, 0.75 if end else 0.4, rule, period=period)
        if _PERPETUAL.search(sentence):
            return Reading(s, e, "perpetual", 0.7)
    return None


def renewal(text: str, initial: Period | None) -> tuple[Reading | None, Reading | None]:
    """The renewal term and the notice that stops a renewal, read from the first renewal sentence."""
    for trigger in _RENEW.finditer(text):
        s, e = sentence_around(text, trigger.start(), trigger.end())
        sentence = text[s:e]
        if re.search(r"\bnon-?renew|right\s+to\s+renew\s+any|renewal\s+of\s+(?:any|the)\s+(?:permit|license|insurance)",
                     sentence, re.IGNORECASE) and not re.search(r"automatic|successive", sentence, re.IGNORECASE):
            continue
        period: Period | None = None
        notice: Reading | None = None
        for m in DURATION.finditer(sentence):
            count = read_count(m.group("count"))
            found = period_of(count, m.group("unit")) if count is not None else None
            if found is None:
                continue
            before = sentence[max(0, m.start() - 60):m.start()]
            if _NOTICE_BEFORE.search(before) or _NOTICE_AFTER.match(sentence[m.end():m.end() + 30]):
                if notice is None:
                    notice = Reading(s, e, found.iso, 0.75, period=found)
            elif period is None:
                period = found
        if period is None and _YEARLY.search(sentence):
            period = Period(years=1)
        if period is None and _MONTHLY.search(sentence):
            period = Period(months=1)
        if period is None and _SAME.search(sentence) and initial is not None:
            period = initial
        if period is None and notice is None:
            continue
        automatic = True if re.search(r"automatic", sentence, re.I) else (
            False if _OPTIONAL.search(sentence) else (True if _AUTOMATIC.search(sentence) else None))
        reading = Reading(s, e, period.iso if period else None, 0.75 if period else 0.4, automatic=automatic,
                          period=period)
        return reading, notice
    return None, None
