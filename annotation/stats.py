"""Counts over one tenant's part of the store: what has been labelled, by whom, how it was reviewed,
and how the latest dataset version holding its labels split the contracts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotation.store.models import Annotation, Annotator, Contract, DatasetVersion, ReviewEvent


def store_stats(session: Session, tenant: str) -> dict[str, Any]:
    def grouped(column) -> dict[str, int]:
        rows = session.exec(select(column, func.count()).where(Annotation.tenant == tenant)
                            .group_by(column).order_by(func.count().desc(), column))
        return {str(k): int(v) for k, v in rows}

    def count(model) -> int:
        return int(session.exec(select(func.count(model.id)).where(model.tenant == tenant)).one())

    by_annotator = {name: int(n) for name, n in session.exec(
        select(Annotator.name, func.count(col(Annotation.id))).join(Annotation, col(Annotation.annotator_id) == Annotator.id)
        .where(Annotation.tenant == tenant).group_by(Annotator.name).order_by(Annotator.name))}
    datasets = [d for d in session.exec(select(DatasetVersion).order_by(col(DatasetVersion.id).desc()))
                if tenant in d.tenants]
    latest = datasets[0] if datasets else None
    by_split: dict[str, int] = {}
    if latest is not None:
        sha_split = latest.splits
        per_contract = session.exec(select(Contract.sha256, func.count(col(Annotation.id)))
                                    .join(Annotation, col(Annotation.contract_id) == Contract.id)
                                    .where(Contract.tenant == tenant, Annotation.status == "accepted")
                                    .group_by(Contract.sha256))
        counter: Counter[str] = Counter()
        for sha, n in per_contract:
            counter[sha_split.get(sha, "unsplit")] += int(n)
        by_split = dict(sorted(counter.items()))
    return {
        "tenant": tenant,
        "contracts": count(Contract),
        "annotations": count(Annotation),
        "review_events": count(ReviewEvent),
        "dataset_versions": len(datasets),
        "by_category": grouped(Annotation.category),
        "by_severity": grouped(Annotation.severity),
        "by_status": grouped(Annotation.status),
        "by_annotator": by_annotator,
        "by_split": by_split,
        "latest_dataset_version": None if latest is None else latest.id,
    }
