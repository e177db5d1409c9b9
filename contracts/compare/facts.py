"""The values a lawyer checks first in a changed clause (amounts, percentages, durations, dates, the
governing law), read from each side and paired: each value the contract changed is named with the value
it replaced, and a value with none is named as added or removed.

A clause can change two values of one kind at once ("an initial term of three (3) years" to five, and
"one hundred eighty (180) days" notice to thirty). Joined into one sentence they read "duration changed
from three (3) years to five (5) years, thirty (30) days", the notice cut with no "from". So values are
paired by kind, then by unit (years with years, days with days), the words around them and where they
stand in their clause; and a duration the words around call notice is named a notice period."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

_MONEY = re.compile(r"(?:[$€£]|\b(?:USD|EUR|GBP|US\$)\s?)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand))?"
                    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars|euros|pounds)\b", re.I)
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I)
_NUMBER_WORDS = sorted(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
                        "thousand"], key=len, reverse=True)  # longest first: "seventy" before "seven"
_WORD = "(?:" + "|".join(_NUMBER_WORDS) + ")"
# "thirty (30) days", "one hundred eighty (180) days", "forty-five (45) business days", "12 months"
_DURATION = re.compile(rf"\b(?:{_WORD}(?:(?:\s+|-)(?:and\s+)?{_WORD})*\s*(?:\(\d[\d,]*\)\s*)?|\d[\d,]*\s*)"
                       r"(?:business\s+|calendar\s+)?(days?|weeks?|months?|years?)\b", re.I)
_DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                   r"\s+\d{1,2},?\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I)
_LAW = re.compile(r"\blaws?\s+of\s+(?:the\s+)?(?:State\s+of\s+|Commonwealth\s+of\s+)?([A-Z][\w]*(?:\s+[A-Z][\w]*)*)")
FACTS = (("amount", _MONEY), ("percentage", _PERCENT), ("duration", _DURATION), ("date", _DATE))

_REACH = 60  # characters either side of a value that say what it is
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")
# a duration is a notice period when "notice" is next to it, with only such words between:
# "thirty (30) days' prior written notice", "notice of non-renewal at least sixty (60) days"
_NOTICE_AFTER = re.compile(r"^['’]?s?\s*(?:(?:prior|advance|written|express)\s+)*notice\b", re.I)
_NOTICE_BEFORE = re.compile(r"\bnotice\s+(?:period\s+|of\s+(?:non-?renewal|termination)\s+)?(?:(?:of|given)\s+)?"
                            r"(?:(?:at\s+least|not\s+less\s+than|no\s+less\s+than|a\s+minimum\s+of)\s+)?$", re.I)
_SAME_WORDS = 0.6  # values of different units pair only when the words around them are at least this alike


@dataclass(frozen=True)
class Fact:
    """A value as written (whitespace collapsed), its unit (day, week, month, year; "" for other kinds),
    what the words around it call it, those words, and where it stands in its text (0 to 1)."""

    value: str
    unit: str
    label: str
    context: str
    where: float


@dataclass
class Change:
    """The values of one kind that differ between a template clause and its counterpart."""

    what: str
    before: list[Fact]
    after: list[Fact]

    def describe(self) -> str:
        """Each value that differs, with the value it replaced: "duration changed from three (3) years to
        five (5) years; notice period changed from one hundred eighty (180) days to thirty (30) days";
        "amount changed from $2,000,000 to $1,000,000" where the clause also keeps its $5,000,000; and
        "duration removed: sixty (60) days" where one is gone and none came in its place."""
        before, after = _left_over(self.before, self.after), _left_over(self.after, self.before)
        pairs, removed, added = _paired(before, after)
        parts = [f"{_name(self.what, b, a)} changed from {b.value} to {a.value}" for b, a in pairs]
        parts += [f"{label} removed: {values}" for label, values in _by_label(removed)]
        parts += [f"{label} added: {values}" for label, values in _by_label(added)]
        return "; ".join(parts) or f"{self.what} changed"


def material_changes(template_text: str, contract_text: str) -> list[Change]:
    """The facts a lawyer checks first, compared side by side: a Change for each kind whose values differ."""
    changes = []
    for what, pattern in FACTS:
        before, after = facts(template_text, what, pattern), facts(contract_text, what, pattern)
        if sorted(f.value.casefold() for f in before) != sorted(f.value.casefold() for f in after):
            changes.append(Change(what, before, after))
    before_law, after_law = facts(template_text, "governing law", _LAW), facts(contract_text, "governing law", _LAW)
    if [f.value for f in before_law] != [f.value for f in after_law]:
        changes.append(Change("governing law", before_law, after_law))
    return changes


def facts(text: str, what: str, pattern: re.Pattern[str]) -> list[Fact]:
    """The values of kind `what` in `text` (a pattern with a group gives that group: the law's name)."""
    found = []
    group = 1 if pattern is _LAW else 0
    for m in pattern.finditer(text):
        start, end = m.span(group)
        unit = m.group(1).lower().rstrip("s") if pattern is _DURATION else ""
        left, right = _around(text, start, end)
        label = "notice period" if unit and (_NOTICE_AFTER.search(right) or _NOTICE_BEFORE.search(left)) else what
        found.append(Fact(" ".join(m.group(group).split()), unit, label, _words(left + " " + right),
                          start / max(len(text), 1)))
    return found


def _around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words before and after a value, up to _REACH characters, within its sentence."""
    left = text[max(start - _REACH, 0):start]
    ends = list(_SENTENCE_END.finditer(left))
    left = left[ends[-1].end():] if ends else left
    right = text[end:end + _REACH]
    stop = _SENTENCE_END.search(right)
    return left, right[:stop.start()] if stop else right


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z]+", " ", text.casefold()).split())


def _left_over(values: list[Fact], others: list[Fact]) -> list[Fact]:
    """`values` less one of each in `others` (compared without case): what one side has that the other has not."""
    rest = Counter(v.value.casefold() for v in others)
    out = []
    for v in values:
        if rest[v.value.casefold()]:
            rest[v.value.casefold()] -= 1
        else:
            out.append(v)
    return out


def _paired(before: list[Fact], after: list[Fact]) -> tuple[list[tuple[Fact, Fact]], list[Fact], list[Fact]]:
    """The (old, new) pairs that score best together, then the old values and the new ones left without a
    pair. Values pair when their units agree or the words around them are alike; the score also favours
    those that stand at the same place in their clause."""
    if not before or not after:
        return [], before, after
    alike = np.array([[fuzz.ratio(b.context, a.context) / 100 for a in after] for b in before])
    same_unit = np.array([[b.unit == a.unit for a in after] for b in before])
    near = 1 - np.abs(np.array([b.where for b in before])[:, None] - np.array([a.where for a in after])[None, :])
    score = 0.5 * same_unit + 0.3 * alike + 0.2 * near
    rows, cols = linear_sum_assignment(score, maximize=True)
    pairs = sorted(((int(i), int(j)) for i, j in zip(rows, cols, strict=True)
                    if same_unit[i, j] or alike[i, j] >= _SAME_WORDS))
    paired_before, paired_after = {i for i, _ in pairs}, {j for _, j in pairs}
    return ([(before[i], after[j]) for i, j in pairs], [b for i, b in enumerate(before) if i not in paired_before],
            [a for j, a in enumerate(after) if j not in paired_after])


def _name(what: str, before: Fact, after: Fact) -> str:
    """What a pair is called: its label where either side's words give it one (a notice period), else its kind."""
    return next((f.label for f in (before, after) if f.label != what), what)


def _by_label(values: list[Fact]) -> list[tuple[str, str]]:
    """Unpaired values grouped under their labels, in order of first appearance: ("duration", "a, b")."""
    groups: dict[str, list[str]] = {}
    for f in values:
        groups.setdefault(f.label, []).append(f.value)
    return [(label, ", ".join(v)) for label, v in groups.items()]
