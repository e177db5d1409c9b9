"""In a paragraph both files share, what is not a word still changes what the contract says: a
footnote the counterparty adds to an unchanged sentence, a cross-reference or simple field it
inserts, a picture it adds or removes. Each must be a tracked insertion or deletion at its place (a
silent change is the worst thing a redline can do), with the package still whole: every relationship
resolves, ids are unique, Reject All gives the template and Accept All the contract."""

from __future__ import annotations

import io
import posixpath
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree
from PIL import Image

from contracts.compare import compare_documents
from contracts.ingest import load_bytes
from tests.word.docx_pairs import _add_footnotes, _field, _footnote_ref, _save
from word.files import redline_docx
from word.revisions import package_form

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_OBJECTS = ("footnoteReference", "endnoteReference", "drawing", "fldChar", "instrText", "delInstrText")


def _png(colour: str) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def objects(contract: bool, *, notes_part: bool = True) -> bytes:
    """Five paragraphs with the same words on both sides; the contract adds a footnote, a complex
    cross-reference field, a simple field and a picture to four of them (`notes_part=False`: the
    template has no footnotes part at all, as python-docx's own template)."""
    document = docx.Document()
    document.add_heading("Indemnity", level=1)
    p = document.add_paragraph("Supplier indemnifies Buyer against third-party claims")
    if contract:
        _footnote_ref(p, 2)
    p.add_run(".")
    p = document.add_paragraph("Fees are set out in the Schedule")
    if contract:
        p.add_run(", clause ")
        _field(p, "REF _RefFees \\h", "4")
    p.add_run(".")
    p = document.add_paragraph("This document is ")
    if contract:
        p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" TITLE "><w:r><w:t>Supply</w:t></w:r>'
                              "</w:fldSimple>"))
    p.add_run(" as signed." if contract else "as signed.")
    p = document.add_paragraph("The Supplier's logo ")
    if contract:
        p.add_run().add_picture(_png("red"))
    p.add_run(" appears on every invoice." if contract else "appears on every invoice.")
    q = document.add_paragraph("Claims are notified promptly")
    _footnote_ref(q, 1)
    q.add_run(".")
    if contract or notes_part:
        _add_footnotes(document, ["Within thirty days.", "Including intellectual property claims."])
    else:
        q._p.remove(q._p.xpath("./w:r[w:footnoteReference]")[0])
    return _save(document)


def _redline(template: bytes, contract: bytes) -> bytes:
    t, c = load_bytes(template, "template.docx"), load_bytes(contract, "contract.docx")
    return redline_docx(compare_documents(c, t), t, c, template_data=template, contract_data=contract)


def _marked(p) -> list[tuple[str, str]]:
    """A paragraph as (tracked state, what shows) pieces: words merged, each object on its own."""
    out: list[tuple[str, str]] = []
    for run in p.iter(f"{W}r"):
        tracked = [a for a in run.iterancestors(f"{W}ins", f"{W}del") if a.getparent().tag != f"{W}rPr"]
        state = etree.QName(tracked[0]).localname if tracked else ""
        for child in run:
            name = etree.QName(child).localname
            if name in _OBJECTS:
                shown = child.text.strip() if name in ("instrText", "delInstrText") else \
                    child.get(f"{W}fldCharType", name)
                out.append((state, f"<{shown}>"))
            elif name in ("t", "delText"):
                if out and out[-1][0] == state and not out[-1][1].startswith("<"):
                    out[-1] = (state, out[-1][1] + (child.text or ""))
                else:
                    out.append((state, child.text or ""))
    return out


def _paragraph(root, starts: str):
    return next(p for p in root.iter(f"{W}p") if "".join(p.itertext()).startswith(starts))


def _consistent(data: bytes) -> None:
    """Every relationship id of the body and notes resolves to a part in the package (or an external
    target) with a content type; revision, note, bookmark and drawing ids are unique."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    types = etree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {d.get("Extension").lower() for d in types if d.get("Extension")}
    overrides = {o.get("PartName") for o in types if o.get("PartName")}
    body_rels = {r.get("Type").rsplit("/", 1)[-1]: r.get("Target")
                 for r in etree.fromstring(archive.read("word/_rels/document.xml.rels"))}
    if "word/footnotes.xml" in names:
        assert body_rels.get("footnotes") == "footnotes.xml" and "/word/footnotes.xml" in overrides
    for part in [n for n in names if n.startswith("word/") and n.endswith(".xml") and "/" not in n[5:]]:
        root = etree.fromstring(archive.read(part))
        rels_name = f"word/_rels/{part[5:]}.rels"
        rels = {r.get("Id"): r for r in etree.fromstring(archive.read(rels_name))} if rels_name in names else {}
        for node in root.iter():
            for attr in [a for a in node.attrib if a.startswith(R)]:
                rel = rels[node.get(attr)]  # KeyError: a dangling id
                if rel.get("TargetMode") != "External":
                    target = posixpath.normpath(posixpath.join("word", rel.get("Target")))
                    assert target in names, target
                    assert target.rsplit(".", 1)[-1].lower() in defaults or f"/{target}" in overrides, target
        for tags in (("ins", "del", "rPrChange", "pPrChange"), ("bookmarkStart",)):
            ids = [e.get(f"{W}id") for e in root.iter(*(f"{W}{t}" for t in tags))]
            assert len(ids) == len(set(ids)), (part, tags)
        drawing_ids = [d.get("id") for d in root.iter(f"{WP}docPr")]
        assert len(drawing_ids) == len(set(drawing_ids)), part
    if "word/footnotes.xml" in names:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
        ids = [n.get(f"{W}id") for n in notes]
        assert len(ids) == len(set(ids))
        referenced = [r.get(f"{W}id") for r in etree.fromstring(archive.read("word/document.xml"))
                      .iter(f"{W}footnoteReference")]
        assert set(referenced) <= set(ids)


@pytest.mark.parametrize("notes_part", [True, False], ids=["template-has-notes", "template-without-notes"])
def test_objects_added_to_a_shared_paragraph_are_tracked_insertions_at_their_place(notes_part: bool) -> None:
    template, contract = objects(False, notes_part=notes_part), objects(True)
    data = _redline(template, contract)
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(archive.read("word/document.xml"))
    assert _marked(_paragraph(root, "Supplier")) == [
        ("", "Supplier indemnifies Buyer against third-party claims"), ("ins", "<footnoteReference>"), ("", ".")]
    assert _marked(_paragraph(root, "Fees")) == [
        ("", "Fees are set out in the Schedule"), ("ins", ", clause "), ("ins", "<begin>"),
        ("ins", "<REF _RefFees \\h>"), ("ins", "<separate>"), ("ins", "4"), ("ins", "<end>"), ("", ".")]
    assert _marked(_paragraph(root, "This document")) == [
        ("", "This document is "), ("ins", "<begin>"), ("ins", "<TITLE>"), ("ins", "<separate>"),
        ("ins", "Supply"), ("ins", "<end>"), ("ins", " "), ("", "as signed.")]
    assert _marked(_paragraph(root, "The Supplier's logo")) == [
        ("", "The Supplier's logo"), ("ins", " "), ("ins", "<drawing>"), ("", " appears on every invoice.")]
    # the note comes with its reference, its words inserted too; the picture with its image
    reference = next(_paragraph(root, "Supplier").iter(f"{W}footnoteReference"))
    notes = etree.fromstring(archive.read("word/footnotes.xml"))
    note = next(n for n in notes if n.get(f"{W}id") == reference.get(f"{W}id"))
    assert "".join(note.itertext()).strip() == "Including intellectual property claims."
    assert all(r.getparent().tag == f"{W}ins" for r in note.iter(f"{W}r"))
    blip = next(e for e in root.iter() if e.get(f"{R}embed"))
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(archive.read("word/_rels/document.xml.rels"))}
    with zipfile.ZipFile(io.BytesIO(contract)) as c_zip:
        image = next(n for n in c_zip.namelist() if n.startswith("word/media/"))
        assert archive.read(posixpath.join("word", rels[blip.get(f"{R}embed")])) == c_zip.read(image)
    _consistent(data)
    assert package_form(data, False) == package_form(template, False)
    assert package_form(data, True) == package_form(contract, True)


def test_objects_removed_from_a_shared_paragraph_are_tracked_deletions_at_their_place() -> None:
    template, contract = objects(True), objects(False)
    data = _redline(template, contract)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert _marked(_paragraph(root, "Supplier")) == [
        ("", "Supplier indemnifies Buyer against third-party claims"), ("del", "<footnoteReference>"), ("", ".")]
    assert _marked(_paragraph(root, "Fees")) == [
        ("", "Fees are set out in the Schedule"), ("del", ", clause "), ("del", "<begin>"),
        ("del", "<REF _RefFees \\h>"), ("del", "<separate>"), ("del", "4"), ("del", "<end>"), ("", ".")]
    assert _marked(_paragraph(root, "This document")) == [
        ("", "This document is "), ("del", "<begin>"), ("del", "<TITLE>"), ("del", "<separate>"),
        ("del", "Supply"), ("del", "<end>"), ("del", " "), ("", "as signed.")]
    assert _marked(_paragraph(root, "The Supplier's logo")) == [
        ("", "The Supplier's logo"), ("del", " "), ("del", "<drawing>"), ("", " appears on every invoice.")]
    assert not list(root.iter(f"{W}instrText")) or all(
        not list(i.iterancestors(f"{W}del")) for i in root.iter(f"{W}instrText"))  # deleted codes are delInstrText
    _consistent(data)
    assert package_form(data, False) == package_form(template, False)
    assert package_form(data, True) == package_form(contract, True)


def test_a_picture_replaced_by_another_is_a_deletion_and_an_insertion() -> None:
    """The same place, another image: compared by the image's bytes, not its file name."""
    def build(colour: str) -> bytes:
        document = docx.Document()
        p = document.add_paragraph("Signed by ")
        p.add_run().add_picture(_png(colour))
        p.add_run(" for the Supplier.")
        return _save(document)

    template, contract = build("red"), build("blue")
    same = _redline(template, build("red"))
    assert b"<w:ins " not in zipfile.ZipFile(io.BytesIO(same)).read("word/document.xml")
    data = _redline(template, contract)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    assert _marked(_paragraph(root, "Signed")) == [
        ("", "Signed by "), ("del", "<drawing>"), ("ins", "<drawing>"), ("", " for the Supplier.")]
    _consistent(data)
    assert package_form(data, False) == package_form(template, False)
    assert package_form(data, True) == package_form(contract, True)


def test_a_text_contract_against_a_template_with_notes_deletes_no_note() -> None:
    """A TXT contract has no footnotes or fields of its own: the template's are no change."""
    from contracts.documents import Document

    template_data = objects(True)
    template = load_bytes(template_data, "template.docx")
    contract = Document.from_text("draft.txt", template.text)
    data = redline_docx(compare_documents(contract, template), template, contract, template_data=template_data)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    kept = [e for e in root.iter(*(f"{W}{t}" for t in _OBJECTS)) if not list(e.iterancestors(f"{W}del", f"{W}ins"))]
    assert len(kept) == len(list(root.iter(*(f"{W}{t}" for t in _OBJECTS)))) == 7  # 2 notes, 4 field marks, 1 picture
    assert [f.get(f"{W}instr") for f in root.iter(f"{W}fldSimple")] == [" TITLE "]


def test_a_whole_paragraph_with_a_simple_field_is_tracked_with_its_field() -> None:
    """A simple field cannot sit inside w:ins/w:del: in a paragraph added or removed whole it is
    written the long way, so that its code and result go with the paragraph on Reject/Accept All."""
    def build(extra: bool) -> bytes:
        document = docx.Document()
        document.add_paragraph("The parties agree as follows.")
        if extra:
            p = document.add_paragraph("This document is ")
            p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" TITLE "><w:r><w:t>Supply</w:t></w:r>'
                                  "</w:fldSimple>"))
            p.add_run(" as signed by both parties on the date below.")
        document.add_paragraph("Each party signs two originals.")
        return _save(document)

    for template, contract, kind in ((build(False), build(True), "ins"), (build(True), build(False), "del")):
        data = _redline(template, contract)
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
        assert not list(root.iter(f"{W}fldSimple"))
        assert {state for state, _ in _marked(_paragraph(root, "This document"))} == {kind}
        _consistent(data)
        assert package_form(data, False) == package_form(template, False)
        assert package_form(data, True) == package_form(contract, True)
