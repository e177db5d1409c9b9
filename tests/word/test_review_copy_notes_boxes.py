"""The review copy comments a finding where the lawyer finds its words: a finding in a footnote or endnote
(now part of the text lexrisk reads, after the footer) is commented on the note's reference in the body; a
finding in a text box is commented on the paragraph that holds the box; the body's comments keep their
offsets."""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree

from contracts.ingest import load_bytes
from tests.contracts.test_docx_notes_boxes import UNCAPPED, _footnoted
from tests.word.docx_pairs import _text_box
from word.files import Note, review_docx
from word.revisions import package_form

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _anchored(root) -> dict[str, str]:
    """Comment id -> the text between its range marks in one part."""
    open_ranges: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    for element in root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if element.tag == f"{W}commentRangeStart":
            open_ranges[element.get(f"{W}id")] = []
        elif element.tag == f"{W}commentRangeEnd":
            done[element.get(f"{W}id")] = "".join(open_ranges.pop(element.get(f"{W}id")))
        else:
            for parts in open_ranges.values():
                parts.append(element.text or "")
    return done


def _part(data: bytes, name: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def _ids(data: bytes) -> dict[str, str]:
    """Comment title (first line) -> id, from the reopened file's comments part."""
    return {c.text.split("\n")[0]: str(c.comment_id) for c in docx.Document(io.BytesIO(data)).comments}


def test_a_finding_in_a_footnote_is_commented_on_the_notes_reference() -> None:
    """The uncapped liability is in footnote 2 (the body's second reference): its comment spans that
    reference's run, the superscript "2", not the last paragraph of the body; the notes part is untouched."""
    data = _footnoted(["A defined term.", UNCAPPED], [1, 2])
    contract = load_bytes(data, "contract.docx")
    start = contract.text.index(UNCAPPED)
    body = contract.text.index("Clause 1 of the body")
    out = review_docx(contract, [Note(start - len("Footnote 2: "), start + len(UNCAPPED), "HIGH · Cap on Liability",
                                      "Uncapped."),
                                 Note(body, body + len("Clause 1"), "LOW · Body", "In the body.")], data=data)
    ids = _ids(out)  # the file opens and holds both comments
    document = _part(out, "word/document.xml")
    assert _anchored(document) == {ids["HIGH · Cap on Liability"]: "", ids["LOW · Body"]: "Clause 1"}
    marked = next(m for m in document.iter(f"{W}commentRangeStart") if m.get(f"{W}id") == ids["HIGH · Cap on Liability"])
    assert [r.get(f"{W}id") for r in marked.getnext().iter(f"{W}footnoteReference")] == ["2"]
    assert marked.getnext().getnext().tag == f"{W}commentRangeEnd"
    assert zipfile.ZipFile(io.BytesIO(out)).read("word/footnotes.xml") == \
        zipfile.ZipFile(io.BytesIO(data)).read("word/footnotes.xml")


def test_an_empty_span_inside_an_endnote_is_commented_on_its_reference() -> None:
    data = _footnoted(["First.", UNCAPPED], [1, 2], "endnote")
    contract = load_bytes(data, "contract.docx")
    inside = contract.text.index("liability")
    out = review_docx(contract, [Note(inside, inside, "INFO · Here", "An empty span.")], data=data)
    marked = next(_part(out, "word/document.xml").iter(f"{W}commentRangeStart"))
    assert [r.get(f"{W}id") for r in marked.getnext().iter(f"{W}endnoteReference")] == ["2"]


def test_a_finding_in_a_text_box_is_commented_on_the_paragraph_holding_the_box() -> None:
    document = docx.Document()
    p = document.add_paragraph("The payment terms are in the box.")
    _text_box(p, ["Supplier may suspend the services at any time."], shape_id=1)
    document.add_paragraph("Each party bears its own costs.")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    contract = load_bytes(data, "contract.docx")
    boxed = contract.text.index("Supplier may suspend")
    after = contract.text.index("Each party")
    out = review_docx(contract, [Note(boxed, boxed + 20, "MEDIUM · Suspension", "In the box."),
                                 Note(after, after + len("Each party"), "LOW · Costs", "After the box.")], data=data)
    ids = _ids(out)
    assert _anchored(_part(out, "word/document.xml")) == {
        ids["MEDIUM · Suspension"]: "The payment terms are in the box.", ids["LOW · Costs"]: "Each party"}
    # the box itself (both copies) is untouched
    assert package_form(out, None)["word/document.xml"].count("Supplier may suspend") == \
        package_form(data, None)["word/document.xml"].count("Supplier may suspend")
