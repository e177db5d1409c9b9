"""Where the contract proper ends and what is attached to it begins. A filing often carries, after the
signature block, other instruments: sample forms, riders, guaranties, amendments. Each defines its own terms
("Franchisee" again in an attached guaranty) and leaves its own blanks (a form filled in when it is used), so
the term and blank checks read each part apart. A part starts at the signature block, at each attachment's
heading line after it, at each later signature block, and at each title line in capitals after it (an
attached instrument's name: "ELECTRONIC FUNDS TRANSFER AUTHORIZATION"). One regex pass each: linear."""

from __future__ import annotations

import bisect
import re

_WITNESS = re.compile(r"in\s+witness\s+where(?:of|for)", re.I)
_ATTACHMENT_HEAD = re.compile(r"^[ \t]*+(?:EXHIBIT|Exhibit|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT|"
                              r"Attachment|ADDENDUM|Addendum|AMENDMENT|RIDER|FORM\s+OF|Form\s+of)\b", re.M)
# a line in capitals of two words or more, nothing lower-case on it: an attached instrument's title
_TITLE_LINE = re.compile(r"^[ \t]*+[A-Z][A-Z0-9&'’,.()\-]*+(?:[ \t]++[A-Z0-9&'’,.()\-]++){1,15}[ \t]*+$", re.M)
# an attachment that is a form to fill in when it is used, not a part of the deal to complete before signing,
# says so in its heading ("APPENDIX B - SAMPLE PROJECT DESCRIPTION FORMAT", "EXHIBIT F-1 SAMPLE FORM OF ...")
_FORM_WORDS = re.compile(r"\b(?:FORMS?|SAMPLE|TEMPLATE|FORMAT|SPECIMEN|Form\s+of|Sample|Template)\b|\bto\s+be\s+completed\b")
_HEADING_CHARS = 200


def part_starts(text: str) -> list[int]:
    """The offsets where a part after the contract proper starts, in order (none without a signature block)."""
    witness = _WITNESS.search(text)
    if witness is None:
        return []
    starts = {witness.start()} | {m.start() for m in _WITNESS.finditer(text, witness.end())}
    starts |= {m.start() for m in _ATTACHMENT_HEAD.finditer(text, witness.end())}
    starts |= {m.start() for m in _TITLE_LINE.finditer(text, witness.end())}
    return sorted(starts)


def part_of(starts: list[int], offset: int) -> int:
    """The part an offset lies in: 0 for the contract proper, k for the part after starts[k - 1]."""
    return bisect.bisect_right(starts, offset)


def form_spans(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """The attached parts whose heading names a form: from the heading to the next attachment's heading (a
    title line inside the form does not end it)."""
    heads = [m.start() for m in _ATTACHMENT_HEAD.finditer(text, starts[0])] if starts else []
    return [(a, b) for a, b in zip(heads, [*heads[1:], len(text)][:len(heads)], strict=True)
            if _FORM_WORDS.search(text, a, min(b, a + _HEADING_CHARS))]
