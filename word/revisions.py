"""Accept All and Reject All over WordprocessingML, and a normal form to compare documents by.

The Word writers promise that Reject All gives the template and Accept All gives the contract. These
transforms are how the tests and benchmarks/docx_fidelity.py check that promise without Word: they
apply Word's rules for `w:ins`/`w:del` (runs and paragraph marks), `w:moveFrom`/`w:moveTo`, table
rows and property changes (`w:pPrChange`, `w:rPrChange`) to an XML tree. A deleted paragraph mark
joins its paragraph to the next one, which keeps its own properties, as Word does.

`normal_form` is the document as a reader sees it: per paragraph its properties, then its runs merged
where formatting is equal, each with its formatting and content (a text box's paragraphs included);
revision ids, rsids, bookmarks, proofing marks and comment anchors are left out because they do not
change what the document says or how it looks."""

from __future__ import annotations

import copy
import hashlib
import io
import posixpath
import zipfile
from typing import Any

from lxml import etree

from word.runs import complex_field, note_references

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CHANGES = ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
            "tblGridChange", "tblPrExChange", "numberingChange")
_IGNORED = {f"{W}{t}" for t in ("bookmarkStart", "bookmarkEnd", "proofErr", "lastRenderedPageBreak",
                                 "commentRangeStart", "commentRangeEnd", "commentReference", "permStart",
                                 "permEnd", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                                 "moveToRangeEnd")}
PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for child in list(element):
        parent.insert(index, child)
        index += 1
    parent.remove(element)


def _marks(root: Any, kinds: tuple[str, ...]) -> list[Any]:
    """Paragraphs whose mark is tracked as one of `kinds` (a moved paragraph's mark is a move mark)."""
    test = " or ".join(f"w:pPr/w:rPr/w:{kind}" for kind in kinds)
    return root.xpath(f"//w:p[{test}]", namespaces={"w": W[1:-1]})


def following(p: Any) -> Any | None:
    """The block after paragraph `p`; for the last paragraph of a block content control, the block
    after the control (its mark joins what follows, as any other paragraph's)."""
    nxt = p.getnext()
    parent = p.getparent()
    if nxt is None and parent is not None and parent.tag == f"{W}sdtContent" and parent.getparent() is not None:
        return parent.getparent().getnext()
    return nxt


def _join_next(p: Any) -> None:
    """Word's rule for a removed paragraph mark: the paragraph's content joins the next paragraph,
    which keeps its own properties. The last paragraph of a container joins the one before it
    instead (Word keeps a container's final mark); with neither, the mark stays. A block content
    control left with no paragraph goes with it."""
    nxt = following(p)
    if nxt is None or nxt.tag != f"{W}p":
        prev = p.getprevious()
        while prev is not None and prev.tag in _IGNORED:
            prev = prev.getprevious()
        if prev is not None and prev.tag == f"{W}p" and (nxt is None or nxt.tag == f"{W}sectPr"):
            for child in [c for c in p if c.tag != f"{W}pPr"]:
                prev.append(child)
            p.getparent().remove(p)
        return
    ppr = nxt.find(f"{W}pPr")
    at = 1 if ppr is not None else 0
    for child in [c for c in p if c.tag != f"{W}pPr"]:
        nxt.insert(at, child)
        at += 1
    parent = p.getparent()
    parent.remove(p)
    if parent.tag == f"{W}sdtContent" and parent.find(f"{W}p") is None and parent.find(f"{W}tbl") is None:
        parent.getparent().getparent().remove(parent.getparent())


def resolve(root: Any, accept: bool) -> Any:
    """A copy of `root` with every tracked change accepted (or rejected)."""
    root = copy.deepcopy(root)
    drop, keep = ("del", "moveFrom"), ("ins", "moveTo")
    if not accept:
        drop, keep = keep, drop
    for tag in drop:
        for element in list(root.iter(f"{W}{tag}")):
            parent = element.getparent()
            if parent is not None and parent.tag not in (f"{W}rPr", f"{W}trPr"):
                parent.remove(element)
    for tag in keep:
        for element in list(root.iter(f"{W}{tag}")):
            parent = element.getparent()
            if parent is not None and parent.tag not in (f"{W}rPr", f"{W}trPr"):
                _unwrap(element)
    if not accept:
        for old, new in (("delText", "t"), ("delInstrText", "instrText")):
            for element in root.iter(f"{W}{old}"):
                element.tag = f"{W}{new}"
        for change in list(root.iter(f"{W}pPrChange", f"{W}rPrChange")):
            props = change.getparent()
            saved = change.find(f"{W}pPr") if change.tag == f"{W}pPrChange" else change.find(f"{W}rPr")
            for child in [c for c in props if c.tag not in (f"{W}rPr", f"{W}sectPr", f"{W}ins", f"{W}del")]:
                props.remove(child)
            for child in list(saved if saved is not None else []):
                props.append(child)
    for name in _CHANGES:
        for element in list(root.iter(f"{W}{name}")):
            element.getparent().remove(element)
    for row in list(root.iter(f"{W}tr")):
        marks = row.xpath("./w:trPr/w:ins | ./w:trPr/w:del", namespaces={"w": W[1:-1]})
        gone = any(m.tag == f"{W}{drop[0]}" for m in marks)
        for m in marks:
            m.getparent().remove(m)
        if gone:
            row.getparent().remove(row)
    for table in list(root.iter(f"{W}tbl")):
        if table.find(f"{W}tr") is None:
            table.getparent().remove(table)
    for p in _marks(root, drop):
        for tag in drop:
            for mark in p.findall(f"{W}pPr/{W}rPr/{W}{tag}"):
                mark.getparent().remove(mark)
        _join_next(p)
    for p in _marks(root, keep):
        for tag in keep:
            for mark in p.findall(f"{W}pPr/{W}rPr/{W}{tag}"):
                mark.getparent().remove(mark)
    return root


def _props(element: Any | None, skip: tuple[str, ...] = ()) -> str:
    """Properties as canonical XML, without revision marks, rsids and the children named in `skip`."""
    if element is None:
        return ""
    element = copy.deepcopy(element)
    for child in list(element):
        if etree.QName(child).localname in skip or etree.QName(child).localname in _CHANGES:
            element.remove(child)
    for node in element.iter():
        for attr in list(node.attrib):
            if "rsid" in attr or attr.endswith("}paraId") or attr.endswith("}textId"):
                del node.attrib[attr]
    for child in list(element):
        if len(child) == 0 and not child.attrib and etree.QName(child).localname == "rPr":
            element.remove(child)
    return etree.tostring(element, method="c14n").decode() if len(element) or element.attrib else ""


def _content(run: Any) -> str:
    out = []
    for child in run:
        if child.tag == f"{W}rPr" or child.tag in _IGNORED:
            continue
        if child.tag in (f"{W}t", f"{W}delText"):
            out.append(child.text or "")
        elif child.tag == f"{W}tab":
            out.append("\t")
        else:
            attrs = ",".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(child.attrib.items()))
            text = child.text or ""
            # a shape's text boxes are read like a body (both copies of an mc:AlternateContent, the
            # Choice a reader shows and the Fallback an older one shows)
            boxes = "".join(repr(normal_form(box)) for box in child.iter(f"{W}txbxContent")
                            if not any(True for _ in box.iterancestors(f"{W}txbxContent")))
            out.append(f"<{etree.QName(child).localname} {attrs}>{text}{boxes}")
    return "".join(out)


def _runs(container: Any) -> list[tuple[str, str]]:
    """A paragraph's runs as (formatting, content), equal neighbours merged, empty ones dropped."""
    out: list[tuple[str, str]] = []
    for child in container:
        if child.tag == f"{W}r":
            if child.find(f"{W}commentReference") is not None:
                continue
            item = (_props(child.find(f"{W}rPr"), ("ins", "del")), _content(child))
            if not item[1]:
                continue
            if out and out[-1][0] == item[0] and "<" not in item[1] + out[-1][1]:
                out[-1] = (item[0], out[-1][1] + item[1])
            else:
                out.append(item)
        elif child.tag in _IGNORED or child.tag == f"{W}pPr":
            continue
        elif child.tag in (f"{W}hyperlink", f"{W}smartTag") and not _runs(child):
            continue  # a link whose words were all removed shows nothing
        elif child.tag == f"{W}fldSimple":  # the same field as its long form, which the redline writes
            holder = etree.Element(f"{W}p")
            holder.extend(complex_field(child))
            out.extend(_runs(holder))
        elif child.tag in (f"{W}hyperlink", f"{W}smartTag", f"{W}sdtContent", f"{W}sdt"):
            attrs = ",".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(child.attrib.items())
                             if "rsid" not in k)
            out.append((f"<{etree.QName(child).localname} {attrs}>", ""))
            out.extend(_runs(child))
        else:
            out.append((f"<{etree.QName(child).localname}>", etree.tostring(child, method="c14n").decode()))
    return out


def normal_form(container: Any) -> list[Any]:
    """The blocks of a body, cell, header or note as comparable Python values (see the module doc)."""
    out: list[Any] = []
    for child in container:
        if child.tag == f"{W}p":
            out.append(("p", _props(child.find(f"{W}pPr"), ("rPr",)), _runs(child)))
        elif child.tag == f"{W}tbl":
            rows = [[normal_form(tc) for tc in tr.iterchildren(f"{W}tc")] for tr in child.iterchildren(f"{W}tr")]
            out.append(("tbl", _props(child.find(f"{W}tblPr")), rows))
        elif child.tag == f"{W}sectPr":
            out.append(("sectPr", _props(child)))
        elif child.tag in (f"{W}footnote", f"{W}endnote", f"{W}body", f"{W}sdtContent"):
            out.append((etree.QName(child).localname, child.get(f"{W}id"), normal_form(child)))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            out.append(("sdt", normal_form(content) if content is not None else []))
    return out


def paragraph_facts(form: list[Any]) -> dict[str, list[Any]]:
    """The four things the fidelity benchmark reports, from a normal form: paragraph texts, paragraph
    styles, numbering (w:numPr) and the full run formatting."""
    texts, styles, numbering = [], [], []

    def walk(blocks: list[Any]) -> None:
        for block in blocks:
            if block[0] == "p":
                texts.append("".join(c for _, c in block[2] if not c.startswith("<")))
                root = etree.fromstring(f"<x xmlns:w='{W[1:-1]}'>{block[1]}</x>")
                style = root.find(f".//{W}pStyle")
                styles.append(style.get(f"{W}val") if style is not None else None)
                num = root.find(f".//{W}numPr")
                numbering.append(etree.tostring(num, method="c14n").decode() if num is not None else None)
            elif block[0] == "tbl":
                for row in block[2]:
                    for cell in row:
                        walk(cell)
            elif block[0] in ("footnote", "endnote", "body", "sdtContent"):
                walk(block[2])
            elif block[0] == "sdt":
                walk(block[1])

    walk(form)
    return {"texts": texts, "styles": styles, "numbering": numbering, "formatting": form}


def package_parts(data: bytes) -> dict[str, Any]:
    """The body, headers, footers and notes of a .docx as parsed XML roots, by part name."""
    out: dict[str, Any] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name in PARTS or ((name.startswith("word/header") or name.startswith("word/footer")) \
                    and name.endswith(".xml")):
                out[name] = etree.fromstring(archive.read(name))
    return out


def _targets(archive: zipfile.ZipFile, name: str, root: Any) -> None:
    """Each relationship id (r:id, r:embed...) replaced by what it names (type, target, mode), so two
    packages compare by where a hyperlink goes, not by the ids their writers picked."""
    folder, base = name.rsplit("/", 1)
    rels_part = f"{folder}/_rels/{base}.rels"
    rels = {}
    if rels_part in archive.namelist():
        for rel in etree.fromstring(archive.read(rels_part)):
            target = rel.get("Target") or ""
            inside = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
            if rel.get("TargetMode") != "External" and inside in archive.namelist() and not inside.endswith(".xml"):
                target = hashlib.sha256(archive.read(inside)).hexdigest()  # a picture is its bytes, whatever its name
            rels[rel.get("Id")] = f"{rel.get('Type', '').rsplit('/', 1)[-1]}:{target}:{rel.get('TargetMode', '')}"
    for node in root.iter():
        for attr in [a for a in node.attrib if a.startswith(_R)]:
            node.set(attr, rels.get(node.get(attr), "missing"))


def _unreferenced_notes(parts: dict[str, Any]) -> None:
    """Drop the footnotes and endnotes no reference shows (Word removes a note with its reference, so
    a note inserted with its reference is gone after Reject All), and a notes part left with nothing
    but its separators. The notes left are numbered, and put in order, by their first reference, as
    Word numbers them on the page: which ids a writer picked does not change what the reader sees."""
    for kind in ("footnote", "endnote"):
        name = f"word/{kind}s.xml"
        notes = parts.get(name)
        if notes is None:
            continue
        references = note_references(parts, kind)
        number: dict[str | None, str] = {}
        for reference in references:
            number.setdefault(reference.get(f"{W}id"), f"n{len(number) + 1}")
        typed, shown = [], []
        for note in list(notes.iterchildren(f"{W}{kind}")):
            notes.remove(note)
            if note.get(f"{W}type") is not None:
                typed.append(note)
            elif note.get(f"{W}id") in number:
                note.set(f"{W}id", number[note.get(f"{W}id")])
                shown.append(note)
        if not shown:
            del parts[name]
            continue
        notes.extend(typed + sorted(shown, key=lambda n: int(n.get(f"{W}id")[1:])))
        for reference in references:
            reference.set(f"{W}id", number[reference.get(f"{W}id")])


def package_form(data: bytes, accept: bool | None) -> dict[str, list[Any]]:
    """Normal forms of every text part, after Accept All (True), Reject All (False) or as stored (None)."""
    resolved = {name: root if accept is None else resolve(root, accept) for name, root in package_parts(data).items()}
    _unreferenced_notes(resolved)
    forms = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, root in resolved.items():
            _targets(archive, name, root)
            target = root.find(f"{W}body") if name == "word/document.xml" else root
            forms[name] = normal_form(target)
    return forms
