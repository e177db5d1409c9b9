"""What a reader shows of a redline's notes, the settings that come with a new notes part, and a text
box the counterparty only moved.

A note whose reference the counterparty deleted must read as deleted in the note area too, not only
at its reference: LibreOffice strikes through only the note's number when one `w:del` holds the number's
run (`w:footnoteRef`) and the note's words together, so the words look kept. And a notes part the
redline creates needs the separator references in settings.xml that Word writes with one. A box moved
or resized has the same words: deleting and inserting it whole would show words as changed that are not."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml import etree

from tests.word.docx_pairs import _add_notes, _note_ref, _save, _text_box, renumbered_notes
from tests.word.test_redline_notes_boxes import BOX, _check_resolutions, _part
from tests.word.test_redline_objects import W, _marked, _redline, objects


@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_a_deleted_notes_words_are_a_deletion_apart_from_its_number(kind: str) -> None:
    """The template's last note loses its reference: its words are deleted, in a `w:del` without the
    note's number, so LibreOffice shows them struck through."""
    template, contract = renumbered_notes(False, kind), renumbered_notes(True, kind)
    data = _redline(template, contract)
    notes = _part(data, f"word/{kind}s.xml")
    deleted = next(n for n in notes.iterchildren(f"{W}{kind}")
                   if "In the twelve months" in "".join(n.itertext()))
    changes = list(deleted.iter(f"{W}del"))
    marks = [d for d in changes if d.find(f"{W}r/{W}{kind}Ref") is not None]
    words = [d for d in changes if d.find(f"{W}r/{W}delText") is not None]
    assert len(marks) == 1 and len(marks[0]) == 1  # the number's run alone
    assert words and not set(words) & set(marks)
    assert "".join(t.text for d in words for t in d.iter(f"{W}delText")) == " In the twelve months before the claim."
    assert not list(deleted.iter(f"{W}t"))  # no word of it outside a deletion
    _check_resolutions(data, template, contract)


def _note_added(kinds: tuple[str, ...]) -> tuple[bytes, bytes]:
    """A template without notes parts (python-docx's own) and a contract that adds one note of each kind."""
    def build(contract: bool) -> bytes:
        document = docx.Document()
        for k, text in enumerate(("Supplier indemnifies Buyer against third-party claims",
                                  "Claims are notified promptly")):
            p = document.add_paragraph(text)
            if contract and k < len(kinds):
                _note_ref(p, 1, kinds[k])
            p.add_run(".")
        if contract:
            for kind in kinds:
                _add_notes(document, ["Including intellectual property claims."], kind)
        return _save(document)
    return build(False), build(True)


@pytest.mark.parametrize("kinds", [("footnote",), ("endnote",), ("footnote", "endnote")])
def test_a_created_notes_part_has_its_separators_named_in_the_settings(kinds: tuple[str, ...]) -> None:
    """As Word writes it: `<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>`
    (the ids of the separator notes in the part), in CT_Settings' order (before w:compat, footnotes
    before endnotes); the rest of the template's settings unchanged."""
    template, contract = _note_added(kinds)
    assert "word/footnotes.xml" not in zipfile.ZipFile(io.BytesIO(template)).namelist()
    data = _redline(template, contract)
    settings, before = _part(data, "word/settings.xml"), _part(template, "word/settings.xml")
    names = [etree.QName(c).localname for c in settings]
    for kind in kinds:
        separators = [n.get(f"{W}id") for n in _part(data, f"word/{kind}s.xml").iterchildren(f"{W}{kind}")
                      if n.get(f"{W}type") is not None]
        assert separators == ["-1", "0"]
        properties = settings.find(f"{W}{kind}Pr")
        assert properties is not None
        assert [(etree.QName(c).localname, c.get(f"{W}id")) for c in properties] == [(kind, i) for i in separators]
        assert names.index(f"{kind}Pr") < names.index("compat")
    if len(kinds) == 2:
        assert names.index("footnotePr") < names.index("endnotePr")
    for kind in kinds:
        settings.remove(settings.find(f"{W}{kind}Pr"))
    assert etree.tostring(settings, method="c14n") == etree.tostring(before, method="c14n")
    _check_resolutions(data, template, contract)


def test_settings_stay_as_they_were_when_the_template_has_its_notes_part() -> None:
    template, contract = objects(False), objects(True)
    data = _redline(template, contract)
    name = "word/settings.xml"
    assert zipfile.ZipFile(io.BytesIO(data)).read(name) == zipfile.ZipFile(io.BytesIO(template)).read(name)


_MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_V = "{urn:schemas-microsoft-com:vml}"


def _placed_box(words: str, *, moved: bool) -> bytes:
    """`_one_box`'s paragraph and box; `moved`: the box 30pt lower and wider, in both copies."""
    document = docx.Document()
    p = document.add_paragraph("The payment terms are summarised in the box.")
    _text_box(p, [words], shape_id=7)
    if moved:
        run = p._p[-1]
        next(run.iter(f"{_WP}positionV")).find(f"{_WP}posOffset").text = "381000"
        for extent in (next(run.iter(f"{_WP}extent")), next(run.iter(f"{_A}ext"))):
            extent.set("cx", "3302000")
        rect = next(run.iter(f"{_V}rect"))
        rect.set("style", rect.get("style").replace("width:200pt", "width:260pt;margin-top:30pt"))
    document.add_paragraph("Each party bears its own costs.")
    return _save(document)


def _layouts(data: bytes) -> list[str]:
    run = next(_part(data, "word/document.xml").iter(_MC_ALTERNATE)).getparent()
    shown = [next(run.iter(f"{_WP}positionV")), next(run.iter(f"{_WP}extent")), next(run.iter(f"{_A}xfrm"))]
    return [etree.tostring(e, method="c14n").decode() for e in shown] + [next(run.iter(f"{_V}rect")).get("style")]


@pytest.mark.parametrize("edited", [False, True], ids=["same words", "words changed"])
def test_a_moved_or_resized_text_box_is_the_counterpartys_box_not_a_deletion_and_an_insertion(edited: bool) -> None:
    """Same box, moved down and widened: no tracked change around it (its words did not change, or
    only they are redlined, inside the box), and the redline shows it where the counterparty put it."""
    template = _placed_box("Fees are payable within thirty days.", moved=False)
    contract = _placed_box(f"Fees are payable within {'fifteen' if edited else 'thirty'} days.", moved=True)
    assert _layouts(template) != _layouts(contract)
    data = _redline(template, contract)
    body = _part(data, "word/document.xml")
    assert len(list(body.iter(_MC_ALTERNATE))) == 1
    holder = next(body.iter(_MC_ALTERNATE))
    assert not list(holder.iterancestors(f"{W}ins", f"{W}del"))
    assert _layouts(data) == _layouts(contract)
    boxes = list(body.iter(BOX))
    expected = ([("", "Fees are payable within "), ("del", "thirty"), ("ins", "fifteen"), ("", " days.")] if edited
                else [("", "Fees are payable within thirty days.")])
    assert [[_marked(p) for p in box.iterchildren(f"{W}p")] for box in boxes] == [[expected], [expected]]
    if not edited:
        assert not list(body.iter(f"{W}ins", f"{W}del"))
    _check_resolutions(data, template, contract)
