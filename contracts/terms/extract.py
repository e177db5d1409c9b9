"""`extract_terms(document) -> KeyTerms`: the contract's key terms read by rules and two small linear models (which
sentence states the term, which names are parties where the preamble rules find fewer than two), each grounded
in the text.

Every reader is independent: one that finds nothing (or words it cannot read as a value) leaves its
field null and the others go on, so a contract whose dates cannot be read still gets its parties and
its governing law. Quotes are cut from `document.text` at the offsets the readers return, so
`quote == document.text[start:end]` holds by construction."""

from __future__ import annotations

from contracts.documents import Document
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
from contracts.terms.dates import DateHit
from contracts.terms.governing_law import find_governing_law
from contracts.terms.parties import ROLES, find_parties, name_of
from contracts.terms.party_ranker import FILLED_CONFIDENCE, filled
from contracts.terms.sentences import lowered, sentence_around
from contracts.terms.term import agreement_date, effective_date, expiration, notice_in, renewal, shift
from contracts.terms.title import find_title

PARTY_CONFIDENCE = 0.85  # a name the preamble rules read: as sure as their dates


def _grounded(document: Document, start: int, end: int, confidence: float) -> dict[str, object]:
    return {"quote": document.text[start:end], "start": start, "end": end, "page": document.page_of(start),
            "confidence": round(confidence, 2)}


def _date_term(document: Document, hit: DateHit | None, confidence: float, rule: str | None = None) -> DateTerm | None:
    if hit is None:
        return None
    return DateTerm(value=hit.value, rule=rule, **_grounded(document, hit.start, hit.end,
                                                            confidence if hit.value else 0.5))


def extract_terms(document: Document) -> KeyTerms:
    """The key terms of `document`; a field the contract does not state is None (parties: empty)."""
    text = document.text
    low = lowered(text)
    terms = KeyTerms()

    title = find_title(text)
    if title is not None:
        terms.document_name = TextTerm(value=" ".join(text[title.start:title.end].split()),
                                       **_grounded(document, title.start, title.end, title.confidence))

    named = find_parties(text)
    for hit in filled(text, named):
        name = name_of(text, hit)
        role = hit.short_name.lower() if hit.short_name and hit.short_name.lower() in ROLES else None
        terms.parties.append(Party(name=name, short_name=hit.short_name, role=role, quote=text[hit.start:hit.end],
                                   start=hit.start, end=hit.end, page=document.page_of(hit.start),
                                   confidence=PARTY_CONFIDENCE if hit in named else FILLED_CONFIDENCE))

    agreed = agreement_date(low)
    terms.agreement_date = _date_term(document, agreed, 0.85)
    effective = effective_date(low)
    if effective is not None:
        terms.effective_date = _date_term(document, effective, 0.85)
    elif agreed is not None:
        terms.effective_date = _date_term(document, agreed, 0.6, rule="the agreement date")
    ends = expiration(low, _value(terms.effective_date), _value(terms.agreement_date))
    if ends is not None:
        terms.expiration_date = ExpirationTerm(value=ends.value, rule=ends.rule,
                                               **_grounded(document, ends.start, ends.end, ends.confidence))

    renews, notice = renewal(low, ends.period if ends else None)
    if notice is None and ends is not None and (renews is not None or ends.value == "perpetual"):
        # "shall continue ... until terminated by either party upon thirty (30) days' notice"
        notice = notice_in(low, *sentence_around(low, ends.start, ends.end))
    if renews is not None:
        terms.renewal_term = RenewalTerm(value=renews.value, automatic=renews.automatic,
                                         **_grounded(document, renews.start, renews.end, renews.confidence))
    if notice is not None and notice.period is not None:
        deadline = shift(_value(terms.expiration_date), notice.period, -1)
        terms.notice_period_to_terminate_renewal = NoticePeriodTerm(
            value=notice.value, deadline=deadline, **_grounded(document, notice.start, notice.end, notice.confidence))

    law = find_governing_law(low)
    if law is not None and law.jurisdiction is not None:
        terms.governing_law = GoverningLawTerm(value=law.jurisdiction.name, country=law.jurisdiction.country,
                                               **_grounded(document, law.start, law.end, law.confidence))
    return terms


def _value(term: DateTerm | None) -> str | None:
    return term.value if term is not None else None
