"""Text clean-up shared by every ingester, so a contract reads the same whatever file it came in."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# runs of horizontal white space, but not the single plain spaces between words (5 million no-op
# replacements in a 24 MB text)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_TRAILING = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")

# Unicode's Stream-Safe Text Format (UAX #15): at most 30 non-starters in a row, then U+034F COMBINING
# GRAPHEME JOINER (a starter that renders as nothing). NFC sorts each run of combining marks by insertion,
# so one run of 40,000 marks took 10 s; with runs capped the normalisation is linear.
_MAX_NON_STARTERS = 30
_CGJ = "\u034f"


@cache
def _non_starters() -> dict[int, str]:
    """Every character that normalises to a combining mark (canonical class != 0, or a decomposition
    that starts with one, like U+0F73), mapped to one of them, U+0300. All lie in U+0300..U+1EFFF."""
    return {c: "\u0300" for c in range(0x300, 0x1F000)
            if unicodedata.combining(chr(c)) or unicodedata.combining(unicodedata.normalize("NFD", chr(c))[0])}


# every non-starter is at or above U+0300: only runs of such characters can hold a long run of them
_CANDIDATE_RUNS = re.compile(f"[^\\x00-\\u02ff]{{{_MAX_NON_STARTERS + 1},}}")
_LONG_RUNS = re.compile(f"\u0300{{{_MAX_NON_STARTERS + 1},}}")


def _stream_safe(text: str) -> str:
    if text.isascii():
        return text

    def fix(candidate: re.Match[str]) -> str:
        run = candidate.group()
        marked = run.translate(_non_starters())  # same length: positions in `marked` are positions in `run`
        pieces, done = [], 0
        for long in _LONG_RUNS.finditer(marked):
            pieces.append(run[done:long.start()])
            marks = run[long.start():long.end()]
            pieces.append(_CGJ.join(marks[i:i + _MAX_NON_STARTERS] for i in range(0, len(marks), _MAX_NON_STARTERS)))
            done = long.end()
        pieces.append(run[done:])
        return "".join(pieces)

    return _CANDIDATE_RUNS.sub(fix, text)


def normalize_text(text: str) -> str:
    """NFC, one kind of line break, no control characters, single spaces, at most one blank line.

    Quote characters and dashes are kept: the quote a lawyer sees must be the contract's own."""
    text = unicodedata.normalize("NFC", _stream_safe(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _TRAILING.sub("\n", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()
