"""Calendar dates as contracts write them, read to ISO 8601 at the precision the words give.

"June 23, 2015", "23 June 2015", "the 20th day of March, 2002", "the 1st of March 2010",
"this ___ day of March, 2002", "03/01/05", "2015-06-23": each is found with its exact offsets. A day or month left blank gives a
reduced-precision value ("2002-03", "2002"); a date that cannot exist (31 February) keeps its words with
value None. The patterns read lower-case text, are anchored on a month name or a digit and use bounded repeats, so a scan is
linear in the text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from text_to_num import text2num

MONTHS = {name: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december" \
         r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?:\.|(?![a-z])))"
_ORDINAL_WORD = (r"(?:(?:twenty|thirty)[\s-]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
                 r"|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
                 r"|twentieth|thirtieth)")
_BLANK = r"(?:_{1,20}+|\[\s{0,3}[*•·●]?\s{0,3}\]|\[[*•·●\s]{1,9}\]|\*{1,5})"
# "17th", "17 th" and "17t h" (PDF text splits the suffix)
_DAY = rf"(?:\d{{1,2}}(?:\s?(?:st|nd|rd|th)|s\st|n\sd|r\sd|t\sh)?|{_ORDINAL_WORD}|{_BLANK})"
_YEAR = r"(?:(?:19|20)\d\d|(?:19|20)?_{1,8}|\[\s{0,3}[*•]?\s{0,3}\])"
# "June 23, 2015"; a PDF's underline between month and year: "31 December, ------ 1996"
_SEP = r"(?:[\s,.]{0,4}|,?\s{0,80}-{3,}\s{0,80})"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s{1,3}"
PATTERN = re.compile(
    rf"(?<![a-z0-9/])(?:"
    # June 23, 2015 / June ___, 2015 / June, 2015 / June 2015
    rf"(?P<m1>{_MONTH})(?:\s{{0,3}}(?P<d1>{_DAY}))?{_SEP}(?:a\.?d\.?\s{{0,2}})?(?P<y1>{_YEAR})"
    # 23 June 2015 / the 20th day of March, 2002 / this ___ day of March 2002
    rf"|(?<!_)(?P<d2>{_DAY})\s{{0,3}}(?:\(\s?\d{{1,2}}(?:st|nd|rd|th)?\s?\)\s{{0,3}})?(?:day\s{{1,3}}of[\s_-]{{1,80}}(?:the\s{{1,3}}month\s{{1,3}}of\s{{1,3}})?(?:{_WEEKDAY})?|(?<=[a-z])\s{{1,3}}of\s{{1,3}})?(?P<m2>{_MONTH}){_SEP}"
    rf"(?:a\.?d\.?\s{{0,2}})?"
    rf"(?P<y2>{_YEAR})"
    # 06/23/2015, 6-23-15 (day first when the first number cannot be a month), 23.06.2015 (day first)
    rf"|(?P<n1>\d{{1,2}})(?P<s>[/.-])(?P<n2>\d{{1,2}})(?P=s)(?P<y3>(?:19|20)\d\d|\d\d)(?![\d/])"
    # 2015-06-23
    rf"|(?P<y4>(?:19|20)\d\d)-(?P<m4>\d\d)-(?P<d4>\d\d)(?!\d)"
    # this ___ day of ________, 2004 / this day of , 2012 / the ____ day of ________2000: the year alone
    rf"|(?:(?<!_){_BLANK}\s{{0,3}})?day\s{{1,3}}of\s{{0,3}}(?:{_BLANK})?\s{{0,3}},?\s{{0,3}}(?P<y5>(?:19|20)\d\d)"
    # "___________ __, 2000", "as of [·], 2019", "made as of  , 2013": month and day left blank
    rf"|(?<=\s)(?<![\d,]\s)(?<![\d,]\s\s)(?:{_BLANK}\s{{0,3}}){{0,2}},\s{{0,3}}(?P<y6>(?:19|20)\d\d)(?!\d)"
    rf")")


_ORDINALS = {"first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight", "ninth": "nine",
             "twelfth": "twelve", "twentieth": "twenty", "thirtieth": "thirty"}


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    value: str | None  # ISO 8601 at the precision given; None where the words cannot be a date

    @property
    def date(self) -> dt.date | None:
        """The full date, when the value has day precision."""
        return dt.date.fromisoformat(self.value) if self.value and len(self.value) == 10 else None


def _day(words: str | None) -> int | None:
    if not words or re.fullmatch(_BLANK, words.strip()):
        return None
    digits = re.match(r"\d+", words)
    if digits:
        return int(digits.group())
    return ordinal(words)


def ordinal(words: str) -> int | None:
    """The number an ordinal in words stands for ("second" 2, "twenty-third" 23); text2num reads cardinals
    (and takes "second" for the unit of time), so each ordinal word is read as its cardinal."""
    cardinal = " ".join(_ORDINALS.get(w, w.removesuffix("th")) for w in re.split(r"[\s-]+", words.lower().strip()))
    try:
        return text2num(cardinal, "en")
    except ValueError:
        return None


def _year(words: str) -> int | None:
    if not words.isdigit():
        return None  # "20__": the contract left the year blank
    year = int(words)
    if year < 100:
        year += 2000 if year < 50 else 1900
    return year


def iso(year: int | None, month: int | None, day: int | None) -> str | None:
    """ISO 8601 at reduced precision; None for a date that cannot exist or a blank year."""
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _value(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g["m1"] or g["m2"]:
        month = MONTHS[(g["m1"] or g["m2"]).lower().rstrip(".")]
        day_words = g["d1"] if g["m1"] else g["d2"]
        return iso(_year(g["y1"] or g["y2"]), month, _day(day_words))
    if g["n1"]:
        first, second = int(g["n1"]), int(g["n2"])
        day_first = (first > 12 >= second) or (g["s"] == "." and second <= 12)  # "1.4.2011" is 1 April
        month, day = (second, first) if day_first else (first, second)
        return iso(_year(g["y3"]), month, day)
    if g["y4"]:
        return iso(int(g["y4"]), int(g["m4"]), int(g["d4"]))
    return iso(int(g["y5"] or g["y6"]), None, None)


def find_dates(low: str, start: int = 0, end: int | None = None) -> Iterator[DateHit]:
    """Every date in low[start:end], in reading order, with its offsets. `low` is the text in lower case
    with its offsets kept (`contracts.terms.sentences.lowered`): case-sensitive patterns scan several
    times faster than case-insensitive ones."""
    for m in PATTERN.finditer(low, start, len(low) if end is None else end):
        s, e = m.span()
        while e > s and low[e - 1] in " ,":
            e -= 1
        yield DateHit(s, e, _value(m))
