"""The document's name: its title, the first heading near the top that names a kind of agreement.

Filed contracts seldom keep the title on a line of its own. Read as lexrisk reads a file (one space between
words: contracts.textnorm), EDGAR's text runs the exhibit label, the title and the preamble together
("Exhibit 99.4 JOINT FILING AGREEMENT In accordance with ...", "Promotion Agreement Between PageMaster
Corporation and ...", "May 04, 2017 Strategic Alliance Agreement This Strategic Alliance Agreement ...").
So each line of the head gives a title when it is short and reads as a heading, or else through a run of
capitalised words that names a kind of agreement, title-case words that open it, or title-case words just
before the preamble's "This". The title then loses what stands around it in such text: an exhibit label,
a page or exhibit number, "FORM OF", "CONFIDENTIAL", a name before it that only says whose it is ("CORIO
INC. LICENSE AND HOSTING AGREEMENT" is the license and hosting agreement), and whatever follows its last
kind of agreement ("FRANCHISE AGREEMENT TABLE OF CONTENTS") but a number or an object in its own capitals
("AMENDMENT NO. 1", "SERVICE AGREEMENT FOR TRANSFER AGENT SERVICES"). A title that ends on "TO" or names
only an amendment goes on to the next line ("AMENDMENT NO. 1" / "Wireless Content License Agreement")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from contracts.terms.parties import company_word

_KIND = re.compile(r"\b(?:agreement|contract|amendment|addendum|license|licence|lease|deed|memorandum\s+of\s+understanding|memorandum|"
                   r"terms\s+and\s+conditions|plan|arrangement|undertaking|charter|statement\s+of\s+work|"
                   r"power\s+of\s+attorney)\b", re.IGNORECASE)
_AMENDS = re.compile(r"\b(?:amendment|addendum)\b", re.IGNORECASE)
_SKIP = re.compile(r"^\s*(?:exhibit|schedule|annex|appendix|execution\s+(?:copy|version)|confidential|page\b|"
                   r"\[?\*|source:|table of contents|in\s+witness)", re.IGNORECASE)
# what stands before a title on its own piece: an exhibit's label ("EXHIBIT 10.26", "Exhibit A"), a number
# left of one ("10.1", "1 of 3"), a copy's or a form's mark
# (a token with a digit is read possessively after a look that it has one: one pass over a long token)
_LEAD = re.compile(r"(?:(?:exhibit|ex-|annex|schedule|appendix)\s*(?:[A-Z](?=\s)|(?=[\w.()-]*\d)[\w.()-]++)\s+|"
                   r"(?=[-\d.(),/]*\d)[-\d.(),/]++\s+(?:-\s+)?(?:of\s+\d+\s+)?|execution\s+(?:copy|version)\s+|"
                   r"form\s+of\s+|confidential\s+|draft\s+|this\s+)+", re.IGNORECASE)
# where a preamble takes over from the title: "OUTSOURCING AGREEMENT dated as of", "... BETWEEN X AND Y"
_TAIL = re.compile(r"\s+(?:dated\b|effective\b|by\s+and\s+between\b|between\b|among\b|amongst\b|made\b|"
                   r"entered\b|this\b|with\b|-{2,}|_{2,}|={2,}|-\s|\()", re.IGNORECASE)
# a piece that labels a field, not a title: "Agreement Number: CW251207", "Contract No. 076C/01"
_FIELD = re.compile(r":\s|\b(?:agreement|contract)\s+(?:no\b|number\b|#)", re.IGNORECASE)
# what a title keeps after its last kind of agreement: a number ("AMENDMENT NO. 1", "Agreement #3"), or an
# object in the title's capitals ("SERVICE AGREEMENT FOR TRANSFER AGENT SERVICES"); not what follows a title
# in flattened text ("FRANCHISE AGREEMENT TABLE OF CONTENTS", "SPONSORSHIP AGREEMENT for Boxing Event")
_AFTER_KIND = re.compile(r"(?i:\s*(?:no\.?|number|#|n°)\s*[\w.-]*\d[\w.-]*)|"
                         r"(?:\s+(?:OF|FOR|TO|ON|REGARDING|AND)(?:\s+(?:(?=[^\sa-z]*[A-Z])[^\sa-z]++|AND|OF|THE)(?!\S))+)|"
                         r"(?i:\s+(?:of|to)\s*$)")  # "ADDENDUM TO" over the line that names what it adds to
_SMALL = r"(?:of|to|for|and|the|on|in)"
# a capitalised run: words with no lower-case letter ("NO.", "#3", "&", "NON-DISCLOSURE") and a title's small
# words; a word ends at a space ("This" is no word "T"), and is matched possessively (a long run of capitals
# costs one pass, not one per way of splitting it)
_CAP_WORD = rf"(?:[^\sa-z]++|{_SMALL})(?!\S)"
_CAP_RUN = re.compile(rf"{_CAP_WORD}(?:[ \t]+{_CAP_WORD})*")
# a title-case word, of a run just before the preamble's opening "This": "Strategic Alliance Agreement This ..."
_TITLE_WORD = rf"(?:[A-Z#\d][\w&#'’./-]*+|{_SMALL})(?!\S)"
_TITLE_TOKEN = re.compile(_TITLE_WORD)
_THIS = re.compile(r"(?<=\s)(?:This|THIS)\b")
# a piece that opens with a title in title case, whatever follows ("Promotion Agreement Between PageMaster
# Corporation and ...", "Road Transportation Agreement Party A (Shipper): ..."): up to eight words before its
# (last) kind
_OPENING = re.compile(r"(?:(?:[A-Z][\w&'’-]*,?|and|of|the|for|to|on|&)\s+){1,8}"
                      r"(?:Agreement|Contract|Licen[cs]e|Lease|Amendment|Addendum|Memorandum of Understanding|"
                      r"Terms and Conditions)\b")
# a sentence's end cuts a run ("... IF PUBLICLY DISCLOSED. SERVICES AGREEMENT"), as does the end of the
# confidentiality legend EDGAR exhibits open with, which may lack its full stop
_SENTENCE_END = re.compile(r"(?<!\bNO)(?<!\bINC)(?<!\bCO)(?<!\bLTD)(?<!\bCORP)\.\s+(?=\S)|\bDISCLOSED\b")
HEAD = 3000
MAX_TITLE = 120
FOLLOW = 2  # how many pieces on a title that ends on "TO" may look for its rest


@dataclass(frozen=True)
class TitleHit:
    start: int
    end: int
    confidence: float


def _pieces(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """The head's lines, without surrounding spaces; empty lines are left out."""
    pos = 0
    while pos < limit:
        newline = text.find("\n", pos, limit)
        end = limit if newline < 0 else newline
        words = text[pos:end]
        s = pos + len(words) - len(words.lstrip())
        e = pos + len(words.rstrip())
        if e > s:
            yield s, e
        if newline < 0:
            break
        pos = newline + 1


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The title within `text[start:end]`, without what stands around it (see the module's docstring)."""
    if lead := _LEAD.match(text, start, end):
        start = lead.end()
    tail = _TAIL.search(text, start, end)
    if tail and _KIND.search(text, start, tail.start()):
        end = tail.start()
    # the title ends with its last kind of agreement, and what it keeps after it: "JOINT VENTURE AGREEMENT
    # MINDA IMPCO TECHNOLOGIES LIMITED" is the agreement, "AMENDMENT NO. 1" keeps its number
    kinds = list(_KIND.finditer(text, start, end))
    # in the title's own case: "GLOBAL MAINTENANCE AGREEMENT Contract No. DS/CS-3957/14" ends with AGREEMENT
    kinds = [k for k in kinds if k.group().isupper() == kinds[0].group().isupper()]
    if kinds:
        after = _AFTER_KIND.match(text, kinds[-1].end(), end)
        end = after.end() if after else kinds[-1].end()
    # "STRATEGIC ALLIANCE AGREEMENT STRATEGIC ALLIANCE AGREEMENT": a cover's title and the first page's
    words = text[start:end].split()
    if len(words) % 2 == 0 and words[:len(words) // 2] == words[len(words) // 2:]:
        end = start + text[start:end].find(words[0], len(words[0]))
    # "BW-3 FRANCHISE SYSTEMS, INC. FRANCHISE AGREEMENT", "CORIO INC. LICENSE AND HOSTING AGREEMENT": the title
    # starts after the last company's name, unless only the bare kind would be left ("ACME INC. AGREEMENT")
    if kind := _KIND.search(text, start, end):
        owners = [t.end() for t in re.finditer(r"\S+", text[start:kind.start()])
                  if t.group().rstrip(",.;:").lower() not in {"co", "company"} and company_word(t.group().rstrip(",.;:"))]
        if owners and not _KIND.fullmatch(text[start + owners[-1]:end].strip()):
            start += owners[-1]
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _hit(text: str, start: int, end: int, confidence: float) -> TitleHit | None:
    """The title trimmed from `text[start:end]`, if what is left still names a kind of agreement (and is
    more than the bare kind: "THIS AGREEMENT" is no title) and labels no field ("Contract No. 076C/01")."""
    s, e = _trimmed(text, start, end)
    words = text[s:e]
    if not (3 < len(words) <= MAX_TITLE and _KIND.search(words)) or _FIELD.search(words):
        return None
    if _KIND.fullmatch(words.strip()) and (e - s) < (end - start):
        return None
    return TitleHit(s, e, confidence)


def _whole(text: str, start: int, end: int) -> TitleHit | None:
    """A short piece that names a kind of agreement and reads as a heading: capitals, or title case and
    not ending like a sentence."""
    words = text[start:end]
    if len(words) > MAX_TITLE or not _KIND.search(words) or _SKIP.match(_strip_lead(words)):
        return None
    if words.upper() == words:
        return _hit(text, start, end, 0.9)
    long_words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", words) if len(w) > 3]
    lower = [w for w in long_words if w[0].islower()]
    if words.endswith((".", ",", ";")) or len(lower) > len(long_words) // 5:
        return None
    return _hit(text, start, end, 0.6)


def _strip_lead(words: str) -> str:
    """The words after an exhibit label or a number ("EXHIBIT 10.1 JOINT FILING AGREEMENT" is "JOINT FILING
    AGREEMENT"), so that the label is not read as a piece to skip."""
    lead = _LEAD.match(words)
    return words[lead.end():] if lead else words


def _runs(text: str, start: int, end: int) -> TitleHit | None:
    """The first run in a piece that names a kind of agreement: capitalised words (cut at a sentence's end),
    else title-case words that open the piece, else title-case words just before "This"."""
    cuts = [start, *(m.end() for m in _SENTENCE_END.finditer(text, start, end)), end]
    for a, b in pairwise(cuts):
        for run in _CAP_RUN.finditer(text, a, b):
            rest = _strip_lead(run.group())
            capitalised = [w for w in run.group().split() if any(c.isupper() for c in w)]
            kind = _KIND.search(rest)
            # a legend speaks of "THIS AGREEMENT"; a title does not (a preamble after it may)
            if kind and not _SKIP.match(rest) and not re.search(r"\bTHIS\b", rest[:kind.start()]) \
                    and (len(capitalised) > 1 or run.start() == a) \
                    and (hit := _hit(text, run.start(), run.end(), 0.8)):
                return hit
    lead = _LEAD.match(text, start, end)
    opening = _OPENING.match(text, lead.end() if lead else start, end)
    if opening and (hit := _hit(text, opening.start(), opening.end(), 0.6)):
        return hit
    for this in _THIS.finditer(text, start, end):
        words = _title_words_before(text, start, this.start())
        if words and _KIND.search(text, words[0], words[1]) and (hit := _hit(text, words[0], words[1], 0.6)):
            return hit
    return None


def _title_words_before(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The title-case words that end just before `end`, within a title's length of it (walked back word by
    word: one short pass, where a pattern tried at every start would pass over the same words again and again)."""
    window = max(start, end - MAX_TITLE)
    tokens = list(re.finditer(r"\S+", text[window:end]))
    if window > start and not text[window - 1].isspace():
        tokens = tokens[1:]  # the window began inside a word
    start = window
    first = len(tokens)
    while first > 0 and _TITLE_TOKEN.fullmatch(word := tokens[first - 1].group()) and word not in ("This", "THIS"):
        first -= 1
    if first == len(tokens):
        return None
    return start + tokens[first].start(), start + tokens[-1].end()


def _extended(text: str, hit: TitleHit, after: list[tuple[int, int]]) -> TitleHit:
    """"AMENDMENT NO. 1" over "Wireless Content License Agreement", "ADDENDUM TO" over "ZEBRA® PARTNERCONNECT
    DISTRIBUTOR AGREEMENT": a title that names only an amendment, or ends on "TO"/"OF", takes the next
    piece that names a kind of agreement (or, after "TO"/"OF", any short next piece)."""
    words = text[hit.start:hit.end]
    dangling = re.search(r"\b(?:to|of|and)$", words, re.IGNORECASE)
    only_amends = _AMENDS.search(words) and not any(m.group().lower() not in {"amendment", "addendum"}
                                                    for m in _KIND.finditer(words))
    if not (dangling or only_amends):
        return hit
    for s, e in after[:FOLLOW]:
        piece = text[s:e]
        if len(piece) <= MAX_TITLE and (_KIND.search(piece) or dangling) and ": " not in piece \
                and not piece.endswith((".", ",", ";")):
            _, end = _trimmed(text, s, e)
            return TitleHit(hit.start, end, hit.confidence)
    return hit


def find_title(text: str) -> TitleHit | None:
    """The first title in the head of the text: a piece that is one whole, or else a run within a piece."""
    pieces = list(_pieces(text, min(len(text), HEAD)))
    for i, (start, end) in enumerate(pieces):
        hit = _whole(text, start, end) or _runs(text, start, end)
        if hit is not None:
            return _extended(text, hit, pieces[i + 1:])
    return None
