"""An extra notes clause is commented on each note's reference. A contract with footnotes (endnotes)
against a template without any has one extra clause after the body ("FOOTNOTES", then "Footnote 1: ...");
its comment sat on note 1's reference alone, whatever the later notes said. Every note is new, so each
note's reference now carries the clause's comment."""

from __future__ import annotations

import io

import docx
import pytest

from contracts.compare import compare_documents
from contracts.ingest import load_bytes
from tests.word.docx_pairs import footnotes, renumbered_notes
from tests.word.test_review_copy_note_anchor import _review, _wrapped_notes
from tests.word.test_review_copy_notes_boxes import W, _part
from word.files import notes_for


def _without_notes(data: bytes) -> bytes:
    """The same document with no notes: each note's reference run and the notes parts removed, the
    template a counterparty's footnoted draft starts from."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    for kind in ("footnote", "endnote"):
        for reference in list(body.iter(f"{W}{kind}Reference")):
            run = reference.getparent()
            run.getparent().remove(run)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype in (RT.FOOTNOTES, RT.ENDNOTES):
            document.part.drop_rel(rid)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _note_texts(data: bytes, kind: str) -> list[str]:
    """The texts of the file's notes (separators left out), in id order: the order of their references."""
    notes = _part(data, f"word/{kind}s.xml").iter(f"{W}{kind}")
    return ["".join(n.itertext()) for n in notes if n.get(f"{W}type") is None]


def test_the_template_without_notes_makes_the_notes_one_extra_clause() -> None:
    """The premise: the body clause matches, the notes are one extra clause, no other deviation."""
    contract = footnotes(True)
    t, c = load_bytes(_without_notes(contract), "template.docx"), load_bytes(contract, "contract.docx")
    assert "FOOTNOTES" not in t.text
    deviations = [p for p in compare_documents(c, t, embeddings=False).pairs if p.status != "matched"]
    assert [p.status for p in deviations] == ["extra"]
    assert deviations[0].contract_clause is not None
    assert deviations[0].contract_clause.text.startswith("FOOTNOTES")


@pytest.mark.parametrize(("contract", "kind"), [(footnotes(True), "footnote"),
                                                (renumbered_notes(True), "footnote"),
                                                (renumbered_notes(True, "endnote"), "endnote")],
                         ids=["footnotes", "renumbered_footnotes", "renumbered_endnotes"])
def test_each_added_note_is_commented_on_its_own_reference(contract: bytes, kind: str) -> None:
    """One extra-clause comment per note, each spanning that note's reference run alone, in the notes'
    order: not one comment on note 1's reference (the old anchor), nor one range over the body between."""
    out = _review(_without_notes(contract), contract)
    assert _wrapped_notes(out, kind, "extra clause") == _note_texts(contract, kind)
    extra = [c for c in docx.Document(io.BytesIO(out)).comments if c.text.split("\n")[0].endswith("extra clause")]
    assert len(extra) == len(_note_texts(contract, kind)) >= 2


def test_the_added_notes_carry_the_extra_clause_as_their_change() -> None:
    """The extra notes clause's note carries the whole clause as its change; the matched body clause none."""
    contract = footnotes(True)
    t, c = load_bytes(_without_notes(contract), "template.docx"), load_bytes(contract, "contract.docx")
    [note] = notes_for(compare_documents(c, t, embeddings=False))
    assert note.title.endswith("extra clause")
    assert note.changes == ((note.start, note.end),)
    assert c.text[note.start:note.end].startswith("FOOTNOTES")
