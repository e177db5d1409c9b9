"""Counts over the store: what has been labelled, by whom, how it was reviewed, and how the latest
dataset version split the contracts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotation.store.models import Annotation, Annotator, Contract, DatasetVersion, ReviewEvent


def store_stats(session: Session) -> dict[str, Any]:
    def grouped(column) -> dict[str, int]:
        rows = session.exec(select(column, func.count()).group_by(column).order_by(func.count().desc(), column))
        return {str(k): int(v) for k, v in rows}

    by_annotator = {name: int(n) for name, n in session.exec(
        select(Annotator.name, func.count(col(Annotation.id))).join(Annotation, col(Annotation.annotator_id) == Annotator.id)
        .group_by(Annotator.name).order_by(Annotator.name))}
    latest = session.exec(select(DatasetVersion).order_by(col(DatasetVersion.id).desc())).first()
    by_split: dict[str, int] = {}
    if latest is not None:
        sha_split = latest.splits
        per_contract = session.exec(select(Contract.sha256, func.count(col(Annotation.id)))
                                    .join(Annotation, col(Annotation.contract_id) == Contract.id)
                                    .where(Annotation.status == "accepted").group_by(Contract.sha256))
        counter: Counter[str] = Counter()
        for sha, n in per_contract:
            counter[sha_split.get(sha, "unsplit")] += int(n)
        by_split = dict(sorted(counter.items()))
    return {
        "contracts": session.exec(select(func.count(col(Contract.id)))).one(),
        "annotations": session.exec(select(func.count(col(Annotation.id)))).one(),
        "review_events": session.exec(select(func.count(col(ReviewEvent.id)))).one(),
        "dataset_versions": session.exec(select(func.count(col(DatasetVersion.id)))).one(),
        "by_category": grouped(Annotation.category),
        "by_severity": grouped(Annotation.severity),
        "by_status": grouped(Annotation.status),
        "by_annotator": by_annotator,
        "by_split": by_split,
        "latest_dataset_version": None if latest is None else latest.id,
    }
