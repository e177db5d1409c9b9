"""Proofing items in the review DOCX: each a Word comment anchored on its text, redaction marks left out; one
comment at the start names the checks that did not run, and why, unless every check ran."""

from __future__ import annotations

import io
import json

import docx

from contracts.documents import Document
from contracts.proofing import DEFAULT_KINDS, PROOFING_KINDS, proofread
from tests.serving.test_exports_api import anchors
from word.files import Note, review_docx
from word.proofing_notes import proofing_notes

TEXT = ('The buyer (the "Buyer") pays $[____] for the goods listed in Schedule 3. [***]\n'
        '"Deposit" means ten per cent of the price.\nThe Buyer signs below.\n')


def test_each_item_is_a_comment_on_its_text() -> None:
    document = Document.from_text("sale.txt", TEXT)
    items = [i for i in proofread(document, PROOFING_KINDS) if i.kind != "redaction"]
    assert {i.kind for i in items} >= {"placeholder", "missing_reference", "unused_definition"}
    out = docx.Document(io.BytesIO(review_docx(document, proofing_notes(document, PROOFING_KINDS))))
    spans = anchors(out)
    got = sorted((spans[str(c.comment_id)], c.text) for c in out.comments)
    assert len(got) == len(items)
    for item in items:
        assert any(quote == item.quote and text.startswith(f"PROOFING · {item.kind.replace('_', ' ')}\n")
                   and item.message in text for quote, text in got), item
    assert not any("[***]" in quote for quote, _ in got)


def _notes_under(monkeypatch, setting: str | None) -> list[Note]:
    """proofing_notes(TEXT) with LEXRISK_PROOFING_KINDS set to `setting` (None: unset, the default kinds)."""
    from contracts.settings import clear_settings

    if setting is None:
        monkeypatch.delenv("LEXRISK_PROOFING_KINDS", raising=False)
    else:
        monkeypatch.setenv("LEXRISK_PROOFING_KINDS", setting)
    clear_settings()
    try:
        return proofing_notes(Document.from_text("sale.txt", TEXT))
    finally:
        clear_settings()


def test_the_setting_picks_the_kinds(monkeypatch) -> None:
    notes = _notes_under(monkeypatch, '["placeholder"]')
    assert [n.title for n in notes] == ["PROOFING · checks not run", "PROOFING · placeholder"]
    off = [k.replace("_", " ") for k in PROOFING_KINDS if k != "placeholder"]
    assert notes[0].body.startswith(f"Not run: {', '.join(off)} — your firm's administrator has turned these "
                                    "drafting checks off, and can turn them on.")
    assert notes[0].body.endswith("\nRun: placeholder (1 item found, each a comment).")


def test_the_review_copy_says_which_checks_did_not_run_by_default(monkeypatch) -> None:
    """With the default kinds (redaction only), no proofing comment was no pass: one comment on the first
    paragraph names every check left off and why, and what redaction found (its marks are not commented)."""
    document = Document.from_text("sale.txt", TEXT)
    notes = _notes_under(monkeypatch, None)
    out = docx.Document(io.BytesIO(review_docx(document, notes)))
    assert [c.text.split("\n")[0] for c in out.comments] == ["PROOFING · checks not run"]
    comment = next(iter(out.comments))
    assert comment.author == "lexrisk"
    off = [k.replace("_", " ") for k in PROOFING_KINDS if k not in DEFAULT_KINDS]
    assert f"Not run: {', '.join(off)} — these drafting checks are off by default" in comment.text
    assert "too many false alarms" in comment.text and "your firm's administrator can turn them on" in comment.text
    assert "LEXRISK_PROOFING_KINDS" not in comment.text and "docs/" not in comment.text  # a developer's words
    # each sentence in a paragraph of its own: a reader that takes paragraphs' text ran them together
    # ("...did not read this document.Run: redaction ...")
    assert [p.text.split(" — ")[0] for p in comment.paragraphs] == [
        "PROOFING · checks not run", f"Not run: {', '.join(off)}",
        "Run: redaction (1 mark found, not commented one by one)."]
    assert anchors(out)[str(comment.comment_id)] == out.paragraphs[0].text  # the document's start
    # in the margin only: the contract's text is the one a file without the comment has
    plain = docx.Document(io.BytesIO(review_docx(document, [])))
    assert [p.text for p in out.paragraphs] == [p.text for p in plain.paragraphs]


def test_no_check_run_says_so(monkeypatch) -> None:
    notes = _notes_under(monkeypatch, "[]")
    assert [n.title for n in notes] == ["PROOFING · checks not run"]
    assert notes[0].body.endswith("\nRun: none.") and "redaction" in notes[0].body.split("\n")[0]


def test_no_such_comment_when_every_check_ran(monkeypatch) -> None:
    notes = _notes_under(monkeypatch, json.dumps(list(PROOFING_KINDS)))
    assert notes and all(n.title != "PROOFING · checks not run" for n in notes)
