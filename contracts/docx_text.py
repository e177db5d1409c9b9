"""DOCX text extraction with python-docx.

Word stores list numbers as numbering definitions, not text, so python-docx alone loses "1.1" and
"(a)" — the very labels clause segmentation and lawyers rely on. This module renders them from the
numbering part. Body order is kept (paragraphs and tables interleaved); headers and footers are
added once each, at the top and bottom. Pages come from the page breaks the file records (`_Pages`): a
paragraph or table is on the page where its text starts.

Words a counterparty can sign that are not in the body's paragraphs are read too, since a clause in a
footnote binds as much as one in the body: each footnote, then each endnote, the body references, once, in
reference order, after the footer, under a heading "FOOTNOTES" ("ENDNOTES") that makes them a clause of their
own (not part of the body's last clause), each a block "Footnote 1: ..." ("Endnote i: ...") numbered as Word
shows it (the document's note format and start; by default 1, 2, 3 and i, ii, iii; a custom mark as written;
never a bare "1 ..." that segmentation and proofing would take for the body's clause 1). The body keeps no
marker at the reference, so a body paragraph's text is still exactly its runs' (word/runs.py finds
paragraphs by their text). The paragraphs of a text box come right after the paragraph that anchors
it, once: Word stores a box twice inside mc:AlternateContent (a DrawingML mc:Choice and a VML mc:Fallback),
and only a fallback without a choice is read.

Every number, reference and style chain in the XML is the file's claim, not a fact: numbers are parsed
leniently and clamped to Word's own ranges, style chains are followed with a visited set, tables are
read cell by cell as stored (never expanded by `gridSpan`), and relationships are looked up, not assumed.
The zip container is checked by contracts/zipguard.py before python-docx unpacks anything."""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contracts.errors import CorruptFileError, EncryptedFileError, TextTooLongError
from contracts.limits import IngestLimits
from contracts.zipguard import check_docx_archive

log = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_RT_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
_RT_NOTES = {"footnote": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
             "endnote": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"}
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Word's own defaults when the document sets no w:footnotePr / w:endnotePr format
_NOTE_FORMATS = {"footnote": "decimal", "endnote": "lowerRoman"}
# a custom note mark (w:customMarkFollows) is a symbol or two, not a sentence
_MAX_MARK = 8
# Word's own ranges: list start values are 0..32767, list levels 0..8
_MAX_START = 32767
_MAX_LEVEL = 8
# longest style inheritance chain followed (Word allows no cycles; a file may still contain one)
_MAX_STYLE_DEPTH = 64

NumberingLevels = dict[int, tuple[str, str, int]]


def _int(value: str | None, default: int, low: int, high: int) -> int:
    """An attribute as an int within [low, high]; `default` when missing or not a number."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, low), high)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
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


def _related_element(document: Any, reltype: str) -> Any:
    """The XML root of the part the main document relates to by `reltype`, or None when the file has no
    such part, or it is external or not XML."""
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


class _Styles:
    """Paragraph styles' own numbering and parents, read from the styles part once."""

    def __init__(self, document: Any) -> None:
        self.numpr: dict[str, Any] = {}
        self.based_on: dict[str, str] = {}
        self.default: str | None = None
        root = _related_element(document, _RT_STYLES)
        if root is None:
            return
        for style in root.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            if style_id is None:
                continue
            ppr = style.find(f"{_W}pPr")
            numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if numpr is not None:
                self.numpr[style_id] = numpr
            based = style.find(f"{_W}basedOn")
            if based is not None and based.get(f"{_W}val"):
                self.based_on[style_id] = based.get(f"{_W}val")
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true", "on"):
                self.default = style_id

    def numpr_of(self, style_id: str | None) -> Any:
        """The numbering a style gives its paragraphs, possibly inherited; a cycle ends the search."""
        seen: set[str] = set()
        current = style_id if style_id is not None else self.default
        while current is not None and current not in seen and len(seen) < _MAX_STYLE_DEPTH:
            seen.add(current)
            if current in self.numpr:
                return self.numpr[current]
            current = self.based_on.get(current)
        return None


class _Numbering:
    """Counters per list, rendered with each level's `lvlText` (e.g. "%1.%2." -> "3.2.")."""

    def __init__(self, document: Any, styles: _Styles) -> None:
        self.styles = styles
        self.levels: dict[str, NumberingLevels] = {}
        self.counters: dict[str, dict[int, int]] = defaultdict(dict)
        root = _related_element(document, _RT_NUMBERING)
        if root is None:
            return
        abstract: dict[str | None, NumberingLevels] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels: NumberingLevels = {}
            for lvl in node.iter(f"{_W}lvl"):
                ilvl = _int(lvl.get(f"{_W}ilvl"), 0, 0, _MAX_LEVEL)
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                levels[ilvl] = (
                    (fmt.get(f"{_W}val") if fmt is not None else None) or "decimal",
                    (text.get(f"{_W}val") if text is not None else None) or f"%{ilvl + 1}.",
                    _int(start.get(f"{_W}val"), 1, 0, _MAX_START) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[str(_int(num.get(f"{_W}numId"), -1, -1, 1 << 31))] = abstract.get(ref.get(f"{_W}val"), {})

    def label(self, p: Any) -> str:
        numpr = self._numpr(p)
        if numpr is None:
            return ""
        num_id_el = numpr.find(f"{_W}numId")
        if num_id_el is None:
            return ""
        num_id = str(_int(num_id_el.get(f"{_W}val"), -1, -1, 1 << 31))
        ilvl_el = numpr.find(f"{_W}ilvl")
        ilvl = _int(ilvl_el.get(f"{_W}val"), 0, 0, _MAX_LEVEL) if ilvl_el is not None else 0
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters[num_id]
        fmt, text, start = levels[ilvl]
        counters[ilvl] = min(counters.get(ilvl, start - 1) + 1, _MAX_START + 1)
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "•"
        for level in range(ilvl + 1):
            lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
            value = counters.get(level, lstart)
            text = text.replace(f"%{level + 1}", _FORMATS.get(lfmt, str)(value))
        return text

    def _numpr(self, p: Any) -> Any:
        """A paragraph is numbered by its own properties or by its style ("List Number"), possibly inherited."""
        ppr = p.find(f"{_W}pPr")
        if ppr is not None:
            own = ppr.find(f"{_W}numPr")
            if own is not None:
                return own
            style = ppr.find(f"{_W}pStyle")
            return self.styles.numpr_of(style.get(f"{_W}val") if style is not None else None)
        return self.styles.numpr_of(None)


def _open(data: bytes, name: str, limits: IngestLimits) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise EncryptedFileError(name, "the DOCX is password-protected (or an old .doc); save it without a password as .docx")
    check_docx_archive(data, name, limits)
    try:
        return docx.Document(io.BytesIO(data))
    except etree.LxmlError as exc:
        raise CorruptFileError(name, f"the DOCX has malformed XML ({_first_line(exc)})") from None
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, AttributeError,
            IndexError, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        # python-docx reports a garbage [Content_Types].xml or .rels as whatever its lookups happen to raise: the
        # exception's name is for the log, not for the user
        log.info("%s: python-docx failed: %s: %s", name, type(exc).__name__, str(exc)[:200])
        raise CorruptFileError(name, "the DOCX is damaged and cannot be read (its package parts do not fit "
                                     "together)") from None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else "no detail"


def _text(p: Any) -> str:
    """A paragraph's text with its tracked changes accepted (python-docx's `text` skips inserted runs too)."""
    return accepted_text(p).strip()


def extract_docx_pages(data: bytes, name: str, limits: IngestLimits | None = None) -> list[str]:
    limits = limits or IngestLimits()
    document = _open(data, name, limits)
    body = document.element.find(f"{_W}body")
    if body is None:
        raise CorruptFileError(name, "the DOCX has no document body")
    numbering = _Numbering(document, _Styles(document))
    pages: list[list[str]] = [[]]
    page_breaks = _Pages()
    chars = 0
    # one walk of the tree in C instead of a query per paragraph: most contracts have no text box
    boxes = body.find(f".//{_W}txbxContent") is not None

    for child in _blocks(body):
        if chars > limits.max_text_chars:  # stop building text no contract has; the exact count is not needed
            raise TextTooLongError.of(name, chars, limits.max_text_chars, "more than ")
        page = page_breaks.read(child)
        if child.tag == f"{_W}p":
            text = _text(child)
            boxed = _box_lines(child) if boxes else []
            if not text and not boxed and child.find(f".//{_W}br[@{_W}type='page']") is not None:
                continue  # a paragraph holding a page break only: no list number is counted for it
            label = numbering.label(child)
            text = f"{label} {text}".strip() if label else text
            lines = ([text] if text else []) + boxed
        else:
            lines = _table_rows(child, boxes)
        if lines:  # a page is made for text only: the last page is the last one with text
            pages.extend([] for _ in range(page + 1 - len(pages)))
            pages[page].extend(lines)
            chars += sum(len(line) for line in lines)

    header, footer = _header_footer(document, body)
    if header:
        pages[0].insert(0, header)
    if footer:
        pages[-1].append(footer)
    headed: set[str] = set()
    for note in referenced_notes(document, body):
        lines = _note_lines(note)
        if lines:
            if note.kind not in headed:  # a heading in capitals: the notes are a clause of their own
                headed.add(note.kind)
                pages[-1].append(f"{note.kind.upper()}S")
            pages[-1].append(f"{note.kind.capitalize()} {note.mark}: " + "\n".join(lines))
            chars += sum(len(line) for line in lines)
            if chars > limits.max_text_chars:
                raise TextTooLongError.of(name, chars, limits.max_text_chars, "more than ")
    return ["\n\n".join(page) for page in pages]


class _Pages:
    """Which page each block of the body is on, from the page breaks the file records, in body order: an
    explicit one (`w:br w:type="page"`, a paragraph's `w:pageBreakBefore`) and the ones Word saw when it last
    laid the file out (`w:lastRenderedPageBreak`), the only ones a file typed without page breaks has. Word
    writes a rendered break where every page starts, after an explicit break too: a rendered break or a
    paragraph's break before it, with no text since the last break counted, is that same break (nor does
    either make a blank first page); an explicit break always starts a page, a second one a blank page.

    A block is on the page its text starts on; breaks after that (a paragraph or a table running over the
    page) move the blocks that follow. Only the runs the text is read from count (a deleted run's or a text
    box's break does not). python-docx's `Paragraph.rendered_page_breaks` and `contains_page_break` see
    neither the runs of a tracked insertion nor an explicit break, nor where a break stands among the
    words, so the runs are walked here as `accepted_text` walks them."""

    def __init__(self) -> None:
        self.index = 0  # the page the next text is on, from 0
        self._text_since = False  # text since the last break counted

    def read(self, block: Any) -> int:
        """Take in `block`'s breaks; the page its text starts on (the page after its breaks when it has none)."""
        start: int | None = None
        paragraphs = [block] if block.tag == f"{_W}p" else block.xpath(".//w:p[not(ancestor::w:txbxContent)]")
        for p in paragraphs:
            before = p.find(f"{_W}pPr/{_W}pageBreakBefore")
            if before is not None and before.get(f"{_W}val", "true") not in ("0", "false", "off"):
                self._break(explicit=False)
            for run in p.xpath(ACCEPTED_RUNS):
                for child in run:
                    if child.tag == f"{_W}t":
                        if child.text and not child.text.isspace():
                            start = self.index if start is None else start
                            self._text_since = True
                    elif child.tag == f"{_W}br":
                        if child.get(f"{_W}type") == "page":
                            self._break(explicit=True)
                    elif child.tag == f"{_W}lastRenderedPageBreak":
                        self._break(explicit=False)
        return self.index if start is None else start

    def _break(self, *, explicit: bool) -> None:
        if explicit or self._text_since:
            self.index += 1
            self._text_since = False


# Tracked changes are read as if accepted: runs inside w:ins / w:moveTo are text, runs inside w:del /
# w:moveFrom (whose text is w:delText) are not. python-docx's Paragraph.text skips both kinds, and the
# words of an inline content control (w:sdt, a firm template's "governing law" or "party" field) too.
ACCEPTED_RUNS = ("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:ins/w:hyperlink/w:r"
                 " | ./w:sdt/w:sdtContent/w:r | ./w:sdt/w:sdtContent/w:ins/w:r | ./w:sdt/w:sdtContent/w:hyperlink/w:r")
_TRACKED = re.compile(rb"<w:(?:ins|del|moveFrom|moveTo)[\s>]")


_CHAR_TAGS = {f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}ptab"}
_CHAR_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def child_text(child: Any) -> str:
    """What a run child adds to its paragraph's text: python-docx's rendering, except that every break
    (a page or column break too) is a line break. python-docx gives a page break no text, so the words on
    either side ran together ("... other than the parties.IN WITNESS WHEREOF ...") and no clause could
    start after it. word/runs.py reads runs with this same function, so offsets still line up."""
    if child.tag not in _CHAR_TAGS:
        return ""
    if child.tag == f"{_W}t":
        return child.text or ""
    return _CHAR_TEXT[child.tag]


def accepted_text(p: Any) -> str:
    """A paragraph's text with its tracked changes accepted."""
    return "".join(child_text(child) for run in p.xpath(ACCEPTED_RUNS) for child in run)


def tracked_changes(data: bytes) -> int:
    """How many tracked insertions, deletions and moves the DOCX body holds (0 for a clean file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return len(_TRACKED.findall(archive.read("word/document.xml")))
    except (zipfile.BadZipFile, KeyError):
        return 0


def _blocks(container: Any) -> Any:
    """The paragraphs and tables of the body in order, those inside block content controls (w:sdt)
    included: Word shows them as any other paragraph, numbered with the rest."""
    for child in container.iterchildren(f"{_W}p", f"{_W}tbl", f"{_W}sdt"):
        if child.tag != f"{_W}sdt":
            yield child
            continue
        content = child.find(f"{_W}sdtContent")
        if content is not None:
            yield from _blocks(content)


def _table_rows(tbl: Any, boxes: bool = True) -> list[str]:
    """One line per row, cells as stored: a merged cell is one `w:tc` with a `gridSpan`, which is never
    expanded into the columns it covers (a span of 10^8 would be a list of 10^8 cells). A text box in a
    cell is read in the cell, after its paragraph, unless `boxes` is False (a body without boxes, or a table
    inside a text box, whose boxes `_text_boxes` already lists with the box around them)."""
    rows = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            value = " ".join(t for p in tc.iterchildren(f"{_W}p")
                             for t in (_text(p), *(_box_lines(p) if boxes else ())) if t)
            if value and (not cells or cells[-1] != value):
                cells.append(value)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _header_footer(document: Any, body: Any) -> tuple[str, str]:
    """The default header and footer of each section, each distinct text once. A reference to a missing,
    external or non-XML part is skipped."""
    headers: list[str] = []
    footers: list[str] = []
    rels = document.part.rels
    for sect in body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr"):
        for tag, bucket in ((f"{_W}headerReference", headers), (f"{_W}footerReference", footers)):
            for ref in sect.iterchildren(tag):
                if ref.get(f"{_W}type", "default") != "default":
                    continue
                rel = rels.get(ref.get(_R_ID))
                if rel is None or rel.is_external:
                    continue
                root = getattr(rel.target_part, "element", None)
                if root is None:
                    continue
                text = "\n".join(t for p in root.iterchildren(f"{_W}p") if (t := _text(p)))
                if text and text not in bucket:
                    bucket.append(text)
    return "\n".join(headers), "\n".join(footers)


def _text_boxes(p: Any) -> list[Any]:
    """The w:txbxContent of each text box anchored in paragraph `p`, in document order, each box once:
    only boxes in runs the reader counts (not in a tracked deletion), and of a box stored twice in
    mc:AlternateContent only the mc:Choice copy (a mc:Fallback is read only when there is no mc:Choice).
    A box inside a box is listed after it, not inside its paragraphs' text."""
    out = []
    for run in p.xpath(ACCEPTED_RUNS):
        for box in run.iter(f"{_W}txbxContent"):
            if not _hidden(box, run):
                out.append(box)
    return out


def _hidden(box: Any, run: Any) -> bool:
    """Whether `box` is a copy Word does not show, or deleted, between itself and `run`."""
    node = box.getparent()
    while node is not None and node is not run:
        if node.tag in (f"{_W}del", f"{_W}moveFrom"):
            return True
        if node.tag == f"{_MC}Fallback":
            alternate = node.getparent()
            if alternate is not None and alternate.find(f"{_MC}Choice") is not None:
                return True
        node = node.getparent()
    return False


def _box_lines(p: Any) -> list[str]:
    """The text of the boxes anchored in `p`, a line per paragraph (a box's table: a line per row)."""
    lines: list[str] = []
    for box in _text_boxes(p):
        for block in _blocks(box):
            if block.tag == f"{_W}tbl":
                lines.extend(_table_rows(block, boxes=False))
            elif text := _text(block):
                lines.append(text)
    return lines


@dataclass(frozen=True)
class ReferencedNote:
    """A footnote or endnote the body references: its mark as Word shows it, its w:footnote/w:endnote
    element and the body's (first) reference to it, where the review copy comments on the note."""

    kind: str
    mark: str
    element: Any
    reference: Any


def _note_roots(document: Any) -> dict[str, Any]:
    """kind -> root element of the document's footnotes and endnotes parts. python-docx keeps these as
    bare bytes, parsed here with its own parser (no entities, no network, libxml2's depth limit); a part
    that is missing, external or not well-formed is left out: the body still reads."""
    from docx.oxml.parser import parse_xml
    from lxml import etree

    out: dict[str, Any] = {}
    for kind, reltype in _RT_NOTES.items():
        for rel in document.part.rels.values():
            if rel.reltype != reltype or rel.is_external:
                continue
            part = rel.target_part
            root = getattr(part, "element", None)
            if root is None:
                try:
                    root = parse_xml(part.blob)
                except (etree.LxmlError, ValueError) as exc:
                    log.info("the %ss part is not readable XML: %s", kind, _first_line(exc))
                    break
            if root.tag == f"{_W}{kind}s":
                out[kind] = root
            break
    return out


def referenced_notes(document: Any, body: Any) -> list[ReferencedNote]:
    """The notes the body references, footnotes then endnotes, each in the order of its first reference
    (the order Word numbers them in), skipping references in tracked deletions and in the mc:Fallback
    copy of a text box. Separator and continuation notes are never referenced, so never read."""
    roots = _note_roots(document)
    out: list[ReferencedNote] = []
    for kind in ("footnote", "endnote"):
        if kind not in roots:
            continue
        root = roots[kind]
        notes = {n.get(f"{_W}id"): n for n in root.iterchildren(f"{_W}{kind}")
                 if n.get(f"{_W}type", "normal") == "normal"}
        fmt, start = _note_format(document, body, kind)
        seen: set[str | None] = set()
        number = start
        for ref in body.iter(f"{_W}{kind}Reference"):
            note_id = ref.get(f"{_W}id")
            if note_id in seen or note_id not in notes or _hidden(ref, body):
                continue
            seen.add(note_id)
            if ref.get(f"{_W}customMarkFollows") in ("1", "true", "on"):
                mark = _custom_mark(ref)
            else:
                mark = _FORMATS.get(fmt, str)(number)
                number = min(number + 1, _MAX_START + 1)
            out.append(ReferencedNote(kind, mark, notes[note_id], ref))
    return out


def _note_format(document: Any, body: Any, kind: str) -> tuple[str, int]:
    """The note number format and start the document sets (its last section, else its settings), or
    Word's defaults."""
    fmt, start = _NOTE_FORMATS[kind], 1
    settings = _related_element(document, _RT_SETTINGS)
    for holder in (settings, body.find(f"{_W}sectPr")):
        props = holder.find(f"{_W}{kind}Pr") if holder is not None else None
        if props is None:
            continue
        num_fmt, num_start = props.find(f"{_W}numFmt"), props.find(f"{_W}numStart")
        if num_fmt is not None and num_fmt.get(f"{_W}val") in _FORMATS:
            fmt = num_fmt.get(f"{_W}val")
        if num_start is not None:
            start = _int(num_start.get(f"{_W}val"), 1, 0, _MAX_START)
    return fmt, start


def _custom_mark(ref: Any) -> str:
    """A note with a custom mark shows the run after its reference (a "*" or "†") instead of a number."""
    run = ref.getparent()
    following = run.getnext() if run is not None else None
    mark = "".join(following.xpath("./w:t/text()")).strip() if following is not None else ""
    return mark[:_MAX_MARK] or "*"


def _note_lines(note: ReferencedNote) -> list[str]:
    """A note's paragraphs (and its tables' rows, its boxes' lines), as the body's are read."""
    lines: list[str] = []
    for block in _blocks(note.element):
        if block.tag == f"{_W}tbl":
            lines.extend(_table_rows(block))
            continue
        if text := _text(block):
            lines.append(text)
        lines.extend(_box_lines(block))
    return lines
