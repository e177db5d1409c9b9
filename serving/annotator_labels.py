"""Annotators' own labels on a tenant's contract, saved from the app, and how far annotators agree on it.

Labels live in the tenant's part of the label store (the store's tenant of the same name, as reviews do):
a tenant sees and compares only its own people's labels, never another firm's, even on the same file.
Withdrawing a label is serving.label_withdrawal's."""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import Session, col, select

from annotation.agreement import match_spans
from annotation.store import add_annotation, get_or_create_annotator, get_or_create_contract
from annotation.store.models import ANNOTATOR_SOURCES, Annotation, Annotator, Assignment
from annotation.store.models import Contract as StoredContract
from annotation.store.repository import StoreError, lock_contract, of_tenant, owned, row_id, same_label
from contracts.documents import Document
from serving.errors import InvalidInput
from serving.service.retry import once_more_on_conflict

MIN_IOU = 0.5


def save(session: Session, tenant: str, document: Document, *, annotator: str, category: str, severity: str,
         start: int, end: int, explanation: str | None, origin: str = "manual") -> tuple[dict[str, Any], bool]:
    """Store one pending label by `tenant`'s `annotator` in the caller's session (committed here), and whether
    it is new: the same label again (same annotator, span, category and severity: a retried request, a double
    submit) is the one stored, with its own explanation and origin. A bad span or category is the client's
    error. `origin`: drawn by hand, or a model's suggestion accepted as it was or edited. The annotator gets
    the contract (status to_label) unless it is theirs already, so that their work shows in their queue and
    progress. Two first labels of one annotator (or on one file) race to store them: run once more."""

    def work() -> tuple[dict[str, Any], bool]:
        try:
            contract = get_or_create_contract(session, tenant, document)
            who = get_or_create_annotator(session, annotator)
            lock_contract(session, contract)
            row = same_label(session, contract, who, category=category, severity=severity, start=start, end=end,
                             source="app")
            created = row is None
            if row is None:
                row = add_annotation(session, contract, who, category=category, severity=severity, start=start,
                                     end=end, explanation=explanation, source="app", origin=origin)
            _assign(session, contract, who)
        except StoreError as exc:
            session.rollback()
            raise InvalidInput(str(exc), code="invalid_label") from None
        session.commit()
        session.refresh(row)
        return _public(row, who.name), created

    return once_more_on_conflict(session, "the label", work)


def _assign(session: Session, contract: StoredContract, who: Annotator) -> None:
    """The contract to the annotator who labels it (to_label), unless they have it already, in any status."""
    if owned(session, Assignment, contract.tenant, contract_id=row_id(contract), annotator_id=row_id(who)) is None:
        session.add(Assignment(tenant=contract.tenant, contract_id=row_id(contract), annotator_id=row_id(who)))
        session.flush()


def list_with_agreement(session: Session, tenant: str, document: Document) -> dict[str, Any]:
    """The tenant's people's labels on the document (saved in the app or imported from Label Studio), oldest
    first, and pairwise agreement among them: span F1 (same category, IoU >= 0.5, one-to-one) and how often
    matched spans got the same severity. Labels proposed by models (review decisions on findings) are not
    annotators' labels and stay out."""
    contract = owned(session, StoredContract, tenant, sha256=document.sha256)
    if contract is None:
        return {"data": [], "agreement": {"annotators": [], "min_iou": MIN_IOU, "pairs": {}}}
    rows = session.exec(select(Annotation, Annotator).where(
        col(Annotation.id).in_(of_tenant(Annotation, tenant).where(Annotation.contract_id == contract.id)
                               .with_only_columns(col(Annotation.id))),
        col(Annotation.annotator_id) == Annotator.id, col(Annotation.source).in_(ANNOTATOR_SOURCES))
        .order_by(col(Annotation.id))).all()
    labels = [_public(a, who.name) for a, who in rows]
    return {"data": labels, "agreement": _agreement(labels)}


def _agreement(labels: list[dict[str, Any]]) -> dict[str, Any]:
    annotators = sorted({x["annotator"] for x in labels})
    pairs: dict[str, Any] = {}
    for a, b in itertools.combinations(annotators, 2):
        matched = same_severity = 0
        spans_a = [x for x in labels if x["annotator"] == a]
        spans_b = [x for x in labels if x["annotator"] == b]
        for category in {x["category"] for x in spans_a + spans_b}:
            ca = [x for x in spans_a if x["category"] == category]
            cb = [x for x in spans_b if x["category"] == category]
            matches = match_spans([(x["start"], x["end"]) for x in ca], [(x["start"], x["end"]) for x in cb], MIN_IOU)
            matched += len(matches)
            same_severity += sum(ca[i]["severity"] == cb[j]["severity"] for i, j in matches)
        total = len(spans_a) + len(spans_b)
        pairs[f"{a} | {b}"] = {"span_f1": round(2 * matched / total, 4) if total else None, "matched": matched,
                               "spans": [len(spans_a), len(spans_b)],
                               "severity_agreement": round(same_severity / matched, 4) if matched else None}
    return {"annotators": annotators, "min_iou": MIN_IOU, "pairs": pairs}


def _public(row: Annotation, annotator: str) -> dict[str, Any]:
    return {"id": row.id, "annotator": annotator, "category": row.category, "severity": row.severity,
            "start": row.start, "end": row.end, "quote": row.quote, "explanation": row.explanation,
            "status": row.status, "origin": row.origin, "created_at": row.created_at}
