"""The HTTP API's wire models: what clients send and get, declared once for both sides — the API
(serving.api, which adds only the conversions from its table rows) and the app's client (ui.client,
which may import nothing but `contracts`). Internal columns (hashes of keys, tenant ids, stored bytes)
never appear here. A finding on the wire is contracts.findings.Finding plus its id and review: the one
finding schema, extended, not copied. Pydantic only: no FastAPI, no tables."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.compare.models import Comparison, ComparisonSummary
from contracts.documents import PageSpan
from contracts.findings import Finding
from contracts.key_terms import KeyTerms
from contracts.playbook import Severity

ReviewStatus = Literal["accepted", "rejected", "edited"]


class JobStatus(StrEnum):
    """A job's state, the one spelling for the table, the API, the runner and the app. Stored as its
    string value (a plain column, not a database enum, so adding a state needs no migration)."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"

    @classmethod
    def active(cls) -> tuple[JobStatus, ...]:
        """States in which the job is not finished yet (a client polls again)."""
        return cls.queued, cls.running

    @classmethod
    def finished(cls) -> tuple[JobStatus, ...]:
        return cls.done, cls.failed


# -- the one error body

class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code", examples=["unsupported_type"])
    message: str = Field(description="what went wrong, for people", examples=["scan.png: unsupported file type (.png); upload PDF, DOCX or TXT"])


class ErrorBody(BaseModel):
    error: ErrorDetail


# -- contracts and jobs

class UploadAccepted(BaseModel):
    contract_id: str
    job_id: str
    reused: bool = Field(description="the same bytes were uploaded before: the stored contract and its job are returned")
    status: JobStatus = Field(description="the job's status", examples=["queued"])

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"contract_id": "3f2c0a...", "job_id": "9b1e4d...", "reused": False, "status": "queued"}]})


class Progress(BaseModel):
    chunks_done: int
    chunks_total: int


class JobPublic(BaseModel):
    id: str
    contract_id: str
    analyzer: str
    status: JobStatus
    progress: Progress
    attempts: int
    error: ErrorDetail | None = Field(None, description="why the job failed")
    stats: dict[str, Any] = Field(description="once done: proposed, ungrounded_dropped, duplicates_merged, seconds, "
                                              "prompt_tokens, completion_tokens, findings, invalid_answers, "
                                              "invalid_answer_examples")
    webhook_status: str | None = Field(None, description="pending, delivered, rejected or failed; null without callback")
    comparison_id: str | None = Field(None, description="the comparison this job ran (upload with template_id)")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "9b1e4d...", "contract_id": "3f2c0a...", "analyzer": "baseline", "status": "running",
         "progress": {"chunks_done": 3, "chunks_total": 8}, "attempts": 1, "error": None, "stats": {},
         "webhook_status": None, "created_at": "2026-11-28T14:00:00", "started_at": "2026-11-28T14:00:01",
         "finished_at": None}]})


class JobSummary(BaseModel):
    id: str
    status: JobStatus
    analyzer: str


class ContractPublic(BaseModel):
    id: str
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    chars: int
    created_at: datetime
    latest_job: JobSummary | None = None


class ContractTerms(BaseModel):
    """A contract's key terms on the wire: the one KeyTerms shape (contracts.key_terms), with its contract."""

    contract_id: str
    job_id: str | None = Field(description="the analysis the terms come from; null while none has finished")
    terms: KeyTerms


class ContractsPublic(BaseModel):
    data: list[ContractPublic]
    count: int = Field(description="all contracts of the tenant, not just this page")


class ContractText(BaseModel):
    contract_id: str
    text: str = Field(description="the normalised text; every `start`/`end` in findings and labels indexes into it")
    pages: list[PageSpan]


# -- findings and their review

class Review(BaseModel):
    status: ReviewStatus
    comment: str | None = None
    reviewed_at: datetime
    original_category: str | None = None
    original_severity: Severity | None = None


class FindingPublic(Finding):
    """The one finding schema plus the API's id and the lawyer's review."""

    id: str
    review: Review | None = None


class FindingsPublic(BaseModel):
    contract_id: str
    job_id: str | None = Field(description="the job these findings come from; null while none has finished")
    data: list[FindingPublic]
    count: int


class FindingReview(BaseModel):
    action: Literal["accept", "reject", "edit"]
    severity: Severity | None = Field(None, description="new severity (action edit)")
    category: str | None = Field(None, description="new CUAD category (action edit)")
    comment: str | None = Field(None, max_length=5000, pattern=r"^[^\x00]*$")
    reviewer: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$",
                                 description="the lawyer's name, kept with the label")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"action": "edit", "severity": "high", "comment": "uncapped for data breaches", "reviewer": "A. Lawyer"},
        {"action": "reject", "comment": "boilerplate"}]})


# -- templates and comparisons

class TemplatePublic(BaseModel):
    id: str
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    created_at: datetime


class TemplatesPublic(BaseModel):
    data: list[TemplatePublic]
    count: int


class CompareRequest(BaseModel):
    template_id: str = Field(description="one of the tenant's templates (POST /v1/templates)")


class ComparisonPublic(Comparison):
    """contracts.compare.Comparison (contract, template, aligned, pairs, summary, ...) plus where it is
    stored and its downloads."""

    id: str
    contract_id: str
    template_id: str
    template_name: str
    job_id: str | None
    created_at: datetime
    downloads: dict[str, str] = Field(description="export name -> URL (redline.docx, review.docx, csv, xlsx)")


class ComparisonListItem(BaseModel):
    id: str
    template_id: str
    template_name: str
    job_id: str | None
    created_at: datetime
    aligned: bool
    summary: ComparisonSummary
    downloads: dict[str, str]


class ComparisonsPublic(BaseModel):
    data: list[ComparisonListItem]
    count: int


# -- annotators' labels

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


# -- the model behind the API

class Evaluation(BaseModel):
    file: str
    system: str
    protocol: str | None
    held_out: bool | None = Field(None, description="scored on contracts the model was not fit on; None: not said")
    rule: str | None
    precision: float
    recall: float
    f1: float


class ModelInfo(BaseModel):
    analyzer: str
    analyzers: list[str]
    model: str | None
    adapter: str | None
    max_upload_mb: float
    max_pages: int
    evaluation: list[Evaluation]


# -- the model registry, for an administrator (/admin/models)

class ModelVersionPublic(BaseModel):
    """An adapter registered for serving, with its evaluation's micro scores and whether it is served now."""

    name: str
    tenant_scope: str = Field(description="the tenant it is for; empty: every tenant")
    base_model: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    registered_at: datetime
    served: bool


class ModelVersionsPublic(BaseModel):
    data: list[ModelVersionPublic]


class PromoteIn(BaseModel):
    gate: Literal["recall", "precision", "f1"] = Field("f1", description="the measure the adapter must raise "
                                                      "without losing on its partner (serving.registry.GATES)")
    tenant: str = Field("", max_length=200, description="promote for this tenant only; empty: every tenant")

    model_config = ConfigDict(extra="forbid")


class RollbackIn(BaseModel):
    tenant: str = Field("", max_length=200)

    model_config = ConfigDict(extra="forbid")


class RegistryDecision(BaseModel):
    passed: bool
    message: str
    served: str | None = Field(None, description="the adapter served after the request")

