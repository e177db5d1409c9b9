"""Repository functions: every write to the store goes through here, inside the caller's session,
so that an importer can make many writes and have them commit (or roll back) together.

Every read of a tenant's rows goes through `owned` (one row) or `of_tenant` (a query), as every query
of the service filters on its tenant: a row of another tenant is simply not there."""

from __future__ import annotations

import hashlib
import shlex
from typing import Any, TypeVar, cast, get_args

from sqlalchemy import delete, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from annotation.store.models import (
    DECISIONS,
    LABEL_ORIGINS,
    Annotation,
    Annotator,
    Assignment,
    Contract,
    ReviewEvent,
    Tenant,
)
from contracts.documents import Document, PageSpan
from contracts.findings import Finding
from contracts.playbook import Severity
from contracts.taxonomy import UnknownCategoryError, canonical

SEVERITIES: tuple[str, ...] = get_args(Severity)
WITHDRAWAL = "withdrawal"  # the kind of the event that takes a review decision back (withdraw_decision)
Owned = TypeVar("Owned", Contract, Annotation, ReviewEvent, Assignment)


class StoreError(ValueError):
    """A write the store refuses: the message says which value is wrong and why."""


def row_id(row: Contract | Annotation | Annotator | ReviewEvent) -> int:
    """The primary key of a row the database has assigned one (after a flush): the tables declare
    `id: int | None` because a new row has none yet, and a foreign key must not be given that None."""
    if row.id is None:
        raise StoreError(f"{type(row).__name__} has no id yet (add it to the session and flush first)")
    return row.id


class StoreConflict(StoreError):
    """The write contradicts what the store already holds (e.g. the same file with another text
    extraction): retrying the same request cannot succeed."""


def of_tenant(model: type[Owned], tenant: str) -> SelectOfScalar[Owned]:
    """`select(model)` limited to `tenant`'s rows: the start of every tenant-scoped query."""
    return select(model).where(col(model.tenant) == tenant)


def owned(session: Session, model: type[Owned], tenant: str, **where: Any) -> Owned | None:
    """The row of `model` that belongs to `tenant` and matches `where` (column=value), or None: another
    tenant's row is indistinguishable from a missing one."""
    query = of_tenant(model, tenant)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.exec(query).first()


def tenant_named(session: Session, name: str) -> Tenant | None:
    return session.exec(select(Tenant).where(Tenant.name == name)).first()


def get_or_create_tenant(session: Session, name: str) -> Tenant:
    """The store's tenant `name`, created (not sharing its labels) on first sight."""
    name = name.strip()
    if not name:
        raise StoreError("tenant name is empty")
    if len(name) > 200:
        raise StoreError(f"tenant name {name[:40]!r}... is longer than 200 characters")
    tenant = tenant_named(session, name)
    if tenant is None:
        tenant = Tenant(name=name)
        session.add(tenant)
        session.flush()
    return tenant


def set_share_labels(session: Session, name: str, share: bool) -> Tenant:
    """Opt the tenant's labels in to (or out of) training sets built from now on."""
    tenant = get_or_create_tenant(session, name)
    tenant.share_labels = share
    session.add(tenant)
    session.flush()
    return tenant


def sharing_tenants(session: Session) -> list[str]:
    return list(session.exec(select(Tenant.name).where(col(Tenant.share_labels).is_(True))
                             .order_by(col(Tenant.name))).all())


def get_or_create_annotator(session: Session, name: str, kind: str = "person") -> Annotator:
    name = name.strip()
    if not name:
        raise StoreError("annotator name is empty")
    annotator = session.exec(select(Annotator).where(Annotator.name == name)).first()
    if annotator is None:
        annotator = Annotator(name=name, kind=kind)
        session.add(annotator)
        session.flush()
    return annotator


def get_or_create_contract(session: Session, tenant: str, document: Document,
                           source_bytes: bytes | None = None) -> Contract:
    """`tenant`'s contract whose source hash is `document.sha256`, stored on first sight with its text,
    page map and (when given) the source file itself; the same file imported twice by one tenant is
    one contract, by two tenants two."""
    contract = owned(session, Contract, tenant, sha256=document.sha256)
    if contract is not None:
        if contract.text != document.text:
            raise StoreConflict(f"{document.name}: already stored with a different text extraction "
                                f"(sha256 {document.sha256[:12]}); offsets would not agree. `lexrisk annotate "
                                f"reextract --tenant {shlex.quote(tenant)} FILE` moves its labels onto the current text")
        if contract.source_bytes is None and source_bytes is not None:
            if hashlib.sha256(source_bytes).hexdigest() != document.sha256:
                raise StoreError(f"{document.name}: source bytes do not hash to the document's sha256")
            contract.source_bytes, contract.size_bytes = source_bytes, len(source_bytes)
            session.add(contract)
        return contract
    if source_bytes is not None and hashlib.sha256(source_bytes).hexdigest() != document.sha256:
        raise StoreError(f"{document.name}: source bytes do not hash to the document's sha256")
    get_or_create_tenant(session, tenant)
    contract = Contract(tenant=tenant, sha256=document.sha256, name=document.name, source_type=document.source_type,
                        text=document.text, pages=[p.model_dump() for p in document.pages],
                        source_bytes=source_bytes, document_metadata=dict(document.metadata),
                        size_bytes=len(source_bytes) if source_bytes is not None else None,
                        page_count=len(document.pages), chars=len(document.text))
    session.add(contract)
    session.flush()  # a concurrent writer's row for the same file raises IntegrityError: the caller retries
    return contract


def contract_document(contract: Contract) -> Document:
    return Document(name=contract.name, sha256=contract.sha256, source_type=contract.source_type,
                    text=contract.text, pages=[PageSpan(**p) for p in contract.pages],
                    metadata=contract.document_metadata)


def span_text(text: str, start: int, end: int, *, where: str = "") -> str:
    """`text[start:end]`, after checking that the span is one a label can have: the one check of a label's
    offsets, shared by every way a label comes in (API, CLI, Label Studio import), so that each says the same
    about the same span (the importer's own copy called an empty span 'outside the text'). `where` prefixes
    the message."""
    if end <= start:
        raise StoreError(f"{where}the span {start}..{end} is {'empty' if end == start else 'reversed'}: "
                         "its end must come after its start")
    if not 0 <= start < end <= len(text):
        raise StoreError(f"{where}offsets {start}..{end} are outside the text (0..{len(text)})")
    return text[start:end]


def add_annotation(session: Session, contract: Contract, annotator: Annotator | str, *, category: str,
                   severity: str, start: int, end: int, quote: str | None = None, explanation: str | None = None,
                   source: str, source_ref: str | None = None, status: str = "pending",
                   group_key: str | None = None, supersedes_id: int | None = None,
                   origin: str = "manual") -> Annotation:
    """Add one labelled span, owned by the contract's tenant, after checking it against the contract
    text: known category and severity, offsets inside the text, and (when a quote is given) the quote
    exactly at the offsets."""
    where = f"{source_ref}: " if source_ref else ""
    try:
        category = canonical(category)
    except UnknownCategoryError as exc:
        raise StoreError(f"{where}{exc}") from None
    if severity not in SEVERITIES:
        raise StoreError(f"{where}unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")
    if origin not in LABEL_ORIGINS:
        raise StoreError(f"{where}unknown origin {origin!r}; use one of {', '.join(LABEL_ORIGINS)}")
    actual = span_text(contract.text, start, end, where=where)
    if quote is not None and quote != actual:
        raise StoreError(f"{where}the text at {start}..{end} is {_short(actual)!r}, not {_short(quote)!r}")
    if isinstance(annotator, str):
        annotator = get_or_create_annotator(session, annotator)
    annotation = Annotation(tenant=contract.tenant, contract_id=row_id(contract), annotator_id=row_id(annotator),
                            category=category, severity=cast(Severity, severity), start=start, end=end, quote=actual,
                            explanation=explanation,
                            status=status, source=source, source_ref=source_ref, group_key=group_key,
                            supersedes_id=supersedes_id, origin=origin)
    session.add(annotation)
    session.flush()
    return annotation


def lock_contract(session: Session, contract: Contract) -> None:
    """Hold `contract`'s row until the caller's transaction ends, so that two writers of the same label on it
    run one after the other and the second finds the first's (`same_label`). A no-op UPDATE, not SELECT ... FOR
    UPDATE: SQLite ignores the latter, while an UPDATE takes its one write lock before the lookup reads."""
    session.execute(update(Contract).where(col(Contract.id) == row_id(contract)).values(id=Contract.id))


def same_label(session: Session, contract: Contract, annotator: Annotator, *, category: str, severity: str,
               start: int, end: int, source: str) -> Annotation | None:
    """`annotator`'s label from `source` on `contract` with this category, severity and span, if one is stored:
    what a retried or doubled request gets back instead of a second label, which would read as the annotator
    marking the place twice. None for an unknown category too (add_annotation says what is wrong with it)."""
    try:
        category = canonical(category)
    except UnknownCategoryError:
        return None
    return session.exec(of_tenant(Annotation, contract.tenant).where(
        Annotation.contract_id == row_id(contract), Annotation.annotator_id == row_id(annotator),
        Annotation.source == source, Annotation.category == category, Annotation.severity == severity,
        Annotation.start == start, Annotation.end == end).order_by(col(Annotation.id))).first()


def delete_undecided(session: Session, annotation: Annotation) -> bool:
    """Delete a label nobody has decided on, which its annotator withdraws; False when a transaction at the same
    time deleted it first. Deleting keeps the history whole: no review event, training set (only accepted labels
    go into one) or later label refers to such a label, and a label kept with a status of its own would have to
    be left out by every reader of the votes. A decided label stays, as the record of the decision:
    StoreConflict."""
    if annotation.status != "pending" or session.exec(
            select(ReviewEvent.id).where(ReviewEvent.annotation_id == row_id(annotation))).first() is not None:
        raise StoreConflict(f"label #{annotation.id} was adjudicated ({annotation.status}) and stays as the record "
                            "of that decision; only a label not yet adjudicated can be withdrawn")
    if session.exec(select(Annotation.id).where(Annotation.supersedes_id == annotation.id)).first() is not None:
        raise StoreConflict(f"label #{annotation.id} is replaced by a later label, which refers to it")
    gone = cast(CursorResult[Any], session.execute(delete(Annotation).where(col(Annotation.id) == row_id(annotation))))
    session.expunge(annotation)
    return gone.rowcount > 0


def standing_decision(session: Session, annotation: Annotation) -> ReviewEvent | None:
    """The review decision the label's status comes from, or None when none stands (never reviewed, or the
    last decision was withdrawn)."""
    last = session.exec(select(ReviewEvent).where(ReviewEvent.annotation_id == row_id(annotation))
                        .order_by(col(ReviewEvent.id).desc())).first()
    return last if last is not None and last.kind != WITHDRAWAL else None


def withdraw_decision(session: Session, annotation: Annotation, by: Annotator) -> ReviewEvent:
    """Take back the review decision that stands on a label, as a new event (kind `withdrawal`, recorded like
    every other): the label is pending again, as before the decision, and so out of training sets. Only a
    reviewer's first decision on the label can be taken back this way, and none once adjudicated: a decision
    that replaced another is changed by deciding again (StoreConflict says so)."""
    decision = standing_decision(session, annotation)
    if decision is None:
        raise StoreConflict(f"label #{annotation.id} has no decision to withdraw")
    if session.exec(select(ReviewEvent.id).where(ReviewEvent.annotation_id == row_id(annotation),
                                                 ReviewEvent.kind == "adjudication")).first() is not None:
        raise StoreConflict(f"label #{annotation.id} was adjudicated ({annotation.status}) and stays as the record "
                            "of that decision; only a label not yet adjudicated can be withdrawn")
    if decision.kind != "review":
        raise StoreConflict(f"label #{annotation.id} was {annotation.status} by {decision.kind}, not by a review; "
                            "only a review can be withdrawn")
    if decision.previous_status != "pending":
        raise StoreConflict(f"the decision on label #{annotation.id} ({decision.decision}) replaced an earlier one "
                            f"({decision.previous_status}): decide again instead of withdrawing it")
    event = ReviewEvent(tenant=annotation.tenant, annotation_id=row_id(annotation), reviewer_id=row_id(by),
                        kind=WITHDRAWAL, decision="withdrawn", previous_status=annotation.status,
                        comment=f"withdrew the {decision.decision} decision of event #{decision.id}")
    annotation.status = "pending"
    session.add(annotation)
    session.add(event)
    session.flush()
    return event


def record_review(session: Session, tenant: str, target: int | Finding, decision: str, reviewer: str,
                  comment: str | None = None, *, contract: Contract | None = None,
                  proposed_by: str = "model", kind: str = "review",
                  origin: str = "suggested_accepted") -> ReviewEvent:
    """Record `reviewer`'s decision on one of `tenant`'s annotations (by id) or on an analyzer's finding.

    A finding is first stored as a pending annotation by `proposed_by` on `contract`, so that a
    lawyer accepting or rejecting API output produces training data; its `origin` says whether the
    lawyer took the model's suggestion as it was or edited it. The decision is a new event row; the
    annotation's status becomes the decision."""
    if decision not in DECISIONS:
        raise StoreError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    if isinstance(target, Finding):
        if contract is None or contract.tenant != tenant:
            raise StoreError("reviewing a finding needs the tenant's contract it was found in")
        annotation = add_annotation(session, contract, get_or_create_annotator(session, proposed_by, "model"),
                                    category=target.category, severity=target.severity, start=target.start,
                                    end=target.end, quote=target.quote, explanation=target.explanation,
                                    source="api", origin=origin)
    else:
        found = owned(session, Annotation, tenant, id=target)
        if found is None:
            raise StoreError(f"no annotation with id {target}")
        annotation = found
    reviewer_row = get_or_create_annotator(session, reviewer)
    event = ReviewEvent(tenant=tenant, annotation_id=row_id(annotation), reviewer_id=row_id(reviewer_row), kind=kind,
                        decision=decision, previous_status=annotation.status, comment=comment)
    annotation.status = decision
    session.add(annotation)
    session.add(event)
    session.flush()
    return event


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
