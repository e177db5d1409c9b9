"""Two places where the words a lawyer signs are not in the body's paragraphs: footnotes and endnotes,
which Word numbers anew on every save (so a note the counterparty adds before others changes every
later note's id), and text boxes, whose paragraphs sit inside a shape in a run (often twice: a DrawingML
copy and a VML fallback in one mc:AlternateContent). The redline must pair each note with the note its
reference stands for, whatever the ids, and redline a text box's words inside the box, in every copy;
Reject All must still give the template and Accept All the contract."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml import etree

from tests.word.docx_pairs import _text_box, renumbered_notes, text_boxes
from tests.word.test_redline_objects import W, _consistent, _marked, _paragraph, _redline, _save
from word.revisions import package_form

BOX = f"{W}txbxContent"


def _part(data: bytes, name: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def _notes_by_reference(data: bytes, kind: str) -> list[list[tuple[str, str]]]:
    """Each note's text as (tracked state, words) pieces, in the order of the body's references."""
    notes = {n.get(f"{W}id"): n for n in _part(data, f"word/{kind}s.xml")}
    ids = [r.get(f"{W}id") for r in _part(data, "word/document.xml").iter(f"{W}{kind}Reference")]
    return [[piece for p in notes[i].iter(f"{W}p") for piece in _marked(p)] for i in ids]


def _own_runs(p) -> list[tuple[str, str]]:
    """`_marked` of a paragraph without the words of its text boxes."""
    shell = etree.Element(f"{W}p")
    for child in p:
        child = etree.fromstring(etree.tostring(child))
        for box in child.iter(BOX):
            box[:] = []
        shell.append(child)
    return _marked(shell)


def _check_resolutions(data: bytes, template: bytes, contract: bytes) -> None:
    _consistent(data)
    assert package_form(data, False) == package_form(template, False)
    assert package_form(data, True) == package_form(contract, True)


@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_a_note_added_before_the_others_leaves_the_later_notes_paired_with_their_own(kind: str) -> None:
    """The contract adds note 1, so the template's notes 1 and 2 are its 2 and 3, and it removes the
    template's note 3: only the added note is inserted, only the changed word of the shifted note is
    redlined, the removed note's words are deleted, the unchanged note shows no change."""
    template, contract = renumbered_notes(False, kind), renumbered_notes(True, kind)
    data = _redline(template, contract)
    body = _part(data, "word/document.xml")
    reference = f"<{kind}Reference>"
    assert _marked(_paragraph(body, "The Supplier delivers")) == [
        ("", "The Supplier delivers the goods to the Buyer's site"), ("ins", reference), ("", ".")]
    assert _marked(_paragraph(body, "Supplier indemnifies")) == [
        ("", "Supplier indemnifies Buyer against third-party claims"), ("", reference), ("", ".")]
    assert _marked(_paragraph(body, "Liability")) == [
        ("", "Liability is capped at the fees paid"), ("del", reference), ("", ".")]
    assert _notes_by_reference(data, kind) == [
        [("ins", " Delivery is DDP (Incoterms 2020).")],
        [("", " Including intellectual property claims.")],
        [("", " Within "), ("del", "thirty"), ("ins", "fifteen"), ("", " days.")],
        [("del", " In the twelve months before the claim.")],
    ]
    # numbered in the order of their references, as Word saves them (LibreOffice pairs by that order)
    notes = [n.get(f"{W}id") for n in _part(data, f"word/{kind}s.xml") if n.get(f"{W}type") is None]
    assert notes == [r.get(f"{W}id") for r in body.iter(f"{W}{kind}Reference")] == ["1", "2", "3", "4"]
    _check_resolutions(data, template, contract)


def test_a_note_removed_before_the_others_leaves_the_later_notes_paired_with_their_own() -> None:
    """The other way round: the contract drops the first note (its later notes' ids go down by one)
    and adds one at the end."""
    template, contract = renumbered_notes(True), renumbered_notes(False)
    data = _redline(template, contract)
    assert _notes_by_reference(data, "footnote") == [
        [("del", " Delivery is DDP (Incoterms 2020).")],
        [("", " Including intellectual property claims.")],
        [("", " Within "), ("del", "fifteen"), ("ins", "thirty"), ("", " days.")],
        [("ins", " In the twelve months before the claim.")],
    ]
    _check_resolutions(data, template, contract)


def test_text_box_words_are_redlined_inside_the_box_in_both_copies() -> None:
    """A DrawingML box with its VML fallback, in a paragraph whose own words stay (redlined in place,
    the Fallback exactly as the Choice), and a bare VML box in a paragraph whose words change too."""
    template, contract = text_boxes(False), text_boxes(True)
    data = _redline(template, contract)
    body = _part(data, "word/document.xml")
    choice, fallback, vml = (list(box.iterchildren(f"{W}p")) for box in body.iter(BOX))
    edited = [[("", "Fees are payable within "), ("del", "thirty"), ("ins", "fifteen"), ("", " days.")],
              [("", "Late fees accrue at 1% per month.")],
              [("ins", "Disputed amounts are paid when resolved.")]]
    assert [_marked(p) for p in choice] == [_marked(p) for p in fallback] == edited
    assert [_marked(p) for p in vml] == [[("", "Notices: "), ("del", "1"), ("ins", "5"), ("", " "), ("del", "Main"),
                                          ("ins", "High"), ("", " Street, London.")]]
    assert _own_runs(_paragraph(body, "The payment terms")) == [("", "The payment terms are summarised in the box.")]
    assert _own_runs(_paragraph(body, "Notices")) == [("", "Notices"), ("ins", " for Beta LLC"),
                                                      ("", " go to the address shown.")]
    _check_resolutions(data, template, contract)


def _one_box(words: str | None) -> bytes:
    document = docx.Document()
    p = document.add_paragraph("The payment terms are summarised in the box.")
    if words is not None:
        _text_box(p, [words], shape_id=7)
    document.add_paragraph("Each party bears its own costs.")
    return _save(document)


def test_the_accept_reject_checker_reads_the_words_in_text_boxes() -> None:
    """Without this, a redline that left a box's words alone would pass Accept All."""
    thirty, fifteen = _one_box("Fees are payable within thirty days."), _one_box("Fees are payable within fifteen days.")
    assert package_form(thirty, None) != package_form(fifteen, None)
    assert package_form(thirty, None) == package_form(_one_box("Fees are payable within thirty days."), None)


@pytest.mark.parametrize("added", [True, False], ids=["added", "removed"])
def test_a_text_box_added_to_or_removed_from_a_shared_paragraph_is_tracked_with_its_words(added: bool) -> None:
    """A whole box is an object of the paragraph: tracked where it is, its words with it in both copies."""
    without, with_box = _one_box(None), _one_box("Fees are payable within thirty days.")
    template, contract = (without, with_box) if added else (with_box, without)
    data = _redline(template, contract)
    body = _part(data, "word/document.xml")
    kind = "ins" if added else "del"
    holder = next(body.iter("{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"))
    assert [etree.QName(a).localname for a in holder.iterancestors(f"{W}ins", f"{W}del")] == [kind]
    boxes = list(body.iter(BOX))
    assert len(boxes) == 2
    for box in boxes:
        assert [_marked(p) for p in box.iterchildren(f"{W}p")] == [[(kind, "Fees are payable within thirty days.")]]
    _check_resolutions(data, template, contract)
