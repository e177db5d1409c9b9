"""Word exports of a comparison, where lawyers finish their work.

The redline is written as real tracked changes (`w:ins`/`w:del` with unique ids, author and date) with
lxml over python-docx, rather than through `docx-redline` or `python-redlines`: those diff two Word
files themselves (the latter through a .NET binary), whereas lexrisk already has the clause-aligned
redline and needs only to write it. Paragraph marks inserted or deleted are tracked too, so Accept
All gives exactly the contract's text and Reject All the template's.

The review copy is the contract with every finding and deviation as a Word comment (python-docx 1.2
`Document.add_comment`) anchored on the runs that hold its clause."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count, pairwise

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from contracts.compare.models import Comparison, RedlineOp
from contracts.documents import Document
from contracts.findings import Finding

AUTHOR = "lexrisk"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """XML cannot hold control characters; ingested text has none, other callers' may. Each becomes
    U+FFFD, one for one, so offsets still line up."""
    return _NOT_XML.sub("\ufffd", text)


def redline_docx(ops: Sequence[RedlineOp], *, heading: str | None = None, author: str = AUTHOR,
                 date: datetime | None = None) -> bytes:
    """A .docx whose body is the redline as tracked changes, one paragraph per line of text. The
    heading, if any, goes in the page header so the body stays exactly the compared text."""
    import docx

    document = docx.Document()
    if heading:
        document.sections[0].header.paragraphs[0].text = _xml_safe(heading)
    stamp = (date or datetime.now(UTC)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = count(1)
    paragraph = document.add_paragraph()._p
    for op in ops:
        lines = op.text.split("\n")
        for n, line in enumerate(lines):
            if line:
                paragraph.append(_run(op.op, line, next(ids), author, stamp))
            if n < len(lines) - 1:
                if op.op != "equal":
                    _mark_paragraph(paragraph, op.op, next(ids), author, stamp)
                paragraph = document.add_paragraph()._p
    return _save(document)


def _change(tag: str, change_id: int, author: str, stamp: str):
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(change_id))
    element.set(qn("w:author"), author)
    element.set(qn("w:date"), stamp)
    return element


def _text(tag: str, text: str):
    element = OxmlElement(tag)
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.text = _xml_safe(text)
    return element


def _run(op: str, text: str, change_id: int, author: str, stamp: str):
    run = OxmlElement("w:r")
    run.append(_text("w:delText" if op == "delete" else "w:t", text))
    if op == "equal":
        return run
    wrapper = _change("w:ins" if op == "insert" else "w:del", change_id, author, stamp)
    wrapper.append(run)
    return wrapper


def _mark_paragraph(paragraph, op: str, change_id: int, author: str, stamp: str) -> None:
    """Track the paragraph mark itself: Word joins the paragraph with the next when an inserted mark
    is rejected or a deleted one accepted."""
    ppr = paragraph.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    rpr.append(_change("w:ins" if op == "insert" else "w:del", change_id, author, stamp))


@dataclass(frozen=True)
class Note:
    """A comment to anchor on `document.text[start:end]`."""

    start: int
    end: int
    title: str
    body: str
    suggestion: str | None = None


def notes_for(comparison: Comparison | None, findings: Sequence[Finding] = ()) -> list[Note]:
    """One note per finding and per deviation (modified, missing or extra clause). A missing clause is
    anchored on the contract clause after which the template had it (else the contract's start)."""
    notes = [Note(f.start, f.end, f"{f.severity.upper()} · {f.category}", f.explanation) for f in findings]
    if comparison is None:
        return notes
    previous: tuple[int, int] | None = None
    for pair in comparison.pairs:
        clause = pair.contract_clause
        if clause is not None:
            previous = (clause.start, clause.end)
        if pair.status == "matched":
            continue
        where = (clause.start, clause.end) if clause else previous
        if where is None:
            where = (0, 0)
        label = " · ".join(x for x in ((pair.severity or "").upper(), pair.category or "",
                                         f"{pair.status} clause") if x)
        body = pair.explanation
        if pair.status == "missing" and pair.template_clause:
            body += f"\nTemplate text: {pair.template_clause.text}"
        notes.append(Note(where[0], where[1], label, body, pair.suggestion))
    return notes


def review_docx(document: Document, notes: Sequence[Note], *, author: str = AUTHOR) -> bytes:
    """The contract, one paragraph per line, with each note as a comment on the runs of its span (a
    note with an empty span is anchored on the first run of the document)."""
    import docx

    out = docx.Document()
    text = document.text
    cuts = sorted({0, len(text), *(n.start for n in notes), *(n.end for n in notes)})
    segments: list[tuple[int, int, object]] = []  # (start, end, run)
    pos = 0
    for line in text.split("\n"):
        paragraph = out.add_paragraph()
        line_end = pos + len(line)
        edges = [pos, *(c for c in cuts if pos < c < line_end), line_end]
        for a, b in pairwise(edges):
            if b > a:
                segments.append((a, b, paragraph.add_run(_xml_safe(text[a:b]))))
        pos = line_end + 1
    for note in notes:
        runs = [run for a, b, run in segments if a >= note.start and b <= note.end] if note.end > note.start else []
        if not runs:
            runs = [segments[0][2]] if segments else []
        if not runs:
            continue
        comment = out.add_comment(runs, text=_xml_safe(note.title), author=author, initials="LR")  # type: ignore[arg-type]
        comment.add_paragraph(_xml_safe(note.body))
        if note.suggestion:
            comment.add_paragraph(_xml_safe(f"Suggested text: {note.suggestion}"))
    return _save(out)


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
