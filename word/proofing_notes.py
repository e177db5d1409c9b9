"""Proofing items as comments of the review DOCX: each a Word comment on its text, beside the findings'.
Apart from word.files (which only anchors notes) and from contracts.proofing (pure checks):
the one module that joins them, so that neither package imports the other."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from contracts.documents import Document
from contracts.proofing import PROOFING_KINDS, ProofingItem, not_run, proofread
from word.files import Note


def proofing_notes(document: Document, kinds: Collection[str] | None = None) -> list[Note]:
    """One note per proofing item of `kinds` (default: LEXRISK_PROOFING_KINDS, else the default kinds),
    redaction marks left out: a redacted filing has hundreds, and a comment on each buries the defects.
    When some checks did not run (by default all but redaction), a first note says which and why: a review
    copy with no proofing comment would otherwise read as a contract that passed them."""
    if kinds is None:
        from contracts.settings import CommonSettings, load_settings

        kinds = load_settings(CommonSettings).proofing_kinds
    items = proofread(document, kinds)
    notes = [Note(i.start, i.end, f"PROOFING · {_label(i.kind)}", i.message, i.suggestion)
             for i in items if i.kind != "redaction"]
    left_off = _not_run_note(kinds, items)
    return [left_off, *notes] if left_off else notes


def _not_run_note(configured: Collection[str] | None, items: Sequence[ProofingItem]) -> Note | None:
    """The one comment on the checks `configured` (None: the default kinds) left off, with the reason, and on
    those that ran: anchored on the document's start (its first paragraph), in the margin where a lawyer
    opening the file sees it first, never in the contract's text. None when every check ran, so that such a
    file is the one it always was."""
    off, reason = not_run(configured, for_lawyers=True)
    if not off:
        return None
    ran = [f"{_label(k)} ({_found(k, items)})" for k in PROOFING_KINDS if k not in off]
    body = (f"Not run: {', '.join(_label(k) for k in off)} — {reason}. No comment from them is no pass: they "
            f"did not read this document.\nRun: {', '.join(ran) if ran else 'none'}.")
    return Note(0, 0, "PROOFING · checks not run", body)


def _found(kind: str, items: Sequence[ProofingItem]) -> str:
    """What a check that ran found, where the review copy shows it: redaction marks are counted, not
    commented (see proofing_notes), so their count is the only place the lawyer learns of them."""
    n = sum(i.kind == kind for i in items)
    if kind == "redaction":
        return f"{n} mark{'' if n == 1 else 's'} found, not commented one by one"
    return f"{n} item{'' if n == 1 else 's'} found, each a comment"


def _label(kind: str) -> str:
    """A check's name as the comments and the CLI write it: "missing_reference" is "missing reference"."""
    return kind.replace("_", " ")
