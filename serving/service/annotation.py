"""The annotators' workspace behind the API: who is assigned which contract and how far they are (the
queue, ordered newest first or by the model's uncertainty, a page at a time), how often the model's
suggestions are kept, where two annotators disagree, the adjudicator's decision, and the guidelines beside
the category picker.

A service contract's record is the label store's contract its assignments and labels refer to; the queue
and the disagreements join them on that id, within one tenant: a tenant's queue, labels and disagreements
are its own, as everywhere else."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Literal

from sqlalchemy import func, literal
from sqlalchemy import select as select_columns
from sqlalchemy.sql import Select, Subquery
from sqlmodel import Session, col, select

from annotation import adjudication
from annotation.store import get_or_create_annotator, get_or_create_contract
from annotation.store.models import (
    ANNOTATOR_SOURCES,
    ASSIGNMENT_STATUSES,
    Annotation,
    Annotator,
    Assignment,
    ReviewEvent,
)
from annotation.store.models import Contract as StoredContract
from annotation.store.repository import StoreError, of_tenant, owned, row_id
from contracts.clock import utcnow
from contracts.playbook import Playbook
from contracts.taxonomy import categories
from serving.errors import InvalidInput, NotFound
from serving.models import Contract, FindingRow, Job, JobStatus, Tenant
from serving.service.contracts import document
from serving.service.contracts import get as get_contract
from serving.service.retry import once_more_on_conflict

QueueOrder = Literal["newest", "uncertainty"]
# a queue row: the contract, its record and one of its assignments (none: NULLs)
QUEUE_COLUMNS: tuple[Any, ...] = (col(Contract.id).label("contract_id"), Contract.record_id, Contract.created_at,
                                  StoredContract.name, col(Annotator.name).label("annotator"), Assignment.annotator_id,
                                  Assignment.status)

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
    labels = _label_counts(session, store_tenant, [row_id(stored)])[(stored.id, who.id)]
    return {"contract_id": contract_id, "name": public.name, "created_at": public.created_at,
            "annotator": who.name, "status": status, "labels": labels,
            "uncertainty": _uncertainties(session, tenant.id, [contract_id])[contract_id]}


def _doubt(tenant_id: str, contract_ids: list[str] | None = None) -> Subquery:
    """(contract_id, doubt) for the tenant's contracts (or these): the model's uncertainty, the mean of
    1 - |2s - 1| over the scores of the findings of the contract's latest finished analysis (as
    `contracts.findings` picks it), 1 where the model is at a coin toss, 0 where it is sure; no row when there is
    nothing to be unsure about (no analysis, no findings). One pass over the latest analyses' findings in the
    database, so that the queue is ordered by it before it is paged."""
    latest = (select(Job.id, Job.contract_id, func.row_number().over(
        partition_by=col(Job.contract_id), order_by=(col(Job.finished_at).desc(), col(Job.id).desc())).label("nth"))
              .where(Job.tenant_id == tenant_id, Job.status == JobStatus.done))
    if contract_ids is not None:
        latest = latest.where(col(Job.contract_id).in_(contract_ids))
    ranked = latest.subquery()
    return (select(ranked.c.contract_id, func.avg(1 - func.abs(2 * col(FindingRow.score) - 1)).label("doubt"))
            .join(FindingRow, col(FindingRow.job_id) == ranked.c.id)  # a job's findings are its tenant's
            .where(ranked.c.nth == 1)
            .group_by(ranked.c.contract_id).subquery())


def _uncertainties(session: Session, tenant_id: str, contract_ids: list[str]) -> dict[str, float | None]:
    """The model's uncertainty on these contracts (a page's), rounded as the API gives it; None: none to have."""
    if not contract_ids:
        return {}
    doubt = _doubt(tenant_id, contract_ids)
    found = {cid: round(float(value), 4) for cid, value in session.execute(select(doubt.c.contract_id, doubt.c.doubt))}
    return {cid: found.get(cid) for cid in contract_ids}


def _label_counts(session: Session, store_tenant: str,
                  record_ids: list[int]) -> Counter[tuple[int | None, int | None]]:
    """Annotators' labels (saved in the app or imported from Label Studio) per (stored contract, annotator), on
    these stored contracts."""
    if not record_ids:
        return Counter()
    rows = session.exec(select(Annotation.contract_id, Annotation.annotator_id, func.count())
                        .where(Annotation.tenant == store_tenant, col(Annotation.source).in_(ANNOTATOR_SOURCES),
                               col(Annotation.contract_id).in_(record_ids))
                        .group_by(col(Annotation.contract_id), col(Annotation.annotator_id)))
    return Counter({(record, who): n for record, who, n in rows})


def queue(session: Session, *, tenant: Tenant, annotator: str | None = None, order: QueueOrder = "newest",
          offset: int = 0, limit: int = 20) -> dict[str, Any]:
    """A page of the queue: one row per assignment (and per contract nobody has yet, unless one annotator's
    queue is asked for), ordered and paged in the database so that pages do not overlap, with the count of
    all rows and every annotator's progress over all of the tenant's assignments."""
    rows = _queue_rows(tenant, annotator)
    count = session.exec(select(func.count()).select_from(rows.subquery())).one()
    first: list[Any] = []
    if order == "uncertainty":  # most uncertain first, those without an uncertainty last (it lies in [0, 1])
        doubt = _doubt(tenant.id)
        rows = rows.outerjoin(doubt, doubt.c.contract_id == Contract.id)
        first = [func.coalesce(doubt.c.doubt, literal(-1.0)).desc()]
    page = session.execute(rows.order_by(*first, col(Contract.created_at).desc(), col(Contract.id),
                                         col(Assignment.id)).offset(offset).limit(limit)).all()
    uncertainties = _uncertainties(session, tenant.id, sorted({r.contract_id for r in page}))
    labels = _label_counts(session, tenant.name, sorted({r.record_id for r in page}))
    items = [{"contract_id": r.contract_id, "name": r.name, "created_at": r.created_at,
              "uncertainty": uncertainties[r.contract_id], "annotator": r.annotator, "status": r.status,
              # unassigned: the labels anyone saved on it
              "labels": labels[(r.record_id, r.annotator_id)] if r.annotator_id is not None
              else sum(n for (record, _who), n in labels.items() if record == r.record_id)}
             for r in page]
    return {"data": items, "count": int(count), "order": order, "progress": _progress(session, tenant.name)}


def _queue_rows(tenant: Tenant, annotator: str | None) -> Select[*tuple[Any, ...]]:
    """The queue's rows, unordered: each of the tenant's contracts with each of its assignments (its record's),
    or once with none; only the named annotator's assignments when one is named."""
    query = (select_columns(*QUEUE_COLUMNS).join(StoredContract, col(StoredContract.id) == Contract.record_id)
             .outerjoin(Assignment, (col(Assignment.contract_id) == Contract.record_id)
                        & (col(Assignment.tenant) == tenant.name))
             .outerjoin(Annotator, col(Annotator.id) == Assignment.annotator_id)
             .where(col(Contract.tenant_id) == tenant.id))
    return query.where(col(Annotator.name) == annotator) if annotator is not None else query


def _progress(session: Session, store_tenant: str) -> list[dict[str, Any]]:
    """Each annotator's assignments by status and the labels they saved on them, over all of the tenant's."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    by_status = (select(Annotator.name, Assignment.status, func.count()).select_from(Assignment)
                 .join(Annotator, col(Annotator.id) == Assignment.annotator_id)
                 .where(Assignment.tenant == store_tenant).group_by(col(Annotator.name), col(Assignment.status)))
    for who, status, n in session.exec(by_status):
        per[who]["assigned"] += n
        per[who][status] += n
    labelled = (select(Annotator.name, func.count(col(Annotation.id))).select_from(Assignment)
                .join(Annotator, col(Annotator.id) == Assignment.annotator_id)
                .join(Annotation, (col(Annotation.contract_id) == Assignment.contract_id)
                      & (col(Annotation.annotator_id) == Assignment.annotator_id))
                .where(Assignment.tenant == store_tenant, Annotation.tenant == store_tenant,
                       col(Annotation.source).in_(ANNOTATOR_SOURCES))
                .group_by(col(Annotator.name)))
    for who, n in session.exec(labelled):
        per[who]["labels"] += n
    return [{"annotator": who, **{k: c[k] for k in ("assigned", *ASSIGNMENT_STATUSES, "labels")}}
            for who, c in sorted(per.items())]


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
    """adjudication.disagreements (the CLI's), with each label's quote and the API's contract id: the records
    the clusters lie in are read with their service contracts' ids by those records' ids, so that every
    disagreement the app can open names its contract, however many contracts the tenant holds."""
    only = _record_id(session, tenant, contract_id) if contract_id is not None else None
    shown = [c for c in adjudication.clusters(session, tenant.name, contract_id=only)
             if not c.agreed and (include_decided or not c.decided)]
    records = _records_with_api_ids(session, tenant, sorted({c.contract_id for c in shown}))
    out = []
    for cluster in shown:
        contract, api_id = records[cluster.contract_id]
        out.append({"contract_id": api_id, "contract": contract.name,
                    "category": cluster.category, "reasons": cluster.reasons, "decided": cluster.decided,
                    "labels": [{"id": x.annotation_id, "annotator": x.annotator, "severity": x.severity,
                                "start": x.start, "end": x.end, "quote": contract.text[x.start:x.end],
                                "origin": x.origin} for x in cluster.labels]})
    return {"data": out}


def _record_id(session: Session, tenant: Tenant, contract_id: str) -> int:
    """The record of the tenant's contract; NotFound for another tenant's, as everywhere."""
    record = session.exec(select(Contract.record_id).where(Contract.id == contract_id,
                                                           Contract.tenant_id == tenant.id)).first()
    if record is None:
        raise NotFound(f"no contract {contract_id}")
    return record


def _records_with_api_ids(session: Session, tenant: Tenant,
                          record_ids: list[int]) -> dict[int, tuple[StoredContract, str | None]]:
    """These records of the tenant's, each with its service contract's API id (None: a contract only the label
    store holds, imported on the command line); one query, joined on the service contract's record id."""
    rows = session.exec(select(StoredContract, Contract.id)
                        .outerjoin(Contract, (col(Contract.record_id) == StoredContract.id)
                                   & (col(Contract.tenant_id) == tenant.id))
                        .where(StoredContract.tenant == tenant.name, col(StoredContract.id).in_(record_ids)))
    return {row_id(record): (record, api_id) for record, api_id in rows}


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
