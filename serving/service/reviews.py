"""A lawyer's review of a finding (accept, reject, edit), stored as the tenant's label in the same
transaction: that is how reviews become training data, once the tenant opts in."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Session, select

from annotation.store import StoreConflict, StoreError
from annotation.store.repository import contract_document
from contracts.findings import Finding
from contracts.playbook import Severity
from contracts.taxonomy import UnknownCategoryError, canonical
from serving import review_labels
from serving.errors import Conflict, InvalidInput, NotFound
from serving.models import FindingRow, Job, ReviewStatus, Tenant, utcnow
from serving.records import record_of
from serving.service.retry import once_more_on_conflict

ReviewAction = Literal["accept", "reject", "edit"]
REVIEWED: dict[ReviewAction, ReviewStatus] = {"accept": "accepted", "reject": "rejected", "edit": "edited"}


def review(session: Session, *, tenant: Tenant, finding_id: str, action: ReviewAction, severity: Severity | None = None,
           category: str | None = None, comment: str | None = None, reviewer: str | None = None) -> FindingRow:
    """Apply the review and store it as the tenant's label, in one transaction. Two reviews of a file new
    to the label store can race to store its contract; the loser's transaction is rolled back and run once
    more, when it finds the contract the winner stored."""
    return once_more_on_conflict(session, f"the review of finding {finding_id}", lambda: _review(
        session, tenant=tenant, finding_id=finding_id, action=action, severity=severity, category=category,
        comment=comment, reviewer=reviewer))


def _review(session: Session, *, tenant: Tenant, finding_id: str, action: ReviewAction, severity: Severity | None,
            category: str | None, comment: str | None, reviewer: str | None) -> FindingRow:
    finding = session.exec(select(FindingRow).where(FindingRow.id == finding_id,
                                                    FindingRow.tenant_id == tenant.id)).first()
    if finding is None:
        raise NotFound(f"no finding {finding_id}")
    if action == "edit" and not (severity or category):
        raise InvalidInput("an edit changes severity or category; give one", code="empty_edit")
    if action != "edit" and (severity or category):
        raise InvalidInput("severity and category can only be changed with action 'edit'", code="invalid_review")
    previous = Finding.model_validate(finding, from_attributes=True) if action == "edit" else None
    if finding.original_category is None:
        finding.original_category, finding.original_severity = finding.category, finding.severity
    if category:
        try:
            category = canonical(category)
        except UnknownCategoryError as exc:
            raise InvalidInput(str(exc), code="unknown_category") from None
    if action == "edit" and (category or finding.category) == finding.category \
            and (severity or finding.severity) == finding.severity:
        raise InvalidInput(f"the edit changes nothing: the finding is already {finding.severity}, "
                           f"{finding.category}", code="empty_edit")
    if category:
        finding.category = category
    if severity:
        finding.severity = severity
    finding.review = REVIEWED[action]
    finding.review_comment, finding.reviewed_at = comment, utcnow()
    record = record_of(session, finding.contract_id)
    job = session.get(Job, finding.job_id)
    assert record is not None and job is not None
    try:
        finding.annotation_id = review_labels.record(
            session, tenant.name, contract_document(record), record.source_bytes, finding,
            analyzer=job.analyzer, reviewer=reviewer or f"tenant:{tenant.name}", previous=previous)
    except StoreConflict as exc:
        raise Conflict(f"the review cannot be stored as a label: {exc}", code="label_conflict") from None
    except StoreError as exc:
        raise InvalidInput(f"the review cannot be stored as a label: {exc}", code="invalid_label") from None
    session.add(finding)
    session.commit()
    session.refresh(finding)
    return finding
