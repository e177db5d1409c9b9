"""The sentence around a match: the terms quote whole sentences (as CUAD's excerpts do). The sentence
ends of a text are found in one scan (cached for the text being read) and looked up by bisection,
each sentence capped at `REACH` characters either side of the match, so that a text without
punctuation cannot make one quote the size of the contract."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

# a full stop, semicolon or colon before whitespace (not after an initial or a common abbreviation), or a blank line
# ("March 18. 2021": a full stop before a year is a typed comma, not a sentence end)
_END = re.compile(r"[.;:](?=\s)(?!\s(?:19|20)\d\d(?!\d))(?<!\b[a-z][.;:])(?<!\binc\.)(?<!\bco\.)(?<!\bno\.)(?<!\bsec\.)(?<!\bltd\.)"
                  r"(?<!\bcorp\.)(?<!\bu\.s\.)|\n[ \t]*\n")
REACH = 700


@lru_cache(maxsize=2)
def _ends(low: str) -> tuple[list[int], list[int], list[bool]]:
    """(start, end, keeps-its-character) of every sentence end in `low`."""
    starts, ends, keep = [], [], []
    for m in _END.finditer(low):
        starts.append(m.start())
        ends.append(m.end())
        keep.append(m.group() in (".", ";"))
    return starts, ends, keep


def sentence_around(low: str, start: int, end: int, reach: int = REACH) -> tuple[int, int]:
    """(start, end) of the sentence holding low[start:end], at most `reach` characters either side,
    trimmed of surrounding whitespace; `low` is the text in lower case (`lowered`)."""
    starts, ends, keep = _ends(low)
    i = bisect.bisect_right(ends, start) - 1  # the last end at or before `start`
    s = ends[i] if i >= 0 and ends[i] >= start - reach else max(0, start - reach)
    j = bisect.bisect_left(starts, end)  # the first end at or after `end`
    if j < len(starts) and starts[j] <= end + reach:
        e = starts[j] + (1 if keep[j] else 0)
    else:
        e = min(len(low), end + reach)
    while s < e and low[s].isspace():
        s += 1
    while e > s and low[e - 1].isspace():
        e -= 1
    return s, e


def lowered(text: str) -> str:
    """`text` in lower case with every offset kept: str.lower() where it keeps the length (it only ever
    lengthens, as 'İ' does), else character by character, keeping a character whose lower case is longer."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
