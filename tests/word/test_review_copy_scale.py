"""The review copy's comments are added in linear time (paragraphs found by bisection, ids kept running)
and the file is byte for byte what the quadratic algorithm wrote: same comments, ids, anchors, text,
authors and dates, on generated and uploaded files, files with comments of their own and tracked changes.

`QuadraticCommenter` is word/comments.py's algorithm as it was before (every paragraph scanned for each
span; each comment numbered by python-docx's `Document.add_comment`, which reads every comment's id, then
moved above the notes' ids where python-docx's id is one of them, as LibreOffice needs)."""

from __future__ import annotations

import datetime as dt
import io
import random
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.comments import CT_Comments
from docx.oxml.ns import nsdecls

from contracts.compare import compare_documents
from contracts.documents import Document
from contracts.ingest import load_bytes, load_document
from tests.word.docx_pairs import PAIRS, pair
from word.comments import AUTHOR, Commenter, W, _note_ids, _outside_tracked_change
from word.files import Note, notes_for
from word.runs import Located, isolate

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
_FROZEN = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


class QuadraticCommenter(Commenter):
    """The reference: word/comments.py's `_runs` and `add` before the review copy was made linear."""

    def _runs(self, start: int, end: int) -> list[Any]:
        hit = [loc for loc in self.located if loc.start < end and start < loc.end]
        in_notes = [run for a, b, run in self._notes if start < b and a < max(end, start + 1)]
        if not hit and in_notes:  # a note's words: its reference in the body
            return in_notes[:1]
        if not hit:
            before = [loc for loc in self.located if loc.start <= start] or self.located[:1]
            if not before:
                return []
            loc = before[-1]
            return isolate(loc.p, 0, loc.raw_span(loc.start, loc.end)[1])
        first, last = hit[0], hit[-1]
        a, b = first.raw_span(start, end)
        if first is last:
            return isolate(first.p, a, b)
        head = isolate(first.p, a, first.raw_span(start, end)[1])
        tail = isolate(last.p, *last.raw_span(start, end))
        return head[:1] + tail[-1:] if head and tail else head or tail

    def add(self, start: int, end: int, text: str, *, more: tuple[str, ...] = (), author: str = AUTHOR,
            initials: str = "LR") -> bool:
        from docx.text.run import Run

        from word.runs import xml_safe

        runs = self._runs(start, end)
        if not runs:
            return False
        if self._comments_part is None:  # the file's own comments under a note's id move, as in Commenter
            self._open_comments()
        comment = self.word.add_comment([Run(runs[0], None), Run(runs[-1], None)],  # type: ignore[arg-type]
                                        text=xml_safe(text), author=author, initials=initials)
        self._above_notes(comment.comment_id)
        _outside_tracked_change(runs[-1])
        for paragraph in more:
            comment.add_paragraph(xml_safe(paragraph))
        return True

    def _above_notes(self, given: int) -> None:
        """The new comment python-docx numbered `given` takes the notes' largest id + 1 when `given` is not
        above it (the comments' ids then run on from there)."""
        top = max(_note_ids(self.word), default=-1)
        if given > top:
            return
        marks = self.word.element.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")
        for element in [*self._comments_part.element.iter(f"{W}comment"), *marks]:
            if element.get(f"{W}id") == str(given):
                element.set(f"{W}id", str(top + 1))


@pytest.fixture(autouse=True)
def _frozen_comment_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx dates each comment with the clock; both algorithms get the same instant."""

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:  # type: ignore[override]
            return _FROZEN  # type: ignore[return-value]

    import docx.comments

    monkeypatch.setattr(docx.comments, "dt", types.SimpleNamespace(datetime=Clock, timezone=dt.timezone))


def _spans(document: Document, seed: int, n: int = 60) -> Iterator[Note]:
    """Spans of every kind a writer hands in: inside a paragraph, across several, empty, reversed, at the
    very start and past the end, overlapping earlier ones (runs already cut), the same span several times
    in a row, texts with new lines and control characters."""
    rng = random.Random(seed)
    size = len(document.text)
    fixed = [(0, 0), (0, 1), (size, size), (size - 1, size + 5), (size + 10, size + 20), (5, 2)]
    for i, (start, end) in enumerate(fixed):
        yield Note(start, end, f"edge {i}", "body")
    for i in range(n):
        start = rng.randrange(0, size + 1)
        end = start + rng.choice((0, 1, rng.randrange(1, 40), rng.randrange(40, 900)))
        suggestion = rng.choice((None, "Use the template's words.\nAll of them."))
        for copy in range(rng.choice((1, 1, 1, 4))):  # a span commented again and again, as missing clauses are
            yield Note(start, end, f"note {i}.{copy} \x07 title", f"Why {i}:\nline two \x01", suggestion)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(cls: type[Commenter], document: Document, data: bytes | None, notes: list[Note]) -> tuple[bytes, int]:
    """The review copy as `word.files.review_docx` writes it, with the commenter `cls`, and how many notes
    became comments (an empty span inside a paragraph has no run to anchor on)."""
    commenter = cls(document, data)
    added = 0
    for note in notes:
        more = (note.body, f"Suggested text: {note.suggestion}") if note.suggestion else (note.body,)
        added += commenter.add(note.start, note.end, note.title, more=more, author=AUTHOR)
    return commenter.save("Review: contract"), added


def _assert_same_file(document: Document, data: bytes | None, notes: list[Note]) -> None:
    (new_file, added), (old_file, old_added) = (_write(Commenter, document, data, notes),
                                                _write(QuadraticCommenter, document, data, notes))
    new, old = _parts(new_file), _parts(old_file)
    assert added == old_added >= len(notes) // 2
    assert new["word/document.xml"].count(b"<w:commentReference ") >= added
    assert new.keys() == old.keys()
    for name in ("word/document.xml", "word/comments.xml"):  # the two the comments change, first
        assert new[name] == old[name], name
    assert new == old


@pytest.mark.parametrize("name", list(PAIRS))
def test_an_uploaded_contracts_review_copy_is_the_same_file(name: str) -> None:
    """Tables, headers, footnotes, fields, content controls, tracked insertions and comments of the
    counterparty's own: random spans, and the deviations of the real comparison with the template."""
    t, c = pair(name)
    template, contract = load_bytes(t, "template.docx"), load_bytes(c, "contract.docx")
    notes = [*notes_for(compare_documents(contract, template)), *_spans(contract, seed=len(name))]
    _assert_same_file(contract, c, notes)


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.txt")), ids=lambda p: p.stem)
def test_a_text_contracts_generated_review_copy_is_the_same_file(path: Path) -> None:
    document = load_document(path)
    _assert_same_file(document, None, list(_spans(document, seed=3, n=150)))


@pytest.mark.parametrize("existing", [[4, 11, 2], [2**31 - 2], [2**31 - 1, 0, 1, 3]])
def test_ids_continue_after_the_files_own_comments(existing: list[int]) -> None:
    """New comments take the largest id + 1, or, past python-docx's 32-bit bound, the first unused ids."""
    word = docx.Document()
    for i in range(12):
        word.add_paragraph(f"Clause {i}. The supplier shall deliver the goods on time, number {i}.")
    word.add_comment(word.paragraphs[0].runs, text="Theirs.", author="Beta")
    comments = word.part.part_related_by(docx.opc.constants.RELATIONSHIP_TYPE.COMMENTS).element
    comments.remove(comments[0])
    for i in existing:
        comments.append(parse_xml(f'<w:comment {nsdecls("w")} w:id="{i}" w:author="Beta"><w:p/></w:comment>'))
    buffer = io.BytesIO()
    word.save(buffer)
    contract = load_bytes(buffer.getvalue(), "contract.docx")
    notes = list(_spans(contract, seed=sum(existing) % 97, n=8))
    _assert_same_file(contract, buffer.getvalue(), notes)
    written, _ = _write(Commenter, contract, buffer.getvalue(), notes)
    ids = [int(c.comment_id) for c in docx.Document(io.BytesIO(written)).comments]
    assert ids[: len(existing)] == existing and len(set(ids)) == len(ids)


def test_the_work_per_comment_does_not_grow_with_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbering a comment reads no other comment's id, and finding a span's paragraphs reads a few
    paragraphs' ends, not every paragraph's (the old algorithm read ~45,000 ids and ~45,000 ends here)."""
    text = "\n\n".join(f"{i}. The supplier shall deliver item {i} within {i + 3} days of the order." for i in
                       range(300))
    document = Document.from_text("long.txt", text)
    ids_read, ends = [0], [0]
    scan, end = CT_Comments._next_available_comment_id, Located.end

    def counted_scan(self: CT_Comments) -> int:
        ids_read[0] += len(self.comment_lst)
        return scan(self)

    def counted_end(self: Located) -> int:
        ends[0] += 1
        return end.fget(self)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(CT_Comments, "_next_available_comment_id", counted_scan)
    monkeypatch.setattr(Located, "end", property(counted_end))
    commenter = Commenter(document, None)
    paragraphs = len(commenter.located)
    for i in range(300):
        start = text.index(f"{i}. The supplier")
        assert commenter.add(start, start + 20, f"Note {i}.")
    assert ids_read[0] == 0 and ends[0] <= paragraphs + 4 * 300, (ids_read, ends, paragraphs)
    reopened = docx.Document(io.BytesIO(commenter.save()))
    assert [int(c.comment_id) for c in reopened.comments] == list(range(300))
