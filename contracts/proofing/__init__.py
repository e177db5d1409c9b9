"""Proofing: the mechanical checks a careful associate runs before signing (defined terms, cross-references,
blanks, numbering, party names), as pure functions over a Document. `proofread` is the one entry point
the CLI, the API, the app and the review DOCX share. Every check is linear in the text: one regex pass
with bounded patterns, or a pass over the token list."""

from __future__ import annotations

from collections.abc import Collection

from contracts.documents import Document
from contracts.proofing.definitions import (
    count_uses,
    duplicate_items,
    find_definitions,
    list_definitions,
    loose_terms,
    lowered_words,
    term_words,
    unused_items,
)
from contracts.proofing.models import PROOFING_KINDS, ProofingItem, ProofingKind
from contracts.proofing.numbering import numbering_items
from contracts.proofing.outline import headings, inline_numbers, known_numbers
from contracts.proofing.parties import find_parties, party_items
from contracts.proofing.parts import part_starts
from contracts.proofing.placeholders import placeholder_items
from contracts.proofing.references import reference_items
from contracts.proofing.tokens import tokenize
from contracts.proofing.undefined import undefined_items
from contracts.segment import segment_clauses

__all__ = ["DEFAULT_KINDS", "PROOFING_KINDS", "ProofingItem", "ProofingKind", "not_run", "proofread"]

# the kinds reported unless LEXRISK_PROOFING_KINDS says otherwise: only those whose judged precision on 20
# held-out contracts, every item judged, is at or above 0.85 by the lower bound of its 95% interval (the latest
# round's "default_kinds", eval/results/proofing/precision_heldout3.json; tests/contracts/test_proofing.py
# holds them equal): see docs/proofing.md. The others stay available to whoever turns them on, but a lawyer
# who sees thirty false alarms stops reading.
DEFAULT_KINDS: tuple[str, ...] = ("redaction",)


def not_run(configured: Collection[str] | None, *, for_lawyers: bool = False) -> tuple[list[str], str | None]:
    """The checks that `configured` (LEXRISK_PROOFING_KINDS; None: DEFAULT_KINDS) leaves off, and why: so that
    "no proofing item" is never read as a pass of a check that never ran (by default all but redaction).
    The API's `not_run_reason` names the setting for whoever runs the server; `for_lawyers`, the wording of the
    files a lawyer reads (the CLI's table, the HTML report, the Word review copy), says who can turn them on."""
    kinds = set(DEFAULT_KINDS if configured is None else configured)
    off = [k for k in PROOFING_KINDS if k not in kinds]
    if not off:
        return [], None
    if for_lawyers:
        if configured is None:
            return off, ("these drafting checks are off by default, because on the filed contracts they were "
                         "measured on they raise too many false alarms; your firm's administrator can turn them on")
        return off, "your firm's administrator has turned these drafting checks off, and can turn them on"
    if configured is None:
        return off, ("off by default: on SEC filings such as CUAD's they raise too many false alarms; "
                     "LEXRISK_PROOFING_KINDS turns them on (docs/proofing.md)")
    return off, "turned off by this server's LEXRISK_PROOFING_KINDS"


def proofread(document: Document, kinds: Collection[str] | None = None) -> list[ProofingItem]:
    """Every proofing item of the enabled `kinds` (default DEFAULT_KINDS), in reading order."""
    wanted = set(DEFAULT_KINDS if kinds is None else kinds)
    text = document.text
    items: list[ProofingItem] = []
    # where attached instruments start, read once for the two checks that read each part apart (not for
    # redactions alone, the default)
    parts = part_starts(text) if wanted & {"placeholder", "duplicate_definition"} else []
    if wanted & {"placeholder", "redaction"}:
        items += placeholder_items(document, parts)
    clauses = segment_clauses(text) if wanted & {"missing_reference", "numbering"} else []
    heads = headings(text, clauses)
    inline = inline_numbers(text) if wanted & {"missing_reference", "numbering"} else {}
    if "missing_reference" in wanted:
        items += reference_items(document, known_numbers(heads, inline))
    if "numbering" in wanted:
        items += numbering_items(document, heads, inline)
    if wanted & {"undefined_term", "unused_definition", "duplicate_definition", "party_name"}:
        items += _term_items(document, wanted, parts)
    return sorted((i for i in items if i.kind in wanted), key=lambda i: (i.start, i.kind))


def _term_items(document: Document, wanted: set[str], parts: list[int]) -> list[ProofingItem]:
    text = document.text
    tokens = tokenize(text)
    words = lowered_words(tokens)
    definitions = find_definitions(text)
    parties = find_parties(text, definitions)
    items: list[ProofingItem] = []
    if "duplicate_definition" in wanted:
        items += duplicate_items(document, definitions, parts, {p.short: {w.lower() for w in p.full} for p in parties})
    defined = {term_words(d.term) for d in definitions} | list_definitions(text, tokens)
    if "unused_definition" in wanted:
        strict = {term_words(d.term) for d in definitions if d.strict}
        uses = count_uses(tokens, strict, skip={d.start for d in definitions}, words=words)
        items += unused_items(document, definitions, uses)
    if "undefined_term" in wanted:
        items += undefined_items(document, tokens, defined | loose_terms(text), {p.full for p in parties}, words)
    if "party_name" in wanted:
        vocabulary = {t.text for t in tokens if t.text[:1].islower()} | {w for term in defined for w in term}
        vocabulary |= {w.capitalize() for w in vocabulary}
        items += party_items(document, tokens, parties, vocabulary)
    return items
