"""Words a lawyer signs that are not in the body's paragraphs: footnotes, endnotes and text boxes. A
counterparty's "Notwithstanding Section 9, Supplier's liability is unlimited." in a footnote binds as much as
the body does, so the reader must put it in the text the analyzer, key terms, proofing and the comparison
read; a text box Word stores twice (DrawingML choice, VML fallback) must be read once; a notes part that is
damaged or hostile must not stop the body from being read, nor be read without bound."""

from __future__ import annotations

import io
import json

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from contracts.errors import TextTooLongError
from contracts.ingest import load_bytes
from contracts.limits import IngestLimits
from contracts.settings import clear_settings
from lexrisk.cli import main
from lexrisk.testing.hostile_files import make_zip, zip_members
from tests.word.docx_pairs import _add_notes, _note_ref, _text_box

UNCAPPED = "Notwithstanding Section 9, Supplier's liability under this Agreement is unlimited."


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _footnoted(notes: list[str], refs: list[int], kind: str = "footnote", sect_pr: str = "") -> bytes:
    """A contract with a header, a footer, one body paragraph per reference in `refs` (note ids) and
    `notes` as ids 1, 2, ... of the notes part."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Acme Corp - Confidential"
    section.footer.paragraphs[0].text = "Page footer"
    document.add_paragraph("SUPPLY AGREEMENT")
    for n, note_id in enumerate(refs, start=1):
        p = document.add_paragraph(f"Clause {n} of the body")
        _note_ref(p, note_id, kind)
        p.add_run(".")
    if sect_pr:
        document.element.body.find(qn("w:sectPr")).append(parse_xml(sect_pr))
    _add_notes(document, notes, kind)
    return _save(document)


def _pages(data: bytes) -> str:
    return load_bytes(data, "contract.docx", limits=IngestLimits()).text


@pytest.fixture(autouse=True)
def fresh_settings():
    clear_settings()
    yield
    clear_settings()


# -- notes ------------------------------------------------------------------------------------------------
def test_footnotes_follow_the_footer_once_each_numbered_in_reference_order() -> None:
    """The body cites note 2 before note 1 and note 2 again: Word shows note 2 as "1"; separators and an
    unreferenced note are not words of the contract."""
    data = _footnoted(["Second defined.", UNCAPPED, "Never referenced."], [2, 1, 2])
    assert _pages(data) == ("Acme Corp - Confidential\n\nSUPPLY AGREEMENT\n\nClause 1 of the body.\n\n"
                            "Clause 2 of the body.\n\nClause 3 of the body.\n\nPage footer\n\nFOOTNOTES\n\n"
                            f"Footnote 1: {UNCAPPED}\n\nFootnote 2: Second defined.")


@pytest.mark.parametrize(("sect_pr", "marks"), [
    ("", ["i", "ii"]),  # Word's default for endnotes
    (f'<w:endnotePr {nsdecls("w")}><w:numFmt w:val="decimal"/><w:numStart w:val="5"/></w:endnotePr>', ["5", "6"]),
    (f'<w:endnotePr {nsdecls("w")}><w:numFmt w:val="upperLetter"/><w:numStart w:val="x"/></w:endnotePr>',
     ["A", "B"]),
])
def test_endnotes_are_numbered_as_the_document_sets_them(sect_pr: str, marks: list[str]) -> None:
    text = _pages(_footnoted(["First.", "Second."], [1, 2], "endnote", sect_pr))
    assert text.endswith(f"Page footer\n\nENDNOTES\n\nEndnote {marks[0]}: First.\n\nEndnote {marks[1]}: Second.")


def test_a_note_whose_reference_is_a_tracked_deletion_is_not_read() -> None:
    """The text is the draft with its changes accepted: a deleted reference takes its note with it, and
    the note after it is numbered 1."""
    document = docx.Document()
    p = document.add_paragraph("Fees are fixed")
    _note_ref(p, 1)
    run = p._p[-1]
    deletion = parse_xml(f'<w:del {nsdecls("w")} w:id="7" w:author="Beta" w:date="2026-01-01T00:00:00Z"/>')
    run.addprevious(deletion)
    deletion.append(run)
    q = document.add_paragraph("Claims are notified promptly")
    _note_ref(q, 2)
    _add_notes(document, ["Withdrawn note.", "Within thirty days."])
    assert _pages(_save(document)) == ("Fees are fixed\n\nClaims are notified promptly\n\nFOOTNOTES\n\n"
                                        "Footnote 1: Within thirty days.")


def test_a_custom_note_mark_is_read_as_written() -> None:
    document = docx.Document()
    p = document.add_paragraph("Fees are fixed")
    run = p.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:customMarkFollows="1" w:id="1"/>'))
    p.add_run("*")
    _add_notes(document, ["Excluding taxes."])
    assert _pages(_save(document)).endswith("Fees are fixed*\n\nFOOTNOTES\n\nFootnote *: Excluding taxes.")


def test_lexrisk_analyze_finds_an_uncapped_liability_written_only_in_a_footnote(tmp_path, capsys) -> None:
    path = tmp_path / "supply.docx"
    path.write_bytes(_footnoted([UNCAPPED], [1]))
    assert main(["analyze", str(path), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    text = load_bytes(path.read_bytes(), "supply.docx").text
    hits = [f for f in payload["findings"] if "unlimited" in text[f["start"]:f["end"]]]
    assert hits and {f["category"] for f in hits} >= {"Cap on Liability"}
    assert all(f["start"] > text.index("Page footer") for f in hits)


# -- text boxes -------------------------------------------------------------------------------------------
def test_a_text_box_is_read_once_right_after_the_paragraph_that_anchors_it() -> None:
    """A DrawingML box with its VML fallback (the same words twice in the XML) is read once; a VML-only
    box (older Word) is read; a box in a table cell is read in its cell."""
    document = docx.Document()
    p = document.add_paragraph("The payment terms are in the box.")
    _text_box(p, ["Fees are payable within thirty days.", "Supplier may suspend the services."], shape_id=1)
    q = document.add_paragraph("Notices go to the address shown.")
    _text_box(q, ["Notices: 1 Main Street, London."], shape_id=2, vml_only=True)
    cell = document.add_table(rows=1, cols=2).rows[0].cells
    cell[0].paragraphs[0].text = "Price"
    cell[1].paragraphs[0].text = "EUR 100"
    _text_box(cell[1].paragraphs[0], ["Excluding VAT."], shape_id=3)
    document.add_paragraph("Each party bears its own costs.")
    text = _pages(_save(document))
    assert text == ("The payment terms are in the box.\n\nFees are payable within thirty days.\n\n"
                    "Supplier may suspend the services.\n\nNotices go to the address shown.\n\n"
                    "Notices: 1 Main Street, London.\n\nPrice | EUR 100 Excluding VAT.\n\n"
                    "Each party bears its own costs.")


def test_a_text_box_in_a_tracked_deletion_is_not_read() -> None:
    document = docx.Document()
    p = document.add_paragraph("Terms in the box.")
    _text_box(p, ["Withdrawn box."], shape_id=4)
    run = p._p[-1]
    deletion = parse_xml(f'<w:del {nsdecls("w")} w:id="9" w:author="Beta" w:date="2026-01-01T00:00:00Z"/>')
    run.addprevious(deletion)
    deletion.append(run)
    _text_box(p, ["Kept box."], shape_id=5)
    assert _pages(_save(document)) == "Terms in the box.\n\nKept box."


# -- hostile notes parts ----------------------------------------------------------------------------------
def _with_part(data: bytes, name: str, body: bytes) -> bytes:
    members = zip_members(data)
    members[name] = body
    return make_zip(members)


def _both_kinds() -> bytes:
    """A footnote and an endnote, each referenced once."""
    document = docx.Document()
    p = document.add_paragraph("Body clause")
    _note_ref(p, 1)
    _note_ref(p, 1, "endnote")
    _add_notes(document, ["A footnote."])
    _add_notes(document, ["An endnote."], "endnote")
    return _save(document)


@pytest.mark.parametrize("footnotes", [
    b"<w:footnotes><w:footnote w:id='1'><w:p>",  # cut short, no namespace
    b"\x00\xff not xml at all",
    b'<?xml version="1.0"?><w:footnotes xmlns:w="urn:w"/>',  # well-formed, not WordprocessingML notes
    ('<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1">'
     + "<w:sdt><w:sdtContent>" * 300 + "<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + "</w:sdtContent></w:sdt>" * 300
     + "</w:footnote></w:footnotes>").encode(),  # nested past libxml2's depth limit (256)
])
def test_a_damaged_notes_part_is_left_out_and_the_rest_is_read(footnotes: bytes) -> None:
    data = _with_part(_both_kinds(), "word/footnotes.xml", footnotes)
    assert _pages(data) == "Body clause\n\nENDNOTES\n\nEndnote i: An endnote."


def test_notes_past_the_text_limit_are_refused_as_text_too_long() -> None:
    """Notes count towards `max_text_chars` as the body does: 400 references to 400 notes of 1,000
    characters each is more text than the limit, refused while it is read."""
    document = docx.Document()
    p = document.add_paragraph("Body clause")
    for note_id in range(1, 401):
        _note_ref(p, note_id)
    _add_notes(document, ["x" * 1000] * 400)
    data = _save(document)
    assert len(load_bytes(data, "notes.docx").text) > 400_000
    with pytest.raises(TextTooLongError, match="the limit is 100,000"):
        load_bytes(data, "notes.docx", limits=IngestLimits(max_text_chars=100_000))


# -- the comparison ---------------------------------------------------------------------------------------
def _msa(note: str | None) -> bytes:
    """A short services agreement; the counterparty's copy (`note`) adds a footnote to clause 2."""
    document = docx.Document()
    document.add_paragraph("MASTER SERVICES AGREEMENT")
    for text in ("1. Services. Supplier shall provide the services described in each statement of work.",
                 "2. Liability. Each party's aggregate liability is capped at the fees paid in the prior year",
                 "3. Term. This Agreement lasts two years from the effective date.",
                 "4. Governing Law. This Agreement is governed by the laws of England and Wales."):
        p = document.add_paragraph(text)
        if note is not None and text.startswith("2."):
            _note_ref(p, 1)
        if text.startswith("2."):
            p.add_run(".")
    if note is not None:
        _add_notes(document, [note])
    return _save(document)


def test_a_footnote_the_counterparty_adds_is_a_clause_of_its_own_in_the_comparison() -> None:
    """The body is word for word the template's: the footnote is the one extra clause, the body's
    clauses all match (the notes do not make the last clause "modified")."""
    from contracts.compare import compare_documents

    template = load_bytes(_msa(None), "template.docx")
    contract = load_bytes(_msa(UNCAPPED), "contract.docx")
    comparison = compare_documents(contract, template)
    extra = [p for p in comparison.pairs if p.status == "extra"]
    assert [p.contract_clause.text.strip() for p in extra if p.contract_clause] == [
        f"FOOTNOTES\n\nFootnote 1: {UNCAPPED}"]
    assert {p.status for p in comparison.pairs if p not in extra} == {"matched"}
