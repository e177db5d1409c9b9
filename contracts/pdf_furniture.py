"""Page furniture: the running headers, footers and page numbers a PDF prints on every page.

A PDF's text layer holds them as text like any other, so without this step they land in the middle of
every clause that crosses a page ("...shall deliver the\\n\\nSource: ACME INC., 10-K, 3/1/2019\\n\\n7\\n\\n
Goods..."): the quote a lawyer reads carries them, and a comparison with a Word template (whose header and
footer are read once, not on every page) shows every page-crossing clause as modified.

What counts as furniture is decided the way PDF-to-text tools do it, by recurrence at the page edges:

- a line among a page's first (or last) `EDGE_LINES` non-empty lines whose form with every run of digits
  read as `#` ("Page # of #", "Source: ACME INC., 10-K, #/#/#") stands at the top (or bottom) of at least
  half the pages, and of at least `MIN_PAGES` pages, and holds a letter;
- a line that is only a page number: "Page 7", "Page 7 of 85", "7 of 85" anywhere in those edge lines, and
  a bare "7" or "- 7 -" only where another page's bare number at the same edge follows the same page
  sequence (so a lone "2020" ending a table is not a page number).

Only those edge lines are looked at, so nothing in the middle of a page is ever removed, however often it
repeats (a heading used on several pages). Top and bottom are counted apart, and on a short page they
split its lines, so a title at the top of page 1 is not judged against the footers. A page whose every
line is furniture keeps them all: its text is what it has. A document of fewer than `MIN_PAGES` pages is
left alone: two pages cannot show what recurs. Only PDFs go through this: a DOCX's header and footer are
read once, at its start and end, and a text file's pages (its form feeds) are its text as typed. On CUAD's
40 PDFs it removes 806 lines (EDGAR's "Source: ..." footers, page numbers, confidential-treatment legends)
in 25 ms in all, against about 6 s to extract their text."""

from __future__ import annotations

import math
import re
from collections import Counter

# how many non-empty lines at each edge of a page may be furniture: a running title, a legend of one or
# two lines and a page number
EDGE_LINES = 4
# a line must recur on at least this many pages (and on half of them) to be furniture
MIN_PAGES = 3

_DIGITS = re.compile(r"\d+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# a line without a letter ("[***]", "* * *", a rule of underscores) may repeat as content: it is never a
# running header on its own
_LETTER = re.compile(r"[^\W\d_]")
# page numbers that say so: "Page 7", "Page 7 of 85", "7 of 85", "Page 7/85"
_NAMED_PAGE_NUMBER = re.compile(r"(?:page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s+of\s+\d{1,4})", re.I)
# bare page numbers: "7", "- 7 -", "– 7 –", "[7]"
_BARE_PAGE_NUMBER = re.compile(r"(?:[-–—]\s*)?\[?(\d{1,4})\]?(?:\s*[-–—])?")


# the indices (into a page's lines) of its first or last non-empty lines, outermost first
Edge = list[int]


def _key(line: str) -> str:
    return _DIGITS.sub("#", line)


def _edges(lines: list[str]) -> tuple[Edge, Edge]:
    """A page's top and bottom edge lines. On a short page the two do not overlap: its first half is its
    top, its second half its bottom, so one line is never judged as both."""
    filled = [i for i, line in enumerate(lines) if line]
    top = min(EDGE_LINES, math.ceil(len(filled) / 2))
    bottom = min(EDGE_LINES, len(filled) - top)
    return filled[:top], list(reversed(filled[len(filled) - bottom:]))


def _recurring(pages: list[list[str]], edges: list[Edge]) -> set[str]:
    """The keys that stand at this edge on at least half the pages (and at least MIN_PAGES). A key seen
    twice at one page's edge is not counted for it: a page has one footer, while numbered lines of a list
    or a table ("1.4 The Supplier shall...", "Unit 7 $1,200") share a key row after row."""
    counts: Counter[str] = Counter()
    for lines, edge in zip(pages, edges, strict=True):
        here = Counter(_key(lines[i]) for i in edge)
        counts.update(key for key, n in here.items() if n == 1)
    needed = max(MIN_PAGES, math.ceil(len(pages) / 2))
    return {key for key, n in counts.items() if n >= needed and _LETTER.search(key)}


def _bare_number(line: str) -> int | None:
    match = _BARE_PAGE_NUMBER.fullmatch(line)
    return int(match.group(1)) if match else None


def _numbered_offsets(pages: list[list[str]], edges: list[Edge]) -> set[int]:
    """The page sequences (printed number minus page index) that bare numbers at this edge follow on at
    least two pages: a real page number has a neighbour in its sequence, a number ending a table does not."""
    offsets: Counter[int] = Counter()
    for index, (lines, edge) in enumerate(zip(pages, edges, strict=True)):
        seen = {number - index for i in edge if (number := _bare_number(lines[i])) is not None}
        offsets.update(seen)
    return {offset for offset, n in offsets.items() if n >= 2}


def _furniture(lines: list[str], edge: Edge, index: int, recurring: set[str], offsets: set[int]) -> list[int]:
    """The indices of the furniture among this edge's lines. A line between it and the edge may be content
    (a section title one page runs as its header, a document-management number under the footer): the
    furniture behind it is still furniture, and that line stays."""
    found: list[int] = []
    for i in edge:
        line = lines[i]
        number = _bare_number(line)
        if number is not None:  # judged by its sequence alone, however often "#" recurs
            furniture = number - index in offsets
        else:
            furniture = _key(line) in recurring or _NAMED_PAGE_NUMBER.fullmatch(line) is not None
        if furniture:
            found.append(i)
    return found


def strip_furniture(pages: list[str]) -> list[str]:
    """The pages without their running headers, footers and page numbers.

    `pages` are normalised page texts (one line break kind, lines stripped); each page stays a page, so the
    page map built from them covers each page's remaining text."""
    if len(pages) < MIN_PAGES:
        return pages
    split = [page.split("\n") for page in pages]
    edges = [_edges(lines) for lines in split]
    tops, bottoms = [e[0] for e in edges], [e[1] for e in edges]
    recurring_top, recurring_bottom = _recurring(split, tops), _recurring(split, bottoms)
    offsets_top, offsets_bottom = _numbered_offsets(split, tops), _numbered_offsets(split, bottoms)
    result: list[str] = []
    for index, (page, lines, (top, bottom)) in enumerate(zip(pages, split, edges, strict=True)):
        removed = set(_furniture(lines, top, index, recurring_top, offsets_top))
        removed |= set(_furniture(lines, bottom, index, recurring_bottom, offsets_bottom))
        kept = [line for i, line in enumerate(lines) if i not in removed]
        if not removed or not any(kept):  # nothing to remove, or nothing would be left
            result.append(page)
            continue
        result.append(_BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip())
    return result
