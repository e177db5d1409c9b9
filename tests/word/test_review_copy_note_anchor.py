"""A modified notes clause is commented on the notes that changed. All footnotes (endnotes) are one clause
after the body ("FOOTNOTES", then "Footnote 1: ..."), and a comment in the notes sits on a note's reference
in the body: the clause's own span put its comment on note 1's reference whichever note the counterparty
changed. The comment now goes on the reference of each note holding a changed word; body clauses keep
their spans."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import docx
import pytest

from contracts.compare import compare_documents
from contracts.compare.models import ClauseRef, ComparisonPair, RedlineOp
from contracts.ingest import load_bytes
from tests.word.docx_pairs import PAIRS, footnotes, pair, renumbered_notes
from tests.word.test_review_copy_notes_boxes import W, _part
from word.comments import Commenter
from word.files import contract_changes, notes_for, review_docx


def _review(template: bytes, contract: bytes, *, drop_changes: bool = False) -> bytes:
    """The review copy of the comparison's deviations (`drop_changes`: each on its clause's own span)."""
    t, c = load_bytes(template, "template.docx"), load_bytes(contract, "contract.docx")
    notes = notes_for(compare_documents(c, t, embeddings=False))
    if drop_changes:
        notes = [dataclasses.replace(note, changes=()) for note in notes]
    return review_docx(c, notes, data=contract)


def _wrapped_notes(data: bytes, kind: str, title_end: str) -> list[str]:
    """The texts of the notes whose reference run is all that a comment whose title ends `title_end`
    spans (a comment on the notes), in the body's order."""
    ids = {str(c.comment_id) for c in docx.Document(io.BytesIO(data)).comments
           if c.text.split("\n")[0].endswith(title_end)}
    texts = {n.get(f"{W}id"): "".join(n.itertext()) for n in _part(data, f"word/{kind}s.xml").iter(f"{W}{kind}")}
    wrapped: list[str] = []
    for start in _part(data, "word/document.xml").iter(f"{W}commentRangeStart"):
        run = start.getnext()
        end = run.getnext() if run is not None else None
        if start.get(f"{W}id") in ids and end is not None and end.tag == f"{W}commentRangeEnd":
            wrapped.extend(texts[ref.get(f"{W}id")] for ref in run.iter(f"{W}{kind}Reference"))
    return wrapped


def test_a_change_in_footnote_2_is_commented_on_footnote_2s_reference() -> None:
    """Only footnote 2 changed (thirty -> fifteen days): its reference, not footnote 1's, carries the comment."""
    wrapped = _wrapped_notes(_review(footnotes(False), footnotes(True)), "footnote", "modified clause")
    assert len(wrapped) == 1 and "fifteen" in wrapped[0]


@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_renumbered_notes_are_commented_on_each_note_that_changed(kind: str) -> None:
    """The contract adds note 1 and changes note 3's words; note 2 is the template's note 1 renumbered, its
    words unchanged: one comment on note 1's reference and one on note 3's, none on note 2's."""
    out = _review(renumbered_notes(False, kind), renumbered_notes(True, kind))
    wrapped = _wrapped_notes(out, kind, "modified clause")
    assert len(wrapped) == 2
    assert "Delivery is DDP" in wrapped[0] and "fifteen" in wrapped[1]


@pytest.mark.parametrize("name", [n for n in PAIRS if n not in ("footnotes", "renumbered_notes")])
def test_other_clauses_keep_their_spans(name: str) -> None:
    """A body clause's comment is on the clause, as before: the same body whether or not notes carry changes."""
    t, c = pair(name)
    with_changes, without = _review(t, c), _review(t, c, drop_changes=True)
    assert zipfile.ZipFile(io.BytesIO(with_changes)).read("word/document.xml") == \
        zipfile.ZipFile(io.BytesIO(without)).read("word/document.xml")


def test_the_footnotes_pairs_body_clause_keeps_its_span() -> None:
    """The modified body clause (heading and two paragraphs) is commented from its first word, as before."""
    out = _review(footnotes(False), footnotes(True))
    body = _part(out, "word/document.xml")
    start = next(body.iter(f"{W}commentRangeStart"))
    assert start.getnext().findtext(f"{W}t") == "Indemnity"


def _pair(clause: str, start: int, ops: list[tuple[str, str]]) -> ComparisonPair:
    return ComparisonPair(status="modified", template_clause=None, similarity=0.9, category=None, severity=None,
                          verdict=None, explanation="", suggestion=None,
                          contract_clause=ClauseRef(text=clause, start=start, end=start + len(clause), page=1),
                          redline=[RedlineOp(op=op, text=text) for op, text in ops])  # type: ignore[arg-type]


def test_contract_changes_map_the_redline_to_contract_offsets() -> None:
    """Insertions are the contract's words they add, deletions an empty span where the template's words were."""
    pair_ = _pair("pay in fifteen days", 100, [("equal", "pay in "), ("delete", "thirty"), ("insert", "fifteen"),
                                                ("equal", " days"), ("delete", " net")])
    assert contract_changes(pair_) == ((107, 107), (107, 114), (119, 119))
    assert contract_changes(_pair("pay in fifteen days", 100, [("equal", "pay in 15 days")])) == ()


def test_deletions_between_notes_belong_to_the_note_after_them() -> None:
    """A deleted note leaves an empty change before the next note's number; a deletion at a note's last word
    is that note's; a change only to a note's number (renumbering) is no note's: the clause's span then."""
    data = renumbered_notes(True)
    contract = load_bytes(data, "contract.docx")
    text = contract.text
    commenter = Commenter(contract, data)
    clause = (text.index("FOOTNOTES"), len(text))
    note = {words: (text.index(words), text.index(words) + len(words))
            for words in ("Delivery is DDP (Incoterms 2020).", "Within fifteen days.")}
    label = text.index("Footnote 3: ")
    assert commenter.anchors(*clause, [(label, label)]) == [note["Within fifteen days."]]
    end = note["Delivery is DDP (Incoterms 2020)."][1]
    assert commenter.anchors(*clause, [(end, end)]) == [note["Delivery is DDP (Incoterms 2020)."]]
    assert commenter.anchors(*clause, [(label, label + len("Footnote 3"))]) == [clause]
