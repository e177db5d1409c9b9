"""Text clean-up shared by every ingester, so a contract reads the same whatever file it came in."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TRAILING = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")

# Unicode's Stream-Safe Text Format (UAX #15): at most 30 non-starters in a row, then U+034F COMBINING
# GRAPHEME JOINER (a starter that renders as nothing). NFC sorts each run of combining marks by insertion,
# so one run of 40,000 marks took 10 s; with runs capped the normalisation is linear.
_MAX_NON_STARTERS = 30
_CGJ = "\u034f"


@cache
def _long_non_starter_runs() -> re.Pattern[str]:
    """Runs of more than 30 characters that normalise to combining marks (canonical class != 0, or a
    decomposition that starts with one, like U+0F73). All of them lie in U+0300..U+1EFFF."""
    chars = [chr(c) for c in range(0x300, 0x1F000)
             if unicodedata.combining(chr(c)) or unicodedata.combining(unicodedata.normalize("NFD", chr(c))[0])]
    members = "".join(re.escape(c) for c in chars)
    return re.compile(f"[{members}]{{{_MAX_NON_STARTERS + 1},}}")


def _stream_safe(text: str) -> str:
    def split(match: re.Match[str]) -> str:
        run = match.group()
        return _CGJ.join(run[i:i + _MAX_NON_STARTERS] for i in range(0, len(run), _MAX_NON_STARTERS))

    return _long_non_starter_runs().sub(split, text)


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
