"""Find where a quoted clause stands in a document's text.

Models and annotators quote with straightened quotes, collapsed whitespace, re-joined hyphenation
and the odd slip. A finding is only shown with offsets that really hold its quote, so the search
goes exact, then normalised, then fuzzy, and gives up rather than guess."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

Method = Literal["exact", "normalized", "fuzzy"]

_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
}
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    method: Method
    score: float


@dataclass(frozen=True)
class _Normalized:
    text: str
    origin: list[int]  # origin[i] = index in the source of normalised char i; one extra for the end


def normalize_for_match(source: str) -> _Normalized:
    """Fold quotes, dashes and whitespace, drop soft hyphens, and re-join words hyphenated across a
    line break, remembering where each kept character came from."""
    out: list[str] = []
    origin: list[int] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in _DROP:
            i += 1
            continue
        if ch == "-" and out and out[-1].isalpha():
            j = i + 1
            while j < n and source[j] in " \t":
                j += 1
            if j < n and source[j] in "\r\n":
                while j < n and source[j].isspace():
                    j += 1
                if j < n and source[j].islower():
                    i = j
                    continue
        if ch.isspace():
            j = i
            while j < n and source[j].isspace():
                j += 1
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(i)
            i = j
            continue
        out.append(_CHAR_MAP.get(ch, ch).lower())
        origin.append(i)
        i += 1
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    origin.append(n)
    return _Normalized("".join(out), origin)


def locate(quote: str, text: str, *, near: int | None = None, min_fuzzy: float = 90.0,
           normalized_text: _Normalized | None = None) -> Located | None:
    """Offsets of `quote` in `text`, or None when it is not there.

    `near` picks among several occurrences (a chunk's start, say). `normalized_text` lets a caller
    grounding many quotes in one document normalise it once."""
    quote = quote.strip()
    if not quote:
        return None
    exact = _closest(_all_occurrences(text, quote), near)
    if exact is not None:
        return Located(exact, exact + len(quote), "exact", 100.0)

    norm = normalized_text or normalize_for_match(text)
    needle = normalize_for_match(quote).text
    if not needle:
        return None
    starts = _all_occurrences(norm.text, needle)
    if starts:
        near_norm = None if near is None else _norm_index(norm, near)
        s = _closest(starts, near_norm)
        assert s is not None
        return Located(norm.origin[s], norm.origin[s + len(needle) - 1] + 1, "normalized", 100.0)

    if len(needle) < 20:
        return None  # too short for a fuzzy match to mean anything
    alignment = fuzz.partial_ratio_alignment(needle, norm.text, score_cutoff=min_fuzzy)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    covered = (alignment.dest_end - alignment.dest_start) / len(needle)
    if covered < 0.9:
        return None
    start, end = _snap_to_words(text, norm.origin[alignment.dest_start], norm.origin[alignment.dest_end - 1] + 1)
    return Located(start, end, "fuzzy", float(alignment.score))


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A fuzzy alignment can cut a word at either edge; a quote shown to a lawyer never does."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def _all_occurrences(haystack: str, needle: str) -> list[int]:
    found, pos = [], haystack.find(needle)
    while pos != -1:
        found.append(pos)
        pos = haystack.find(needle, pos + 1)
    return found


def _closest(starts: list[int], near: int | None) -> int | None:
    if not starts:
        return None
    if near is None:
        return starts[0]
    return min(starts, key=lambda s: (abs(s - near), s))


def _norm_index(norm: _Normalized, source_index: int) -> int:
    return min(bisect.bisect_left(norm.origin, source_index), max(len(norm.text) - 1, 0))
