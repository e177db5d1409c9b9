"""Parties called by a name that is neither their defined name nor their full name.

The parties are read from the definitions in parentheses after an organisation's name in the opening of
the contract (`Acme Widgets, Inc., a Delaware corporation ("Acme")`). Two slips are flagged: the full
name with a different legal-form suffix ("Acme Widgets LLC" for Acme Widgets, Inc.), and a near spelling of
the defined name, one letter off ("Acme" written "Acne" or "Licensee" as "Licencee"). Both are read from
the token list once, so the time is linear."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.documents import Document
from contracts.proofing.definitions import Definition
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.tokens import Token, base_form

_SUFFIX = re.compile(r"\b(Inc|Incorporated|Corp|Corporation|LLC|L\.L\.C|Ltd|Limited|LP|L\.P|LLP|plc|PLC|GmbH|AG|"
                     r"S\.A|SA|B\.V|BV|N\.V|NV|Co|Company|S\.p\.A|Pty|Pte|KK|SARL|AB|Oy|AS|ApS|SE)\b\.?")
SUFFIXES = {"Inc", "Incorporated", "Corp", "Corporation", "LLC", "Ltd", "Limited", "LP", "LLP", "plc", "PLC", "GmbH",
            "AG", "SA", "BV", "NV", "Co", "Company", "Pty", "Pte", "KK", "SARL", "AB", "Oy", "AS", "ApS", "SE"}
OPENING_CHARS = 4000
MAX_PARTIES = 8
_NAME_WORD = re.compile(r"[A-Z][\w&'’.\-]*")


@dataclass(frozen=True, slots=True)
class Party:
    full: tuple[str, ...]  # the name's words without the legal form: ("Acme", "Widgets")
    suffix: str  # its legal form, normalised: "Inc"
    short: str  # the defined name: "Acme"


def _norm_suffix(word: str) -> str:
    return word.replace(".", "")


def find_parties(text: str, definitions: list[Definition]) -> list[Party]:
    """Organisations defined in parentheses in the opening: the words before the legal form and the term."""
    parties: list[Party] = []
    for d in definitions:
        if d.start > OPENING_CHARS or not d.strict:
            continue
        before = text[max(0, d.start - 200):d.start]
        opened = before.rfind("(")
        if opened < 0:
            continue
        head = before[:opened]
        suffixes = list(_SUFFIX.finditer(head))
        if not suffixes:
            continue
        last = suffixes[-1]
        if len(head) - last.end() > 80:
            continue
        words = re.findall(r"[\w&'’\-]+", head[max(0, last.start() - 120):last.start()])
        name: list[str] = []
        for word in reversed(words):
            if not word[:1].isupper() and word not in {"&", "and", "of"}:
                break
            name.insert(0, word)
        while name and name[0] in {"&", "and", "of"}:
            name.pop(0)
        if name:
            parties.append(Party(tuple(name[-6:]), _norm_suffix(last.group(1)), d.term))
    return parties


def _one_letter_off(a: str, b: str) -> bool:
    """Edit distance exactly 1 (a substitution, an insertion, a deletion, or two neighbours swapped)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1:]


def party_items(document: Document, tokens: list[Token], parties: list[Party],
                vocabulary: set[str]) -> list[ProofingItem]:
    """`vocabulary`: words the document uses in lower case or defines; a near spelling that is itself
    such a word ("Licensor" near "Licensee"), or such a word in capitals ("LICENSE" in a title), is a different
    word, not a slip."""
    items: list[ProofingItem] = []
    shorts = {p.short: p for p in parties[:MAX_PARTIES] if len(p.short) >= 5 and " " not in p.short}
    fulls = {p.full[0]: p for p in parties}
    checked: set[str] = set()  # each distinct word is compared with the names once
    for i, tok in enumerate(tokens):
        word = base_form(tok.text)
        if not tok.capitalized:
            continue
        fresh = word not in checked
        checked.add(word)
        for short in shorts:
            if (fresh and word not in shorts and word not in vocabulary and not (word.isupper() and word.lower() in vocabulary)
                    and len(word) >= 5
                    and word.lower() != short.lower() and _one_letter_off(word.lower(), short.lower())):
                items.append(make_item(document, "party_name", "medium",
                                       f'"{word}" looks like a misspelling of the party "{short}"',
                                       tok.start, tok.end, f'write "{short}"'))
                break
        party = fulls.get(word)
        if party is None:
            continue
        n = len(party.full)
        if tuple(base_form(t.text) for t in tokens[i:i + n]) != party.full or i + n >= len(tokens):
            continue
        after = tokens[i + n] if tokens[i + n].text != "," else (tokens[i + n + 1] if i + n + 1 < len(tokens) else None)
        if after is None:
            continue
        suffix = _norm_suffix(after.text)
        if suffix == "Limited" and document.text[after.end:after.end + 12].lstrip().lower().startswith("liability"):
            suffix = "LLC"  # "a USA Limited Liability Company": the LLC's form written out
        if suffix in SUFFIXES and suffix != party.suffix and not {suffix, party.suffix} <= {"Co", "Company"} \
                and not {suffix, party.suffix} <= {"Inc", "Incorporated"} and not {suffix, party.suffix} <= {"Corp", "Corporation"} \
                and not {suffix, party.suffix} <= {"Ltd", "Limited"}:
            name = " ".join(party.full)
            items.append(make_item(document, "party_name", "medium",
                                   f'"{name} {after.text}" names the party {name} with the wrong legal form '
                                   f"(it is a {party.suffix})", tok.start, after.end, f'write "{name} {party.suffix}"'))
    return items
