"""The document's name: its title line, the first short line near the top that names a kind of agreement."""

from __future__ import annotations

import re
from dataclasses import dataclass

_KIND = re.compile(r"\b(?:agreement|contract|amendment|addendum|license|licence|lease|deed|memorandum|"
                   r"terms\s+and\s+conditions|plan|arrangement|undertaking|charter|statement\s+of\s+work)\b",
                   re.IGNORECASE)
_SKIP = re.compile(r"^\s*(?:exhibit|schedule|annex|appendix|execution\s+(?:copy|version)|confidential|page\b|"
                   r"\[?\*|source:|table of contents)", re.IGNORECASE)
HEAD = 3000


@dataclass(frozen=True)
class TitleHit:
    start: int
    end: int
    confidence: float


def find_title(text: str) -> TitleHit | None:
    """The first line in the head of the text that is short, names a kind of agreement and reads as a
    heading (capitals, or not ending like a sentence)."""
    pos = 0
    limit = min(len(text), HEAD)
    while pos < limit:
        newline = text.find("\n", pos, limit)
        end = limit if newline < 0 else newline
        line = text[pos:end]
        s = pos + len(line) - len(line.lstrip())
        e = pos + len(line.rstrip())
        words = text[s:e]
        if 3 < len(words) <= 120 and _KIND.search(words) and not _SKIP.match(words):
            upper = words.upper() == words
            if upper or not words.endswith((".", ",", ";")):
                return TitleHit(s, e, 0.9 if upper else 0.6)
        if newline < 0:
            break
        pos = newline + 1
    return None
