"""Blanks left to fill in (`[●]`, `[__]`, `_____`, `[insert …]`, `[TBD]`, `[Date]`, `$[ ]`) and, apart from
them, the redaction marks of public filings (`[***]`, CUAD's `[* ****]`): those are not blanks, the filer
cut the text on purpose, so they are a kind of their own at info severity.

Every pattern is a bracket with at most 80 characters and no bracket inside, or a run of underscores: a
text of 10,000 nested brackets is passed in one linear scan. Underscores on a signature-block line (`By:`,
`Name:`, `Title:`, `Date:`, or such a label on the line below), an initials line or the initials at a page's
foot are where people sign, not a blank of the contract, and are left alone, as are a line that is nothing but
underscores (a rule), check boxes (`_X_ Option A`), list bullets (`●` before a capitalized word or an amount), a
section's title in brackets after its number, and the fields of an attached form (contracts.proofing.parts)."""

from __future__ import annotations

import bisect
import re

from contracts.documents import Document
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.parts import form_spans

_BRACKET = re.compile(r"(?:\$[ \t]{0,3})?\[([^\[\]\n]{0,80})\]")
_FILL_WORDS = re.compile(
    r"(?:insert|tbd|tbc|to\s+be\s+(?:determined|confirmed|agreed)|date|name|amount|number|address|price|fee|"
    r"percentage|party|company|title|signatory|jurisdiction|state|country)\b", re.I)
_BLANK_CHARS = " \t_●•·.…-–—"
_REDACTION_WORDS = re.compile(r"redact|confidential\s+treatment|omitted|confidential\s+portion", re.I)
_UNDERSCORES = re.compile(r"\$?_{3,}+")
_SIGNATURE_LINE = re.compile(r"[ \t]*+(?:by|name|title|its|date|dated|signature|signed|print(?:ed)?\s+name|"
                             r"witness|attest|per)\b", re.I)
_SIGNING_WORD = re.compile(r"(?:initials?|signature|signed|by|name|title|date|dated)[ \t:]*+\Z", re.I)
_BARE_TBD = re.compile(r"\bTB[DC]\b")
# a signing or initialling field anywhere on the line ("Initialed ACME CORP:______", "______   Name:")
_SIGNING_FIELD = re.compile(r"\binitial(?:s|ed)\b|\binitial[ \t]*+:|\(print(?:ed)?[ \t]++name\)|\b(?:by|name|title|its|signature|date)[ \t]*+:", re.I)
# a check box, read just after or before the underscores: "___Option B" (they run straight into the option's
# name), "___X_" or "_X___" (ticked)
_CHECK_BOX = re.compile(r"[A-Z]|[Xx✓]_|_[Xx✓]\Z")
# a signature line labelled on the line below or to its right after a wide gap ("________   ________\n   Signature
# Print Name", "/s/ E. Shulman     ________     Signature")
_LABEL_BELOW = re.compile(r"(?:[ \t]*+\n|[ \t]{3,}+)[ \t]*+(?:signature|print(?:ed)?\s+name|name|title|date|"
                          r"authori[sz]ed\s+signatory)\b", re.I)
# a rule of underscores before a footnote's star ("________ * Further information ..."): a separator
_FOOTNOTE = re.compile(r"\s*+\*")
# a number just before a bracket: "Section 10.4 [Company Termination]" is a section's title, not a blank
_NUMBER_BEFORE = re.compile(r"[0-9][ \t]*+\Z")
_BULLET = re.compile(r"[●]")
# a ● before a capitalized word, a number or an amount is a list bullet flattened into the line ("... 7/23 ●
# FT4-CE mark", "● $9 (US) per kilogram")
_BULLET_AFTER = re.compile(r"[ \t]*+[A-Z0-9$€£¥(]")
# the initials fields at a page's foot, run into the page's last line before the page break: the page number,
# then a blank for each party ("... subsidiaries; and 1 ____ ____\n\n"). Where the parties initial each page
_PAGE_INITIALS = re.compile(r"(?<![\w,.$])[0-9]{1,3}(?:[ \t]++_{3,}+){1,4}[ \t]*+\n[ \t]*+\n")


def _line_bounds(text: str, start: int) -> tuple[int, int]:
    """The line around `start`, looked for at most 200 characters each way (a text of one endless line
    stays linear)."""
    a = text.rfind("\n", max(0, start - 200), start) + 1 or max(0, start - 200)
    b = text.find("\n", start, start + 200)
    return a, (b if b >= 0 else min(len(text), start + 200))


def placeholder_items(document: Document, parts: list[int]) -> list[ProofingItem]:
    """The blanks and redactions; blanks inside an attached form (contracts.proofing.parts.form_spans, from
    `parts`, the document's part_starts) are the form's fields, filled in when it is used, and are not reported."""
    text = document.text
    items: list[ProofingItem] = []
    forms = form_spans(text, parts)
    covered: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text):
        inside = m.group(1)
        start = m.start()
        if ("*" in inside and not inside.strip(" \t*")) or _REDACTION_WORDS.search(inside):
            items.append(make_item(document, "redaction", "info", "redacted in the filing (confidential treatment)",
                                   m.start(0) + m.group(0).index("["), m.end()))
            covered.append((m.start(), m.end()))
        elif not inside.strip(_BLANK_CHARS) or (
                _FILL_WORDS.match(inside.strip()) and (len(inside.split()) <= 3 or inside.strip().lower().startswith("insert"))
                and not _NUMBER_BEFORE.search(text, max(0, m.start() - 4), m.start())):
            if _inside(forms, start):
                continue
            what = "an amount" if text[m.start()] == "$" else f"[{' '.join(inside.split())}]" if inside.strip() else "a blank"
            items.append(make_item(document, "placeholder", "high", f"a blank is left to fill in: {what}",
                                   start, m.end(), "fill in the blank before signing"))
            covered.append((start, m.end()))
    covered += [(m.start(), m.end()) for m in _PAGE_INITIALS.finditer(text)]
    covered.sort()
    for m in _UNDERSCORES.finditer(text):
        a, b = _line_bounds(text, m.start())
        line = text[a:b]
        signing = _SIGNATURE_LINE.match(line) or _SIGNING_WORD.search(text, max(a, m.start() - 14), m.start()) \
            or _SIGNING_FIELD.search(line) or _LABEL_BELOW.match(text, m.end(), m.end() + 60) \
            or _LABEL_BELOW.match(text, b, b + 40)
        if signing or not line.replace("_", "").strip() or _inside(covered, m.start()) \
                or _CHECK_BOX.match(text, m.end(), m.end() + 2) or _CHECK_BOX.search(text, max(a, m.start() - 2), m.start()) \
                or _FOOTNOTE.match(text, m.end(), m.end() + 40) or _inside(forms, m.start()):
            continue
        items.append(make_item(document, "placeholder", "high", "a blank is left to fill in: ____",
                               m.start(), m.end(), "fill in the blank before signing"))
    for m in _BARE_TBD.finditer(text):
        if not _inside(covered, m.start()) and not _inside(forms, m.start()):
            items.append(make_item(document, "placeholder", "high", f"{m.group()}: a term is still to be decided",
                                   m.start(), m.end(), "settle the term before signing"))
    for m in _BULLET.finditer(text):
        if not _inside(covered, m.start()) and not _inside(forms, m.start()) and not _line_starts_with(text, m.start()) and not _BULLET_AFTER.match(text, m.end()):
            items.append(make_item(document, "placeholder", "high", "a blank is left to fill in: ●",
                                   m.start(), m.end(), "fill in the blank before signing"))
    items.sort(key=lambda item: item.start)
    return items


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect.bisect_right(spans, (offset, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _line_starts_with(text: str, offset: int) -> bool:
    """A ● that opens its line is a list bullet, not a blank."""
    a, _ = _line_bounds(text, offset)
    return not text[a:offset].strip()
