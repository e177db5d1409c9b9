"""Proofing items as comments of the review DOCX: each a Word comment on its text, beside the findings'.
Apart from word.files (which only anchors notes) and from contracts.proofing (pure checks):
the one module that joins them, so that neither package imports the other."""

from __future__ import annotations

from collections.abc import Collection

from contracts.documents import Document
from contracts.proofing import proofread
from word.files import Note


def proofing_notes(document: Document, kinds: Collection[str] | None = None) -> list[Note]:
    """One note per proofing item of `kinds` (default: LEXRISK_PROOFING_KINDS, else the default kinds),
    redaction marks left out: a redacted filing has hundreds, and a comment on each buries the defects."""
    if kinds is None:
        from contracts.settings import CommonSettings, load_settings

        kinds = load_settings(CommonSettings).proofing_kinds
    return [Note(i.start, i.end, f"PROOFING · {i.kind.replace('_', ' ')}", i.message, i.suggestion)
            for i in proofread(document, kinds) if i.kind != "redaction"]
