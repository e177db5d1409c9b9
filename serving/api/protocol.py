"""The API's wire models: what clients send and get. Internal columns (hashes of keys, tenant ids,
stored bytes) never appear here. A finding on the wire is contracts.findings.Finding plus its id and
review — the one finding schema, extended, not copied."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.compare.models import Comparison, ComparisonSummary
from contracts.errors import IngestError, TooLargeError, UnsupportedTypeError
from contracts.findings import Finding
from contracts.playbook import Severity
from serving.models import ComparisonRow, Contract, FindingRow, Job, JobStatus, ReviewStatus, Template


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code", examples=["unsupported_type"])
    message: str = Field(description="what went wrong, for people", examples=["scan.png: unsupported file type (.png); upload PDF, DOCX or TXT"])


class ErrorBody(BaseModel):
    error: ErrorDetail


def _ingest_codes() -> dict[int, list[str]]:
    """The codes a file's ingestion can fail with, by status (serving.service.ContractService.parse),
    read from the IngestError classes so that a new one shows up in the reference by itself."""
    by_status: dict[int, list[str]] = {413: ["too_many_pages"], 415: [], 422: ["corrupt_file"]}
    stack: list[type[IngestError]] = [IngestError]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        status = 413 if issubclass(cls, TooLargeError) else 415 if issubclass(cls, UnsupportedTypeError) else 422
        if cls.code not in by_status[status] and cls.code != "missing_file":  # a path, never an upload
            by_status[status].append(cls.code)
    return by_status


def error_responses(codes: dict[int, list[str]], *, upload: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` naming the error codes a route can return, by status. Every /v1 route can
    also answer 401 `unauthorized` and 429 `rate_limited` (the gate), and 422 `invalid_request`."""
    merged: dict[int, list[str]] = {401: ["unauthorized"], 422: ["invalid_request"], 429: ["rate_limited"]}
    for status, names in [*codes.items(), *(_ingest_codes().items() if upload else [])]:
        merged.setdefault(status, [])
        merged[status] += [n for n in names if n not in merged[status]]
    return {status: {"model": ErrorBody, "description": "error codes: " + ", ".join(f"`{n}`" for n in names)}
            for status, names in sorted(merged.items())}


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

    @classmethod
    def of(cls, job: Job) -> JobPublic:
        return cls(id=job.id, contract_id=job.contract_id, analyzer=job.analyzer, status=job.status,
                   progress=Progress(chunks_done=job.chunks_done, chunks_total=job.chunks_total),
                   attempts=job.attempts,
                   error=ErrorDetail(code=job.error_code or "failed", message=job.error or "")
                   if job.status == JobStatus.failed else None,
                   stats=job.stats or {}, webhook_status=job.webhook_status,
                   comparison_id=(job.stats or {}).get("comparison_id"), created_at=job.created_at,
                   started_at=job.started_at, finished_at=job.finished_at)


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

    @classmethod
    def of(cls, contract: Contract, job: Job | None) -> ContractPublic:
        return cls(**contract.model_dump(exclude={"tenant_id"}),
                   latest_job=JobSummary(id=job.id, status=job.status, analyzer=job.analyzer) if job else None)


class ContractsPublic(BaseModel):
    data: list[ContractPublic]
    count: int = Field(description="all contracts of the tenant, not just this page")


class Review(BaseModel):
    status: ReviewStatus
    comment: str | None = None
    reviewed_at: datetime
    original_category: str | None = None
    original_severity: Severity | None = None


class FindingPublic(Finding):
    id: str
    review: Review | None = None

    @classmethod
    def of(cls, row: FindingRow) -> FindingPublic:
        review = None
        if row.review and row.reviewed_at:
            review = Review(status=row.review, comment=row.review_comment, reviewed_at=row.reviewed_at,
                            original_category=row.original_category, original_severity=row.original_severity)
        finding = Finding.model_validate(row, from_attributes=True)
        return cls(id=row.id, review=review, **finding.model_dump())


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


class TemplatePublic(BaseModel):
    id: str
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    created_at: datetime

    @classmethod
    def of(cls, template: Template) -> TemplatePublic:
        return cls(**template.model_dump(exclude={"tenant_id"}))


class TemplatesPublic(BaseModel):
    data: list[TemplatePublic]
    count: int


class CompareRequest(BaseModel):
    template_id: str = Field(description="one of the tenant's templates (POST /v1/templates)")


def _downloads(comparison_id: str) -> dict[str, str]:
    from serving.comparisons import EXPORTS

    return {kind: f"/v1/comparisons/{comparison_id}/{kind}" for kind in EXPORTS}


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

    @classmethod
    def of(cls, row: ComparisonRow) -> ComparisonPublic:
        return cls(**row.result, id=row.id, contract_id=row.contract_id, template_id=row.template_id,
                   template_name=row.template_name, job_id=row.job_id, created_at=row.created_at,
                   downloads=_downloads(row.id))


class ComparisonListItem(BaseModel):
    id: str
    template_id: str
    template_name: str
    job_id: str | None
    created_at: datetime
    aligned: bool
    summary: ComparisonSummary
    downloads: dict[str, str]

    @classmethod
    def of(cls, row: ComparisonRow) -> ComparisonListItem:
        return cls(id=row.id, template_id=row.template_id, template_name=row.template_name, job_id=row.job_id,
                   created_at=row.created_at, aligned=row.result["aligned"],
                   summary=ComparisonSummary.model_validate(row.result["summary"]), downloads=_downloads(row.id))


class ComparisonsPublic(BaseModel):
    data: list[ComparisonListItem]
    count: int
