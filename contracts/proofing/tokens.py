"""Word tokens with their offsets, read once per document and shared by the checks that look for terms.
One linear regex pass; the checks then work on the list."""

from __future__ import annotations

import re
from typing import NamedTuple

# a word (with inner apostrophes, hyphens, ampersands) or one punctuation mark the checks read (a sentence's
# end, a comma, a bracket); quote marks and other symbols are not tokens, so that a text of a million quote
# marks makes no token at all. No nested quantifier can backtrack: each alternative consumes at least one
# character and never overlaps the next
_TOKEN = re.compile(r"\w+(?:['’\-&]\w+)*|[.,;:!?()\[\]&]")


class Token(NamedTuple):
    """A word or mark with its offsets; `capitalized` is read once here, since the term checks ask it of every
    token several times (a tuple is built faster than a dataclass, and there is one per word)."""

    text: str
    start: int
    end: int
    capitalized: bool


def token(text: str, start: int, end: int) -> Token:
    return Token(text, start, end, text[:1].isupper())


def tokenize(text: str) -> list[Token]:
    return [Token(w := m.group(), m.start(), m.end(), w[:1].isupper()) for m in _TOKEN.finditer(text)]


_POSSESSIVE = {"'s", "’s", "'S", "’S"}


def base_form(word: str) -> str:
    """The word without a possessive ending: "Licensee's" and "Licensees’" are uses of "Licensee(s)"."""
    return word[:-2] if word[-2:] in _POSSESSIVE else word


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
