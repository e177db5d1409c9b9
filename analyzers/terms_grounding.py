"""A model's key-terms answer (contracts.terms_prompt) as KeyTerms, grounded as findings are.

Each quote is found in the document (`contracts.grounding.locate`: exact, normalised, then fuzzy); a quote
that is not there gives a null term, never a guess. A value is kept only where it reads as what the field
holds (an ISO 8601 date that exists, `perpetual`, an ISO 8601 period, a jurisdiction the register knows);
otherwise the term keeps its quote with `value = None`, as the rule readers do with 31 February. What a
model is not asked for is computed: the notice deadline (expiration minus notice) and the country."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from contracts.deadlines import parse_iso
from contracts.documents import Document
from contracts.grounding import Located, locate, normalize_for_match
from contracts.key_terms import (
    DateTerm,
    ExpirationTerm,
    GoverningLawTerm,
    KeyTerms,
    NoticePeriodTerm,
    Party,
    RenewalTerm,
    TextTerm,
)
from contracts.terms.durations import from_iso
from contracts.terms.governing_law import resolve
from contracts.terms.term import shift

# A language model states no calibrated confidence; its terms carry this one.
MODEL_CONFIDENCE = 1.0


def iso_date(value: str | None) -> str | None:
    """`value` where it is an ISO 8601 date (reduced precision allowed) that exists, else None."""
    value = value.strip() if value is not None else None
    return value if parse_iso(value) is not None else None


def iso_period(value: str | None) -> str | None:
    """`value` where it is an ISO 8601 period of years, months, weeks or days ("P30D"), else None."""
    return value.strip() if value and from_iso(value.strip()) else None


class _Grounder:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.normalized = normalize_for_match(document.text)

    def place(self, quote: str) -> Located | None:
        return locate(quote, self.document.text, normalized_text=self.normalized)

    def grounded(self, item: Any) -> dict[str, Any] | None:
        where = self.place(item.quote)
        if where is None:
            return None
        return {"quote": self.document.text[where.start:where.end], "start": where.start, "end": where.end,
                "page": self.document.page_of(where.start), "confidence": MODEL_CONFIDENCE}


def ground_terms(document: Document, answer: BaseModel) -> KeyTerms:
    """KeyTerms from a validated `contracts.terms_prompt.TermsAnswer`: every term grounded or null."""
    g = _Grounder(document)
    a: Any = answer
    terms = KeyTerms()
    if a.document_name and (at := g.grounded(a.document_name)):
        terms.document_name = TextTerm(value=" ".join((a.document_name.value or "").split()) or None, **at)
    for party in a.parties:
        if (at := g.grounded(party)) and party.name.strip():
            terms.parties.append(Party(name=" ".join(party.name.split()), short_name=party.short_name or None,
                                       role=party.role.lower() if party.role else None,
                                       **{k: at[k] for k in ("quote", "start", "end", "page")}))
    for field in ("agreement_date", "effective_date"):
        item = getattr(a, field)
        if item and (at := g.grounded(item)):
            setattr(terms, field, DateTerm(value=iso_date(item.value), **at))
    if a.expiration_date and (at := g.grounded(a.expiration_date)):
        value = a.expiration_date.value
        terms.expiration_date = ExpirationTerm(value="perpetual" if value == "perpetual" else iso_date(value), **at)
    if a.renewal_term and (at := g.grounded(a.renewal_term)):
        terms.renewal_term = RenewalTerm(value=iso_period(a.renewal_term.value), automatic=a.renewal_term.automatic,
                                         **at)
    if a.notice_period_to_terminate_renewal and (at := g.grounded(a.notice_period_to_terminate_renewal)):
        value = iso_period(a.notice_period_to_terminate_renewal.value)
        ends = terms.expiration_date.value if terms.expiration_date else None
        period = from_iso(value) if value else None
        terms.notice_period_to_terminate_renewal = NoticePeriodTerm(
            value=value, deadline=shift(ends, period, -1) if period else None, **at)
    if a.governing_law and (at := g.grounded(a.governing_law)):
        known = resolve(a.governing_law.value or "")
        terms.governing_law = GoverningLawTerm(value=known[0].name if known else None,
                                               country=known[0].country if known else None, **at)
    return terms
