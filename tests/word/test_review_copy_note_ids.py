"""A review copy's comments never share an id with a footnote or endnote: Word numbers the two apart, but
LibreOffice 7.4 then shows the wrong note texts (the contract's notes "1 Delivery, 2 Including, 3 Within"
read "1 Delivery, 2 Delivery, 3 Including" with lexrisk's comment 0 beside a continuation separator 0).
CI has no LibreOffice, so these tests check the ids in the XML; a file without notes keeps its numbering."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from contracts.ingest import load_bytes
from tests.word.docx_pairs import inserted_references, renumbered_notes
from tests.word.test_review_copy_notes_boxes import W, _anchored, _ids, _part
from word.files import Note, review_docx

_MARKS = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")


def _note_ids(data: bytes) -> set[str]:
    """Every footnote's and endnote's id, separators included."""
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    return {note.get(f"{W}id") for kind in ("footnote", "endnote") if f"word/{kind}s.xml" in names
            for note in _part(data, f"word/{kind}s.xml").iter(f"{W}{kind}")}


def _comment_ids(data: bytes) -> tuple[set[str], set[str]]:
    """(ids in the comments part, ids of the marks in the body)."""
    comments = {c.get(f"{W}id") for c in _part(data, "word/comments.xml").iter(f"{W}comment")}
    marks = {m.get(f"{W}id") for m in _part(data, "word/document.xml").iter(*_MARKS)}
    return comments, marks


def _review(data: bytes, spans: list[tuple[str, str]]) -> bytes:
    """The review copy of `data` with a comment titled `title` on the first occurrence of each `words`."""
    contract = load_bytes(data, "contract.docx")
    notes = [Note(contract.text.index(words), contract.text.index(words) + len(words), title, "Why.")
             for words, title in spans]
    return review_docx(contract, notes, data=data)


@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_no_comment_takes_a_notes_id_and_a_change_in_note_3_is_commented_on_its_reference(kind: str) -> None:
    data = renumbered_notes(True, kind)
    out = _review(data, [("notified promptly", "LOW · Body"), ("fifteen", "MEDIUM · Note")])
    comments, marks = _comment_ids(out)
    ids = _ids(out)
    assert comments == marks == {ids["LOW · Body"], ids["MEDIUM · Note"]}
    assert not comments & _note_ids(out)
    # the notes themselves are untouched, and the note's comment wraps the reference to the note with "fifteen"
    assert zipfile.ZipFile(io.BytesIO(out)).read(f"word/{kind}s.xml") == \
        zipfile.ZipFile(io.BytesIO(data)).read(f"word/{kind}s.xml")
    start = next(m for m in _part(out, "word/document.xml").iter(f"{W}commentRangeStart")
                 if m.get(f"{W}id") == ids["MEDIUM · Note"])
    (reference,) = start.getnext().iter(f"{W}{kind}Reference")
    (note,) = (n for n in _part(out, f"word/{kind}s.xml").iter(f"{W}{kind}")
               if n.get(f"{W}id") == reference.get(f"{W}id"))
    assert "fifteen" in "".join(note.itertext())


def test_a_comment_the_file_has_under_a_notes_id_is_renumbered_with_its_marks() -> None:
    """The counterparty's "Non-negotiable." comment has id 0, the footnotes' continuation separator's id:
    it moves above the notes' ids and stays on its clause; lexrisk's comment takes a free id too."""
    data = inserted_references(True)
    assert {c.comment_id for c in docx.Document(io.BytesIO(data)).comments} & {int(i) for i in _note_ids(data)}
    out = _review(data, [("Warranty claims", "LOW · Warranty")])
    comments, marks = _comment_ids(out)
    assert comments == marks and len(comments) == 2
    assert not comments & _note_ids(out)
    ids = _ids(out)
    assert _anchored(_part(out, "word/document.xml")) == {
        ids["Non-negotiable."]: "Service credits are the sole remedy.", ids["LOW · Warranty"]: "Warranty claims"}


def test_a_file_without_notes_numbers_its_comments_from_zero_as_before() -> None:
    document = docx.Document()
    document.add_paragraph("The Supplier delivers the goods.")
    document.add_paragraph("Each party bears its own costs.")
    buffer = io.BytesIO()
    document.save(buffer)
    out = _review(buffer.getvalue(), [("Supplier", "LOW · One"), ("Each party", "LOW · Two")])
    assert _ids(out) == {"LOW · One": "0", "LOW · Two": "1"}
