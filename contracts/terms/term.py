"""When the contract starts and ends, how it renews and by when a renewal must be stopped.

Each reading is anchored on the words contracts use for it ("the term of this Agreement", "renew",
"effective date"), then read in the sentence around the anchor, so the work is a few scans of the
text; which of the sentences holding words of a term states it is the term ranker's choice (`ranker.py`).
Every function here reads the lower-cased text (`sentences.lowered`, offsets kept). An end date
counted from another date ("five (5) years from the Effective Date") is computed CUAD's way: the same
day N years on."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from text_to_num import alpha2digit

from contracts.terms.counts import read_count
from contracts.terms.dates import DateHit, find_dates, ordinal
from contracts.terms.durations import DURATION, Period, add, period_of
from contracts.terms.ranker import SentenceRanker, term_ranker
from contracts.terms.sentences import sentence_around

AGREEMENT_HEAD = 5000
_Q = "[\"“”'\u2018\u2019]"
_DATED = re.compile(r"(?:dated|made|entered|executed|as\s+of|effective|this|day\s+of|date[d]?\s*:|signed|on)"
                    r"(?:\W{0,40}|\W{1,5}the\W{1,5})$")
# the preamble's own words for the day the contract is made ("is made and entered into this", "dated as of the")
_MADE = re.compile(r"(?:(?:made|entered\s+into|executed|dated|signed)(?:\s+(?:and\s+entered\s+into|effective|into\s+effect|effect))?"
                   r"(?:\s+(?:on|as\s+of|this|effective))?|this|day\s+of|date[d]?\s*:)(?:\W{0,40}|\W{1,5}the\W{1,5})$")
_SIGNED = re.compile(r"(?:dated|date\s*:|executed|signed|day\s+of|as\s+of|on\s+this|this)(?:\W{0,20}|\W{1,5}the\W{1,5})$")
# a signature's own date, not any "as of" ("Qualifying Deposits as of September 30, 2009"): what completes a head date
_SIGNATURE_DATE = re.compile(r"(?:dated|date\s*:|executed|signed|day\s+of|on\s+this|this)(?:\s+as\s+of)?"
                             r"(?:\W{0,20}|\W{1,5}the\W{1,5})$")
# "Source: ACME INC., 8-K, 8/14/2015": the filing's footer, not the contract's date
_FILING = re.compile(r"source:[^\n]{0,120}$")
# "parties to that certain Distributor Agreement dated as of": another agreement's date, named in a recital
_OTHER = re.compile(r"(?:certain|\ban?|\bthe|said|such|by)\s+(?:[\w&/.-]+\s+){0,6}?(?:agreement|memorandum|letter|plan"
                    r"|contract|terms|proposal|order|policy|notes?)(?:\s+\(the\s[^()]{1,60}\))?"  # its defined name
                    r"(?:\s+[\w.,/-]+){0,4}?,?\s+dated\W{0,12}"  # its reference: "ref. ds/c-3957/14 issue 7 dated"
                    r"(?:as\s+of\s+|on\s+)?(?:the\s+)?$|\bas\s+amended(?:\s+(?:on|by))?\W{0,12}$"
                    r"|\bamended\s+(?:on\s+)?[\w\s,]{0,40}\band\s+$")
_EFFECTIVE = re.compile(r"(?:effective|commencement|start)\s*date")  # "EffectiveDate": PDF text loses spaces
_EFFECTIVE_DEF = re.compile(rf"{_Q}{{0,2}}\)?\s{{0,3}}(?:of\s+this\s+\w+\s+)?(?:shall\s+)?(?:means?|is|shall\s+be|will\s+be|:)")
# a sentence's end, not the full stop of "a.m." or "i.e." ("means 12:01 a.m. ... on March 3, 2003")
_SENTENCE_BREAK = re.compile(r"(?<!\b[a-z])[.;]\s")
_EFFECTIVE_AFTER = re.compile(rf"[^.;]{{0,80}}?\(\s?(?:the|this|hereinafter)?\s?{_Q}{{0,2}}\s?$")
_EFFECTIVE_BEFORE = re.compile(r"(?:effective|commenc\w+|(?:begin|start)s?|(?:come|enter)\s+into\s+(?:force|effect)"
                               r"|(?:take|with|have)\s+effect|retroactive(?:ly)?)(?:\s+|\s*:\s*)"
                               r"(?:as\s+(?:of|from)|on|from|at|upon|this|to)?\s*(?:the\s+)?$")  # "Contract start:  04-01-06"
_TERM = re.compile(r"term\b|(?:shall|will)\s+(?:begin|commence|terminate|expire|end|conclude|continue|remain|last|run|"
                   r"be\s+valid|be\s+binding|be\s+for\s+a\s+(?:period|term)|take\s+effect|become\s+effective|be\s+in\s+(?:effect|force)"
                   r"|be\s+effective\s+(?:until|through|for|from))|duration\s+of\s+this\s+\w+\s+(?:is|shall|will)"
                   r"|(?:agreement|contract)\s+(?:commences|begins|ends|expires|terminates|lasts|is\s+valid)"
                   r"|valid\s+for|indefinite|perpetuity|contract\s+period|extended\s+to|expiration\s+date\s*:"
                   r"|continue\s+in\s+(?:full\s+force\s+and\s+)?effect")  # "shah continue in effect until": OCR
_UNTIL = re.compile(r"(?:(?:until|through)(?:\s+and\s+including)?|expir\w*|terminat\w*|conclud\w*|end(?:ing|s)?"
                    r"|to\s+and\s+including|extended\s+to|expiration\s+date\s*:|in\s+no\s+event\s+later\s+than"
                    r"|from\s+[\w ,.]{4,24}?(?:19|20)\d\d\s+to"  # "from March 1, 2010 to February 28, 2011"
                    r"|from\s+the\s+(?:effective|commencement|start)\s+date\s+to"  # "from the Effective Date to 31 July 2013"
                    # "will end the later of (i) December 15, 1999 or (ii) ...": the date the term runs to at least
                    r"|end\s+(?:on\s+)?the\s+(?:later|earlier)\s+of\W{0,3}(?:\(?[a-z0-9]{1,3}\)\s*)?)"
                    r"(?:\s+(?:on|at|upon))?(?:\s+the\s+close\s+of\s+business\s+on)?\W{0,12}$")
MAX_TERM_SENTENCES = 60
LABEL = 30
_YEAR_END = re.compile(r"(?:until|through|to)\s+the\s+end\s+of\s+(?:(?:calendar\s+)?(?:year\s+)?(?P<year>(?:19|20)\d\d)\b"
                       r"|the\s+(?:then[\s-]+)?current\s+calendar\s+year)")
# a term that lasts as long as something else does, with no date ("until the termination of the Strategic
# Alliance Agreement", "until the last date of expiration of the ... rights", "until Achaogen ceases"): CUAD's
# between the two dates of a term's range, the second its end: "'Term' means: 1st January 2013 to 31st December 2013",
# also where a scan left a day unread ("1.5t January 2013 to 315t December 2013"); a range of some other period ("the
# turnover during the period 1 July 2004 - 30 June 2005") is not the term's
_RANGE = re.compile(r"\s*(?:to|through|until|-|–|—)\s*(?:\d\S{0,4}\s+)?")
_TERM_WORD = re.compile(r"\bterm\b")
# "perpetual"
_PERPETUAL = re.compile(r"perpetu|indefinite|unlimited\s+(?:period|term|duration)|no\s+(?:fixed|definite|specific)\s+(?:term|duration)"
                        r"|for\s+so\s+long\s+as|(?:continue|remain)s?\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+)?"
                        r"(?:so|as)\s+long\s+as|(?:until|when)\s+(?:it\s+is\s+)?(?:terminated|termination|such\s+time"
                        r"|(?:either|the)\s+part(?:y|ies)\s+(?:mutually\s+)?(?:terminates|informs|gives|notifies|agree))"
                        r"|(?:until|end\s+on)\s+the\s+(?:last\s+)?(?:date\s+of\s+)?(?:(?:termination|expiration|expiry)(?:\s+or\s+)?)+"
                        r"(?:\s+date)?\s+of\s+(?:the\s+|any\s+)?"
                        r"(?!(?:initial\s+|then[\s-]+current\s+|renewal\s+|original\s+)?term\b|this\s)|until\s+\w+\s+ceases"
                        # "shall terminate, subject to ..., upon either party giving at least 120 days advance written notice"
                        r"|(?:shall|will)\s+terminate\b[^.;]{0,100}?\bupon\s+(?:either|any|one)\s+party\s+giving")
# of those, a term that ends with something else ("until the termination of the Supply Agreement", "so long as
# Licensee sells", "until Achaogen ceases"), not one with no end but the parties' ("perpetual", "until terminated")
_EVENT = re.compile(r"\bof\b|\bceases\b|\blong\s+as\b")
UNTIL_AN_EVENT = "no fixed end: the term lasts until an event the contract names"
# "the later of (a) the seventh anniversary ... and (b) ...": the date is the earliest the term can end
_LATER_OF = re.compile(r"\blater\s+of\b")
AT_THE_EARLIEST = "at the earliest: the term ends at the later of this and another end the contract names"
# "fifth (5th) anniversary", "fifth (5t h) anniversary" (PDF text splits the suffix)
_ANNIVERSARY = re.compile(r"(?P<n>[\w-]+(?:\s[\w-]+)?)\s*(?:\(\s*\d+\s?(?:st|nd|rd|th|t\sh|s\st|n\sd|r\sd)?\s*\)\s*)?"
                          r"anniversary")
# "will end automatically upon the end of Year 3", "at the end of the third (3rd) year of this Agreement": N years on (a
# "Contract Year" is not: contracts define it, often as a calendar year)
_YEAR_N = re.compile(r"end\s+of\s+(?:the\s+)?(?:year\s+(?P<n>\d{1,2})\b|(?P<nth>[a-z-]+)\s*(?:\(\s*\d+\s?(?:st|nd|rd|th)?\s*\)\s*)?"
                     r"year\s+of\s+(?:the|this)\s+(?:term|agreement))")
# the date a term counts from; never one its end names ("to expire on or after the expiry date of the initial term")
_BASE = re.compile(r"(?:from|after|following|of|(?:commenc|begin)(?:ing|s|es)?\s+on)\s+(?:the\s+)?"
                   r"(?!(?:expir\w*|expiry|termination|renewal|end)\s+date)(?P<base>date\s+(?:of\s+this|hereof|first\s+(?:written|set|above)|of\s+(?:execution|signature|"
                   r"signing))|execution|signature|"
                   r"(?:effective|commencement|start)\s+date|(?:(?!(?:and|including|the|of|this|such|that)\s)[\w-]+\s+){1,3}date|"
                   # an event the contract does not date: "ten (10) years from the Launch", "... from First Commercial Sale"
                   r"(?:first\s+)?(?:commercial\s+)?(?:launch|closing|sale|delivery|acceptance|installation|completion)\b)")
# "this Agreement shall automatically continue ... for an additional period": the agreement's, not a service's ("Support
# shall automatically continue during the term")
_RENEW = re.compile(r"renew|extend(?:ed)?\s+(?:automatically|for)|automatically\s+extend|successive|"
                    r"(?:agreement|term)\s+(?:shall|will)\s+automatically\s+continue|"
                    r"year[\s-]to[\s-]year|month[\s-]to[\s-]month")
_YEARLY = re.compile(r"year[\s-]to[\s-]year|annual|yearly|each\s+year")
_MONTHLY = re.compile(r"month[\s-]to[\s-]month")
_SAME = re.compile(r"(?:same|equal)\s+(?:duration|length|period|term)|equal\s+to\s+the\s+initial")
_NOTICE_BEFORE = re.compile(r"(?:at\s+least|not\s+less\s+than|no\s+(?:less|later)\s+than|minimum\s+of|upon|with|giving|"
                            r"within|least|prior|advance)\W{0,20}$")
_NOTICE_AFTER = re.compile(r"\W{0,4}(?:(?:prior|before|in\s+advance|advance|written|notice|preceding)\b|'?s?\s*"
                           r"(?:prior|written|advance|notice))")
_AUTOMATIC = re.compile(r"unless|will\s+(?:be\s+)?(?:renew|extend)|shall\s+(?:be\s+)?(?:renew|extend)")
_OPTIONAL = re.compile(r"\boption\b|\bmay\s+(?:be\s+)?(?:renew|extend)|mutual|upon\s+(?:the\s+)?(?:written\s+)?agree")
_NOT_RENEWAL = re.compile(r"\bnon-?renew|renewal\s+of\s+(?:any|the|such)\s+(?:permit|licen[cs]e|insurance|polic)")


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


def agreement_date(low: str) -> DateHit | None:
    """The date the contract is dated: a letter agreement's date above its salutation ("May 14, 2014 ...
    Ladies and Gentlemen:"), else the first date in its head that the preamble introduces ("made as of",
    "this 5th day of", or a year alone where the blanks before it were lost: "entered into on 2018"), else a
    cover page's date, else the Effective Date the head defines as a date ("'Effective Date' shall mean December
    5, 2014"), else the dated signature further on ("executed this agreement on the 1st day of June"), else the
    first date in the head. Filing footers ("Source: ..., 8-K, 8/14/2015") and the dates of
    other agreements a recital names ("that certain Distributor Agreement dated as of ...") are not its date."""
    head = min(len(low), AGREEMENT_HEAD)
    hits = sorted([*find_dates(low, 0, head), *_made_years(low, head)], key=lambda h: h.start)
    own = [h for h in hits if not _filed(low, h) and not _OTHER.search(low, max(0, h.start - 160), h.start)]
    dated = _letter_date(low, own)
    if dated is None:
        dated = next((h for h in own if _MADE.search(low, max(0, h.start - 60), h.start)), None)
    if dated is None:
        dated = next((h for h in own if _DATED.search(low, max(0, h.start - 60), h.start)
                      and not _UNTIL.search(low, max(0, h.start - 60), h.start)), None)  # not "terminating on <date>"
    if dated is not None and _DATE_LABEL.search(low, max(0, dated.start - 20), dated.start):
        dated = _latest_near(low, dated)  # "Date: 1/19/07  Date: January 22, 2007": the later signature
    if dated is None:  # a cover page's date, on a line of its own
        dated = next((h for h in own if _ALONE.match(low, h.end) and _ALONE_BEFORE.search(low, max(0, h.start - 40),
                                                                                       h.start)), None)
    if dated is None:  # "'Effective Date' shall mean December 5, 2014" in the definitions
        stated = _stated_effective(low)
        dated = stated[1] if stated is not None and stated[1] in own else None
    if dated is None:  # no date in the head: the one the signature block gives ("Date: 1/27/2020")
        dated = _signed(low)
    if dated is None:
        dated = own[0] if own else None
    return _completed(low, dated)


SIGNATURES_REACH = 120
# "is entered into on 2018 (the ...)": a day and month left blank and lost with the blanks' underscores; the year
# alone ("2018" is CUAD's value), only where the preamble's words introduce it (a bare year is not a date elsewhere)
_MADE_YEAR = re.compile(r"(?:made|entered\s+into|dated|executed)(?:\s+(?:on|as\s+of|effective))?\s+(?P<year>(?:19|20)\d\d)"
                        r"(?=\s*[(,.;]|\s+(?:by|between)\b)")
_ALONE = re.compile(r"[ \t]*\n")
_ALONE_BEFORE = re.compile(r"\n[ \t]*$")
# after any space: a flattened cover page ("... As Sales Agent Dear Ladies and Gentlemen: ...") is one line with
# one space between words, as the product reads it (contracts.textnorm)
_SALUTATION = re.compile(r"\s(?:ladies\s+and\s+gentlemen|gentlemen|dear\s+[^\n:,]{1,60})\s*[:,]")
_DATE_LABEL = re.compile(r"\bdate\s*:\W{0,12}$")
# the words under or beside a signature's date: "24 OCT 2011   Place  Date", "5/17/12  GENO AURIEMMA\n Date"
_DATE_BELOW = re.compile(r"[^\n]{0,60}?[ \t_]*(?:\n[ \t_]*){0,2}(?:place\s+)?date\b")
_WITNESS = re.compile(r"in\s+witness\s+(?:whereof|hereof)|signed\s+by\s+the\s+parties")
WITNESS_REACH = 3000
_CONFORMED = re.compile(r"[/\\]s[/\\]")  # EDGAR's conformed signature, "/s/ Janet M. Baker"
CONFORMED_REACH = 200


def _made_years(low: str, end: int) -> list[DateHit]:
    """The bare years the preamble's words date the contract by ("entered into on 2018 (the ...)")."""
    return [DateHit(m.start("year"), m.end("year"), m.group("year")) for m in _MADE_YEAR.finditer(low, 0, end)]


def _filed(low: str, hit: DateHit) -> bool:
    return _FILING.search(low, max(0, hit.start - 120), hit.start) is not None


def _letter_date(low: str, own: list[DateHit]) -> DateHit | None:
    """A letter agreement's date: the last date above its salutation ("Ladies and Gentlemen:", "Dear
    Gianluca:"), which opens the letter's body."""
    salutation = _SALUTATION.search(low, 0, min(len(low), AGREEMENT_HEAD))
    if salutation is None:
        return None
    return next((h for h in reversed(own) if h.end <= salutation.start()), None)


def _latest_near(low: str, first: DateHit) -> DateHit:
    """Of the signature dates from `first` on, the latest: the day the contract was fully signed."""
    if first.date is None:
        return first
    near = [h for h in find_dates(low, first.start, min(len(low), first.end + SIGNATURES_REACH))
            if h.date is not None and not _filed(low, h)]
    return max(near, key=lambda h: h.value or "")  # ISO dates of one precision sort as text


def _signed(low: str) -> DateHit | None:
    """The date of the signature block: one labelled as the signature's ("Date: 1/26/2020", "Date"
    under it) or standing in the block the witness clause opens; where the parties sign on different
    days ("Date: 1/26/2020 Date: 1/27/2020"), the later one, the day the contract was fully signed."""
    first = next((h for h in find_dates(low, AGREEMENT_HEAD) if _SIGNED.search(low, max(0, h.start - 40), h.start)
                  and not _filed(low, h)), None)
    if first is None:
        witness = _WITNESS.search(low, AGREEMENT_HEAD)
        block = [h for h in find_dates(low, witness.end(), min(len(low), witness.end() + WITNESS_REACH))
                 if not _filed(low, h)] if witness else []
        first = next((h for h in block if h.date is not None), None)
    if first is None:
        first = next((h for h in find_dates(low, AGREEMENT_HEAD) if h.date is not None and not _filed(low, h)
                      and _DATE_BELOW.match(low, h.end)), None)
    if first is None:  # "/s/ John Dick  General Manager ---- 19 Jan. 1998": a date just under a conformed signature
        first = next((h for m in _CONFORMED.finditer(low, AGREEMENT_HEAD)
                      for h in find_dates(low, m.end(), min(len(low), m.end() + CONFORMED_REACH))
                      if h.date is not None and not _filed(low, h)), None)
    if first is None:
        return None
    return _latest_near(low, first)


def _completed(low: str, hit: DateHit | None) -> DateHit | None:
    """A head date that leaves the day blank ("May, 2017") completed by a signature's full date of that
    month ("Date: May 26, 2017"), when there is one: any other date of that month ("deliverables on or
    around March 31, 1999") is another event's. A year alone ("entered into on 2018") is not completed: that another
    date falls in the same year says little ("the Ares Agreement ... dated 7 January 2018")."""
    if hit is None or hit.value is None or len(hit.value) != 7:
        return hit
    return next((h for h in find_dates(low, hit.end) if h.value and len(h.value) == 10
                 and h.value.startswith(hit.value) and not _filed(low, h)
                 and _SIGNATURE_DATE.search(low, max(0, h.start - 40), h.start)
                 and not _OTHER.search(low, max(0, h.start - 160), h.start)), hit)


# an effective date named by reference, not by a date: "effective as of the date first written above" (the
# agreement's date), "shall enter into force on the date of its signature by both Parties", "the later of the
# dates shown by the signatures below" (the signature's date)
_EFFECTIVE_REF = re.compile(r"(?:effective(?:\s+date)?|commenc\w*|(?:enter|come)\s+into\s+(?:force|effect))\s+"
                            r"(?:of\s+this\s+\w+\s+)?(?:(?:shall|will)\s+be\s+|is\s+|means\s+)?(?:on\s+|as\s+of\s+|from\s+|upon\s+)?"
                            r"(?:the\s+date\s+(?:first\s+(?:written|set\s+forth|above)|hereof|of\s+this\s+agreement)"
                            r"|(?P<signed>the\s+later\s+of\s+the\s+dates?\s+(?:shown\s+)?(?:by|on|of)\s+the\s+signature"
                            r"|the\s+date\s+(?:of\s+(?:its\s+)?(?:signature|signing|signed\s+acceptance)|last\s+signed|on\s+which"
                            r"\s+(?:this\s+\w+\s+)?(?:is|has\s+been)\s+signed)"
                            r"|(?:the\s+)?(?:signature|execution|signing)\s+(?:hereof\s+|of\s+this\s+\w+\s+)?(?:by|of)\s+(?:both|all|the)\s+parties))")


def effective_date(low: str) -> DateHit | None:
    """A date the contract names as its effective (or commencement) date: "Effective Date" means <date>,
    <date> (the "Effective Date"), effective as of <date>; None when it names none. Where the contract
    first names it by reference, that reference wins over a later date (a form in an exhibit, "Effective
    Date: January 5, 1999"): "the date first written above" is the agreement's date (None here), "the date
    of its signature" the signature block's date (CUAD reads both so)."""
    stated = _stated_effective(low)
    ref = _EFFECTIVE_REF.search(low, 0, stated[0] if stated else len(low))
    if ref is not None:
        return _signed(low) if ref.group("signed") else None
    return stated[1] if stated else None


def _stated_effective(low: str) -> tuple[int, DateHit] | None:
    """The effective date the contract states as a date, with where its anchor starts."""
    for anchor in _EFFECTIVE.finditer(low):
        hit = next(find_dates(low, anchor.end(), min(len(low), anchor.end() + 150)), None)
        if hit is not None:
            between = low[anchor.end():hit.start]
            defined = _EFFECTIVE_DEF.match(low, anchor.end()) and not _SENTENCE_BREAK.search(between)
            if defined or re.fullmatch(r"[\s:_-]{1,40}", between):
                return anchor.start(), hit  # "Effective Date" means <date>; a form's "Effective Date   June 1, 1998"
        before = [h for h in find_dates(low, max(0, anchor.start() - 130), anchor.start())
                  if _EFFECTIVE_AFTER.fullmatch(low, h.end, anchor.start())]
        if before:
            return before[-1].start, before[-1]
    for anchor in re.finditer(r"effective|commenc|begin|start|(?:come|enter)\s+into|(?:take|with|have)\s+effect|retroactive", low):
        hit = next(find_dates(low, anchor.end(), min(len(low), anchor.end() + 40)), None)
        if hit is not None and _EFFECTIVE_BEFORE.search(low, anchor.start(), hit.start):
            return anchor.start(), hit
    return None


def _count_of(words: str) -> float | None:
    """The number in "fifth (5th)", "third", "5": digits first, then number words."""
    digits = re.search(r"\d+", words)
    if digits:
        return float(digits.group())
    last = re.search(r"[a-z]+(?:-[a-z]+)?$", words)  # "the second": the ordinal is the last word
    nth = ordinal(last.group()) if last else None
    if nth:
        return float(nth)
    read = re.search(r"\d+", alpha2digit(words.replace("-", " "), "en"))
    return float(read.group()) if read else read_count(words)


# "renew for successive one (1) year periods following an initial term of three (3) years": a renewal's length
_GAP = re.compile(r"[\s,]*(?:\([^()]{0,20}\)[\s,]*)?")  # "three (3) years (the "Term") from"
_RENEWAL_PERIOD = re.compile(r"(?:successive|additional|renewal|extension|further|subsequent)\s+(?:\w+\s+){0,3}(?:periods?\s+of\s+)?$")


def _relative_end(sentence: str) -> tuple[Period, int] | None:
    """A term counted from a start: "for five (5) years", "until the third anniversary" (the period, and where
    its words end: the start it counts from may follow them)."""
    anniversary = _ANNIVERSARY.search(sentence) or _YEAR_N.search(sentence)  # both name the count "n"
    if anniversary:
        count = _count_of(anniversary["n"] or anniversary["nth"])
        if count:
            return Period(years=int(count)), anniversary.end()
    for m in DURATION.finditer(sentence):
        before = sentence[max(0, m.start() - 60):m.start()]
        if _NOTICE_BEFORE.search(before) or _NOTICE_AFTER.match(sentence, m.end()) or _RENEWAL_PERIOD.search(before):
            continue
        count = read_count(m.group("count"))
        period = period_of(count, m.group("unit")) if count is not None else None
        if period is not None:
            return period, m.end()
    return None


def shift(value: str | None, period: Period, sign: int = 1) -> str | None:
    """An ISO date (at any precision) moved by `period`, at the precision both allow: "2000" plus ten
    years is "2010"; "2000" plus six months cannot be told (None)."""
    if value is None or value == "perpetual":
        return None
    if len(value) == 10:
        return add(dt.date.fromisoformat(value), period, sign).isoformat()
    if period.days:
        return None
    if len(value) == 7:
        moved = add(dt.date.fromisoformat(value + "-01"), period, sign)
        return moved.isoformat()[:7]
    if len(value) == 4 and not period.months:
        return f"{int(value) + sign * period.years:04d}"
    return None


def _base(low: str, s: int, e: int, effective: str | None, agreement: str | None,
          after: int | None = None) -> tuple[str, str | None]:
    """The date a relative term counts from, named as the rule will say it: a date the sentence states
    ("shall commence upon April 1, 1999"), the agreement's date, its effective date, or a date the contract
    fixes elsewhere (not read: "the Launch Date"). The start named just after the period (at `after`: "commence on
    the Effective Date and end three (3) years after the Launch Date") is the one it counts from."""
    sentence = low[s:e]
    gap = _GAP.match(sentence, after) if after is not None else None
    near = _BASE.match(sentence, gap.end()) if gap else None
    m = near or _BASE.search(sentence)
    named = m.group("base") if m else ""
    if re.match(r"date\s|execution|signature", named):
        return "agreement date", agreement  # "begin on February 1, 1998 and end on the first anniversary of the date of
        # this Agreement": the base the term names, not the start date
    if near and not re.match(r"(?:effective|commencement|start|the|such|this|that)\s+date", named):
        return _in_full(sentence, m, named), None  # "... ending two (2) years after the Launch Date"
    for hit in find_dates(low, s, e):
        if re.search(r"(?:commenc\w*|begin\w*|start\w*|from|effective|come\s+into\s+(?:force|effect))\s+"
                     r"(?:on|upon|as\s+of)?\s*(?:the\s+)?$",
                     low[max(s, hit.start - 40):hit.start]):
            return f"start date {low[hit.start:hit.end]}", hit.value
    if re.match(r"(?:the|such|this|that)\s+date", named):  # "three (3) years from the date of the Agreement"
        return ("effective date", effective) if effective else ("agreement date", agreement)
    if named and not re.match(r"(?:effective|commencement|start)\s+date", named):
        return _in_full(sentence, m, named), None
    return ("effective date", effective) if effective else ("agreement date", agreement)


# what an undated event's name goes on with: "the initial date| of execution of the memorandum", "the completion| of
# the facility"
_NOT_A_NAME = r"(?:and|or|unless|which|that|in|by|to|for|with|on|as|under|pursuant|after|before|upon|from|at|of)\b"
_OF_TAIL = re.compile(rf"(?:\s+of\s+(?:the\s+|this\s+|such\s+|each\s+|its\s+|any\s+)?(?!{_NOT_A_NAME})[\w-]+"
                      rf"(?:\s+(?!{_NOT_A_NAME})[\w-]+){{0,2}}){{1,3}}")


def _in_full(sentence: str, m: re.Match[str] | None, named: str) -> str:
    """An undated event the term counts from, named as the contract goes on to name it (the rule a lawyer reads:
    "5 years after the initial date of execution of the memorandum", not "... after the initial date")."""
    tail = _OF_TAIL.match(sentence, m.end()) if m is not None else None
    return f"{named} {' '.join(tail.group().split())}" if tail else named


# the words of a term: each sentence holding one may state it, and the ranker says which does
_ANCHOR = re.compile(_TERM.pattern + r"|expir|anniversar|until|perpetu")
MAX_CANDIDATES = 200
# the ranker's three best sentences are read, best first, down to a probability of 0.05: chosen by 5-fold
# cross-validation on CUAD's train contracts (training/terms_ranker.py)
READ_BEST = 3
RANK_FLOOR = 0.05


def expiration(low: str, effective: str | None, agreement: str | None,
               ranker: SentenceRanker | None = None) -> Reading | None:
    """The end of the (initial) term: a date the contract states, one computed from its start, or perpetual,
    read from the first of the ranker's best sentences that states one (`ranker`: the shipped one by default)."""
    ranker = ranker or term_ranker()
    scored = sorted(((ranker.probability(low[s:e]), s, e) for s, e in term_candidates(low)), key=lambda t: -t[0])
    for probability, s, e in scored[:READ_BEST]:
        if probability < RANK_FLOOR:
            break
        reading = read_term(low, s, e, effective, agreement)
        if reading is not None:
            return reading
    return None


def term_candidates(low: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence holding words of a term, in reading order, at most `MAX_CANDIDATES`; a
    label's sentence runs on to its value ("Initial Term:  2 years")."""
    last_end = -1
    candidates: list[tuple[int, int]] = []
    for anchor in _ANCHOR.finditer(low):
        if anchor.start() < last_end:
            continue  # inside the sentence just taken
        s, e = sentence_around(low, anchor.start(), anchor.end())
        if low.startswith(":", e) and e - s <= LABEL:
            e = sentence_around(low, e + 1, e + 1)[1]
        last_end = e
        candidates.append((s, e))
        if len(candidates) >= MAX_CANDIDATES:
            break
    return candidates


# "at midnight on the last day of the month fifteen (15) years from the Effective Date": that month's end
_MONTH_END = re.compile(r"last\s+day\s+of\s+the\s+(?:calendar\s+)?month")


def _month_end(value: str | None) -> str | None:
    if value is None or len(value) != 10:
        return value
    day = dt.date.fromisoformat(value)
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()


def read_term(low: str, s: int, e: int, effective: str | None, agreement: str | None) -> Reading | None:
    """The end of the term as low[s:e] states it (a date after "until", "expires on", ...; the end of a year; a
    period counted from its start; perpetual), None where the sentence states none."""
    sentence = low[s:e]
    later = _LATER_OF.search(sentence) is not None
    before: DateHit | None = None
    for hit in find_dates(low, s, e):
        if _UNTIL.search(low, max(s, hit.start - 60), hit.start) or (
                before is not None and _RANGE.fullmatch(low, before.end, hit.start)
                and _TERM_WORD.search(low, max(s, before.start - 60), before.start)):
            return Reading(hit.start, hit.end, hit.value, 0.85 if hit.value else 0.5, AT_THE_EARLIEST if later else None)
        before = hit
    year_end = _YEAR_END.search(sentence)
    if year_end is not None:  # "in effect until the end of 2006"; "... of the current calendar year"
        year = year_end.group("year") or (_base(low, s, e, effective, agreement)[1] or "")[:4]
        return Reading(s, e, f"{year}-12-31" if year else None, 0.7 if year else 0.4,
                       None if year_end.group("year") else "the end of the calendar year the term starts in")
    if re.search(r"\b(?:for|of|period|until|ending|expire|ends?|continue|through|be|terminat\w*|from|after|last)\b",
                 sentence):
        relative = _relative_end(sentence)
        if relative is not None:
            period, after = relative
            base, start = _base(low, s, e, effective, agreement, after)
            month_end = _MONTH_END.search(sentence) is not None
            end = _month_end(shift(start, period)) if month_end else shift(start, period)
            return Reading(s, e, end, 0.75 if end else 0.4, f"{period.describe()} after the {base}"
                           + (", at that month's end" if month_end else "") + (f"; {AT_THE_EARLIEST}" if later else ""),
                           period=period)
    perpetual = _PERPETUAL.search(sentence)
    if perpetual is not None:
        # CUAD's "perpetual" also stands for a term that lasts as long as something else does; a lawyer is told which
        return Reading(s, e, "perpetual", 0.7, UNTIL_AN_EVENT if _EVENT.search(perpetual.group()) else None)
    return None


_NON_RENEWAL = re.compile(r"not\s+to\s+(?:renew|extend)|non-?renewal|intention\s+not|elect\w*\s+not\s+to|"
                          r"prior\s+to\s+the\s+(?:end|expiration|expiry)\s+of\s+the\s+(?:then[\s-]+)?(?:current|"
                          r"initial|renewal|applicable)?\s*(?:term|period)")
NOTICE_REACH = 1500
# what a sentence stating the notice that stops a renewal speaks of: a period "in advance of the renewal date" in
# one that speaks of neither notice nor ending is some other step's (a price change's)
_STOPS = re.compile(r"notice|notif|terminat|cancel|non-?renew|not\s+to\s+renew|elect")
# a notice that exercises a renewal ("written notice of your desire to renew at least six (6) months prior to the end
# of the term"), in a sentence that says nothing of not renewing or ending: the period asks for a renewal, it stops none
_TO_RENEW = re.compile(r"(?:desire|intent(?:ion)?|election|wish|decision)\s+to\s+(?:renew|extend)|notice\s+(?:to|of)\s+"
                       r"(?:renew|extend)")
_ENDING = re.compile(r"not\s+to\s+(?:renew|extend)|non-?renew|terminat|cancel")


def _notice_near(low: str, after: int) -> Reading | None:
    """The notice that stops a renewal, stated in a sentence just after the renewal sentence ("Either
    party may elect not to renew by giving ninety (90) days' notice ...")."""
    for m in _NON_RENEWAL.finditer(low, after, min(len(low), after + NOTICE_REACH)):
        s, e = sentence_around(low, m.start(), m.end())
        found = notice_in(low, s, e)
        if found is not None:
            return found
    return None


def _stops(low: str, s: int, e: int) -> bool:
    """Whether low[s:e] speaks of a notice that stops a renewal or ends the term, not one that asks for a renewal."""
    return _STOPS.search(low, s, e) is not None and (_TO_RENEW.search(low, s, e) is None
                                                      or _ENDING.search(low, s, e) is not None)


def notice_in(low: str, s: int, e: int) -> Reading | None:
    """The first period of notice in low[s:e] ("upon thirty (30) days' prior written notice"), in a sentence about
    notice or ending (not "adjustments ... at least sixty (60) days in advance of the renewal date", nor the notice
    that asks for a renewal: "notice of your desire to renew at least six (6) months prior to the end of the term")."""
    if not _stops(low, s, e):
        return None
    for d in DURATION.finditer(low, s, e):
        count = read_count(d.group("count"))
        found = period_of(count, d.group("unit")) if count is not None else None
        if found is not None and (_NOTICE_BEFORE.search(low, max(s, d.start() - 60), d.start())
                                  or _NOTICE_AFTER.match(low, d.end())):
            return Reading(s, e, found.iso, 0.6, period=found)
    return None


def renewal(low: str, initial: Period | None) -> tuple[Reading | None, Reading | None]:
    """The renewal term and the notice that stops a renewal, read from the first renewal sentence."""
    read = 0
    last_end = -1
    for trigger in _RENEW.finditer(low):
        if trigger.start() < last_end:
            continue  # inside the sentence just read
        if read >= MAX_TERM_SENTENCES:
            break
        s, e = sentence_around(low, trigger.start(), trigger.end())
        last_end = e
        read += 1
        sentence = low[s:e]
        if _NOT_RENEWAL.search(sentence) and not re.search(r"automatic|successive", sentence):
            continue
        period: Period | None = None
        notice: Reading | None = None
        renews_at = trigger.start() - s
        for m in DURATION.finditer(sentence):
            count = read_count(m.group("count"))
            found = period_of(count, m.group("unit")) if count is not None else None
            if found is None:
                continue
            if _NOTICE_BEFORE.search(sentence, max(0, m.start() - 60), m.start()) or _NOTICE_AFTER.match(sentence,
                                                                                                          m.end()):
                if notice is None and _stops(low, s, e):
                    notice = Reading(s, e, found.iso, 0.75, period=found)
            elif period is None and m.start() >= renews_at:  # before "renew" it is the initial term
                period = found
        if period is None and _YEARLY.search(sentence):
            period = Period(years=1)
        if period is None and _MONTHLY.search(sentence):
            period = Period(months=1)
        if period is None and _SAME.search(sentence) and initial is not None:
            period = initial
        if period is None and notice is None:
            continue
        if notice is None:
            notice = _notice_near(low, e)
        automatic = True if "automatic" in sentence else (
            False if _OPTIONAL.search(sentence) else (True if _AUTOMATIC.search(sentence) else None))
        reading = Reading(s, e, period.iso if period else None, 0.75 if period else 0.4, automatic=automatic,
                          period=period)
        return reading, notice
    return None, None
