"""/v1/annotation/...: the annotators' workspace — the queue and its assignments, how often the model's
suggestions are kept, disagreements and their adjudication, and the labelling guidelines. Each route is
one call of serving.service.annotation, the tenant's own data only."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from contracts.playbook import load_playbook
from contracts.wire import (
    AdjudicationIn,
    AdjudicationResult,
    AssignmentIn,
    Disagreements,
    ErrorBody,
    Guidelines,
    Queue,
    QueueItem,
    SuggestionStats,
)
from serving.api.deps import ID_PATTERN, IdPath, Limit, Offset, SessionDep, SettingsDep, TenantDep, page_limit
from serving.service import annotation as annotation_queue

router = APIRouter(prefix="/v1/annotation", tags=["annotation"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 422, 429)}
Name = Annotated[str | None, Query(min_length=1, max_length=150)]


@router.get("/queue", response_model=Queue, responses=ERRORS)
def get_queue(tenant: TenantDep, session: SessionDep, settings: SettingsDep, annotator: Name = None,
              order: Literal["newest", "uncertainty"] = "newest", offset: Offset = 0, limit: Limit = 20) -> Queue:
    """A page of the tenant's contracts with their assignments (one annotator's only, when named), newest
    first or the model's least certain first, paged like `/v1/contracts` (`count`: all rows); `progress` is
    each annotator's over all of the tenant's assignments, whatever the page."""
    return Queue.model_validate(annotation_queue.queue(session, tenant=tenant, annotator=annotator, order=order,
                                                       offset=offset, limit=page_limit(limit, settings)))


@router.put("/queue/{contract_id}", response_model=QueueItem, responses=ERRORS)
def put_assignment(contract_id: IdPath, body: AssignmentIn, tenant: TenantDep, session: SessionDep) -> QueueItem:
    """Assign the contract to an annotator, or set their status on it (to_label, in_review, done)."""
    return QueueItem.model_validate(annotation_queue.assign(session, tenant=tenant, contract_id=contract_id,
                                                            annotator=body.annotator, status=body.status))


@router.get("/suggestions/stats", response_model=SuggestionStats, responses=ERRORS)
def get_suggestion_stats(tenant: TenantDep, session: SessionDep) -> SuggestionStats:
    """How often the model's suggestions were accepted unchanged, edited or rejected."""
    return SuggestionStats.model_validate(annotation_queue.suggestion_stats(session, tenant=tenant))


@router.get("/disagreements", response_model=Disagreements, responses=ERRORS)
def get_disagreements(tenant: TenantDep, session: SessionDep,
                      contract_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
                      include_decided: bool = False) -> Disagreements:
    """Where two annotators' labels differ (`lexrisk annotate adjudicate`'s clusters)."""
    return Disagreements.model_validate(annotation_queue.disagreements(
        session, tenant=tenant, contract_id=contract_id, include_decided=include_decided))


@router.post("/adjudications", response_model=AdjudicationResult, responses=ERRORS)
def post_adjudication(body: AdjudicationIn, tenant: TenantDep, session: SessionDep) -> AdjudicationResult:
    """An adjudicator picks labels (accept, the rest of their clusters rejected) or merges them into one."""
    return AdjudicationResult.model_validate(annotation_queue.adjudicate(
        session, tenant=tenant, adjudicator=body.adjudicator.strip(), accept=body.accept, reject=body.reject,
        merged=body.merged.model_dump() if body.merged else None, contract_id=body.contract_id,
        comment=body.comment))


@router.get("/guidelines", response_model=Guidelines, responses=ERRORS)
def get_guidelines(_tenant: TenantDep, settings: SettingsDep) -> Guidelines:
    """Each category's CUAD description and the firm's playbook line, for the category picker."""
    return Guidelines.model_validate(annotation_queue.guidelines(load_playbook(settings.playbook)))
