"""Key terms as the service keeps them: one row per contract, written by the job that read them and
corrected by lawyers field by field. A field a lawyer corrected (`source: lawyer`) outlives the next
analysis of the contract; a correction that says where the contract states the value is also stored as
the tenant's label in the annotation store (CUAD's category for the field, the span, and the value as the
label's explanation), in the same transaction, as reviews of findings are (serving/review_labels.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from annotation.store import get_or_create_contract, record_review
from contracts.deadlines import full_day, last_day, notice_deadline, parse_iso
from contracts.documents import Document
from contracts.findings import Finding
from contracts.key_terms import (
    TERM_FIELDS,
    DateTerm,
    ExpirationTerm,
    GoverningLawTerm,
    Grounded,
    KeyTerms,
    NoticePeriodTerm,
    Party,
    RenewalTerm,
    TextTerm,
)
from contracts.playbook import Playbook
from contracts.terms.durations import from_iso
from contracts.terms.governing_law import resolve
from contracts.wire import TermCorrection
from serving.errors import InvalidInput
from serving.models import ContractTermsRow, utcnow

# CUAD's category for each field: the label a correction becomes
CATEGORY = {"document_name": "Document Name", "parties": "Parties", "agreement_date": "Agreement Date",
            "effective_date": "Effective Date", "expiration_date": "Expiration Date", "renewal_term": "Renewal Term",
            "notice_period_to_terminate_renewal": "Notice Period to Terminate Renewal", "governing_law": "Governing Law"}
ValuedTerm = TextTerm | DateTerm | RenewalTerm | NoticePeriodTerm | GoverningLawTerm  # every field but parties
TERM_TYPES: dict[str, type[ValuedTerm]] = {
    "document_name": TextTerm, "agreement_date": DateTerm, "effective_date": DateTerm,
    "expiration_date": ExpirationTerm, "renewal_term": RenewalTerm,
    "notice_period_to_terminate_renewal": NoticePeriodTerm, "governing_law": GoverningLawTerm}
_DATES = ("agreement_date", "effective_date", "expiration_date")
# a lawyer's value given without the words that state it: no quote, an empty span (no label is made of it)
UNGROUNDED: dict[str, Any] = {"quote": "", "start": 0, "end": 0, "page": 1}
_PERIODS = ("renewal_term", "notice_period_to_terminate_renewal")


def columns(terms: KeyTerms) -> dict[str, Any]:
    """The row's filter columns, derived from the terms (never set apart from them)."""
    expiration = terms.expiration_date.value if terms.expiration_date else None
    notice = terms.notice_period_to_terminate_renewal
    law = terms.governing_law.value if terms.governing_law else None
    names = [n for p in terms.parties for n in (p.name, p.short_name) if n]
    expires = last_day(expiration)
    return {"expires_on": expires.isoformat() if expires else None,
            "notice_deadline": notice.deadline if notice and full_day(notice.deadline) else None,
            "governing_law": law.strip().lower() if law else None,
            "parties": "\n".join(n.strip().lower() for n in names)}


def keep_lawyers(old: KeyTerms, new: KeyTerms) -> KeyTerms:
    """`new` with every field a lawyer corrected in `old` kept as the lawyer left it."""
    kept: dict[str, Any] = {}
    for name in TERM_FIELDS:
        before = getattr(old, name)
        if name == "parties":
            if any(p.source == "lawyer" for p in before):
                kept[name] = before
        elif before is not None and before.source == "lawyer":
            kept[name] = before
    return new.model_copy(update=kept)


def store(session: Session, *, tenant_id: str, contract_id: str, job_id: str, terms: KeyTerms) -> ContractTermsRow:
    """Add the job's terms to the session's transaction (the job's findings commit with them)."""
    row = session.get(ContractTermsRow, contract_id)
    if row is None:
        row = ContractTermsRow(contract_id=contract_id, tenant_id=tenant_id, terms={})
    else:
        terms = _with_deadline(keep_lawyers(KeyTerms.model_validate(row.terms), terms))
    _write(row, terms, job_id)
    session.add(row)
    return row


def _with_deadline(terms: KeyTerms) -> KeyTerms:
    """The notice deadline computed again where a lawyer's value met the analyzer's (a corrected notice
    period and a newly read expiration date); an analyzer's own deadline is left as it read it."""
    notice, expiration = terms.notice_period_to_terminate_renewal, terms.expiration_date
    if notice is None or "lawyer" not in {notice.source, expiration.source if expiration else None}:
        return terms
    return terms.model_copy(update={"notice_period_to_terminate_renewal": notice.model_copy(
        update={"deadline": notice_deadline(terms) or notice.deadline})})


def _write(row: ContractTermsRow, terms: KeyTerms, job_id: str | None) -> None:
    row.terms = terms.model_dump(mode="json")
    row.job_id = job_id
    row.updated_at = utcnow()
    for name, value in columns(terms).items():
        setattr(row, name, value)


def correct(session: Session, row: ContractTermsRow | None, *, tenant_id: str, contract_id: str,
            correction: TermCorrection, document: Document, data: bytes | None, store_tenant: str, reviewer: str,
            playbook: Playbook) -> ContractTermsRow:
    """Apply a lawyer's correction to the contract's terms and record it as the tenant's label(s): the
    lawyer's span accepted (and the analyzer's, if the lawyer moved it, rejected). A value given without a
    span is kept ungrounded and becomes no label, unless it confirms the analyzer's (_grounding)."""
    if row is None:  # no analysis has read terms yet: the lawyer's are the first
        row = ContractTermsRow(contract_id=contract_id, tenant_id=tenant_id, terms={})
    terms = KeyTerms.model_validate(row.terms)
    if correction.field == "parties":
        updated, spans = _correct_parties(terms, correction, document)
        previous: ValuedTerm | None = None
    else:
        previous = getattr(terms, correction.field)
        term = _corrected_term(correction, previous, document)
        updated = terms.model_copy(update={correction.field: term})
        spans = [(term.start, term.end, f"{correction.field}: {term.value}")] if term.end > term.start else []
        if correction.field in ("expiration_date", "notice_period_to_terminate_renewal") \
                and updated.notice_period_to_terminate_renewal is not None and correction.deadline is None:
            notice = updated.notice_period_to_terminate_renewal
            updated = updated.model_copy(update={"notice_period_to_terminate_renewal": notice.model_copy(
                update={"deadline": notice_deadline(updated)})})  # null where it cannot be computed (perpetual)
    _write(row, updated, row.job_id)
    # the analyzer's span is judged only against a span the lawyer gave: a value changed without one says
    # nothing of whether those words state the term (they may be the right clause, read wrong)
    _record_labels(session, store_tenant, document, data, correction, spans, previous if _pointed(correction) else None,
                   reviewer, playbook)
    session.add(row)
    return row


def _pointed(correction: TermCorrection) -> bool:
    """Whether the lawyer said where the contract states the value (`start`/`end`, both checked by _span)."""
    return correction.start is not None or correction.end is not None


def _grounding(correction: TermCorrection, previous: Grounded | Party | None, document: Document) -> dict[str, Any]:
    """Where the corrected value is stated: the lawyer's span; without one, the analyzer's words only when
    the lawyer kept the value they were read as (a confirmation). A value the lawyer changed without a
    span is not quoted at all (UNGROUNDED): the analyzer's words say another value ("an initial term of
    three (3) years" is not 2030-06-30), and a quote beside the lawyer's value would claim they say it."""
    if _pointed(correction):
        return _span(correction.field, correction.start, correction.end, document)
    if previous is not None and correction.value is not None and correction.value == getattr(previous, "value", None):
        return {"quote": previous.quote, "start": previous.start, "end": previous.end, "page": previous.page}
    return UNGROUNDED


def _span(field: str, start: int | None, end: int | None, document: Document) -> dict[str, Any]:
    if start is None or end is None or not 0 <= start < end <= len(document.text):
        raise InvalidInput(f"{field}: start and end must both be given, with 0 <= start < end <= "
                           f"{len(document.text)} (the contract's text)", code="invalid_correction")
    return {"quote": document.text[start:end], "start": start, "end": end, "page": document.page_of(start)}


def _corrected_term(correction: TermCorrection, previous: ValuedTerm | None, document: Document) -> ValuedTerm:
    field, value = correction.field, correction.value
    if field in _DATES and value is not None and parse_iso(value) is None \
            and not (field == "expiration_date" and value == "perpetual"):
        raise InvalidInput(f"{field}: {value!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"
                           + (" or 'perpetual'" if field == "expiration_date" else ""), code="invalid_correction")
    if field in _PERIODS and value is not None and from_iso(value) is None:
        raise InvalidInput(f"{field}: {value!r} is not an ISO 8601 period (P30D, P6M, P1Y)", code="invalid_correction")
    if correction.deadline is not None and full_day(correction.deadline) is None:
        raise InvalidInput(f"deadline: {correction.deadline!r} is not an ISO 8601 date (YYYY-MM-DD)",
                           code="invalid_correction")
    kind = TERM_TYPES[field]
    extras = {name: getattr(correction, name) for name in ("automatic", "country", "deadline", "rule")
              if getattr(correction, name) is not None and name in kind.model_fields}
    base = previous.model_dump() if previous is not None else {}
    if previous is not None and value != previous.value:
        # what the analyzer derived from its own value does not hold for the lawyer's: how an end was counted
        # ("12 months after the launch"), the country of its jurisdiction (read again from the new value)
        base.pop("rule", None)
        base.pop("country", None)
    if field == "governing_law" and "country" not in extras and "country" not in base and value:
        known = resolve(value)
        extras["country"] = known[0].country if known else None
    return kind.model_validate(base | _grounding(correction, previous, document)
                               | {"value": value, "source": "lawyer", "confidence": 1.0} | extras)


def _correct_parties(terms: KeyTerms, correction: TermCorrection,
                     document: Document) -> tuple[KeyTerms, list[tuple[int, int, str]]]:
    if correction.parties is None:
        raise InvalidInput("parties: give the whole list as `parties`", code="invalid_correction")
    parties = [Party(name=p.name, short_name=p.short_name, role=p.role, source="lawyer",
                     **_span("parties", p.start, p.end, document)) for p in correction.parties]
    return (terms.model_copy(update={"parties": parties}),
            [(p.start, p.end, f"parties: {p.name}") for p in parties])


def _record_labels(session: Session, tenant: str, document: Document, data: bytes | None, correction: TermCorrection,
                   spans: list[tuple[int, int, str]], previous: ValuedTerm | None, reviewer: str,
                   playbook: Playbook) -> None:
    """Each corrected span becomes an accepted label of the field's CUAD category, its value in the
    explanation (as CUAD's `<Category>-Answer`); an analyzer's span the lawyer moved is a rejected one."""
    category = CATEGORY[correction.field]
    contract = get_or_create_contract(session, tenant, document, source_bytes=data)

    def label(start: int, end: int, note: str) -> Finding:
        quote = document.text[start:end]
        severity, _ = playbook.assess(category, quote)
        return Finding(category=category, severity=severity, quote=quote, start=start, end=end,
                       page=document.page_of(start), score=1.0, explanation=note)

    if previous is not None and previous.source == "analyzer" and previous.end > previous.start \
            and all((previous.start, previous.end) != (s, e) for s, e, _ in spans):
        record_review(session, tenant, label(previous.start, previous.end, f"{correction.field}: {previous.value}"),
                      "rejected", reviewer, correction.comment, contract=contract, proposed_by="model:terms")
    for start, end, note in spans:
        record_review(session, tenant, label(start, end, note), "accepted", reviewer, correction.comment,
                      contract=contract, proposed_by="model:terms")
