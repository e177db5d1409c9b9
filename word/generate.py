"""A Word file that looks like a contract, for a contract read from PDF or plain text.

The Word writers work on a real package; a PDF or TXT has none, so one is made: every blank-line
block is a paragraph (wrapped lines joined by spaces, no empty paragraph between paragraphs), the
headings that segmentation finds (`contracts.segment`: ARTICLE/Section headings, capitals, a number
with a short title) get Word's Heading styles, and numbered clauses (1., 1.1, 1.1.1, (a), (i)) get
automatic numbering from one multi-level list in numbering.xml, with the typed label removed. A label
that the list would not reproduce (a list starting at 4, a skipped number) stays typed, so the
document never says a number the original did not."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from contracts.documents import Document
from contracts.segment import _CAPS_HEADING, _clause_start

LIST_ID = "7301"  # numId (and abstractNumId) of the generated list
# (format, text) of each list level: 1. / 1.1 / 1.1.1 / (a) / (i)
LEVELS = (("decimal", "%1."), ("decimal", "%1.%2"), ("decimal", "%1.%2.%3"), ("lowerLetter", "(%4)"),
          ("lowerRoman", "(%5)"))
_ARTICLE = re.compile(r"^(ARTICLE|Article)\s+(\d{1,3}|[IVXL]{1,6})\.?$")
_DECIMAL = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,2})\.?$")
_LETTER = re.compile(r"^\(([a-z])\)$")
_ROMAN = re.compile(r"^\(([ivx]{1,5})\)$")
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]


@dataclass
class Block:
    """One generated paragraph: its text (label removed when numbered), style and list level."""

    text: str
    style: str | None = None
    level: int | None = None


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for a, b in zip(numeral, numeral[1:] + " ", strict=True):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total


def _label_level(number: str) -> tuple[int, list[int]] | None:
    """The list level a typed label belongs to and its counters (1.2 -> level 1, [1, 2]); "ARTICLE 3"
    is level 0 too, shown as ARTICLE by `top_level`."""
    m = _ARTICLE.match(number)
    if m:
        return 0, [int(m[2]) if m[2].isdigit() else _roman_value(m[2])]
    m = _DECIMAL.match(number)
    if m:
        parts = [int(x) for x in m[1].split(".")]
        return len(parts) - 1, parts
    m = _LETTER.match(number)
    if m:
        return 3, [ord(m[1]) - ord("a") + 1]
    m = _ROMAN.match(number)
    if m and m[1] in _ROMANS:
        return 4, [_ROMANS.index(m[1]) + 1]
    return None


class _Counters:
    """Word's counters for the one generated list: a level counts up, deeper levels restart."""

    def __init__(self, top: tuple[str, str]) -> None:
        self.values = [0] * len(LEVELS)
        self.articles = top != LEVELS[0]

    def fits(self, level: int, parts: list[int], number: str) -> bool:
        """Would the next item at `level` show exactly this label?"""
        if level == 0 and self.articles != bool(_ARTICLE.match(number)):
            return False
        if level <= 2:
            expected = [*self.values[:level], self.values[level] + 1]
            return expected == parts and all(v > 0 for v in expected[:-1])
        return self.values[level] + 1 == parts[0]

    def take(self, level: int) -> None:
        self.values[level] += 1
        for deeper in range(level + 1, len(LEVELS)):
            self.values[deeper] = 0


def top_level(text: str) -> tuple[str, str]:
    """Level 0 of the list: "1." unless the contract's first top-level label is an ARTICLE heading,
    then "ARTICLE %1" in that numeral style."""
    for line in text.split("\n"):
        start = _clause_start(line.strip(), None)
        number = start[0] if start else None
        if not number:
            continue
        m = _ARTICLE.match(number)
        if m:
            return ("decimal" if m[2].isdigit() else "upperRoman", f"{m[1]} %1")
        if _DECIMAL.match(number) and "." not in number.rstrip("."):
            break
    return LEVELS[0]


def plan(text: str) -> list[Block]:
    """The paragraphs of a generated contract for `text`."""
    blocks: list[Block] = []
    counters = _Counters(top_level(text))
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        # a block whose later lines open clauses of their own is several paragraphs
        paragraphs: list[list[str]] = []
        previous: str | None = None
        closed = False  # the paragraph so far is a heading line: the next line starts another
        for line in lines:
            start = _clause_start(line, previous)
            if start is not None or not paragraphs or closed:
                paragraphs.append([line])
            else:
                paragraphs[-1].append(line)
            closed = start is not None and _is_heading_line(line, start)
            if start is not None and start[0] and start[0].startswith("("):
                previous = start[0]
        for group in paragraphs:
            blocks.append(_block(" ".join(group), counters, first=not blocks))
    return blocks


def _is_heading_line(line: str, start: tuple[str | None, str | None, int]) -> bool:
    number, heading, _ = start
    if number is None:
        return True
    rest = line[line.find(number) + len(number):].lstrip(" .:-–—")
    return bool(heading) and rest.rstrip(".: ").lower() == (heading or "").rstrip(".: ").lower()


def _block(line: str, counters: _Counters, first: bool) -> Block:
    start = _clause_start(line, None)
    if start is None:
        if first and _CAPS_HEADING.match(line):
            return Block(line, "Title")
        if _CAPS_HEADING.match(line) and len(line) <= 80:
            return Block(line, "Heading 1")
        return Block(line)
    number = start[0]
    if number is None:  # a heading in capitals
        return Block(line, "Title" if first else "Heading 1")
    rest = line[line.find(number) + len(number):].lstrip(" .:-–—")
    parsed = _label_level(number)
    is_heading = _is_heading_line(line, start)
    style = f"Heading {min(parsed[0] + 1, 3) if parsed and parsed[0] <= 2 else 1}" if is_heading else None
    if parsed is not None and counters.fits(*parsed, number):
        counters.take(parsed[0])
        return Block(rest, style, parsed[0])
    return Block(line, style)


def generate_docx(document: Document, *, title: str | None = None) -> bytes:
    """A .docx of `document`'s text laid out as a contract (see the module doc)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    out = docx.Document()
    numbering = out.part.numbering_part.element
    top = top_level(document.text)
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:suff w:val="space"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{0 if i == 0 and top != LEVELS[0] else 432 * (i + 1)}" '
        f'w:hanging="{0 if i == 0 and top != LEVELS[0] else 432}"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate((top, *LEVELS[1:])))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{LIST_ID}">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{LIST_ID}"><w:abstractNumId w:val="{LIST_ID}"/></w:num>'))
    body = out.element.body
    for p in list(body.iterchildren("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")):
        body.remove(p)
    from word.runs import xml_safe as _xml_safe

    for block in plan(document.text):
        paragraph = out.add_paragraph(style=block.style)
        paragraph.add_run(_xml_safe(block.text))
        if block.level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{block.level}"/><w:numId w:val="{LIST_ID}"/></w:numPr>'))
    out.core_properties.title = _xml_safe(title or document.name)[:255]
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
