"""/v1/contracts/{id}/text and /labels, and /v1/labels/{id}: what the app needs to show a contract and let
annotators label it.

The text route serves the normalised text every offset indexes into (findings, labels), so a client can
highlight quotes exactly; the labels routes store an annotator's own span label (once: the same label sent
again is the one stored), return agreement, and withdraw a label or a rejection not yet adjudicated."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from contracts.wire import TEXT_PATTERN, ContractText, ErrorBody, Label, LabelIn, Labels
from serving import annotator_labels, label_withdrawal
from serving.api.deps import IdPath, ReadSessionDep, SessionDep, TenantDep
from serving.api.protocol import error_responses
from serving.service import contracts

router = APIRouter(prefix="/v1", tags=["labels"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 422, 429)}
LabelId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a label's id, as the labels routes return it")]
AnnotatorName = Annotated[str, Query(min_length=1, max_length=150, pattern=TEXT_PATTERN,
                                     description="who withdraws it: the annotator who saved the label, or the "
                                                 "reviewer whose decision it is")]


@router.get("/contracts/{contract_id}/text", response_model=ContractText, responses=ERRORS)
def contract_text(contract_id: IdPath, tenant: TenantDep, session: ReadSessionDep) -> ContractText:
    document = contracts.document(session, tenant_id=tenant.id, contract_id=contract_id)
    return ContractText(contract_id=contract_id, text=document.text, pages=document.pages)


@router.get("/contracts/{contract_id}/labels", response_model=Labels, responses=ERRORS)
def list_labels(contract_id: IdPath, tenant: TenantDep, session: SessionDep) -> Labels:
    """The tenant's annotators' labels on this contract and their pairwise agreement."""
    document = contracts.document(session, tenant_id=tenant.id, contract_id=contract_id)
    return Labels.model_validate(annotator_labels.list_with_agreement(session, tenant.name, document))


@router.post("/contracts/{contract_id}/labels", status_code=status.HTTP_201_CREATED, response_model=Label,
             responses={**ERRORS, 200: {"description": "the same label was stored already: that one"}})
def add_label(contract_id: IdPath, label: LabelIn, tenant: TenantDep, session: SessionDep,
              response: Response) -> Label:
    """Save an annotator's label (pending until adjudicated); the span must lie inside the text. The same
    label again (annotator, span, category and severity) is not stored twice: 200 with the stored one."""
    document = contracts.document(session, tenant_id=tenant.id, contract_id=contract_id)
    body, created = annotator_labels.save(
        session, tenant.name, document, annotator=label.annotator, category=label.category,
        severity=label.severity, start=label.start, end=label.end, explanation=label.explanation,
        origin=label.origin)
    if not created:
        response.status_code = status.HTTP_200_OK
    return Label.model_validate(body)


@router.delete("/labels/{label_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(
    {403: ["not_your_label"], 404: ["not_found"], 409: ["label_decided", "label_not_withdrawable"]}))
def withdraw_label(label_id: LabelId, annotator: AnnotatorName, tenant: TenantDep, session: SessionDep) -> Response:
    """Withdraw a label saved in the app (deleted) or a reviewer's decision on a finding (the finding is
    unreviewed again, the decision kept as an event), on behalf of the annotator or reviewer it names, while
    no adjudicator has decided on it."""
    label_withdrawal.withdraw(session, tenant=tenant, label_id=label_id, annotator=annotator)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
