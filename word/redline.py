"""The redline as the template's own Word file: its package (styles, numbering, sections, headers,
footers, tables, fields, notes) kept byte for byte except for the parts with text, where the changes
that turn it into the contract are written as tracked insertions and deletions at word level.

Deleted words stay in the template's runs (their `w:rPr` untouched); inserted words are new runs with
the `w:rPr` of the contract's runs that hold them; a paragraph whose properties changed (style,
numbering) carries `w:pPrChange`. Paragraph marks of whole inserted or deleted paragraphs are tracked
too, so Reject All gives the template and Accept All the contract (checked by
`word.revisions` and benchmarks/docx_fidelity.py).

Which paragraph is compared with which follows the clause alignment (`contracts.compare.align`) when a
comparison is given: paragraphs are grouped by the clause pairs that `document_redline` redlines in
place, and a clause the alignment saw moved is a deletion where the template had it and an insertion
where the contract has it, as in the text redline. Inside a pair of clauses, paragraphs are matched by
their text.

Why not a library: `python-redlines` (Open-XML-PowerTools, a 33 MB .NET binary) and `jubarte-redlines`
(AGPL-3.0) diff the two files themselves and cannot follow lexrisk's clause alignment, and
`docx-redline` needs Python 3.12; the table is in eval/results/docx_fidelity.json."""

from __future__ import annotations

import copy
import io
import zipfile
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher
from itertools import count, pairwise
from typing import Any

from lxml import etree
from rapidfuzz import fuzz

from contracts.compare.matching import BlockMatcher
from contracts.compare.models import Comparison
from contracts.compare.redline import word_redline
from contracts.documents import Document
from word.imports import Importer
from word.revisions import following
from word.runs import (
    NS,
    TEXT_RUNS,
    W,
    body_paragraphs,
    child_text,
    complex_field,
    isolate,
    note_references,
    paragraph_offsets,
    paragraph_text,
    run_text,
    split_run,
    text_runs,
)

AUTHOR = "lexrisk"
PAIR_SIMILARITY = 50.0  # rapidfuzz ratio at which two differing paragraphs are one paragraph edited
_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
_NOTES_PARTS = ("word/footnotes.xml", "word/endnotes.xml")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# what a paragraph holds besides its words, compared and tracked in place: note references, pictures, shapes
# and text boxes (a w:drawing, a VML w:pict, or both as the Choice and Fallback of an mc:AlternateContent)
# and fields (a complex field's instruction and markers; its result is words)
_OBJECTS = frozenset({*(f"{W}{t}" for t in ("footnoteReference", "endnoteReference", "drawing", "pict", "object",
                                           "fldChar", "instrText")), f"{_MC}AlternateContent"})
_NOTE_REFERENCES = (f"{W}footnoteReference", f"{W}endnoteReference")
_BOX = f"{W}txbxContent"  # a text box's paragraphs, in a DrawingML wps:txbx or a VML v:textbox
_VOLATILE = ("id", "name", "spid", "anchorId", "editId")  # drawing attributes a writer renumbers on save
_HOLDERS = etree.XPath(f"{TEXT_RUNS} | ./w:fldSimple | ./w:hyperlink/w:fldSimple | ./w:sdt/w:sdtContent/w:fldSimple",
                       namespaces=NS)
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
# a shape's place and size: DrawingML elements, and the VML properties in a `style` attribute
_LAYOUT = (*(f"{_WP}{t}" for t in ("simplePos", "positionH", "positionV", "extent", "effectExtent")),
           "{http://schemas.openxmlformats.org/drawingml/2006/main}xfrm")
_VML = "{urn:schemas-microsoft-com:vml}"
_VML_STYLED = tuple(f"{_VML}{t}" for t in ("shape", "rect", "roundrect", "oval", "line", "polyline", "arc", "group"))
_VML_LAYOUT = frozenset({"left", "top", "width", "height", "margin-left", "margin-top", "margin-right",
                         "margin-bottom", "mso-position-horizontal", "mso-position-vertical",
                         "mso-position-horizontal-relative", "mso-position-vertical-relative",
                         "mso-left-percent", "mso-top-percent", "mso-width-percent", "mso-height-percent",
                         "mso-width-relative", "mso-height-relative"})
_PLACEHOLDERS = 0xE000  # private-use characters stand for objects in the compared strings


def _is_text_part(name: str) -> bool:
    return name in _TEXT_PARTS or (name.startswith(("word/header", "word/footer")) and name.endswith(".xml"))


@dataclass
class _Context:
    """What every edit needs: unique revision ids, the author and date, and the style ids that
    inserted content uses (copied into the template's styles when it lacks them)."""

    ids: Any
    author: str
    stamp: str
    formatting: bool = True  # track property and run-formatting changes (off when one side has none of its own)
    used_styles: set[str] = field(default_factory=set)
    used_numbering: list[Any] = field(default_factory=list)
    importer: Importer | None = None  # makes copied contract content valid in the template's package
    part: str = "word/document.xml"  # the part being redlined
    # (kind, template note id) -> contract note id, for each reference the body shows unchanged
    notes: dict[tuple[str, str | None], str | None] = field(default_factory=dict)
    deletions: list[Any] = field(default_factory=list)  # every w:del written (the notes whose references went)

    def adopt(self, element: Any) -> None:
        """A block or row copied from the contract, its references rewritten for the template."""
        if self.importer is not None:
            self.importer.adopt(element, self.part, lambda p: _insert_paragraph(p, self))

    def change(self, kind: str) -> Any:
        element = etree.Element(f"{W}{kind}")
        element.set(f"{W}id", str(next(self.ids)))
        element.set(f"{W}author", self.author)
        element.set(f"{W}date", self.stamp)
        if kind == "del":
            self.deletions.append(element)
        return element


def _block_text(block: Any) -> str:
    if block.tag == f"{W}p":
        return paragraph_text(block)
    if block.tag == f"{W}sdt":
        return "\n".join(paragraph_text(p) for p in body_paragraphs(_sdt_content(block)))
    return "\n".join(paragraph_text(p) for tc in block.iter(f"{W}tc") for p in tc.iterchildren(f"{W}p"))


def _sdt_content(sdt: Any) -> Any:
    """A block content control's content (an empty one when the file has none)."""
    content = sdt.find(f"{W}sdtContent")
    return content if content is not None else etree.SubElement(sdt, f"{W}sdtContent")


# ---- marking whole blocks -------------------------------------------------------------------------------


def _to_deleted(run: Any) -> None:
    for old, new in (("t", "delText"), ("instrText", "delInstrText")):
        for element in run.iter(f"{W}{old}"):
            element.tag = f"{W}{new}"


def _wrap(elements: Sequence[Any], wrapper: Any) -> None:
    if not elements:
        return
    elements[0].addprevious(wrapper)
    for element in elements:
        wrapper.append(element)


def _runs_for_tracking(p: Any) -> list[list[Any]]:
    """Groups of consecutive sibling runs of a paragraph that a tracked change can wrap (runs already
    deleted in the template are left alone)."""
    groups: list[list[Any]] = []
    for run in p.xpath("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:sdt/w:sdtContent/w:r"
                       " | ./w:sdt/w:sdtContent/w:hyperlink/w:r", namespaces=NS):
        if run.find(f"{W}commentReference") is not None:
            continue
        if groups and groups[-1][-1].getnext() is run:
            groups[-1].append(run)
        else:
            groups.append([run])
    return groups


def _mark(p: Any, kind: str, ctx: _Context) -> None:
    """Track the paragraph mark itself (w:pPr/w:rPr/w:ins|w:del)."""
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    rpr = ppr.find(f"{W}rPr")
    if rpr is None:
        rpr = etree.SubElement(ppr, f"{W}rPr")
        for later in ("sectPr", "pPrChange"):
            anchor = ppr.find(f"{W}{later}")
            if anchor is not None:
                anchor.addprevious(rpr)
                break
    for old in rpr.findall(f"{W}ins") + rpr.findall(f"{W}del"):
        rpr.remove(old)
    rpr.insert(0, ctx.change(kind))


def _long_fields(p: Any) -> None:
    """A whole paragraph's simple fields in their long form, whose runs a tracked change can wrap
    (a `w:fldSimple` cannot sit inside `w:ins`/`w:del`, and left outside it would survive Reject All)."""
    for simple in p.xpath("./w:fldSimple | ./w:hyperlink/w:fldSimple | ./w:sdt/w:sdtContent/w:fldSimple",
                          namespaces=NS):
        for run in complex_field(simple):
            simple.addprevious(run)
        simple.getparent().remove(simple)


def _boxes(element: Any) -> list[Any]:
    """The text boxes (w:txbxContent) of an object or paragraph in document order, not those nested in
    another: an mc:AlternateContent's Choice copy, then its Fallback copy."""
    found = list(element.iter(_BOX))
    return [box for box in found if not any(outer in found for outer in box.iterancestors(_BOX))]


def _track_boxes(element: Any, kind: str, ctx: _Context) -> None:
    """A shape added or removed whole takes its text boxes' words with it, tracked as Word tracks them
    (each copy of an mc:AlternateContent alike), so the box's words show as inserted or deleted."""
    for box in _boxes(element):
        for p in list(box.iter(f"{W}p")):
            (_delete_paragraph if kind == "del" else _insert_paragraph)(p, ctx)


def _delete_paragraph(p: Any, ctx: _Context) -> None:
    _long_fields(p)
    _track_boxes(p, "del", ctx)
    for group in _runs_for_tracking(p):
        for run in group:
            _to_deleted(run)
        for piece in _apart_from_note_marks(group):
            _wrap(piece, ctx.change("del"))


def _apart_from_note_marks(group: list[Any]) -> list[list[Any]]:
    """`group` cut so that a run holding a note's own number (`w:footnoteRef`/`w:endnoteRef`, the first
    run of a note's text) is a piece of its own: LibreOffice shows a deletion that holds that run and
    the note's words after it with only the number struck through, the words as if they stayed."""
    pieces: list[list[Any]] = []
    joinable = False
    for run in group:
        mark = run.find(f"{W}footnoteRef") is not None or run.find(f"{W}endnoteRef") is not None
        if joinable and not mark:
            pieces[-1].append(run)
        else:
            pieces.append([run])
        joinable = not mark
    return pieces


def _insert_paragraph(p: Any, ctx: _Context) -> None:
    _long_fields(p)
    _track_boxes(p, "ins", ctx)
    for group in _runs_for_tracking(p):
        if group[0].getparent().tag == f"{W}ins":
            continue  # already an insertion in the contract
        _wrap(group, ctx.change("ins"))


def _track_table(tbl: Any, kind: str, ctx: _Context) -> None:
    for tr in tbl.iterchildren(f"{W}tr"):
        _track_row(tr, kind, ctx)


def _track_row(tr: Any, kind: str, ctx: _Context) -> None:
    trpr = tr.find(f"{W}trPr")
    if trpr is None:
        trpr = etree.Element(f"{W}trPr")
        tblpr_ex = tr.find(f"{W}tblPrEx")
        (tblpr_ex.addnext if tblpr_ex is not None else lambda e: tr.insert(0, e))(trpr)
    trpr.append(ctx.change(kind))
    for p in tr.iter(f"{W}p"):
        (_delete_paragraph if kind == "del" else _insert_paragraph)(p, ctx)


# ---- one paragraph edited word by word ---------------------------------------------------------------


def _boundary(p: Any, k: int) -> Any | None:
    """Cut the runs so that a run ends at character k; return that run (None when k is 0)."""
    pos = 0
    last = None
    for run in text_runs(p):
        n = len(run_text(run))
        if pos < k < pos + n:
            split_run(run, k - pos)
            return run
        pos += n
        if n:
            last = run
        if pos == k and n:
            return run
    return last if k > 0 else None


def _new_runs(source: Any, start: int, end: int) -> list[Any]:
    """The contract's characters [start, end) of paragraph `source` as new runs, each with the `w:rPr`
    of the contract run that holds it."""
    out = []
    pos = 0
    for run in text_runs(source):
        text = run_text(run)
        a, b = max(start, pos), min(end, pos + len(text))
        if a < b:
            new = etree.Element(f"{W}r")
            rpr = run.find(f"{W}rPr")
            if rpr is not None:
                rpr = copy.deepcopy(rpr)
                for change in rpr.findall(f"{W}rPrChange"):
                    rpr.remove(change)
                new.append(rpr)
            _append_text(new, text[a - pos:b - pos])
            out.append(new)
        pos += len(text)
    return out


def _append_text(run: Any, text: str) -> None:
    buffer = ""
    for char in text + "\x00":
        if char in "\t\n\x00":
            if buffer:
                t = etree.SubElement(run, f"{W}t")
                t.text = buffer
                t.set(_XML_SPACE, "preserve")
                buffer = ""
            if char == "\t":
                etree.SubElement(run, f"{W}tab")
            elif char == "\n":
                etree.SubElement(run, f"{W}br")
        else:
            buffer += char


def _alone(child: Any) -> Any:
    """Cut the run holding object `child` so that the object is a run of its own (the other children
    go to runs before and after it, each with the run's `w:rPr`); return that run."""
    run = child.getparent()
    kids = [k for k in run if k.tag != f"{W}rPr"]
    at = kids.index(child)
    for side, moved in ((run.addprevious, kids[:at]), (run.addnext, kids[at + 1:])):
        if not moved:
            continue
        shell = etree.Element(f"{W}r")
        rpr = run.find(f"{W}rPr")
        if rpr is not None:
            shell.append(copy.deepcopy(rpr))
        shell.extend(moved)
        side(shell)
    return run


def _units(p: Any, objects: bool) -> list[Any]:
    """The paragraph as the redline compares it, in document order: each character of its text (a
    str) and, when `objects`, each object (the run child, or the `w:fldSimple`)."""
    out: list[Any] = []
    for holder in _HOLDERS(p):
        if holder.tag == f"{W}fldSimple":
            if objects:
                out.append(holder)
            continue
        for child in holder:
            if child.tag in _OBJECTS:
                if objects:
                    out.append(child)
            else:
                out.extend(child_text(child))
    return out


def _signature(element: Any, ctx: _Context, contract: bool) -> str:
    """What makes two objects the same object: a note reference is one whatever its note says (the two
    notes are paired by it and redlined in their own part); a picture is its image and layout, not its
    ids or file name; a shape is its layout, not the words of its text boxes (those are redlined inside
    it), nor, when it has text boxes, its place and size (see `_take_layout`); a field is its instruction (and a simple field's result)."""
    name = etree.QName(element).localname
    if name in ("footnoteReference", "endnoteReference"):
        return name
    if name == "instrText":
        return f"instrText:{' '.join((element.text or '').split())}"
    element = copy.deepcopy(element)
    if _boxes(element):  # a box moved or resized is the same box: its place is no word of the contract
        for node in _layout(element):
            _strip_layout(node)
    for box in element.iter(_BOX):
        box[:] = []
    for node in element.iter():
        for attr in list(node.attrib):
            if attr.startswith(_R) and ctx.importer is not None:
                node.set(attr, ctx.importer.target_key(ctx.part, node.get(attr), contract))
            elif "rsid" in attr or (not attr.startswith(W) and etree.QName(attr).localname in _VOLATILE):
                del node.attrib[attr]
    return etree.tostring(element, method="c14n").decode()


def _layout(element: Any) -> list[Any]:
    """Where a shape sits and how big it is: its DrawingML placement and size elements and its VML
    elements' `style`, in document order, not those of shapes inside its text boxes."""
    out = []
    for node in element.iter(*_LAYOUT, *_VML_STYLED):
        holder = node.getparent()
        while holder is not None and holder is not element and holder.tag != _BOX:
            holder = holder.getparent()
        if holder is element:
            out.append(node)
    return out


def _style_without_layout(style: str) -> str:
    return ";".join(item for item in style.split(";")
                    if item.split(":", 1)[0].strip().lower() not in _VML_LAYOUT)


def _strip_layout(node: Any) -> None:
    if node.tag in _LAYOUT:
        node.getparent().remove(node)
    elif node.get("style") is not None:
        node.set("style", _style_without_layout(node.get("style")))


def _take_layout(t: Any, c: Any) -> None:
    """Give the template's shape the contract's place and size (the two have the same layout
    otherwise, by their signatures): Word tracks no move or resize of a shape, so the redline shows the
    counterparty's box, its words redlined inside it."""
    mine, theirs = _layout(t), _layout(c)
    if [n.tag for n in mine] != [n.tag for n in theirs]:
        return
    for old, new in zip(mine, theirs, strict=True):
        if old.tag in _LAYOUT:
            old.getparent().replace(old, copy.deepcopy(new))
        elif new.get("style") is not None:
            old.set("style", new.get("style"))


def _same_objects(pairs: Sequence[tuple[Any, Any]], ctx: _Context) -> None:
    """Objects the redline shows unchanged, each template object with the contract's it stands for. A
    note reference pairs the two notes, redlined in their notes part after the body (so a note added
    before others, which Word numbers anew, shifts no pairing); a shape has its text boxes redlined
    inside it, each copy of an mc:AlternateContent (Choice and Fallback) against the contract's same
    copy, so whichever copy a reader shows, it shows the same changes."""
    for t, c in pairs:
        if t.tag in _NOTE_REFERENCES:
            kind = etree.QName(t).localname[:-len("Reference")]
            ctx.notes.setdefault((kind, t.get(f"{W}id")), c.get(f"{W}id"))
            continue
        t_boxes, c_boxes = _boxes(t), _boxes(c)
        if len(t_boxes) == len(c_boxes):  # equal signatures: the same boxes, in the same places
            for t_box, c_box in zip(t_boxes, c_boxes, strict=True):
                _diff_container(t_box, c_box, ctx)
            if t_boxes:
                _take_layout(t, c)


def _objects(p: Any) -> list[Any]:
    """The objects of `_units(p, True)`, in order, without spelling out every character in between."""
    out: list[Any] = []
    for holder in _HOLDERS(p):
        if holder.tag == f"{W}fldSimple":
            out.append(holder)
        else:
            out.extend(child for child in holder if child.tag in _OBJECTS)
    return out


def _spelled(units: list[Any], marks: dict[str, str], ctx: _Context, contract: bool) -> str:
    """`units` as a string for the word diff: text as it is, each object as a private-use character,
    the same one for objects with the same signature on either side."""
    out = []
    for unit in units:
        if isinstance(unit, str):
            out.append(unit)
        else:
            key = _signature(unit, ctx, contract)
            out.append(marks.setdefault(key, chr(_PLACEHOLDERS + len(marks))))
    return "".join(out)


def _text_positions(units: list[Any]) -> list[int]:
    """For each unit index (and the end), how many text characters come before it."""
    out = [0]
    for unit in units:
        out.append(out[-1] + isinstance(unit, str))
    return out


def _holder(unit: Any) -> Any:
    """The element that carries an object in the paragraph: its run, or the simple field itself."""
    return unit if unit.tag == f"{W}fldSimple" else unit.getparent()


def _contract_content(c: Any, units: list[Any], at: list[int], start: int, end: int, ctx: _Context) -> list[Any]:
    """The contract's units [start, end) as new elements for the template: words as runs with the
    contract's formatting, objects copied with their run's formatting (a simple field in its long
    form) and adopted, so a picture brings its image and a note reference its note."""
    out: list[Any] = []
    k = start
    while k < end:
        if isinstance(units[k], str):
            stop = k
            while stop < end and isinstance(units[stop], str):
                stop += 1
            out.extend(_new_runs(c, at[k], at[stop]))
            k = stop
            continue
        unit = units[k]
        if unit.tag == f"{W}fldSimple":
            made = complex_field(unit)
        else:
            run = etree.Element(f"{W}r")
            rpr = unit.getparent().find(f"{W}rPr")
            if rpr is not None:
                rpr = copy.deepcopy(rpr)
                for change in rpr.findall(f"{W}rPrChange"):
                    rpr.remove(change)
                run.append(rpr)
            run.append(copy.deepcopy(unit))
            made = [run]
        for element in made:
            ctx.adopt(element)
            _track_boxes(element, "ins", ctx)
        out.extend(made)
        k += 1
    return out


def _anchor(t: Any, units: list[Any], at: list[int], k: int) -> Any | None:
    """The element that template unit k-1 ends, after which an insertion at unit k goes (None at the
    paragraph's start)."""
    if k == 0:
        return None
    unit = units[k - 1]
    return _boundary(t, at[k]) if isinstance(unit, str) else _holder(unit)


def _put(t: Any, anchor: Any | None, elements: list[Any]) -> None:
    if anchor is not None:
        for element in reversed(elements):
            anchor.addnext(element)
        return
    holders = _HOLDERS(t)
    for element in elements:
        (holders[0].addprevious if holders else t.append)(element)


def _delete_units(t: Any, units: list[Any], at: list[int], start: int, end: int, ctx: _Context) -> None:
    """Template units [start, end) tracked as deleted: their words' runs and objects' runs (a simple
    field in its long form), neighbouring ones under one `w:del`."""
    runs = isolate(t, at[start], at[end]) if at[end] > at[start] else []
    for unit in units[start:end]:
        if isinstance(unit, str):
            continue
        if unit.tag == f"{W}fldSimple":
            long_form = complex_field(unit)
            for run in long_form:
                unit.addprevious(run)
            unit.getparent().remove(unit)
            runs.extend(long_form)
        else:
            _track_boxes(unit, "del", ctx)
            runs.append(unit.getparent())
    order = list(t.iter())  # held, so that the proxies (and their positions) stay the same
    position = {element: k for k, element in enumerate(order)}
    runs.sort(key=lambda run: position[run])
    group: list[Any] = []
    for run in [*runs, None]:
        if run is not None and group and group[-1].getnext() is run:
            group.append(run)
            continue
        if group:
            for r in group:
                _to_deleted(r)
            _wrap(group, ctx.change("del"))
        group = [run] if run is not None else []


def _edit_paragraph(t: Any, c: Any, ctx: _Context) -> None:
    """Turn template paragraph `t` into contract paragraph `c` with word-level tracked changes. Note
    references, pictures and fields are compared with the words, at their places, when both sides are
    Word files of their own (`ctx.formatting`); a generated side has none to compare."""
    objects = ctx.formatting
    if objects:
        for child in [k for run in text_runs(t) for k in run if k.tag in _OBJECTS]:
            _alone(child)
    t_units, c_units = _units(t, objects), _units(c, objects)
    marks: dict[str, str] = {}
    old, new = _spelled(t_units, marks, ctx, False), _spelled(c_units, marks, ctx, True)
    t_at, c_at = _text_positions(t_units), _text_positions(c_units)
    edits: list[tuple[str, int, int, int]] = []  # (kind, template pos, contract start, contract end)
    same: list[tuple[Any, Any]] = []  # objects shown unchanged
    i = j = 0
    for op in word_redline(old, new):
        n = len(op.text)
        if op.op == "equal":
            same.extend((t_units[i + k], c_units[j + k]) for k in range(n) if not isinstance(t_units[i + k], str))
            if ctx.formatting:
                edits.extend(("fmt", a, b, d) for a, b, d in _restyled(t, c, t_at[i], c_at[j], t_at[i + n] - t_at[i]))
            i, j = i + n, j + n
        elif op.op == "delete":
            edits.append(("del", i, i + n, 0))
            i += n
        else:
            edits.append(("ins", i, j, j + n))
            j += n
    _same_objects(same, ctx)
    for kind, a, b, d in reversed(edits):  # from the end, so earlier positions stay valid
        if kind == "fmt":  # positions in text characters
            source = next(rpr for ca, cb, rpr in _formats(c) if ca <= d < cb)
            for run in isolate(t, a, b):
                _change_format(run, source, ctx)
        elif kind == "ins":  # positions in units
            elements = _contract_content(c, c_units, c_at, b, d, ctx)
            ctx.used_styles.update(_styles_in(elements))
            anchor = _anchor(t, t_units, t_at, a)
            if anchor is None or anchor.getparent().tag != f"{W}ins":  # inside the template's own insertion
                wrapper = ctx.change("ins")  # an edit is part of it
                wrapper.extend(elements)
                elements = [wrapper]
            _put(t, anchor, elements)
        else:
            _delete_units(t, t_units, t_at, a, b, ctx)
    if ctx.formatting:
        _change_properties(t, c, ctx)


def _bare(ppr: Any | None) -> Any:
    """Paragraph properties without the mark's run properties, section and earlier change."""
    out = copy.deepcopy(ppr) if ppr is not None else etree.Element(f"{W}pPr")
    for child in list(out):
        if etree.QName(child).localname in ("rPr", "sectPr", "pPrChange"):
            out.remove(child)
    for node in out.iter():
        for attr in [a for a in node.attrib if "rsid" in a]:
            del node.attrib[attr]
    return out


_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")


def _change_properties(t: Any, c: Any, ctx: _Context) -> None:
    """When the contract's paragraph has other properties (style, numbering, indent), take them and
    keep the template's in `w:pPrChange`, so that Reject All restores them."""
    old, new = _bare(t.find(f"{W}pPr")), _bare(c.find(f"{W}pPr"))
    if etree.tostring(old, method="c14n") == etree.tostring(new, method="c14n"):
        return
    ppr = t.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        t.insert(0, ppr)
    kept = [child for child in ppr if etree.QName(child).localname in ("rPr", "sectPr")]
    for child in list(ppr):
        ppr.remove(child)
    for child in new:
        ppr.append(child)
    for child in kept:
        ppr.append(child)
    change = ctx.change("pPrChange")
    change.append(old)
    ppr.append(change)
    ppr[:] = sorted(ppr, key=lambda e: _PPR_ORDER.index(etree.QName(e).localname)
                    if etree.QName(e).localname in _PPR_ORDER else len(_PPR_ORDER))
    ctx.used_styles.update(_styles_in([t]))
    ctx.used_numbering.append(t)


def _styles_in(elements: Sequence[Any]) -> set[str]:
    return {s.get(f"{W}val") for e in elements for s in e.iter(f"{W}pStyle", f"{W}rStyle", f"{W}tblStyle")
            if s.get(f"{W}val")}


# ---- aligning the blocks of a body, cell, header or note ---------------------------------------------

Op = tuple[str, Any, Any]  # ("keep"|"edit"|"del"|"ins", template block or None, contract block or None)


def _pairs(t_blocks: list[Any], c_blocks: list[Any], t_keys: list[str] | None = None,
           c_keys: list[str] | None = None) -> list[Op]:
    """Blocks in order: equal texts kept, then inside each differing stretch the pairs of paragraphs
    (or tables) that most resemble each other edited, the rest deleted or inserted (a DP that keeps
    order and maximises total similarity). `*_keys` are the blocks' texts when the caller has them."""
    t_keys = [_block_text(b) for b in t_blocks] if t_keys is None else t_keys
    c_keys = [_block_text(b) for b in c_blocks] if c_keys is None else c_keys
    ops: list[Op] = []
    matcher = BlockMatcher([(b.tag, k) for b, k in zip(t_blocks, t_keys, strict=True)],
                           [(b.tag, k) for b, k in zip(c_blocks, c_keys, strict=True)])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend(("keep", t_blocks[i], c_blocks[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        ops.extend(_pair_stretch(t_blocks[i1:i2], c_blocks[j1:j2], t_keys[i1:i2], c_keys[j1:j2]))
    return ops


def _pair_stretch(ts: list[Any], cs: list[Any], tk: list[str], ck: list[str]) -> list[Op]:
    m, n = len(ts), len(cs)
    if m * n > 40_000:  # a long stretch: no pairing, deleted then inserted
        return [("del", t, None) for t in ts] + [("ins", None, c) for c in cs]
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    for a in range(m - 1, -1, -1):
        for b in range(n - 1, -1, -1):
            best = max(score[a + 1][b], score[a][b + 1])
            if ts[a].tag == cs[b].tag:
                s = fuzz.ratio(tk[a], ck[b])
                if s >= PAIR_SIMILARITY:
                    best = max(best, s + score[a + 1][b + 1])
            score[a][b] = best
    ops: list[Op] = []
    a = b = 0
    while a < m and b < n:
        s = fuzz.ratio(tk[a], ck[b]) if ts[a].tag == cs[b].tag else 0.0
        if s >= PAIR_SIMILARITY and score[a][b] == s + score[a + 1][b + 1]:
            ops.append(("edit", ts[a], cs[b]))
            a, b = a + 1, b + 1
        elif score[a][b] == score[a + 1][b]:
            ops.append(("del", ts[a], None))
            a += 1
        else:
            ops.append(("ins", None, cs[b]))
            b += 1
    ops.extend(("del", t, None) for t in ts[a:])
    ops.extend(("ins", None, c) for c in cs[b:])
    return ops


def _blocks(container: Any) -> list[Any]:
    """Paragraphs, tables and block content controls (w:sdt), each redlined as one block."""
    return [child for child in container if child.tag in (f"{W}p", f"{W}tbl", f"{W}sdt")]


def _diff_container(t: Any, c: Any, ctx: _Context, regions: tuple[list[int], list[int]] | None = None) -> None:
    """Rewrite container `t` (body, cell, header, note) into a redline towards `c`, in place."""
    t_blocks, c_blocks = _blocks(t), _blocks(c)
    ops = _pairs(t_blocks, c_blocks) if regions is None else _regional_ops(t_blocks, c_blocks, *regions)
    _apply(t, t_blocks, ops, ctx)


def _regional_ops(t_blocks: list[Any], c_blocks: list[Any], t_regions: list[int], c_regions: list[int]) -> list[Op]:
    """Blocks grouped by clause-alignment region: an odd region is the k-th clause pair redlined in
    place (its blocks matched by text); an even region is what lies between them, where the text
    redline deletes the template's and inserts the contract's (moved clauses)."""
    t_groups, c_groups = _by_region(t_blocks, t_regions), _by_region(c_blocks, c_regions)
    ops: list[Op] = []
    for region in sorted(t_groups.keys() | c_groups.keys()):
        ts, tk = t_groups.get(region, ([], []))
        cs, ck = c_groups.get(region, ([], []))
        if region % 2 or not ts or not cs or tk == ck:
            ops.extend(_pairs(ts, cs, tk, ck))
        else:
            ops.extend([("del", b, None) for b in ts] + [("ins", None, b) for b in cs])
    return ops


def _by_region(blocks: list[Any], regions: list[int]) -> dict[int, tuple[list[Any], list[str]]]:
    """Each region's blocks in order, with their texts (each block read once, not once per region)."""
    out: dict[int, tuple[list[Any], list[str]]] = {}
    for block, region in zip(blocks, regions, strict=True):
        group = out.setdefault(region, ([], []))
        group[0].append(block)
        group[1].append(_block_text(block))
    return out


def _settle_tail(ops: list[Op]) -> list[Op]:
    """The last paragraph mark of a container cannot come or go (Word keeps one), so when the ops end
    in deleted and inserted paragraphs, the last deleted one becomes the last inserted one by a
    word-level edit, placed last."""
    tail = len(ops)
    while tail and ops[tail - 1][0] in ("del", "ins"):
        tail -= 1
    dels = [k for k in range(tail, len(ops)) if ops[k][0] == "del" and ops[k][1].tag == f"{W}p"]
    inss = [k for k in range(tail, len(ops)) if ops[k][0] == "ins" and ops[k][2].tag == f"{W}p"]
    if not dels or not inss:
        return ops
    edit: Op = ("edit", ops[dels[-1]][1], ops[inss[-1]][2])
    return [op for k, op in enumerate(ops) if k not in (dels[-1], inss[-1])] + [edit]


def _apply(container: Any, t_blocks: list[Any], ops: list[Op], ctx: _Context) -> None:
    """Carry out the block operations in place: insertions go right after the template block before
    them; then the paragraph marks of whole inserted or deleted paragraphs are tracked."""
    ops = _settle_tail(ops)
    after: Any = None  # the last template block placed
    tracked: list[tuple[Any, str]] = []
    for kind, tb, cb in ops:
        if kind == "ins":
            new = copy.deepcopy(cb)
            ctx.adopt(new)
            ctx.used_styles.update(_styles_in([new]))
            ctx.used_numbering.append(new)
            if after is not None:
                after.addnext(new)
            elif t_blocks:
                t_blocks[0].addprevious(new)
            else:
                sect = container.find(f"{W}sectPr")
                (sect.addprevious if sect is not None else container.append)(new)
            after = new
            _track_block(new, "ins", ctx, tracked)
            continue
        after = tb
        if kind == "del":
            _track_block(tb, "del", ctx, tracked)
        elif tb.tag == f"{W}sdt":  # kept or edited: its content redlined as a body of its own
            _diff_container(_sdt_content(tb), _sdt_content(cb), ctx)
        elif kind == "edit":
            if tb.tag == f"{W}p":
                _edit_paragraph(tb, cb, ctx)
            else:
                _edit_table(tb, cb, ctx)
        elif not ctx.formatting:  # a generated side: same words, nothing else of its own to compare
            continue
        elif tb.tag != f"{W}p":  # a table of the same words: its cells' objects and text boxes compared too
            _edit_table(tb, cb, ctx)
        elif _differs(tb, cb, ctx):
            _edit_paragraph(tb, cb, ctx)
        else:
            _same_objects(list(zip(_objects(tb), _objects(cb), strict=True)), ctx)
    _track_marks(tracked, ctx)


def _track_block(block: Any, kind: str, ctx: _Context, tracked: list[tuple[Any, str]]) -> None:
    """A whole block inserted or deleted: a paragraph's runs (its mark is tracked later), a table's
    rows, a content control's blocks."""
    if block.tag == f"{W}p":
        (_insert_paragraph if kind == "ins" else _delete_paragraph)(block, ctx)
        tracked.append((block, kind))
    elif block.tag == f"{W}tbl":
        _track_table(block, kind, ctx)
    else:
        for inner in _blocks(_sdt_content(block)):
            _track_block(inner, kind, ctx, tracked)


def _differs(t: Any, c: Any, ctx: _Context) -> bool:
    """Two paragraphs of the same text with other properties (a restyled heading, renumbered list item,
    a word made bold) or other objects (a footnote, field or picture added or removed)."""
    if [_signature(u, ctx, False) for u in _objects(t)] != [_signature(u, ctx, True) for u in _objects(c)]:
        return True
    return etree.tostring(_bare(t.find(f"{W}pPr")), method="c14n") != \
        etree.tostring(_bare(c.find(f"{W}pPr")), method="c14n") or \
        bool(_restyled(t, c, 0, 0, len(paragraph_text(t))))


def _formats(p: Any) -> list[tuple[int, int, Any]]:
    """(start, end, w:rPr) of each text run of a paragraph."""
    out, pos = [], 0
    for run in text_runs(p):
        n = len(run_text(run))
        if n:
            out.append((pos, pos + n, run.find(f"{W}rPr")))
        pos += n
    return out


def _canonical_rpr(rpr: Any | None) -> bytes:
    if rpr is None:
        return b""
    rpr = copy.deepcopy(rpr)
    for child in rpr.findall(f"{W}rPrChange"):
        rpr.remove(child)
    for node in rpr.iter():
        for attr in [a for a in node.attrib if "rsid" in a]:
            del node.attrib[attr]
    return etree.tostring(rpr, method="c14n") if len(rpr) else b""


def _restyled(t: Any, c: Any, i: int, j: int, n: int) -> list[tuple[int, int, int]]:
    """Stretches of equal text, template [i, i+n) = contract [j, j+n), whose run formatting differs:
    (template start, template end, contract start) of each."""
    out = []
    for ta, tb, trpr in _formats(t):
        for ca, cb, crpr in _formats(c):
            a, b = max(ta, ca - j + i, i), min(tb, cb - j + i, i + n)
            if a < b and _canonical_rpr(trpr) != _canonical_rpr(crpr):
                out.append((a, b, a - i + j))
    return out


def _change_format(run: Any, source: Any | None, ctx: _Context) -> None:
    """Give a template run the contract's formatting `source` (a w:rPr or None), keeping the old one
    in w:rPrChange (Reject All restores it)."""
    old = run.find(f"{W}rPr")
    new = copy.deepcopy(source) if source is not None else etree.Element(f"{W}rPr")
    for child in new.findall(f"{W}rPrChange"):
        new.remove(child)
    saved = copy.deepcopy(old) if old is not None else etree.Element(f"{W}rPr")
    for child in saved.findall(f"{W}rPrChange"):
        saved.remove(child)
    change = ctx.change("rPrChange")
    change.append(saved)
    new.append(change)
    if old is not None:
        run.replace(old, new)
    else:
        run.insert(0, new)
    ctx.used_styles.update(_styles_in([new]))


def _edit_table(t: Any, c: Any, ctx: _Context) -> None:
    """Rows matched by text; matched rows with as many cells are edited cell by cell, others are
    deleted and inserted whole."""
    t_rows, c_rows = list(t.iterchildren(f"{W}tr")), list(c.iterchildren(f"{W}tr"))
    keys = [[_row_text(r) for r in rows] for rows in (t_rows, c_rows)]
    after = None
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys[0], keys[1], autojunk=False).get_opcodes():
        pairs = list(zip(range(i1, i2), range(j1, j2), strict=False)) if tag in ("equal", "replace") else []
        for i, j in pairs:
            tcs, ccs = list(t_rows[i].iterchildren(f"{W}tc")), list(c_rows[j].iterchildren(f"{W}tc"))
            if len(tcs) == len(ccs):
                for tc, cc in zip(tcs, ccs, strict=True):
                    _diff_container(tc, cc, ctx)
            else:
                _track_row(t_rows[i], "del", ctx)
                new = copy.deepcopy(c_rows[j])
                ctx.adopt(new)
                t_rows[i].addnext(new)
                _track_row(new, "ins", ctx)
            after = t_rows[i]
        for i in range(i1 + len(pairs), i2):
            _track_row(t_rows[i], "del", ctx)
            after = t_rows[i]
        for j in range(j1 + len(pairs), j2):
            new = copy.deepcopy(c_rows[j])
            ctx.adopt(new)
            if after is not None:
                after.addnext(new)
            elif t_rows:
                t_rows[0].addprevious(new)
            else:
                t.append(new)
            _track_row(new, "ins", ctx)
            after = new


def _row_text(row: Any) -> str:
    return "\x1f".join(paragraph_text(p) for p in row.iter(f"{W}p"))


def _track_marks(tracked: list[tuple[Any, str]], ctx: _Context) -> None:
    """A whole inserted (deleted) paragraph has its mark inserted (deleted): Word then joins nothing
    to the next paragraph. A run of them at the very end of a container has no next paragraph to
    join, so the mark of the paragraph before them is tracked instead and the last one takes over its
    properties through w:pPrChange, as Word itself writes an Enter typed at the end."""
    kinds = {id(p): kind for p, kind in tracked}
    for p, kind in tracked:
        nxt = following(p)
        if nxt is not None and nxt.tag == f"{W}p":
            _mark(p, kind, ctx)
            continue
        # the last of a tail run: find where the run starts
        run = [p]
        prev = p.getprevious()
        while prev is not None and kinds.get(id(prev)) == kind:
            run.insert(0, prev)
            prev = prev.getprevious()
        if prev is None or prev.tag != f"{W}p" or id(prev) in kinds:
            continue  # nothing to borrow a mark from: the mark stays untracked
        _mark(prev, kind, ctx)
        last_ppr = _bare(p.find(f"{W}pPr"))
        # what the paragraph before had in the template (an edit may have restyled it) or will have
        saved = prev.find(f"{W}pPr/{W}pPrChange/{W}pPr")
        prev_ppr = _bare(saved if kind == "ins" and saved is not None else prev.find(f"{W}pPr"))
        if etree.tostring(last_ppr, method="c14n") != etree.tostring(prev_ppr, method="c14n"):
            holder = etree.Element(f"{W}p")
            holder.append(prev_ppr if kind == "ins" else last_ppr)
            keeper = etree.Element(f"{W}p")
            keeper.append(last_ppr if kind == "ins" else prev_ppr)
            # the last paragraph keeps the mark: its properties become `keeper`'s, the old ones `holder`'s
            _set_ppr_with_change(p, new=keeper.find(f"{W}pPr"), old=holder.find(f"{W}pPr"), ctx=ctx)


def _set_ppr_with_change(p: Any, *, new: Any, old: Any, ctx: _Context) -> None:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    kept = [child for child in ppr if etree.QName(child).localname in ("rPr", "sectPr")]
    for child in list(ppr):
        ppr.remove(child)
    for child in list(new):
        ppr.append(child)
    for child in kept:
        ppr.append(child)
    change = ctx.change("pPrChange")
    change.append(old)
    ppr.append(change)
    ppr[:] = sorted(ppr, key=lambda e: _PPR_ORDER.index(etree.QName(e).localname)
                    if etree.QName(e).localname in _PPR_ORDER else len(_PPR_ORDER))


# ---- regions from the clause alignment -----------------------------------------------------------------


def _block_regions(body: Any, document: Document, spans: list[tuple[int, int]]) -> list[int]:
    """For each block of `body`, 2k+1 when it starts inside the k-th aligned clause, else 2k where k
    clauses end before it (a block not found in the text goes with the block before it)."""
    located = paragraph_offsets(body, document.text)  # held: the ids below are of these live proxies
    starts = {id(loc.p): loc.start for loc in located}
    # spans in order without overlap (as `redline_anchors` gives them): a block's region is found by bisection
    ordered = all(a <= b for a, b in spans) and all(b <= a for (_, b), (a, _) in pairwise(spans))
    ends = [b for _, b in spans]
    out: list[int] = []
    for block in _blocks(body):
        paragraphs = [block] if block.tag == f"{W}p" else list(block.iter(f"{W}p"))
        start = next((starts[id(p)] for p in paragraphs if id(p) in starts), None)
        if start is None:
            out.append(out[-1] if out else 0)
            continue
        region = _region(spans, ends, start) if ordered else _region_scanned(spans, start)
        out.append(max(region, out[-1]) if out else region)
    return out


def _region(spans: list[tuple[int, int]], ends: list[int], start: int) -> int:
    """`_region_scanned` for spans in order without overlap: the k spans that end by `start` come first."""
    k = bisect_right(ends, start)
    return 2 * k + 1 if k < len(spans) and spans[k][0] <= start else 2 * k


def _region_scanned(spans: list[tuple[int, int]], start: int) -> int:
    """2k+1 when `start` is inside the k-th span, else 2(k+1) for the last span before it that ends by it."""
    region = 0
    for k, (a, b) in enumerate(spans):
        if a <= start < b:
            return 2 * k + 1
        if b <= start:
            region = 2 * (k + 1)
    return region


def _alignment_regions(t_body: Any, c_body: Any, comparison: Comparison, template: Document,
                       contract: Document) -> tuple[list[int], list[int]] | None:
    from contracts.compare.engine import redline_anchors

    if not comparison.aligned:
        return None
    anchors = redline_anchors(comparison)
    t_spans = [(a.template_clause.start, a.template_clause.end) for a in anchors]  # type: ignore[union-attr]
    c_spans = [(a.contract_clause.start, a.contract_clause.end) for a in anchors]  # type: ignore[union-attr]
    return _block_regions(t_body, template, t_spans), _block_regions(c_body, contract, c_spans)


# ---- the package ------------------------------------------------------------------------------------------


def _max_id(roots: Sequence[Any]) -> int:
    best = 0
    for root in roots:
        for value in root.xpath("//@w:id", namespaces=NS):
            try:
                best = max(best, int(value))
            except ValueError:
                continue
    return best


def _copy_styles(styles: Any, source: Any | None, wanted: set[str]) -> None:
    """Give the template's styles part every style that inserted content uses and it lacks (with the
    styles those are based on), from the contract's styles part."""
    if source is None:
        return
    have = {s.get(f"{W}styleId") for s in styles.iterchildren(f"{W}style")}
    theirs = {s.get(f"{W}styleId"): s for s in source.iterchildren(f"{W}style")}
    todo = [s for s in wanted if s not in have]
    while todo:
        style_id = todo.pop()
        if style_id in have or style_id not in theirs:
            continue
        styles.append(copy.deepcopy(theirs[style_id]))
        have.add(style_id)
        based = theirs[style_id].find(f"{W}basedOn")
        if based is not None and based.get(f"{W}val"):
            todo.append(based.get(f"{W}val"))


def _drop_unknown_numbering(elements: list[Any], numbering: Any | None) -> None:
    """A paragraph from the contract that refers to a list the template does not define loses the
    reference (Word would show it unnumbered anyway, or repair the file)."""
    known = set() if numbering is None else {n.get(f"{W}numId") for n in numbering.iterchildren(f"{W}num")}
    for element in elements:
        for num in list(element.iter(f"{W}numPr")):
            num_id = num.find(f"{W}numId")
            if num_id is not None and num_id.get(f"{W}val") not in known | {"0"}:
                num.getparent().remove(num)


def _diff_notes(t_notes: list[Any], c_root: Any, removed: set[tuple[str, str | None]], ctx: _Context) -> None:
    """Redline the template's notes against the contract's notes that the body paired them with: a
    note whose reference the body shows unchanged is redlined word by word against the note that the
    contract's reference names, whatever the two ids (Word numbers notes anew on save, so a note added
    before others changes every later id); a note whose reference the body shows deleted has its words
    tracked as deleted, as Word tracks a deleted note. A new note came with its reference, tracked as
    inserted (`word.imports`)."""
    theirs = {n.get(f"{W}id"): n for n in c_root if n.get(f"{W}type") is None}
    for note in t_notes:
        if note.get(f"{W}type") is not None:  # separators
            continue
        key = (etree.QName(note).localname, note.get(f"{W}id"))
        partner = theirs.get(ctx.notes.get(key))
        if partner is not None:
            _diff_container(note, partner, ctx)
        elif key in removed:
            for p in list(note.iter(f"{W}p")):
                _delete_paragraph(p, ctx)


def _number_notes(parts: dict[str, Any]) -> None:
    """Give the notes ids in the order of their references, and put them in that order, as Word does
    when it saves: a note the contract added before others would otherwise have the highest id among
    lower ones, and LibreOffice, which pairs the n-th reference with the n-th note, would show every
    later reference with its neighbour's text. Word pairs them by id, so this is no change to it."""
    for kind in ("footnote", "endnote"):
        notes = parts.get(f"word/{kind}s.xml")
        if notes is None:
            continue
        references = note_references(parts, kind)
        rank: dict[str | None, int] = {}
        for reference in references:
            rank.setdefault(reference.get(f"{W}id"), len(rank))
        shown = [n for n in notes.iterchildren(f"{W}{kind}") if n.get(f"{W}type") is None]
        shown.sort(key=lambda n: rank.get(n.get(f"{W}id"), len(rank)))  # unreferenced ones last, in their order
        typed = [int(i) for n in notes.iterchildren(f"{W}{kind}") if n.get(f"{W}type") is not None
                 and (i := n.get(f"{W}id") or "").lstrip("-").isdigit()]
        start = max([0, *typed]) + 1  # after the separators' ids (-1 and 0 as Word writes them)
        number = {n.get(f"{W}id"): str(k) for k, n in enumerate(shown, start=start)}
        for note in shown:
            notes.remove(note)
            note.set(f"{W}id", number[note.get(f"{W}id")])
        notes.extend(shown)
        for reference in references:
            if reference.get(f"{W}id") in number:
                reference.set(f"{W}id", number[reference.get(f"{W}id")])


_SETTINGS = "word/settings.xml"
# what CT_Settings puts after w:footnotePr / w:endnotePr (an element to add goes before the first of these)
_SETTINGS_AFTER = ("endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                   "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                   "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
                   "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _notes_settings(t_zip: zipfile.ZipFile, t_parts: dict[str, Any], created: Sequence[str]) -> dict[str, bytes]:
    """The template's settings.xml naming the separator notes of each notes part the redline created
    (`w:footnotePr`/`w:endnotePr` with `<w:footnote w:id="-1"/>`, as Word writes it for a document with
    separators): Word expects these references alongside its separator notes. Empty when no part was
    created or the template has no settings part (a template without one is left without one)."""
    if not created or _SETTINGS not in t_zip.namelist():
        return {}
    settings = etree.fromstring(t_zip.read(_SETTINGS))
    for name in sorted(created, key=lambda n: n != "word/footnotes.xml"):  # footnotePr before endnotePr
        kind = name[len("word/"):-len("s.xml")]
        properties = settings.find(f"{W}{kind}Pr")
        if properties is None:
            properties = etree.Element(f"{W}{kind}Pr")
            order = _SETTINGS_AFTER[_SETTINGS_AFTER.index("endnotePr") + (kind == "endnote"):]
            anchor = next((c for c in settings.iterchildren("*")
                           if not c.tag.startswith(W) or etree.QName(c).localname in order), None)
            (anchor.addprevious if anchor is not None else settings.append)(properties)
        named = {ref.get(f"{W}id") for ref in properties.iterchildren(f"{W}{kind}")}
        for note in t_parts[name].iterchildren(f"{W}{kind}"):
            if note.get(f"{W}type") is not None and note.get(f"{W}id") not in named:
                etree.SubElement(properties, f"{W}{kind}").set(f"{W}id", note.get(f"{W}id"))
    return {_SETTINGS: etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)}


def redline_package(template_data: bytes, contract_data: bytes, *, comparison: Comparison | None = None,
                    template: Document | None = None, contract: Document | None = None, title: str | None = None,
                    author: str = AUTHOR, date: datetime | None = None, formatting: bool = True) -> bytes:
    """The template's .docx with the changes to the contract's .docx as tracked changes. Give the
    comparison and both Documents (as read from these files) to follow the clause alignment.
    `formatting=False` tracks the words only: for a contract laid out from PDF/TXT against a real
    template, whose lack of bold and numbering is no change the other side made."""
    stamp = (date or datetime.now(UTC)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(template_data)) as t_zip, zipfile.ZipFile(io.BytesIO(contract_data)) as c_zip:
        c_names = set(c_zip.namelist())
        t_parts = {n: etree.fromstring(t_zip.read(n)) for n in t_zip.namelist() if _is_text_part(n)}
        c_parts = {n: etree.fromstring(c_zip.read(n)) for n in c_names if _is_text_part(n)}
        ctx = _Context(ids=count(_max_id(list(t_parts.values())) + 1), author=author, stamp=stamp,
                       formatting=formatting)
        ctx.importer = Importer(t_zip, c_zip, t_parts, c_parts, lambda: str(next(ctx.ids)))
        # the template's own notes, before the body adds the contract's new ones to the same parts
        t_notes = {name: list(root) for name, root in t_parts.items() if name.endswith(_NOTES_PARTS)}
        # the body first: which notes pair with which follows from the references it shows unchanged
        removed: set[tuple[str, str | None]] = set()  # notes whose references the body deletes
        for name, t_root in sorted(t_parts.items(), key=lambda item: item[0] != "word/document.xml"):
            c_root = c_parts.get(name)
            if c_root is None:
                continue
            ctx.part = name
            if name == "word/document.xml":
                t_body, c_body = t_root.find(f"{W}body"), c_root.find(f"{W}body")
                regions = None
                if comparison is not None and template is not None and contract is not None:
                    regions = _alignment_regions(t_body, c_body, comparison, template, contract)
                _diff_container(t_body, c_body, ctx, regions)
                removed = {(etree.QName(r).localname[:-len("Reference")], r.get(f"{W}id"))
                           for d in ctx.deletions for r in d.iter(*_NOTE_REFERENCES)}
            elif name in t_notes:
                _diff_notes(t_notes[name], c_root, removed, ctx)
            else:
                _diff_container(t_root, c_root, ctx)
        _number_notes(t_parts)
        styles = etree.fromstring(t_zip.read("word/styles.xml")) if "word/styles.xml" in t_zip.namelist() else None
        numbering = (etree.fromstring(t_zip.read("word/numbering.xml"))
                     if "word/numbering.xml" in t_zip.namelist() else None)
        if styles is not None:
            _copy_styles(styles, etree.fromstring(c_zip.read("word/styles.xml")) if "word/styles.xml" in c_names
                         else None, ctx.used_styles)
        _drop_unknown_numbering(ctx.used_numbering, numbering)
        imported = ctx.importer.parts()
        imported.update(_notes_settings(t_zip, t_parts, ctx.importer.created))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o_zip:
            for info in t_zip.infolist():
                if info.filename in t_parts:
                    data = etree.tostring(t_parts[info.filename], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                elif info.filename == "word/styles.xml" and styles is not None:
                    data = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
                else:
                    data = imported.pop(info.filename, None) or t_zip.read(info.filename)
                o_zip.writestr(info, data)
            for name, data in imported.items():  # parts and relationships the template did not have
                o_zip.writestr(name, data)
    return set_title(out.getvalue(), title) if title else out.getvalue()


def set_title(data: bytes, title: str) -> bytes:
    """The comparison's title in the document properties (File > Info), not in the body."""
    import docx

    from word.runs import xml_safe as _xml_safe

    document = docx.Document(io.BytesIO(data))
    document.core_properties.title = _xml_safe(title)[:255]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
