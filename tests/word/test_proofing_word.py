"""Proofing items in the review DOCX: each a Word comment anchored on its text, redaction marks left out."""

from __future__ import annotations

import io

import docx

from contracts.documents import Document
from contracts.proofing import PROOFING_KINDS, proofread
from tests.serving.test_exports_api import anchors
from word.files import review_docx
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


def test_the_setting_picks_the_kinds(monkeypatch) -> None:
    from contracts.settings import clear_settings

    monkeypatch.setenv("LEXRISK_PROOFING_KINDS", '["placeholder"]')
    clear_settings()
    try:
        notes = proofing_notes(Document.from_text("sale.txt", TEXT))
    finally:
        clear_settings()
    assert [n.title for n in notes] == ["PROOFING · placeholder"]
