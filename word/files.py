"""Word exports of a comparison, where lawyers finish their work: both are the firm's own documents.

The redline is the template's .docx with the changes that make it the contract as tracked changes
(`word.redline`); the review copy is the uploaded contract's .docx with every finding
and deviation as a comment anchored on its clause (`word.comments`). A PDF or TXT side is
first laid out as a contract-like .docx (`word.generate`). The comparison's title goes into
the document properties; nothing is added to the body."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from contracts.compare.models import Comparison, ComparisonPair
from contracts.documents import Document
from contracts.findings import Finding
from word.runs import xml_safe

AUTHOR = "lexrisk"
_xml_safe = xml_safe  # the name other modules import


def source_docx(document: Document, data: bytes | None) -> bytes:
    """The Word file a writer edits: the upload itself when it is a .docx, else a generated one."""
    from word.generate import generate_docx

    return data if data is not None and document.source_type == "docx" else generate_docx(document)


def redline_docx(comparison: Comparison, template: Document, contract: Document, *,
                 template_data: bytes | None = None, contract_data: bytes | None = None,
                 title: str | None = None, author: str = AUTHOR, date: datetime | None = None) -> bytes:
    """The template's Word file with the changes to the contract tracked, paragraphs paired as the
    clause alignment pairs them. `*_data` are the uploaded bytes (needed to keep a .docx's own package)."""
    from word.redline import redline_package

    return redline_package(source_docx(template, template_data), source_docx(contract, contract_data),
                           comparison=comparison, template=template, contract=contract, title=title,
                           author=author, date=date,
                           formatting=(template.source_type == "docx") == (contract.source_type == "docx"))


@dataclass(frozen=True)
class Note:
    """A comment to anchor on `document.text[start:end]`. `changes` are the (start, end) of the words
    the counterparty changed in that span (a deletion is an empty span where the words were; all of an
    extra clause): where the span covers several footnotes or endnotes, the comment goes on the notes that
    changed (`review_docx`)."""

    start: int
    end: int
    title: str
    body: str
    suggestion: str | None = None
    changes: tuple[tuple[int, int], ...] = ()


def contract_changes(pair: ComparisonPair) -> tuple[tuple[int, int], ...]:
    """The contract offsets of each insertion and deletion in a modified pair's redline: `equal` and
    `insert` runs are the contract clause's text in order, `delete` runs are template text (an empty span
    where they were). Empty for a matched or missing pair, and when the runs do not give the clause's text
    (a stored comparison from an older reader).

    An extra clause is new throughout: its whole span is the one change. In the body that is its own span
    again; for footnotes or endnotes the template lacks (all notes are one clause) it puts one comment on
    each note's reference (`Commenter.anchors`), as for a modified notes clause whose every note changed.
    Not one comment on note 1's reference: it says nothing beside note 4 on page 9, which the lawyer must
    read as well. Not one comment from the first reference to the last either: its range would mark the
    body clauses between them, which the template has, as extra, and hide in one margin note where the
    new notes are."""
    clause = pair.contract_clause
    if pair.status == "extra" and clause is not None:
        return ((clause.start, clause.end),)
    if pair.status != "modified" or clause is None:
        return ()
    if "".join(op.text for op in pair.redline if op.op != "delete") != clause.text:
        return ()
    changes: list[tuple[int, int]] = []
    at = clause.start
    for op in pair.redline:
        length = 0 if op.op == "delete" else len(op.text)
        if op.op != "equal":
            changes.append((at, at + length))
        at += length
    return tuple(changes)


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
        # the template's words once: as the suggestion when the playbook proposes them, else as what is missing
        if pair.status == "missing" and pair.template_clause and not _same_words(pair.template_clause.text,
                                                                                 pair.suggestion):
            body += f"\nTemplate text: {pair.template_clause.text}"
        notes.append(Note(where[0], where[1], label, body, pair.suggestion, contract_changes(pair)))
    return notes


def _same_words(text: str, other: str | None) -> bool:
    return other is not None and text.split() == other.split()


def review_docx(document: Document, notes: Sequence[Note], *, data: bytes | None = None, title: str | None = None,
                author: str = AUTHOR) -> bytes:
    """The contract's own Word file (`data`, else generated) with each note as a comment on its span, or,
    for a span over several footnotes or endnotes, on each note whose words changed (`Commenter.anchors`)."""
    from word.comments import Commenter

    commenter = Commenter(document, data)
    for note in notes:
        # each line of a note its own paragraph: a line break inside one (`w:br`) is lost by readers that take
        # a paragraph's text ("...not assured.Template text: ...")
        suggested = (f"Suggested text: {note.suggestion}",) if note.suggestion else ()
        more = (*note.body.split("\n"), *suggested)
        for start, end in commenter.anchors(note.start, note.end, note.changes):
            commenter.add(start, end, note.title, more=more, author=author)
    return commenter.save(title)
