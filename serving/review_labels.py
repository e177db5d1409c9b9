"""Reviews become training data: each decision on a finding is stored as a lawyer's label in the
annotation store, in the same transaction as the review itself.

accept / reject -> the finding becomes an annotation proposed by the analyzer, and the decision is
the lawyer's review event on it. edit -> the edited finding is accepted as the lawyer's label; when the
category changed, the original finding is also recorded as rejected (it was the wrong category).

The labels belong to the reviewing tenant (the store's tenant of the same name): the contract's text
and source bytes are stored as that tenant's, never shared with another tenant who uploaded the same
file, and they become training data only if the tenant opts in (`lexrisk tenants set`)."""

from __future__ import annotations

from sqlmodel import Session

from annotation.store import get_or_create_contract, record_review
from contracts.documents import Document
from contracts.findings import Finding
from serving.models import FindingRow


def record(session: Session, tenant: str, document: Document, data: bytes | None, finding: FindingRow, *,
           analyzer: str, reviewer: str, previous: Finding | None) -> int:
    """Write `tenant`'s label(s) for the review just applied to `finding`; returns the annotation id of
    the decision. `previous` is the finding as it was before an edit."""
    contract = get_or_create_contract(session, tenant, document, source_bytes=data)
    current = Finding.model_validate(finding, from_attributes=True)
    proposed_by = f"model:{analyzer}"
    comment = finding.review_comment
    if finding.review == "edited":
        assert previous is not None
        if previous.category != current.category:
            record_review(session, tenant, previous, "rejected", reviewer, comment, contract=contract,
                          proposed_by=proposed_by)
        note = f"edited: {previous.category}/{previous.severity} -> {current.category}/{current.severity}"
        event = record_review(session, tenant, current, "accepted", reviewer, f"{note}; {comment}" if comment else note,
                              contract=contract, proposed_by=proposed_by, origin="suggested_edited")
        return event.annotation_id
    decision = "accepted" if finding.review == "accepted" else "rejected"
    if finding.annotation_id is not None and previous is None:
        event = record_review(session, tenant, finding.annotation_id, decision, reviewer, comment)
    else:
        event = record_review(session, tenant, current, decision, reviewer, comment, contract=contract,
                              proposed_by=proposed_by)
    return event.annotation_id
