"""/v1/contracts/{id}/text and /labels: what the app needs to show a contract and let annotators label it.

The text route serves the normalised text every offset indexes into (findings, labels), so a client can
highlight quotes exactly; the labels routes store an annotator's own span label and return agreement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from contracts.wire import ContractText, ErrorBody, Label, LabelIn, Labels
from serving import annotator_labels
from serving.api.deps import IdPath, ReadSessionDep, SessionDep, TenantDep
from serving.service import contracts

router = APIRouter(prefix="/v1/contracts", tags=["labels"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 422, 429)}


@router.get("/{contract_id}/text", response_model=ContractText, responses=ERRORS)
def contract_text(contract_id: IdPath, tenant: TenantDep, session: ReadSessionDep) -> ContractText:
    document = contracts.document(session, tenant_id=tenant.id, contract_id=contract_id)
    return ContractText(contract_id=contract_id, text=document.text, pages=document.pages)


@router.get("/{contract_id}/labels", response_model=Labels, responses=ERRORS)
def list_labels(contract_id: IdPath, tenant: TenantDep, session: SessionDep) -> Labels:
    """The tenant's annotators' labels on this contract and their pairwise agreement."""
    document = contracts.document(session, tenant_id=tenant.id, contract_id=contract_id)
    return Labels.model_validate(annotator_labels.list_with_agreement(session, tenant.name, document))


@router.post("/{contract_id}/labels", status_code=status.HTTP_201_CREATED, response_model=Label, responses=ERRORS)
def add_label(contract_id: IdPath, label: LabelIn, tenant: TenantDep, session: SessionDep) -> Label:
    """Save an annotator's label (pending until adjudicated); the span must lie inside the text."""
    document = contracts.document(session, tenant_id=tenant.id, contract_id=contract_id)
    return Label.model_validate(annotator_labels.save(
        session, tenant.name, document, annotator=label.annotator, category=label.category,
        severity=label.severity, start=label.start, end=label.end, explanation=label.explanation,
        origin=label.origin))
