"""Contract content copied whole into the template's package (an inserted paragraph, table or row),
made valid there.

A copied element still speaks the contract's package: its hyperlinks and pictures name the
contract's relationship ids, its note references the contract's notes, its bookmarks and tracked
changes carry ids the template may already use, and comment anchors point into a comments part the
template does not have. Left as they are, a hyperlink opens the template's footnotes part, a note
reference dangles, and a comment anchor without its comment makes the file unreadable (LibreOffice
refuses to load it). `Importer.adopt` rewrites each of them:

- a relationship is added to the template part's own `.rels` (an external target as it is; an internal
  part without relationships of its own, such as a picture, copied under a new name);
- a footnote or endnote is copied into the template's notes part under a new id, its content tracked
  as inserted, so Reject All leaves a note no reference shows;
- bookmarks and tracked changes get fresh ids; comment anchors are dropped (the comments are the
  counterparty's, not text of the contract); the contract's own tracked deletions are dropped, as
  the contract is read with its changes accepted."""

from __future__ import annotations

import copy
import hashlib
import posixpath
import zipfile
from collections.abc import Callable
from itertools import count
from typing import Any

from lxml import etree

from word.runs import W

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_COMMENT_MARKS = tuple(f"{W}{t}" for t in ("commentRangeStart", "commentRangeEnd", "commentReference"))
_REVISIONS = tuple(f"{W}{t}" for t in ("ins", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
                                       "trPrChange", "tcPrChange", "tblGridChange", "tblPrExChange",
                                       "numberingChange", "cellIns", "cellDel", "cellMerge"))
_NOTES = {"footnoteReference": "word/footnotes.xml", "endnoteReference": "word/endnotes.xml"}
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_NOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def rels_name(part: str) -> str:
    """Where a part's relationships are stored (word/document.xml -> word/_rels/document.xml.rels)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


class Importer:
    """Rewrites copied contract elements for the template's package; `parts()` is what changed in it."""

    def __init__(self, t_zip: zipfile.ZipFile, c_zip: zipfile.ZipFile, t_parts: dict[str, Any],
                 c_parts: dict[str, Any], new_id: Callable[[], str]) -> None:
        self.t_zip, self.c_zip = t_zip, c_zip
        self.t_parts, self.c_parts = t_parts, c_parts  # parsed text parts, edited in place by the redline
        self.new_id = new_id
        self.rels: dict[str, Any] = {}  # template .rels roots read so far (and changed), by name
        self.copied: dict[str, bytes] = {}  # parts copied from the contract, by their new name
        self.content_types: Any | None = None
        self._names = count(1)
        self.created: list[str] = []  # notes parts the template lacked, made for an adopted note
        self._drawing_ids: set[str] | None = None  # wp:docPr ids in use in the template
        self._read_rels: dict[tuple[bool, str], Any] = {}

    # ---- the element ------------------------------------------------------------------------------

    def adopt(self, element: Any, part: str, track: Callable[[Any], None]) -> None:
        """Rewrite `element`, copied from the contract's `part`, in place. `track` marks a copied
        note's paragraphs as inserted."""
        for tag in ("del", "moveFrom"):
            for gone in list(element.iter(f"{W}{tag}")):
                if gone.getparent() is not None and gone.getparent().tag not in (f"{W}rPr", f"{W}trPr"):
                    gone.getparent().remove(gone)
        for mark in list(element.iter(*_COMMENT_MARKS)):
            holder = mark.getparent()
            holder.remove(mark)
            if mark.tag == f"{W}commentReference" and holder.tag == f"{W}r" and \
                    not [c for c in holder if c.tag != f"{W}rPr"]:
                holder.getparent().remove(holder)
        for change in element.iter(*_REVISIONS):
            if change.get(f"{W}id") is not None:
                change.set(f"{W}id", self.new_id())
        renamed: dict[str | None, str] = {}
        for mark in element.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            old = mark.get(f"{W}id")
            mark.set(f"{W}id", renamed.setdefault(old, self.new_id()))
        for node in list(element.iter()):
            for attr in [a for a in node.attrib if a.startswith(R)]:
                target = self._relationship(part, node.get(attr))
                if target is None:
                    del node.attrib[attr]
                else:
                    node.set(attr, target)
        for reference in list(element.iter(*(f"{W}{k}" for k in _NOTES))):
            self._note(reference, track)
        self._drawing_numbers(element)

    def _drawing_numbers(self, element: Any) -> None:
        """A copied picture keeps its `wp:docPr` id unless the template uses it already: Word reports
        a file whose drawings share an id as damaged."""
        if self._drawing_ids is None:
            self._drawing_ids = {d.get("id") for root in self.t_parts.values() for d in root.iter(f"{_WP}docPr")}
        for doc_pr in element.iter(f"{_WP}docPr"):
            if doc_pr.get("id") in self._drawing_ids:
                numbers = [int(i) for i in self._drawing_ids if (i or "").isdigit()]
                doc_pr.set("id", str(max(numbers, default=0) + 1))
            self._drawing_ids.add(doc_pr.get("id"))

    def target_key(self, part: str, rid: str | None, contract: bool) -> str:
        """What relationship `rid` of `part` (in the contract's package, or the template's) points at,
        as its type and either the external target or a digest of the part's bytes: two pictures are
        the same picture when their images are, whatever the ids and file names."""
        zip_file = self.c_zip if contract else self.t_zip
        key = (contract, rels_name(part))
        if key not in self._read_rels:
            self._read_rels[key] = self._rels_root(zip_file, rels_name(part))
        rel = next((r for r in self._read_rels[key] if r.get("Id") == rid), None)
        if rel is None:
            return "missing"
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        if rel.get("TargetMode") == "External":
            return f"{kind}:{rel.get('Target')}"
        source = posixpath.normpath(posixpath.join(posixpath.dirname(part), rel.get("Target") or "")).lstrip("/")
        if source not in zip_file.namelist():
            return f"{kind}:missing"
        return f"{kind}:{hashlib.sha256(zip_file.read(source)).hexdigest()}"

    def _note(self, reference: Any, track: Callable[[Any], None]) -> None:
        """Copy the contract's note that `reference` names into the template's notes part, under a new
        id; without a notes part in the template the reference goes (a dangling one breaks the file)."""
        kind = etree.QName(reference).localname[:-len("Reference")]
        name = _NOTES[f"{kind}Reference"]
        mine, theirs = self.t_parts.get(name), self.c_parts.get(name)
        note = None
        if theirs is not None:
            note = next((n for n in theirs.iterchildren(f"{W}{kind}") if n.get(f"{W}id") == reference.get(f"{W}id")),
                        None)
        if mine is None and theirs is not None and note is not None:
            mine = self._notes_part(name, theirs)
        if mine is None or note is None:
            reference.getparent().remove(reference)
            return
        note = copy.deepcopy(note)
        ids = [int(n.get(f"{W}id")) for n in mine.iterchildren(f"{W}{kind}")
               if (n.get(f"{W}id") or "").lstrip("-").isdigit()]
        note.set(f"{W}id", str(max(ids, default=0) + 1))
        reference.set(f"{W}id", note.get(f"{W}id"))
        self.adopt(note, name, track)
        for p in note.iter(f"{W}p"):
            track(p)
        mine.append(note)

    def _notes_part(self, name: str, theirs: Any) -> Any:
        """A notes part for a template that has none (python-docx's and many firms' templates): the
        contract's separators, related from the body and given its content type."""
        root = etree.Element(theirs.tag, nsmap=theirs.nsmap)
        for note in theirs:
            if note.get(f"{W}type") is not None:
                root.append(copy.deepcopy(note))
        self.t_parts[name] = root
        self.created.append(name)
        kind = posixpath.basename(name)[:-len("s.xml")]
        body_rels = rels_name("word/document.xml")
        if body_rels not in self.rels:
            self.rels[body_rels] = self._rels_root(self.t_zip, body_rels)
        mine = self.rels[body_rels]
        taken = {r.get("Id") for r in mine}
        etree.SubElement(mine, f"{{{_PKG_RELS}}}Relationship", Id=next(f"rIdLx{n}" for n in count(1)
                                                                      if f"rIdLx{n}" not in taken),
                         Type=f"{_NOTES_RT}{kind}s", Target=posixpath.basename(name))
        self._content_type(name, name)
        return root

    # ---- relationships ----------------------------------------------------------------------------

    def _rels_root(self, zip_file: zipfile.ZipFile, name: str) -> Any:
        if name in zip_file.namelist():
            return etree.fromstring(zip_file.read(name))
        return etree.Element(f"{{{_PKG_RELS}}}Relationships", nsmap={None: _PKG_RELS})

    def _relationship(self, part: str, rid: str | None) -> str | None:
        """The template part's id for the contract part's relationship `rid` (added when missing);
        None when it cannot be carried over (a target with relationships of its own, such as a chart)."""
        theirs = self._rels_root(self.c_zip, rels_name(part))
        rel = next((r for r in theirs if r.get("Id") == rid), None)
        if rel is None:
            return None
        name = rels_name(part)
        if name not in self.rels:
            self.rels[name] = self._rels_root(self.t_zip, name)
        mine = self.rels[name]
        target, external = rel.get("Target"), rel.get("TargetMode") == "External"
        if not external:
            target = self._copy_part(posixpath.dirname(part), target)
            if target is None:
                return None
        for have in mine:
            if (have.get("Type"), have.get("Target"), have.get("TargetMode") == "External") == \
                    (rel.get("Type"), target, external):
                return str(have.get("Id"))
        taken = {r.get("Id") for r in mine}
        new = next(f"rIdLx{n}" for n in count(1) if f"rIdLx{n}" not in taken)
        added = etree.SubElement(mine, f"{{{_PKG_RELS}}}Relationship", Id=new, Type=rel.get("Type"),
                                 Target=target)
        if external:
            added.set("TargetMode", "External")
        return new

    def _copy_part(self, folder: str, target: str) -> str | None:
        """Copy an internal target of the contract into the template under a fresh name; its target
        relative to `folder` (None when it has relationships of its own or is missing)."""
        source = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
        if source not in self.c_zip.namelist() or rels_name(source) in self.c_zip.namelist():
            return None
        data = self.c_zip.read(source)
        if source in self.t_zip.namelist() and self.t_zip.read(source) == data:
            return target
        stem, ext = posixpath.splitext(source)
        taken = set(self.t_zip.namelist()) | set(self.copied)
        name = next(f"{stem}-lexrisk{n}{ext}" for n in self._names if f"{stem}-lexrisk{n}{ext}" not in taken)
        self.copied[name] = data
        self._content_type(source, name)
        return posixpath.relpath(name, folder)

    def _content_type(self, source: str, name: str) -> None:
        """The copied part's content type: an Override like the contract's, or its extension's Default."""
        if self.content_types is None:
            self.content_types = etree.fromstring(self.t_zip.read("[Content_Types].xml"))
        theirs = etree.fromstring(self.c_zip.read("[Content_Types].xml"))
        override = next((o for o in theirs.iterchildren(f"{{{_CT}}}Override")
                         if o.get("PartName") == f"/{source}"), None)
        if override is not None:
            etree.SubElement(self.content_types, f"{{{_CT}}}Override", PartName=f"/{name}",
                             ContentType=override.get("ContentType"))
            return
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        if any(d.get("Extension", "").lower() == ext for d in self.content_types.iterchildren(f"{{{_CT}}}Default")):
            return
        default = next((d for d in theirs.iterchildren(f"{{{_CT}}}Default") if d.get("Extension", "").lower() == ext),
                       None)
        if default is not None:
            self.content_types.insert(0, copy.deepcopy(default))

    def parts(self) -> dict[str, bytes]:
        """Every package part the imports changed or added, by name."""
        out = dict(self.copied)
        for name in self.created:
            out[name] = etree.tostring(self.t_parts[name], xml_declaration=True, encoding="UTF-8", standalone=True)
        for name, root in self.rels.items():
            out[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.content_types is not None:
            out["[Content_Types].xml"] = etree.tostring(self.content_types, xml_declaration=True, encoding="UTF-8",
                                                        standalone=True)
        return out
