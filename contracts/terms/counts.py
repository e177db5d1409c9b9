"""Counts as contracts write them: "thirty (30)", "30", "twelve", "one hundred twenty". Number words are
read by text2num (a maintained parser) rather than a hand-made table; where a contract gives both the
words and the digits, the digits win (they are what a lawyer checks)."""

from __future__ import annotations

import re

from text_to_num import text2num

NUMBER_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
               r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
               r"|hundred|thousand)")
# "thirty (30)", "thirty", "(30)", "30", "one hundred and twenty (120)": words, digits or both; bounded repeats
COUNT = (rf"(?:(?:{NUMBER_WORD}(?:[\s-]+(?:and[\s-]+)?{NUMBER_WORD}){{0,4}})\s*(?:\(\s*\d{{1,4}}\s*\))?"
         rf"|\(?\d{{1,4}}(?:\.\d+)?\)?)")
_DIGITS = re.compile(r"\d{1,4}(?:\.\d+)?")


def read_count(words: str) -> float | None:
    """The number a count expression stands for, or None when it is not a number."""
    digits = _DIGITS.search(words)
    if digits:
        return float(digits.group())
    cleaned = re.sub(r"[\s-]+", " ", words.strip().lower())
    try:
        return float(text2num(cleaned, "en"))
    except ValueError:
        return None
