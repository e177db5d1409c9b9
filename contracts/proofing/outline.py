"""The document's numbering as the segmenter reads it from the headings (contracts.segment), put in the
one form references and the numbering check compare: "ARTICLE IV" is "4", "Section 5.2." is "5.2".

Plain-text filings often run a heading into the line before it ("... in writing.   4. EXCLUSIVITY"), where
the segmenter, which reads line starts, does not see it. Those inline headings (a number after a sentence's
end and two spaces, then a capital) are added for the reference check only, so that it does not call a
section missing that the reader can see."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.segment import Clause, segment_clauses

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_NUMBER = re.compile(r"(?:article|section|§|clause|paragraph)?\s*([0-9]+(?:\.[0-9]+)*|[ivxlcdm]+)\b", re.I)
# a number opening a sentence or a line (or after a wide gap: a flattened line break), then a capital, a
# bracket, a quote or a redaction's stars ("5. [***]"): possessive runs of blanks, so that a line of a
# million spaces is passed over once, not once per space. After a number and one blank ("9. 1") a number is the
# second part of a spaced number (_SPACED_DOTTED), not a heading of its own; a dotted one is ("14. 14.1.")
_INLINE = re.compile(r"(?:(?<![0-9])[.:;)][ \t]++|[.:;)][ \t][ \t]++|[.:;)][ \t](?=[0-9]{1,3}\.[0-9])|\n[ \t]*+|\A[ \t]*+|(?<=[ \t][ \t][ \t]))(?:(?:Section|SECTION|Article|ARTICLE)[ \t]++)?"
                     r"([0-9]{1,3}(?:\.[0-9]{1,3}){0,3})\.?(?:[ \t]++|[ \t]*+\n[ \t\n]*+)[A-Z(\[*\"“]")
# a number spaced at its dots ("9. 1     SAP AFRICA shall", "2. 3. 9.   "RELEASE" means") opening a line or after a
# wide gap: a sub-section (9.1), as some filings print them
_SPACED_DOTTED = re.compile(r"(?:(?:\A|\n)[ \t]*+|(?<=[ \t][ \t]))([0-9]{1,3})\. ([0-9]{1,2})(?:\. ([0-9]{1,2}))?\.?[ \t]++"
                            r"[A-Z(\[*\"“]")
# a dotted number opening a line before a lower-case word: a sub-section whose text starts without a capital
# ("10.2.3 in its entirety ...", "6.1 eGain warrants ..."), or after a wide gap, a list run into the line ("...;
# and   15.1.1 acquire ...")
_LINE_DOTTED = re.compile(r"(?:(?:\A|\n)[ \t]*+|(?<=[ \t][ \t][ \t]))([0-9]{1,3}(?:\.[0-9]{1,3}){1,3})\.?[ \t]++[a-z]")
# "SECTION 1. SERVICES AS UNDERWRITER Section 1.1 Integrity will act ...": a sub-section's heading run in after its
# section's title in capitals (not a reference inside text in capitals: "... HARMLESS UNDER THIS SECTION 8.4.2 SHALL")
# The word comes first so that the scan jumps to each "Section" (a pattern opened by look-behinds is tried at
# every position of the text); _CAPS_TITLE_BEFORE, matched where the word starts, checks what stands before it.
_AFTER_CAPS_TITLE = re.compile(r"(?:Section|SECTION)[ \t]++([0-9]{1,3}(?:\.[0-9]{1,3}){1,3})\.?[ \t]++[A-Z][a-z]")
_CAPS_TITLE_BEFORE = re.compile(r"(?<=[A-Z][A-Z][ \t])(?<!\bTHIS[ \t])(?<!\bUNDER[ \t])(?<!\bOF[ \t])(?<!\bIN[ \t])"
                                r"(?<!\bTO[ \t])(?<!\bAND[ \t])(?<!\bOR[ \t])")
# "Article VIII. Duties of Party A" run into the text: an article by its roman numeral
_INLINE_ARTICLE = re.compile(r"(?:[.:;)][ \t]++|\n[ \t]*+|\A[ \t]*+|(?<=[ \t][ \t][ \t]))(?:Article|ARTICLE)[ \t]++"
                             r"([IVXLC]{1,6})\.?[ \t]++[A-Z(\[*\"“]")


def roman_to_int(numeral: str) -> int | None:
    numeral = numeral.lower()
    if not numeral or any(c not in _ROMAN_VALUES for c in numeral) or len(numeral) > 12:
        return None
    total = 0
    for a, b in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[a]
        total += -value if b != " " and _ROMAN_VALUES[b] > value else value
    return total


def normalise(number: str) -> str | None:
    """ "Section 5.2." -> "5.2", "ARTICLE IV" -> "4", "(a)" -> None (a paragraph, not a section)."""
    m = _NUMBER.fullmatch(number.strip().rstrip("."))
    if m is None:
        return None
    value = m.group(1)
    if value[0].isdigit():
        return value
    as_int = roman_to_int(value)
    return str(as_int) if as_int else None


@dataclass(frozen=True, slots=True)
class Heading:
    number: str  # normalised
    start: int  # where the number stands in the text
    end: int
    article: bool  # an ARTICLE heading (numbered apart from sections in some contracts)
    title: str  # the heading's first word, lower-cased ("" without one): tells a table of contents' echo


def headings(text: str, clauses: list[Clause] | None = None) -> list[Heading]:
    """The numbered headings the segmenter found, in order, with the offsets of their numbers."""
    found: list[Heading] = []
    for clause in clauses if clauses is not None else segment_clauses(text):
        if not clause.number or clause.number.startswith("("):
            continue
        number = normalise(clause.number)
        if number is None:
            continue
        label_end = clause.start + len(clause.number)
        title = (clause.heading or "").split()[:1]
        found.append(Heading(number, clause.start, label_end, clause.number.lower().startswith("article"),
                             title[0].strip(".,:;").lower() if title else ""))
    return found


# a dotted number ("7.1") before a capital, a quote or a bracket, anywhere: a heading run into the text
# ("... RIGHTS 7.1 Sublicenses."), unless a reference word or a list separator comes just before it
_DOTTED_INLINE = re.compile(r"(?<![\w.§$])([0-9]{1,3}(?:\.[0-9]{1,3}){1,3})\.?[ \t]++[A-Z\"“(\[*]")
_REFERENCE_BEFORE = re.compile(r"(?:sections?|articles?|clauses?|paragraphs?|schedules?|exhibits?|annex|appendix|and|or|to|"
                               r"through|of|in|under|,|&)\s*+\Z", re.I)


# a reference word just before a number that follows a wide gap: the number is a reference, not a heading
_KEYWORD_BEFORE = re.compile(r"\b(?:sections?|articles?|clauses?|paragraphs?)[ \t]*+\Z", re.I)


def inline_numbers(text: str) -> dict[str, list[int]]:
    """Numbers standing as headings run into the text, each with the offsets where it stands, in order:
    any number that opens a sentence or a line before a capital, and any dotted number before a capital
    that is not itself a reference ("Section 7.1 The ...")."""
    found: dict[str, list[int]] = {}
    for m in _INLINE.finditer(text):
        if m.start() == m.start(1) and _KEYWORD_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue  # "... the terms of this Section and Section           15.12.\n": a justified reference
        found.setdefault(m.group(1), []).append(m.start(1))
    for m in _SPACED_DOTTED.finditer(text):
        found.setdefault(".".join(g for g in m.groups() if g), []).append(m.start(1))
    for m in _LINE_DOTTED.finditer(text):
        if m.start() == m.start(1) and _KEYWORD_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        found.setdefault(m.group(1), []).append(m.start(1))
    for m in _AFTER_CAPS_TITLE.finditer(text):
        if _CAPS_TITLE_BEFORE.match(text, m.start()):
            found.setdefault(m.group(1), []).append(m.start(1))
    for m in _INLINE_ARTICLE.finditer(text):
        value = roman_to_int(m.group(1))
        if value:
            found.setdefault(str(value), []).append(m.start(1))
    for m in _DOTTED_INLINE.finditer(text):
        if _REFERENCE_BEFORE.search(text, max(0, m.start() - 14), m.start()) is None:
            found.setdefault(m.group(1), []).append(m.start(1))
    for offsets in found.values():
        offsets.sort()
    return found


def known_numbers(heads: list[Heading], inline: dict[str, list[int]]) -> set[str]:
    """Every number a reference may name: the headings', the inline headings' and their parents' (5.1
    implies Section 5)."""
    numbers = {h.number for h in heads} | set(inline)
    for number in list(numbers):
        parts = number.split(".")
        numbers.update(".".join(parts[:k]) for k in range(1, len(parts)))
    return numbers
