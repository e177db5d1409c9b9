"""DOCX text extraction with python-docx.

Word stores list numbers as numbering definitions, not text, so python-docx alone loses "1.1" and
"(a)" — the very labels clause segmentation and lawyers rely on. This module renders them from the
numbering part. Body order is kept (paragraphs and tables interleaved); headers and footers are
added once each, at the top and bottom; explicit page breaks start new pages."""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable

from contracts.errors import CorruptFileError, EncryptedFileError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _roman(n: int) -> str:
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, numeral in numerals:
        while n >= value:
            out += numeral
            n -= value
    return out


def _letter(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "decimalZero": lambda n: f"{n:02d}",
}


class _Numbering:
    """Counters per list, rendered with each level's `lvlText` (e.g. "%1.%2." -> "3.2.")."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = defaultdict(dict)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                levels[ilvl] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else f"%{ilvl + 1}.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def label(self, paragraph) -> str:
        numpr = _own_or_style_numpr(paragraph)
        if numpr is None or numpr.numId is None:
            return ""
        num_id = str(numpr.numId.val)
        ilvl = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters[num_id]
        fmt, _, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "•"
        text = levels[ilvl][1]
        for level in range(ilvl + 1):
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, lstart)
            text = text.replace(f"%{level + 1}", _FORMATS.get(lfmt, str)(value))
        return text


def _own_or_style_numpr(paragraph):
    """A paragraph is numbered by its own properties or by its style ("List Number"), possibly inherited."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return ppr.numPr
    style = paragraph.style
    while style is not None:
        style_ppr = style.element.pPr
        if style_ppr is not None and style_ppr.numPr is not None:
            return style_ppr.numPr
        style = style.base_style
    return None


def extract_docx_pages(data: bytes, name: str) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise EncryptedFileError(name, "the DOCX is password-protected (or an old .doc); save it without a password as .docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFileError(name, f"the DOCX is damaged and cannot be read ({type(exc).__name__})") from None

    numbering = _Numbering(document)
    pages: list[list[str]] = [[]]

    def paragraph_text(paragraph: Paragraph) -> str:
        label = numbering.label(paragraph)
        text = accepted_text(paragraph._p).strip()
        return f"{label} {text}".strip() if label else text

    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            breaks = child.findall(f".//{_W}br[@{_W}type='page']")
            if breaks and not accepted_text(child).strip():
                pages.append([])
                continue
            text = paragraph_text(paragraph)
            if text:
                pages[-1].append(text)
            if breaks:
                pages.append([])
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(t for t in (accepted_text(p._p).strip() for p in cell.paragraphs) if t)
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                if cells:
                    pages[-1].append(" | ".join(cells))

    header, footer = _header_footer(document)
    if header:
        pages[0].insert(0, header)
    if footer:
        pages[-1].append(footer)
    return ["\n\n".join(page) for page in pages if page] or [""]


# Tracked changes are read as if accepted: runs inside w:ins / w:moveTo are text, runs inside w:del /
# w:moveFrom (whose text is w:delText) are not. python-docx's Paragraph.text skips both kinds.
_ACCEPTED_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:ins/w:hyperlink/w:r"
_TRACKED = re.compile(rb"<w:(?:ins|del|moveFrom|moveTo)[\s>]")


def accepted_text(p) -> str:
    """A paragraph's text with its tracked changes accepted."""
    return "".join(run.text for run in p.xpath(_ACCEPTED_RUNS))


def tracked_changes(data: bytes) -> int:
    """How many tracked insertions, deletions and moves the DOCX body holds (0 for a clean file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return len(_TRACKED.findall(archive.read("word/document.xml")))
    except (zipfile.BadZipFile, KeyError):
        return 0


def _header_footer(document) -> tuple[str, str]:
    headers: list[str] = []
    footers: list[str] = []
    for section in document.sections:
        for part, bucket in ((section.header, headers), (section.footer, footers)):
            text = "\n".join(p.text.strip() for p in part.paragraphs if p.text.strip())
            if text and text not in bucket:
                bucket.append(text)
    return "\n".join(headers), "\n".join(footers)
