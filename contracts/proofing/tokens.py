"""Word tokens with their offsets, read once per document and shared by the checks that look for terms.
One linear regex pass; the checks then work on the list."""

from __future__ import annotations

import re
from dataclasses import dataclass

# a word (with inner apostrophes, hyphens, ampersands) or one other non-space character; no nested
# quantifier can backtrack: each alternative consumes at least one character and never overlaps the next
_TOKEN = re.compile(r"\w+(?:['’\-&]\w+)*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def base_form(word: str) -> str:
    """The word without a possessive ending: "Licensee's" and "Licensees’" are uses of "Licensee(s)"."""
    for ending in ("'s", "’s", "'S", "’S"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def variants(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The term and its plural or singular: a term defined as "Product" is used as "Products" and back."""
    *head, last = words
    forms = {last, last + "s", last + "es"}
    if last.endswith("ies"):
        forms.add(last[:-3] + "y")
    if last.endswith("y"):
        forms.add(last[:-1] + "ies")
    if last.endswith("es"):
        forms.add(last[:-2])
    if last.endswith("s"):
        forms.add(last[:-1])
    if last.isupper():
        forms |= {last + "S", last + "ES"}
    return {(*head, f) for f in forms if f}
