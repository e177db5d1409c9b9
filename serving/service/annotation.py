"""The annotators' workspace behind the API: who is assigned which contract and how far they are (the
queue, ordered newest first or by the model's uncertainty), how often the model's suggestions are kept,
where two annotators disagree, the adjudicator's decision, and the guidelines beside the category picker.

The service's contracts (API ids) and the label store's (tenant + file hash) are joined on the file hash,
within one tenant: a tenant's queue, labels and disagreements are its own, as everywhere else."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Literal

from sqlmodel import Session, col, select

from annotation import adjudication
from annotation.store import get_or_create_annotator, get_or_create_contract
from annotation.store.models import ASSIGNMENT_STATUSES, Annotation, Annotator, Assignment, ReviewEvent
from annotation.store.models import Contract as StoredContract
from annotation.store.repository import StoreError, of_tenant, owned, row_id
from contracts.clock import utcnow
from contracts.playbook import Playbook
from contracts.taxonomy import categories
from serving.errors import InvalidInput, NotFound
from serving.models import Tenant
from serving.service.contracts import document, findings
from serving.service.contracts import get as get_contract
from serving.service.contracts import page as contract_page
from serving.service.retry import once_more_on_conflict

QUEUE_LIMIT = 500  # contracts a queue lists; a firm's annotation backlog, not its archive


def uncertainty(scores: list[float]) -> float | None:
    """Mean of 1 - |2s - 1| over the findings' confidences: 1 where the model is at a coin toss, 0 where
    it is sure. None when there is nothing to be unsure about (no findings), so those come last."""
    if not scores:
        return None
    return round(sum(1 - abs(2 * s - 1) for s in scores) / len(scores), 4)


def _stored_by_sha(session: Session, store_tenant: str) -> dict[str, StoredContract]:
    return {c.sha256: c for c in session.exec(of_tenant(StoredContract, store_tenant))}


def assign(session: Session, *, tenant: Tenant, contract_id: str, annotator: str,
           status: str) -> dict[str, Any]:
    """Assign the contract to `annotator` (or move their assignment to `status`); committed here. Two
    requests naming a new annotator, or a new assignment, race to store it: the loser runs once more."""
    if status not in ASSIGNMENT_STATUSES:
        raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(ASSIGNMENT_STATUSES)}")
    return once_more_on_conflict(session, "the assignment", lambda: _assign(
        session, tenant=tenant, contract_id=contract_id, annotator=annotator, status=status))


def _assign(session: Session, *, tenant: Tenant, contract_id: str, annotator: str, status: str) -> dict[str, Any]:
    store_tenant = tenant.name
    public = get_contract(session, tenant_id=tenant.id, contract_id=contract_id)
    try:
        stored = get_or_create_contract(session, store_tenant, document(session, tenant_id=tenant.id, contract_id=contract_id))
        who = get_or_create_annotator(session, annotator)
    except StoreError as exc:
        session.rollback()
        raise InvalidInput(str(exc), code="invalid_assignment") from None
    row = owned(session, Assignment, store_tenant, contract_id=row_id(stored), annotator_id=row_id(who))
    if row is None:
        row = Assignment(tenant=store_tenant, contract_id=row_id(stored), annotator_id=row_id(who), status=status)
    row.status, row.updated_at = status, utcnow()
    session.add(row)
    session.commit()
    return {"contract_id": contract_id, "name": public.name, "created_at": public.created_at,
            "annotator": who.name, "status": status, "labels": _label_counts(session, store_tenant)[(stored.id, who.id)],
            "uncertainty": _uncertainty(session, tenant_id=tenant.id, contract_id=contract_id)}


def _uncertainty(session: Session, *, tenant_id: str, contract_id: str) -> float | None:
    _job, rows = findings(session, tenant_id=tenant_id, contract_id=contract_id)
    return uncertainty([r.score for r in rows])


def _label_counts(session: Session, store_tenant: str) -> Counter[tuple[int | None, int | None]]:
    """Labels saved in the app per (stored contract, annotator)."""
    counts: Counter[tuple[int | None, int | None]] = Counter()
    for a in session.exec(of_tenant(Annotation, store_tenant).where(Annotation.source == "app")):
        counts[(a.contract_id, a.annotator_id)] += 1
    return counts


def queue(session: Session, *, tenant: Tenant, annotator: str | None = None,
          order: Literal["newest", "uncertainty"] = "newest") -> dict[str, Any]:
    """One row per assignment (and per contract nobody has yet, unless one annotator's queue is asked for),
    with the annotators' progress."""
    store_tenant = tenant.name
    contracts, _count = contract_page(session, tenant_id=tenant.id, offset=0, limit=QUEUE_LIMIT)
    # the records' ids by file hash, not the records: the queue needs no text and no file
    record_ids = dict(session.exec(select(StoredContract.sha256, StoredContract.id)
                                   .where(StoredContract.tenant == store_tenant)).all())
    names = {a.id: a.name for a in session.exec(select(Annotator))}
    assignments: dict[int | None, list[Assignment]] = defaultdict(list)
    for row in session.exec(of_tenant(Assignment, store_tenant).order_by(col(Assignment.id))):
        assignments[row.contract_id].append(row)
    counts = _label_counts(session, store_tenant)
    items: list[dict[str, Any]] = []
    for contract in contracts:
        mine = record_ids.get(contract.sha256)
        rows = assignments.get(mine, []) if mine is not None else []
        if annotator is not None:
            rows = [r for r in rows if names[r.annotator_id] == annotator]
            if not rows:
                continue
        score = _uncertainty(session, tenant_id=tenant.id, contract_id=contract.id)
        base = {"contract_id": contract.id, "name": contract.name, "created_at": contract.created_at,
                "uncertainty": score}
        if not rows:
            labelled = sum(n for (cid, _who), n in counts.items() if mine is not None and cid == mine)
            items.append({**base, "annotator": None, "status": None, "labels": labelled})
        for r in rows:
            items.append({**base, "annotator": names[r.annotator_id], "status": r.status,
                          "labels": counts[(r.contract_id, r.annotator_id)]})
    if order == "uncertainty":  # most uncertain first, contracts not analysed yet last; stable otherwise
        items.sort(key=lambda x: -x["uncertainty"] if x["uncertainty"] is not None else 1.0)
    progress: dict[str, Counter[str]] = defaultdict(Counter)
    for rows in assignments.values():
        for r in rows:
            who = names[r.annotator_id]
            progress[who]["assigned"] += 1
            progress[who][r.status] += 1
            progress[who]["labels"] += counts[(r.contract_id, r.annotator_id)]
    return {"data": items, "order": order,
            "progress": [{"annotator": who, **{k: c[k] for k in ("assigned", *ASSIGNMENT_STATUSES, "labels")}}
                         for who, c in sorted(progress.items())]}


def suggestion_stats(session: Session, *, tenant: Tenant) -> dict[str, Any]:
    """How the tenant's people treated the model's suggestions, wherever they decided: labels saved on the
    Annotate page with a suggestion's origin, and findings decided on either page (stored as the model's
    annotations with the reviewer's event). A finding whose category was edited is stored as its original,
    rejected, and the edit, accepted: that is one edit, not also a rejection."""
    store_tenant = tenant.name
    names = {a.id: a.name for a in session.exec(select(Annotator))}
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for a in session.exec(of_tenant(Annotation, store_tenant).where(Annotation.source == "app")):
        per[names[a.annotator_id]][a.origin] += 1
    reviewed = session.exec(of_tenant(Annotation, store_tenant).where(Annotation.source == "api")).all()
    deciders: dict[int | None, int] = {}  # the model's annotation -> who decided it last
    for event in session.exec(of_tenant(ReviewEvent, store_tenant).where(ReviewEvent.kind == "review")
                              .order_by(col(ReviewEvent.id))):
        deciders[event.annotation_id] = event.reviewer_id
    edits = {(a.contract_id, a.start, a.end, a.annotator_id) for a in reviewed
             if a.status == "accepted" and a.origin == "suggested_edited"}
    for a in reviewed:
        who = deciders.get(a.id)
        if who is None or a.status == "pending":
            continue
        if a.status == "accepted":
            per[names[who]][a.origin] += 1
        elif (a.contract_id, a.start, a.end, a.annotator_id) not in edits:
            per[names[who]]["suggestions_rejected"] += 1
    total: Counter[str] = Counter()
    for c in per.values():
        total.update(c)
    decided = total["suggested_accepted"] + total["suggested_edited"] + total["suggestions_rejected"]
    return {"manual": total["manual"], "suggested_accepted": total["suggested_accepted"],
            "suggested_edited": total["suggested_edited"], "suggestions_rejected": total["suggestions_rejected"],
            "accepted_unchanged_rate": round(total["suggested_accepted"] / decided, 4) if decided else None,
            "per_annotator": {who: dict(sorted(c.items())) for who, c in sorted(per.items())}}


def disagreements(session: Session, *, tenant: Tenant, contract_id: str | None = None,
                  include_decided: bool = False) -> dict[str, Any]:
    """adjudication.disagreements (the CLI's), with each label's quote and the API's contract id."""
    store_tenant = tenant.name
    contracts, _count = contract_page(session, tenant_id=tenant.id, offset=0, limit=QUEUE_LIMIT)
    api_ids = {c.sha256: c.id for c in contracts}
    stored = _stored_by_sha(session, store_tenant)
    by_id = {c.id: c for c in stored.values()}
    only: int | None = None
    if contract_id is not None:
        public = get_contract(session, tenant_id=tenant.id, contract_id=contract_id)
        mine = stored.get(public.sha256)
        if mine is None:
            return {"data": []}
        only = mine.id
    out = []
    for cluster in adjudication.clusters(session, store_tenant, contract_id=only):
        if cluster.agreed or (cluster.decided and not include_decided):
            continue
        contract = by_id[cluster.contract_id]
        out.append({"contract_id": api_ids.get(contract.sha256), "contract": contract.name,
                    "category": cluster.category, "reasons": cluster.reasons, "decided": cluster.decided,
                    "labels": [{"id": x.annotation_id, "annotator": x.annotator, "severity": x.severity,
                                "start": x.start, "end": x.end, "quote": contract.text[x.start:x.end],
                                "origin": x.origin} for x in cluster.labels]})
    return {"data": out}


def adjudicate(session: Session, *, tenant: Tenant, adjudicator: str,
               accept: list[int], reject: list[int], merged: dict[str, Any] | None, contract_id: str | None,
               comment: str | None) -> dict[str, Any]:
    """Record the adjudicator's pick (accept/reject, as `lexrisk annotate adjudicate --accept/--reject`)
    or merge (their own span replacing `reject`); committed here, all or nothing."""
    store_tenant = tenant.name
    try:
        if merged is not None:
            if contract_id is None:
                raise StoreError("a merged label needs the contract_id it lies in")
            if accept:
                raise StoreError("a merge replaces the labels in `reject`; it accepts none of them")
            stored = get_or_create_contract(session, store_tenant, document(session, tenant_id=tenant.id, contract_id=contract_id))
            new_id, counts = adjudication.merge(session, store_tenant, adjudicator, stored, replaces=reject,
                                                comment=comment, **merged)
        else:
            if not accept and not reject:
                raise StoreError("nothing to decide: give the label ids to accept or reject")
            new_id, counts = None, adjudication.decide(session, store_tenant, adjudicator, accept=accept,
                                                       reject=reject, comment=comment)
    except StoreError as exc:
        session.rollback()
        raise InvalidInput(str(exc), code="invalid_adjudication") from None
    except NotFound:
        session.rollback()
        raise
    session.commit()
    return {**counts, "merged_label_id": new_id}


def guidelines(playbook: Playbook) -> dict[str, Any]:
    """Each category's CUAD description (shipped from category_descriptions.csv in the taxonomy) and the
    firm's playbook line for it (the server's playbook, with the firm's override)."""
    out = []
    for category in categories():
        policy = playbook.categories.get(category.name)
        if policy is None:
            continue
        out.append({"category": category.name, "description": category.description, "severity": policy.severity,
                    "playbook": policy.reason, "guidance": policy.guidance})
    return {"data": out}
