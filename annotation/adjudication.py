"""Adjudication: where annotators disagree, an adjudicator's decision makes the gold label.

The annotators are people (`annotation.agreement.multi_annotated`): a data source's import such as CUAD's
gold labels is no vote, so a span only CUAD marked is no disagreement and a span both lawyers marked alike
is agreed whatever CUAD marked. Labels of one category on one contract are grouped into clusters of
overlapping spans. A cluster is agreed when every annotator of the contract has exactly one span in it and
all spans have the same offsets and severity; otherwise it is a disagreement, listed with what differs.
Decisions are review events of kind "adjudication" (who, when, why): the chosen label is accepted with
its identical twins (another annotator's label of the same category, offsets and severity says the same),
the rest of its cluster rejected; nothing is deleted or edited, and a label already in the state a
decision would put it in gets no second event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from annotation.agreement import Label, multi_annotated
from annotation.store.models import Annotation, Contract, ReviewEvent
from annotation.store.repository import StoreError, add_annotation, of_tenant, owned, record_review, row_id


@dataclass
class Cluster:
    contract_id: int
    category: str
    labels: list[Label] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    decided: bool = False

    @property
    def agreed(self) -> bool:
        return not self.reasons

    def as_dict(self, contract_name: str) -> dict[str, Any]:
        return {"contract": contract_name, "category": self.category, "reasons": self.reasons,
                "decided": self.decided,
                "labels": [{"id": x.annotation_id, "annotator": x.annotator, "severity": x.severity,
                            "start": x.start, "end": x.end, "origin": x.origin} for x in self.labels]}


def clusters(session: Session, tenant: str, *, contract_id: int | None = None) -> list[Cluster]:
    contracts = multi_annotated(session, tenant)
    decided_ids = set(session.exec(select(ReviewEvent.annotation_id).where(ReviewEvent.tenant == tenant,
                                                                          ReviewEvent.kind == "adjudication")))
    out: list[Cluster] = []
    for cid, labels in sorted(contracts.items()):
        if contract_id is not None and cid != contract_id:
            continue
        raters = {x.annotator for x in labels}
        for category in sorted({x.category for x in labels}):
            spans = sorted((x for x in labels if x.category == category), key=lambda x: (x.start, x.end))
            groups: list[list[Label]] = []
            reach = -1
            for x in spans:
                if groups and x.start < reach:
                    groups[-1].append(x)
                    reach = max(reach, x.end)
                else:
                    groups.append([x])
                    reach = x.end
            for group in groups:
                group.sort(key=lambda x: x.annotation_id)
                cluster = Cluster(cid, category, group, decided=any(x.annotation_id in decided_ids for x in group))
                missing = sorted(raters - {x.annotator for x in group})
                if missing:
                    cluster.reasons.append(f"not labelled by {', '.join(missing)}")
                if len(group) != len({x.annotator for x in group}):
                    cluster.reasons.append("an annotator has several spans here")
                if len({(x.start, x.end) for x in group}) > 1:
                    cluster.reasons.append("offsets differ")
                if len({x.severity for x in group}) > 1:
                    cluster.reasons.append("severity differs: " + ", ".join(f"{x.annotator} {x.severity}" for x in group))
                out.append(cluster)
    return out


def disagreements(session: Session, tenant: str, *, contract_id: int | None = None,
                  include_decided: bool = False) -> list[dict[str, Any]]:
    names = {c.id: c.name for c in session.exec(of_tenant(Contract, tenant))}
    return [c.as_dict(names[c.contract_id]) for c in clusters(session, tenant, contract_id=contract_id)
            if not c.agreed and (include_decided or not c.decided)]


def accept_agreed(session: Session, tenant: str, reviewer: str, comment: str = "annotators agree") -> int:
    """Accept every pending label of every agreed, undecided cluster; returns how many were accepted, which is
    how many events were recorded (a label already accepted, by a review say, is not accepted again, and one a
    reviewer rejected stays rejected: agreement does not overrule a decision)."""
    accepted = 0
    for cluster in clusters(session, tenant):
        if cluster.agreed and not cluster.decided:
            for x in cluster.labels:
                if x.status == "pending":
                    record_review(session, tenant, x.annotation_id, "accepted", reviewer, comment, kind="adjudication")
                    accepted += 1
    return accepted


def decide(session: Session, tenant: str, reviewer: str, *, accept: Sequence[int] = (), reject: Sequence[int] = (),
           comment: str | None = None) -> dict[str, int]:
    """Accept these labels and reject those. Accepting a label accepts its identical twins in its cluster (same
    category, offsets and severity: they say the same) and rejects the others of the cluster; a label named in
    `reject` is rejected even when it is a twin. The counts are of events recorded: a twin or a cluster member
    already in the state the decision gives it gets none."""
    both = sorted(set(accept) & set(reject))
    if both:
        raise StoreError("a label cannot be both accepted and rejected: " + ", ".join(f"#{i}" for i in both))
    by_id = {x.annotation_id: c for c in clusters(session, tenant) for x in c.labels}
    counts = {"accepted": 0, "rejected": 0}
    for annotation_id in [*accept, *reject]:
        if owned(session, Annotation, tenant, id=annotation_id) is None:
            raise StoreError(f"no annotation with id {annotation_id}")
    named = set(accept) | set(reject)
    for annotation_id in accept:
        record_review(session, tenant, annotation_id, "accepted", reviewer, comment, kind="adjudication")
        counts["accepted"] += 1
        cluster = by_id.get(annotation_id)
        if cluster is None:
            continue
        chosen = next(x for x in cluster.labels if x.annotation_id == annotation_id)
        for x in cluster.labels:
            if x.annotation_id in named:
                continue
            decision, why = (("accepted", f"identical to #{annotation_id}") if x.twin_key == chosen.twin_key
                             else ("rejected", f"adjudicated in favour of #{annotation_id}"))
            if _status(session, x.annotation_id) == decision:
                continue
            record_review(session, tenant, x.annotation_id, decision, reviewer,
                          why + (f": {comment}" if comment else ""), kind="adjudication")
            counts[decision] += 1
    for annotation_id in reject:
        record_review(session, tenant, annotation_id, "rejected", reviewer, comment, kind="adjudication")
        counts["rejected"] += 1
    return counts


def _status(session: Session, annotation_id: int) -> str:
    """The label's status now (an earlier decision of this call may have changed it since the clusters were read)."""
    found = session.get(Annotation, annotation_id)
    assert found is not None, annotation_id  # the id came from this tenant's clusters
    return found.status


def merge(session: Session, tenant: str, reviewer: str, contract: Contract, *, category: str, severity: str,
          start: int, end: int, replaces: Sequence[int], comment: str | None = None) -> tuple[int, dict[str, int]]:
    """The adjudicator's own span (e.g. the union of two annotators' spans, with the severity they settle
    on) becomes the gold label: stored by the adjudicator (source `adjudication`) and accepted, and the
    labels it `replaces` rejected, each a review event of kind adjudication. Returns the new label's id
    and the counts."""
    if not replaces:
        raise StoreError("a merged label must replace at least one label")
    for annotation_id in replaces:
        found = owned(session, Annotation, tenant, id=annotation_id)
        if found is None or found.contract_id != contract.id:
            raise StoreError(f"no annotation with id {annotation_id} on {contract.name}")
    merged = add_annotation(session, contract, reviewer, category=category, severity=severity, start=start, end=end,
                            source="adjudication", explanation=comment,
                            source_ref="merge of " + ", ".join(f"#{i}" for i in replaces))
    counts = decide(session, tenant, reviewer, accept=[row_id(merged)], reject=replaces,
                    comment=comment or "merged by the adjudicator")
    return row_id(merged), counts
