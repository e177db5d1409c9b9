"""The clauses a comparison pairs: `contracts.segment`'s clauses, with two kinds of block that segmentation
leaves inside whatever clause precedes them made clauses of their own.

- A table. The DOCX reader writes a row a line, its cells joined by " | " (contracts/docx_text.py); rows
  separated by blank lines only are one table. Left in the clause before it, a fee schedule after the
  signatures was compared as part of "9.3 Nothing in this Agreement confers ...", its changed rate reported
  against that clause, and the template's whole clause, signatures included, proposed to restore it. A
  table keeps the line that introduces it ("Schedule A - Fees", "The fees are as follows:"): a short
  line that ends no sentence, or the clause's own opening line, which makes the table that clause's.
- The execution block: "IN WITNESS WHEREOF ..." at the start of a line, with the signatures after it,
  is no part of the last clause.

Only the comparison reads clauses this way: analysis, proofing and the key terms keep
`contracts.segment`'s clauses, whose offsets their own results are tied to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.segment import segment_clauses

_ROW = re.compile(r"^[^\n]*\S \| \S[^\n]*$", re.M)  # a line with two cells or more
_ATTESTATION = re.compile(r"IN\s+WITNESS\s+(?:WHEREOF|THEREOF)\b", re.I)  # where it opens a line
_CAPTION_CHARS = 100  # a line introducing a table is no longer than this
_TITLE_WORDS = 10  # nor, when it is a title, than this


@dataclass(frozen=True, slots=True)  # slots: a file of a million one-line items makes a million
class Piece:
    """A clause of the comparison: its span, and the number and heading of the clause it opens (none for
    a table or an execution block cut out of a clause)."""

    start: int
    end: int
    number: str | None
    heading: str | None


def comparison_clauses(text: str) -> list[Piece]:
    """The clauses of `text` in order, tiling it, with tables and the execution block cut out as clauses."""
    headings = _cuts(text)
    cuts = sorted(headings)
    pieces: list[Piece] = []
    k = 0
    for clause in segment_clauses(text):
        start, number, heading = clause.start, clause.number, clause.heading
        while k < len(cuts) and cuts[k] <= clause.start:
            k += 1
        while k < len(cuts) and cuts[k] < clause.end:
            if text[start:cuts[k]].strip() and text[cuts[k]:clause.end].strip():
                pieces.append(Piece(start, cuts[k], number, heading))
                start, number, heading = cuts[k], None, headings[cuts[k]]
            k += 1
        pieces.append(Piece(start, clause.end, number, heading))
    return pieces


def _cuts(text: str) -> dict[int, str | None]:
    """Where a piece starts (a table or the line introducing it, the text after a table, an execution
    block), each with the piece's heading: a table's title, if the line before it is one."""
    cuts: dict[int, str | None] = {}
    if any(word in text for word in ("WITNESS", "Witness", "witness")):  # C-level finds before a regex with re.I
        cuts.update((m.start(), None) for m in _ATTESTATION.finditer(text)
                    if not text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip())
    for start, end in _tables(text):
        cuts.setdefault(end, None)
        cut, title = _caption(text, start)
        cuts[cut] = title
    return cuts


def _tables(text: str) -> list[tuple[int, int]]:
    """(start, end) of each table: two row lines or more with nothing but whitespace between them (a line
    alone may be a page's running footer, "Confidential | Page 3")."""
    runs: list[tuple[int, int, int]] = []  # start, end, rows
    if " | " not in text:  # most texts: one C-level scan, no regex over every line
        return []
    for m in _ROW.finditer(text):
        if runs and not text[runs[-1][1]:m.start()].strip():
            runs[-1] = (runs[-1][0], m.end(), runs[-1][2] + 1)
        else:
            runs.append((m.start(), m.end(), 1))
    return [(start, end) for start, end, rows in runs if rows > 1]


def _caption(text: str, start: int) -> tuple[int, str | None]:
    """Where a table's piece starts: at the line before the table when that line introduces it, else at
    its first row; and the title, if that line is one. A line introduces a table when it is short and ends
    in a colon ("The fees are as follows:"), or is a title: a few words that end no sentence and hold no
    colon ("Schedule A - Fees", not a signature's "By: Jane Smith" nor a sentence ending in a full stop)."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    line_start = text.rfind("\n", 0, end) + 1
    line = text[line_start:end].strip()
    title = len(line.split()) <= _TITLE_WORDS and ":" not in line and not line.endswith((".", ",", ";", "!", "?"))
    if line and len(line) <= _CAPTION_CHARS and (line.endswith(":") or title):
        return line_start, line if title else None
    return start, None
