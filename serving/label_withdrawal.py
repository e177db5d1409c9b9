"""An annotator takes back a label or a rejection (`DELETE /v1/labels/{id}`): a mistyped key must not stay a
vote that agreement counts and adjudication has to settle.

Two kinds of label can be withdrawn, each while no adjudicator has decided on it, and only by whom it names:
- a label saved in the app, by its annotator: it is deleted (annotation.store.repository.delete_undecided says
  why that keeps the history whole);
- a reviewer's decision on a finding (a rejection on the Annotate or the Review page, or an acceptance), by that
  reviewer: a withdrawal event is recorded, the label is pending again and the finding unreviewed, so that the
  suggestion is offered again. An edit, or a decision that replaced another, is changed by deciding again.
Labels imported on the command line (Label Studio, CUAD), an adjudicator's merged label and a key-term
correction are not withdrawn here.

The API key is the firm's, not the person's, so "whom it names" is the name the client sends: the check keeps a
slip (an app showing someone else's label, a script with the wrong name) from taking back a colleague's vote;
it does not stand between colleagues who share the key."""

from __future__ import annotations

from sqlmodel import Session, col, select

from annotation.store import get_or_create_annotator
from annotation.store.models import Annotation, Annotator
from annotation.store.repository import StoreConflict, delete_undecided, owned, standing_decision, withdraw_decision
from serving.errors import Conflict, NotFound, NotYours
from serving.models import FindingRow, Tenant


def withdraw(session: Session, *, tenant: Tenant, label_id: int, annotator: str) -> None:
    """Withdraw `tenant`'s label `label_id` on behalf of `annotator`; committed here. NotFound for another
    tenant's label, NotYours for another person's, Conflict for one that is decided or not withdrawable."""
    label = owned(session, Annotation, tenant.name, id=label_id)
    if label is None:
        raise NotFound(f"no label {label_id}")
    name = annotator.strip()
    findings = session.exec(select(FindingRow).where(FindingRow.tenant_id == tenant.id,
                                                     FindingRow.annotation_id == label_id)).all()
    try:
        if label.source == "app":
            _check_whose(session, label_id, label.annotator_id, name, what="label")
            if not delete_undecided(session, label):  # a request at the same time withdrew it first
                session.rollback()
                raise NotFound(f"no label {label_id}: it was withdrawn meanwhile")
        elif label.source == "api" and findings:
            if any(f.review == "edited" for f in findings):
                raise Conflict(f"label #{label_id} is an edit of a finding; edit the finding again to change it",
                               code="label_not_withdrawable")
            decision = standing_decision(session, label)
            if decision is None:
                raise Conflict(f"label #{label_id} has no decision to withdraw: the finding is not reviewed",
                               code="label_not_withdrawable")
            _check_whose(session, label_id, decision.reviewer_id, name, what="decision on label")
            withdraw_decision(session, label, get_or_create_annotator(session, name))
            for finding in findings:
                finding.review = finding.review_comment = finding.reviewed_at = None
                finding.original_category = finding.original_severity = None
                session.add(finding)
        else:
            raise Conflict(f"label #{label_id} came from {label.source}, not from the app or a review of a finding: "
                           "only those can be withdrawn", code="label_not_withdrawable")
    except StoreConflict as exc:
        session.rollback()
        raise Conflict(str(exc), code="label_decided") from None
    except (Conflict, NotYours):
        session.rollback()
        raise
    session.commit()


def _check_whose(session: Session, label_id: int, owner_id: int, name: str, *, what: str) -> None:
    owner = session.exec(select(Annotator.name).where(col(Annotator.id) == owner_id)).one()
    if owner != name:
        raise NotYours(f"the {what} #{label_id} is {owner}'s, not {name}'s: only they can withdraw it")
