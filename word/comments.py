"""Word comments anchored on character offsets of `Document.text`, written into the uploaded file
itself (or, for a PDF or TXT, into the contract-like DOCX of `word.generate`).

`Commenter.add(start, end, text)` is the one call every writer of comments uses (findings, template
deviations, proofing items): it cuts the runs at the span's edges (each piece keeps its `w:rPr`) and
places `w:commentRangeStart`/`w:commentRangeEnd` and the reference through python-docx 1.2's comments
part. Nothing else in the body changes.

A long contract's review copy carries thousands of comments, so each `add` costs about the same however
many came before: the paragraph holding a span is found by bisection over the paragraphs' offsets, each
comment's id is the running next id rather than python-docx's scan of every comment already written, and a
span commented again right after (the template clauses a draft lacks, all anchored on the clause before
them: 1,136 on one clause of a long unaligned pair) reuses its runs instead of walking its paragraph's runs,
one more reference run per comment, again.

A footnote's or endnote's words follow the body in the text (`contracts.docx_text` reads them after the
footer, in reference order); a finding there is commented on the note's reference in the body, the
superscript number the lawyer clicks to read the note. Not inside the note: LibreOffice 7.4 refuses to open
a DOCX with a comment in its notes part ("source file could not be loaded"), and python-docx keeps that
part as bytes it cannot edit. All notes are one clause of the text, so a deviation there is commented on
each note whose words changed (`Commenter.anchors`; every note, when the template has none: the clause is
extra), not on the first note's reference. A text box's words
are read right after the paragraph holding the box; a finding there is commented on that paragraph (the
nearest paragraph before it), as is text outside the body and the notes (a header, a footer).

A comment's id is never a footnote's or endnote's id (separators included): LibreOffice 7.4 then shows the
wrong note texts (comment 0 on the reference of footnote 1 of 3, with a continuation separator 0: the notes
read "1 Delivery, 2 Delivery, 3 Including" instead of "1 Delivery, 2 Including, 3 Within"). Word numbers
comments and notes separately, so the ids only need to differ: new comments take ids above the notes'
largest, a comment the file has under a note's id is renumbered, and a file without notes keeps the ids it
always had."""

from __future__ import annotations

import io
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from contracts.documents import Document
from contracts.docx_text import referenced_notes
from word.runs import Located, isolate, paragraph_offsets

AUTHOR = "lexrisk"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TRACKED = (f"{W}ins", f"{W}moveTo", f"{W}del", f"{W}moveFrom")
_MAX_ID = 2**31 - 1  # past this python-docx looks for an unused id instead of taking the largest + 1
_NOTES = (f"{W}footnote", f"{W}endnote")
_DECIMAL = re.compile(r"-?[0-9]{1,10}")


def _decimal(value: str | None) -> int | None:
    """An id attribute's number; None when it is not one (a writer's bad id is left as it is)."""
    return int(value) if value is not None and _DECIMAL.fullmatch(value) else None


def _note_ids(word: Any) -> set[int]:
    """The w:id of every footnote and endnote in the file, separators included: LibreOffice mixes up the
    notes' texts when a comment has one of these ids. A notes part that is not readable XML adds none
    (the reader skips it as well)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml
    from lxml import etree

    ids: set[int] = set()
    for rel in word.part.rels.values():
        if rel.reltype not in (RT.FOOTNOTES, RT.ENDNOTES) or rel.is_external:
            continue
        root = getattr(rel.target_part, "element", None)
        if root is None:
            try:
                root = parse_xml(rel.target_part.blob)
            except (etree.LxmlError, ValueError):
                continue
        ids.update(i for i in (_decimal(note.get(f"{W}id")) for note in root.iterchildren(*_NOTES)) if i is not None)
    return ids


def _outside_tracked_change(last: Any) -> None:
    """python-docx puts the range end and the reference right after the span's last run; when that run
    is someone's tracked insertion, the reference would be part of it, and rejecting their change
    would delete lexrisk's comment with it. Both move to just after the tracked change."""
    end, reference = last.getnext(), last.getnext().getnext()
    wrapper = last.getparent()
    while wrapper.tag not in _TRACKED and wrapper.tag != f"{W}p":
        wrapper = wrapper.getparent()
    if wrapper.tag == f"{W}p" or wrapper.getparent() is None:
        return
    wrapper.addnext(reference)
    wrapper.addnext(end)


class Commenter:
    """An opened copy of a contract's Word file that comments can be added to, then saved."""

    def __init__(self, document: Document, data: bytes | None = None) -> None:
        import docx

        from word.generate import generate_docx

        source = data if data is not None and document.source_type == "docx" else generate_docx(document)
        self.word = docx.Document(io.BytesIO(source))
        body = self.word.element.body
        self.located: list[Located] = paragraph_offsets(body, document.text)
        # found in order and never overlapping, so both lists are sorted: a span's paragraphs are a slice
        self._starts = [loc.start for loc in self.located]
        self._ends = [loc.end for loc in self.located]
        # each note's words in the text, after the body's, with the run of its reference: sorted the same way
        self._notes = self._locate_notes(body, document.text)
        self._note_starts = [start for start, _, _ in self._notes]
        self._note_ends = [end for _, end, _ in self._notes]
        self._comments_part: Any = None  # python-docx's CommentsPart, once the first comment is added
        self._max_id = -1  # the largest comment id in that part
        # the last span's runs: cut at its edges already, and adding a comment adds no run with text
        self._last: tuple[int, int, list[Any]] | None = None

    def _locate_notes(self, body: Any, text: str) -> list[tuple[int, int, Any]]:
        """(start, end, reference run) of each referenced note whose paragraphs are found in `text`,
        searched in order after the body's last paragraph (the reader puts the notes last)."""
        out: list[tuple[int, int, Any]] = []
        cursor = self._ends[-1] if self._ends else 0
        for note in referenced_notes(self.word, body):
            found = paragraph_offsets(note.element, text, skip=cursor)
            if found:
                out.append((found[0].start, found[-1].end, note.reference.getparent()))
                cursor = found[-1].end
        return out

    def anchors(self, start: int, end: int, changes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """The spans to comment a deviation of [start, end) on, whose changed words are `changes`: the span
        itself, unless it lies in the notes and covers several, where its comment would sit on the first
        note's reference whichever note changed (all notes are one clause). Then one span per note holding
        a change, each commented on that note's reference: the lawyer finds the comment beside each note to
        read again, where one comment from the first changed reference to the last would cover body text
        that did not change. Words changed between notes' words (the heading, a note's number) are a
        renumbering, not a note's change; a deletion there belongs to the note now after it, else the last."""
        lo, hi = bisect_right(self._note_ends, start), bisect_left(self._note_starts, end)
        if not changes or hi - lo < 2 or self._paragraphs(start, end):
            return [(start, end)]
        touched = sorted({i for a, b in changes for i in self._changed_notes(a, b, lo, hi)})
        return [(self._notes[i][0], self._notes[i][1]) for i in touched] or [(start, end)]

    def _changed_notes(self, start: int, end: int, lo: int, hi: int) -> range:
        """The notes among notes[lo:hi] whose words the change [start, end) touches: those it overlaps, or
        for a deletion (an empty span) the note it is in, ends included, else the next, else notes[hi - 1]."""
        if end > start:
            return range(max(bisect_right(self._note_ends, start), lo), min(bisect_left(self._note_starts, end), hi))
        at = min(bisect_left(self._note_ends, start, lo, hi), hi - 1)
        return range(at, at + 1)

    def _paragraphs(self, start: int, end: int) -> list[Located]:
        """The body's paragraphs with loc.start < end and start < loc.end."""
        return self.located[bisect_right(self._ends, start):bisect_left(self._starts, end)]

    def _runs(self, start: int, end: int) -> list[Any]:
        hit = self._paragraphs(start, end)
        if not hit and self._notes:  # in a note: its reference in the body (the first note the span touches)
            at = bisect_right(self._note_ends, start)
            if at < len(self._notes) and self._notes[at][0] < max(end, start + 1):
                return [self._notes[at][2]]
        if not hit:  # an empty span, or text outside the body (a header): the paragraph at or before it
            if not self.located:
                return []
            loc = self.located[max(bisect_right(self._starts, start) - 1, 0)]
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
        """Comment `text` (and further paragraphs `more`) on the contract's characters [start, end).
        False when the document has no paragraph to anchor it on."""
        from docx.text.run import Run

        from word.runs import xml_safe as _xml_safe

        if self._last is None or self._last[:2] != (start, end):
            self._last = (start, end, self._runs(start, end))
        runs = self._last[2]
        if not runs:
            return False
        comment = self._comment(_xml_safe(text), author, initials)
        # what `docx.Document.add_comment` does once it has the comment
        Run(runs[0], None).mark_comment_range(Run(runs[-1], None), comment.comment_id)  # type: ignore[arg-type]
        _outside_tracked_change(runs[-1])
        for paragraph in more:
            comment.add_paragraph(_xml_safe(paragraph))
        return True

    def _comment(self, text: str, author: str, initials: str) -> Any:
        """A new comment, as python-docx's `add_comment` makes it (same XML, id, date), at a cost that does
        not grow with the comments already there: python-docx finds each id by reading every comment's id,
        27 s for a long contract's 4,500. The comment is built by python-docx's own `Comments.add_comment`
        in an empty comments element, where that scan is free, then takes the id python-docx would have
        given it (the largest + 1, above the notes' ids too) and moves to the end of the document's comments."""
        from docx.comments import Comments
        from docx.oxml.parser import OxmlElement

        if self._comments_part is None:
            self._open_comments()
        if self._max_id >= _MAX_ID:  # python-docx's search for a free id: only for ids no writer uses
            return self.word.comments.add_comment(text=text, author=author, initials=initials)
        scratch = OxmlElement("w:comments")
        comment = Comments(scratch, self._comments_part).add_comment(text=text, author=author, initials=initials)
        self._max_id += 1
        element = scratch[0]
        element.id = self._max_id
        self._comments_part.element.append(element)
        return comment

    def _open_comments(self) -> None:
        """Find the comments part (created when the file has none, as add_comment does) and the largest id
        a comment or a note takes. A comment the file already has under a note's id (Word numbers them
        apart) moves above them all, in the part and at its marks in the body, or LibreOffice would show
        the wrong note texts in the review copy even though no new comment shares an id with a note."""
        from docx.opc.constants import RELATIONSHIP_TYPE

        self.word.comments  # noqa: B018 (creates the comments part when the file has none, as add_comment does)
        self._comments_part = self.word.part.part_related_by(RELATIONSHIP_TYPE.COMMENTS)
        comments = [(c, _decimal(c.get(f"{W}id"))) for c in self._comments_part.element.iterchildren(f"{W}comment")]
        notes = _note_ids(self.word)
        self._max_id = max([i for _, i in comments if i is not None] + list(notes), default=-1)
        moved: dict[int, int] = {}
        for comment, old in comments:
            if old in notes and self._max_id < _MAX_ID:
                self._max_id += 1
                moved[old] = self._max_id
                comment.set(f"{W}id", str(self._max_id))
        if moved:
            marks = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")
            for mark in self.word.element.iter(*marks):
                old = _decimal(mark.get(f"{W}id"))
                if old in moved:
                    mark.set(f"{W}id", str(moved[old]))

    def save(self, title: str | None = None) -> bytes:
        """The file's bytes; `title` goes into the document properties, not the body."""
        if title:
            from word.runs import xml_safe as _xml_safe

            self.word.core_properties.title = _xml_safe(title)[:255]
        buffer = io.BytesIO()
        self.word.save(buffer)
        return buffer.getvalue()
