"""The sentence around a match, found by looking a bounded distance either side of it: the terms quote
whole sentences (as CUAD's excerpts do) without segmenting the whole contract a second time."""

from __future__ import annotations

import re

_END = re.compile(r"(?<!\b[a-z])(?<!\binc)(?<!\bco)(?<!\bno)(?<!\bsec)(?<!\bltd)(?<!\bcorp)(?<!\bu\.s)[.;:](?=\s)"
                  r"|\n[ \t]*\n")
REACH = 700


def sentence_around(text: str, start: int, end: int, reach: int = REACH) -> tuple[int, int]:
    """(start, end) of the sentence holding text[start:end], at most `reach` characters either side,
    trimmed of surrounding whitespace; `text` in lower case (`lowered`)."""
    left = max(0, start - reach)
    s = left
    for m in _END.finditer(text, left, start):
        s = m.end()
    m = _END.search(text, end, min(len(text), end + reach))
    e = m.start() + (1 if m.group().strip() in {".", ";"} else 0) if m else min(len(text), end + reach)
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def lowered(text: str) -> str:
    """`text` in lower case with every offset kept: str.lower() where it keeps the length (it only ever
    lengthens, as 'İ' does), else character by character, keeping a character whose lower case is longer."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
