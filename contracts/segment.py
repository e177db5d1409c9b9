"""Clause and sentence segmentation.

Clauses come from the contract's own structure (ARTICLE IV, Section 5, 1., 1.1, (a), (iv), headings
in capitals); sentences from spaCy's rule-based sentencizer inside paragraph blocks, so that a heading
or list item never fuses with the sentence after it. Both are character ranges into the text."""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)

_ARTICLE = re.compile(r"^(?P<num>(?:ARTICLE|Article)\s+(?:[IVXLC]+|\d+)\b\.?)\s*[-:.–—]?\s*(?P<rest>.*)$")
_SECTION = re.compile(r"^(?P<num>(?:SECTION|Section|§)\s*\d+(?:\.\d+)*[A-Za-z]?\.?)\s*[-:.–—]?\s*(?P<rest>.*)$")
_DOTTED = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){0,4}\.?)\s+(?P<rest>[A-Z(\"“].*)$")
_PAREN = re.compile(r"^(?P<num>\((?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,2}|[A-Z])\))\s+(?P<rest>.*)$")
_CAPS_HEADING = re.compile(r"^[A-Z][A-Z0-9 ,;:&'’/\-–()]{2,80}$")
_HEADING_LEAD = re.compile(r"^(?P<head>[A-Z][^.:;]{1,80}?)[.:]\s+(?=\S)")
_BLOCK_BREAK = re.compile(r"\n\s*\n")


# slots: a 10 MB file of one-line items makes a million of each; without a __dict__ apiece they take
# half the memory, and the garbage collector has half as many objects to walk
@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Clause:
    number: str | None
    heading: str | None
    start: int
    end: int
    level: int

    def text(self, source: str) -> str:
        return source[self.start:self.end]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a loop makes a Clause or Span per line: none of them is in a
    cycle, and each collection walked every one made so far again (a third of the time of 10 MB of one-line
    items). Another thread's pause is left as it finds it: the collector is turned back on only by the call
    that turned it off, so it never stays off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _clause_start(line: str, previous_paren: str | None) -> tuple[str | None, str | None, int] | None:
    """(number, heading, level) when `line` opens a clause: one line at a time (word/generate.py), and the
    rule `_OPENER` applies to the whole text at once."""
    heading = _heading
    stripped = line.strip()
    if not stripped:
        return None
    # each pattern can open with one kind of character only, so the first one picks the pattern to try:
    # a line runs one regex at most, not four (a million-line file pays this once a line)
    first = stripped[0]
    if first in "AS§":  # what _ARTICLE and _SECTION can open with
        for pattern, level in ((_ARTICLE, 1), (_SECTION, 2)):
            m = pattern.match(stripped)
            if m:
                return m["num"].rstrip("."), heading(m["rest"]), level
    elif first.isdecimal():  # \d: what _DOTTED opens with
        m = _DOTTED.match(stripped)
        if m is None:
            return None
        number = m["num"].rstrip(".")
        if "." not in m["num"] and _looks_like_amount(stripped):
            return None
        return number, heading(m["rest"]), 1 + number.count(".") + 1
    elif first == "(":
        m = _PAREN.match(stripped)
        if m is None:
            return None
        label = m["num"][1:-1]
        is_roman = bool(_ROMAN.match(label)) and not (
            previous_paren and len(previous_paren) == 1 and previous_paren.isalpha()
            and ord(label[0].lower()) == ord(previous_paren.lower()) + 1)
        return m["num"], heading(m["rest"]), 5 if is_roman else 4
    if "A" <= first <= "Z" and _CAPS_HEADING.match(stripped) and sum(c.isalpha() for c in stripped) >= 4:
        return None, stripped.title() if stripped.isupper() else stripped, 2
    return None


_WRAP_ENDINGS = (".", ":", ";", "?", "!", ")", '"', "”", " and", " or")


def _closes_a_unit(previous: str) -> bool:
    """Whether the line before can end a clause. PDF text wraps sentences at the margin, so a line that
    starts "(1) month preceding the claim" or "Section 5.2 hereof" after a long unfinished line is a
    continuation, not a new clause."""
    previous = previous.rstrip()
    return not previous or len(previous) < 60 or previous.endswith(_WRAP_ENDINGS)


_PAGE_ENDINGS = (*_WRAP_ENDINGS, "/or")  # "and/or" ends a list's item as "and" and "or" do


def runs_on(page: str, next_page: str) -> bool:
    """Whether `next_page`'s text carries on the sentence that `page` leaves unfinished at its foot, so that
    a reader joins the two as words of one line (contracts/ingest.py): the page break then cuts neither the
    clause nor the sentence, where the blank line between pages had made a block break for the sentencizer,
    and let a continuation that looks like a clause's opening ("(30) days of each order") open a clause.

    The page's last line ends in a word or a comma, not in punctuation nor in the conjunction ending a list's
    item (`_PAGE_ENDINGS`: "...; and/or" then "(iii) ..." is the next item) nor in a rule of dashes or stars,
    and reads on: it ends in a comma or a word in lower case ("within", "the"). Else, when
    the next page's first line does not open a clause, it is enough that the last line is as long as a printed
    line, as a wrapped line is (`_closes_a_unit`), or that the next page opens in lower case. A line that
    opens a clause after a page ending in a capitalised word ("Subscribers" then "EXHIBIT D", "... of Customer"
    then "5.2 Fees") opens it: a page break is likelier there than a line's wrap."""
    last = page[page.rfind("\n") + 1:].rstrip()
    first = next_page[:next_page.find("\n")] if "\n" in next_page else next_page
    if not last or not first or last.endswith(_PAGE_ENDINGS) or not (last[-1].isalnum() or last[-1] == ","):
        return False
    reads_on = last.endswith(",") or last.split()[-1][0].islower()
    if _clause_start(first, None) is not None:
        return reads_on
    return reads_on or not _closes_a_unit(last) or first[0].islower()


_AMOUNT = re.compile(r"^\d{1,3}\s+(days|months|years|percent|%)", re.I)


def _looks_like_amount(line: str) -> bool:
    return bool(_AMOUNT.match(line))


def _heading(rest: str) -> str | None:
    rest = rest.strip()
    if not rest:
        return None
    if len(rest) <= 80 and rest.isupper():
        return rest.title()
    m = _HEADING_LEAD.match(rest) if "." in rest or ":" in rest else None  # the lead ends at one of them
    if m and len(m["head"].split()) <= 8:
        return m["head"].strip()
    if len(rest) <= 60 and not rest.endswith((".", ",", ";")):
        return rest
    return None


_W = r"[^\S\n]"  # whitespace within a line: the text is matched whole, a line's pattern must not run past it
# One pattern for every line that can open a clause, matched over the whole text, each alternative
# `_clause_start`'s pattern for a stripped line written for the line in place: its number (group 2k-1) and
# what follows (group 2k; its surrounding whitespace is stripped by `_heading`), or a heading in capitals
# (group 9, whose letters are counted after). A file of a million one-line items is one C-level scan and one
# Python step per clause, not a split, a strip and up to four regex calls a line.
_OPENER_LINE = (
    rf"{_W}*(?:"
    rf"((?:ARTICLE|Article){_W}+(?:[IVXLC]+|\d+)\b\.?){_W}*[-:.–—]?{_W}*([^\n]*)"
    rf"|((?:SECTION|Section|§){_W}*\d+(?:\.\d+)*[A-Za-z]?\.?){_W}*[-:.–—]?{_W}*([^\n]*)"
    rf"|(?!\d{{1,3}}{_W}+(?i:days|months|years|percent|%))(\d{{1,3}}(?:\.\d{{1,3}}){{0,4}}\.?){_W}+([A-Z(\"“][^\n]*)"
    rf"|(\((?:[a-z]{{1,2}}|[ivxlc]{{1,6}}|\d{{1,2}}|[A-Z])\)){_W}+(\S[^\n]*)"
    rf"|([A-Z][A-Z0-9 ,;:&'’/\-–()]{{2,80}}){_W}*$"
    rf")")
# The first line is matched where it stands, every other one from the newline before it: a pattern that
# opens with a literal is searched for as fast as `str.find`, where one that opens with `^` is tried at every
# character of the text (10 MB without a newline took half a second). The newline is each match's start.
_OPENER = re.compile(_OPENER_LINE, re.MULTILINE)
_NEXT_OPENER = re.compile("\n" + _OPENER_LINE, re.MULTILINE)
_LONG_LINE = re.compile(r"([^\n]{60,})")  # a shorter line always closes a unit
_NEXT_LONG_LINE = re.compile(r"\n([^\n]{60,})")


def _each_line(first: re.Pattern[str], following: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of a line pattern on the first line (at 0) and on every other line (at its newline)."""
    match = first.match(text)
    if match is not None:
        yield match
    yield from following.finditer(text)


def _continued_lines(text: str) -> set[int]:
    """The newlines that end a line that does not close a unit (`_closes_a_unit`): the line after one
    continues that line, whatever it looks like. (The first line follows none, and no newline is at 0.)"""
    return {m.end() for m in _each_line(_LONG_LINE, _NEXT_LONG_LINE, text) if not _closes_a_unit(m[1])}


def _clause_offsets(text: str) -> list[int]:
    """Where the clauses of `segment_clauses` open, and only that: no numbers, headings or levels, which
    finding the blocks does not need (one list comprehension over the matches, for a million items)."""
    continued = _continued_lines(text)
    return [m.start(kind - (kind < 9)) for m in _each_line(_OPENER, _NEXT_OPENER, text)
            if not (continued and m.start() in continued)
            and ((kind := m.lastindex or 0) < 9 or sum(c.isalpha() for c in m[9]) >= 4)]


def segment_clauses(text: str) -> list[Clause]:
    """Clauses in order, tiling the text; what precedes the first numbered clause is the preamble.

    The lines `_clause_start` accepts after a line that closes a unit, found by `_OPENER` in one scan
    (tests/contracts/test_segment.py checks the two agree line by line); each clause is made when the next
    one opens (its end), with no list of starts beside the clauses."""
    continued = _continued_lines(text)
    clauses: list[Clause] = []
    start, number, heading, level = 0, None, None, 0  # the preamble, unless a clause opens at offset 0
    previous_paren: str | None = None
    with _collector_paused():
        for m in _each_line(_OPENER, _NEXT_OPENER, text):
            if continued and m.start() in continued:
                continue
            kind = m.lastindex or 0  # the alternative that matched (every match has one)
            if kind == 9:  # a heading in capitals
                caps = m[9].rstrip()
                if sum(c.isalpha() for c in caps) < 4:
                    continue
                next_start, next_number, next_level = m.start(9), None, 2
                next_heading = caps.title() if caps.isupper() else caps
            elif kind == 8:  # (a), (iv), (1), (A)
                next_number = m[7]
                label = next_number[1:-1]
                is_roman = bool(_ROMAN.match(label)) and not (
                    previous_paren and len(previous_paren) == 1 and previous_paren.isalpha()
                    and ord(label[0].lower()) == ord(previous_paren.lower()) + 1)
                previous_paren = label
                next_start, next_heading, next_level = m.start(7), _heading(m[8]), 5 if is_roman else 4
            else:  # ARTICLE, Section, 1.2
                next_number = m[kind - 1].rstrip(".")
                next_start, next_heading = m.start(kind - 1), _heading(m[kind])
                next_level = 1 if kind == 2 else 2 if kind == 4 else 2 + next_number.count(".")
            if next_start > 0:
                clauses.append(Clause(number, heading, start, next_start, level))
            start, number, heading, level = next_start, next_number, next_heading, next_level
        clauses.append(Clause(number, heading, start, len(text), level))
    return clauses


# spaCy's vocabulary keeps every string it has seen (about 120 new ones per CUAD contract): past this many
# the pipeline is rebuilt empty, so a long-running server does not grow without bound. The rules, and so
# the sentences, do not depend on what the vocabulary has seen.
VOCAB_LIMIT = 500_000


# spaCy's `Sentencizer.default_punct_chars` (tests/contracts/test_segment.py checks they are the same), kept
# here so that finding the blocks that need the sentencizer does not import spaCy: a text none of whose
# blocks needs it (a file of numbered one-line items) never pays spaCy's import and, through thinc, torch's,
# seconds of such a file's analysis.
SENTENCE_PUNCT = (
    "!.?\u0589\u061f\u06d4\u0700\u0701\u0702\u07f9\u0964\u0965\u104a\u104b\u1362\u1367\u1368\u166e"
    "\u1735\u1736\u1803\u1809\u1944\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f\u1c3b\u1c3c"
    "\u1c7e\u1c7f\u203c\u203d\u2047\u2048\u2049\u2e2e\u2e3c\u3002\ua4ff\ua60e\ua60f\ua6f3\ua6f7\ua876"
    "\ua877\ua8ce\ua8cf\ua92f\ua9c8\ua9c9\uaa5d\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52\ufe56\ufe57\uff01"
    "\uff0e\uff1f\uff61\U00010a56\U00010a57\U00011047\U00011048\U000110be\U000110bf\U000110c0"
    "\U000110c1\U00011141\U00011142\U00011143\U000111c5\U000111c6\U000111cd\U000111de\U000111df"
    "\U00011238\U00011239\U0001123b\U0001123c\U000112a9\U0001144b\U0001144c\U000115c2\U000115c3"
    "\U000115c9\U000115ca\U000115cb\U000115cc\U000115cd\U000115ce\U000115cf\U000115d0\U000115d1"
    "\U000115d2\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7\U00011641\U00011642\U0001173c"
    "\U0001173d\U0001173e\U00011a42\U00011a43\U00011a9b\U00011a9c\U00011c41\U00011c42\U00016a6e"
    "\U00016a6f\U00016af5\U00016b37\U00016b38\U00016b44\U0001bc9f\U0001da88"
)


@cache
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2 * MAX_BLOCK_CHARS  # never reached: blocks are cut to MAX_BLOCK_CHARS first
    return nlp


# spaCy refuses a text over its max_length (E088) and its memory grows with the text: a block of a
# 25 MiB upload without a blank line is cut here, at whitespace, before the sentencizer sees it.
# Sentences are cut at 2,000 characters anyway, so the cut changes nothing a reader would notice.
MAX_BLOCK_CHARS = 100_000


def _block_ranges(text: str) -> Iterator[tuple[int, int]]:
    """Paragraph blocks, in order: split at blank lines and at the lines that open a clause (their offsets
    only: a file of a million one-line items makes a million blocks, and no Clause object, heading or list
    of blocks is made to find them); a block longer than MAX_BLOCK_CHARS comes in pieces."""
    cut_points = {0, len(text)}
    cut_points.update(m.end() for m in _BLOCK_BREAK.finditer(text))
    cut_points.update(_clause_offsets(text))
    for a, b in itertools.pairwise(sorted(cut_points)):
        if b - a <= MAX_BLOCK_CHARS:
            yield a, b
        else:
            yield from _cap_length(text, a, b, MAX_BLOCK_CHARS)


def split_sentences(text: str, *, max_chars: int = 2000, whole_blocks: bool = True) -> list[Span]:
    """Sentence spans (trimmed of surrounding whitespace). Run-on text is cut at `max_chars` so that one
    enormous table or a page without punctuation cannot become a single unit.

    A block the sentencizer could not cut (see `_ONE_SENTENCE`) is taken whole without building
    a spaCy doc for it: a doc costs tens of µs whatever its length, which for a file of a million
    numbered one-line items was most of a minute. Such a block is trimmed where it is found, in the one
    loop over the blocks. `whole_blocks=False` sends every block through spaCy: the reference that tests
    and benchmarks/segment_speed.py compare with."""
    # a text with none of the sentencizer's punctuation has no block it could cut: one scan of the text
    # (stopped at the first candidate, any non-ASCII character included), not a million `_ONE_SENTENCE` calls
    may_cut = _MAYBE_PUNCT.search(text) is not None
    # per block, in order: its sentence (taken whole and trimmed) or its (start, end) for spaCy
    plan: list[Span | tuple[int, int]] = []
    with _collector_paused():  # spaCy's part below runs with it, as it always did
        for a, b in _block_ranges(text):
            body = text[a:b].rstrip()
            if not body:
                continue
            if whole_blocks and b - a <= max_chars and (not may_cut or _ONE_SENTENCE.match(text, a, b) is not None):
                plan.append(Span(a + len(body) - len(body.lstrip()), a + len(body)))
            else:
                plan.append((a, b))
    cut = [step for step in plan if type(step) is tuple]
    if not cut:
        return plan  # type: ignore[return-value]  # every block whole: the plan is the answer
    nlp = _sentencizer()
    docs = iter(nlp.pipe(text[a:b] for a, b in cut))
    spans: list[Span] = []
    for step in plan:
        if type(step) is not tuple:
            spans.append(step)  # type: ignore[arg-type]
            continue
        a = step[0]
        for sent_start, sent_end in _join_headings(list(next(docs).sents)):
            for start, end in _cap_length(text, a + sent_start, a + sent_end, max_chars):
                trimmed = _trim(text, start, end)
                if trimmed is not None:
                    spans.append(trimmed)
    if len(nlp.vocab) > VOCAB_LIMIT:
        _sentencizer.cache_clear()  # callers still holding the old pipeline finish with it
    return spans


# Blocks the sentencizer and `_join_headings` give back as one sentence, whatever the tokenizer does.
# The sentencizer starts a sentence only at a token that is not punctuation after a token that is one
# of its `punct_chars` (".", "!", "?" and their kin in other scripts). So a block qualifies when such a
# character occurs only (a) in a run that ends it, after which come at most whitespace tokens (a
# sentence of whitespace, trimmed away), or (b) in a leading "12. " whose cut-off "12." `_join_headings`
# joins to what follows; what follows must open with a letter or digit, else the cut could fall later
# ("12. (a) ..." is cut after the bracket). Anything else goes to spaCy. Possessive quantifiers: a block
# that fails is refused in one pass, never by backtracking.
_P = re.escape(SENTENCE_PUNCT)
_MAYBE_PUNCT = re.compile(r"[!.?\x80-\U0010ffff]")  # SENTENCE_PUNCT's ASCII ones, and every non-ASCII character
_ONE_SENTENCE = re.compile(rf"\s*+(?:\d{{1,3}}\. +(?=[^\W_]))?[^{_P}]*+[{_P}]*+\s*+\Z")


_HEADING_SENTENCE = re.compile(r"^(?:\(?[0-9a-zA-Z]{1,3}(?:\.[0-9]{1,3})*[.)]?\s+|(?:Section|SECTION|Article|ARTICLE)\s+\S+\s+)?"
                               r"[A-Z][\w'’&/,-]*(?:\s+[\w'’&/,-]+){0,5}[.:]$")


_NUMBER_ONLY = re.compile(r"^(?:\(?[0-9a-zA-Z]{1,3}(?:\.[0-9]{1,3})*[.)]|(?:Section|SECTION|Article|ARTICLE)\s+[0-9IVXLC.]+)$")


def _join_headings(sentences: list) -> list[tuple[int, int]]:
    """A heading or bare number the sentencizer cut off ("2.3 Minimum Commitment.", "3.") belongs to the
    sentence after it:
    lawyers quote it with its heading, and alone it says nothing a classifier can use."""
    out: list[tuple[int, int]] = []
    pending: int | None = None
    for sent in sentences:
        start = sent.start_char if pending is None else pending
        stripped = sent.text.strip()
        if len(stripped) < 80 and (_HEADING_SENTENCE.match(stripped) or _NUMBER_ONLY.match(stripped)):
            pending = start
            continue
        out.append((start, sent.end_char))
        pending = None
    if pending is not None:
        out.append((pending, sentences[-1].end_char))
    return out


def _cap_length(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _trim(text: str, start: int, end: int) -> Span | None:
    """text[start:end] without its leading and trailing whitespace (str.isspace, as `\\s` and rstrip
    read it), or None when nothing else is left. One slice and two C-level strips: this runs once per
    sentence, a million times for a file of a million one-line items."""
    piece = text[start:end]
    stripped_end = len(piece.rstrip())
    if not stripped_end:
        return None
    return Span(start + len(piece) - len(piece.lstrip()), start + stripped_end)
