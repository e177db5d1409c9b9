"""The words of the review copy's comments: each part of a note a paragraph of its own (a line break inside one
paragraph ran sentences together in readers that take a paragraph's text: "...not assured.Template text: ..."),
and a missing clause's template words once when the playbook suggests the same words."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from contracts.compare import compare_documents
from contracts.documents import Document
from contracts.ingest import load_document
from contracts.playbook import load_playbook
from word.files import Note, notes_for, review_docx

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
W_BR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br"


def _comments(document: Document, notes: list[Note]) -> list[list[str]]:
    """Each comment's paragraphs (python-docx reads a line break inside one as "\\n")."""
    out = docx.Document(io.BytesIO(review_docx(document, notes)))
    return [[p.text for p in c.paragraphs] for c in out.comments]


def test_each_line_of_a_note_is_a_paragraph() -> None:
    document = Document.from_text("c.txt", "1. Term. This Agreement renews automatically.\n")
    note = Note(0, 20, "HIGH · Renewal Term", "Renews unless notice is given.\nReview: accepted: fine", "Delete it.")
    out = docx.Document(io.BytesIO(review_docx(document, [note])))
    assert not any(p._p.findall(f".//{W_BR}") for c in out.comments for p in c.paragraphs)
    assert _comments(document, [note]) == [["HIGH · Renewal Term", "Renews unless notice is given.",
                                            "Review: accepted: fine", "Suggested text: Delete it."]]


def test_a_missing_clause_shows_the_template_words_once() -> None:
    contract = load_document(TEMPLATES / "drafts" / "msa_counterparty_draft.txt")
    template = load_document(TEMPLATES / "master_services_agreement.txt")
    comparison = compare_documents(contract, template, playbook=load_playbook(TEMPLATES / "playbook.yaml"))
    missing = next(p for p in comparison.pairs if p.status == "missing")
    assert missing.template_clause is not None and missing.suggestion == missing.template_clause.text
    words = missing.template_clause.text
    [comment] = [c for c in _comments(contract, notes_for(comparison)) if c[0].endswith("missing clause")]
    assert "\n".join(comment).count(words) == 1
    assert comment[1:] == [missing.explanation, f"Suggested text: {words}"]
    # a suggestion in other words than the template's: both are shown, each in its own paragraph
    other = comparison.model_copy(update={"pairs": [missing.model_copy(update={"suggestion": "A fallback."})]})
    [comment] = _comments(contract, notes_for(other))
    assert comment[1:] == [missing.explanation, f"Template text: {words}", "Suggested text: A fallback."]
