"""/v1/contracts/{id}/text and /labels: what the app needs to show a contract and let annotators label it.

The text route serves the normalised text every offset indexes into (findings, labels), so a client can
highlight quotes exactly; the labels routes store an annotator's own span label and return agreement."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from contracts.documents import PageSpan
from contracts.playbook import Severity
from serving import annotator_labels
from serving.api.deps import ServiceDep, TenantDep
from serving.api.protocol import ErrorBody

router = APIRouter(prefix="/v1/contracts", tags=["labels"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 422, 429)}


class ContractText(BaseModel):
    contract_id: str
    text: str = Field(description="the normalised text; every `start`/`end` in findings and labels indexes into it")
    pages: list[PageSpan]


class LabelIn(BaseModel):
    annotator: Annotated[str, Field(min_length=1, max_length=150)]
    category: str = Field(description="CUAD category name")
    severity: Severity
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    explanation: str | None = Field(None, max_length=5000)


class Label(BaseModel):
    id: int
    annotator: str
    category: str
    severity: str
    start: int
    end: int
    quote: str
    explanation: str | None
    status: str
    created_at: datetime


class PairAgreement(BaseModel):
    span_f1: float | None
    matched: int
    spans: list[int]
    severity_agreement: float | None = Field(description="share of matched spans given the same severity")


class Agreement(BaseModel):
    annotators: list[str]
    min_iou: float
    pairs: dict[str, PairAgreement]


class Labels(BaseModel):
    data: list[Label]
    agreement: Agreement


@router.get("/{contract_id}/text", response_model=ContractText, responses=ERRORS)
def contract_text(contract_id: str, tenant: TenantDep, service: ServiceDep) -> ContractText:
    document = service.document(tenant, contract_id)
    return ContractText(contract_id=contract_id, text=document.text, pages=document.pages)


@router.get("/{contract_id}/labels", response_model=Labels, responses=ERRORS)
def list_labels(contract_id: str, request: Request, tenant: TenantDep, service: ServiceDep) -> Labels:
    """The tenant's annotators' labels on this contract and their pairwise agreement."""
    document = service.document(tenant, contract_id)
    return Labels.model_validate(annotator_labels.list_with_agreement(request.app.state.engine, service.store_tenant(tenant), document))


@router.post("/{contract_id}/labels", status_code=status.HTTP_201_CREATED, response_model=Label, responses=ERRORS)
def add_label(contract_id: str, label: LabelIn, request: Request, tenant: TenantDep, service: ServiceDep) -> Label:
    """Save an annotator's label (pending until adjudicated); the span must lie inside the text."""
    document = service.document(tenant, contract_id)
    return Label.model_validate(annotator_labels.save(
        request.app.state.engine, service.store_tenant(tenant), document, annotator=label.annotator, category=label.category,
        severity=label.severity, start=label.start, end=label.end, explanation=label.explanation))
