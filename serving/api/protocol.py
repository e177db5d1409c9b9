"""From the service's rows to the API's wire models (declared once, in contracts.wire, for the API and
the app's client alike), and the OpenAPI description of the one error body by route."""

from __future__ import annotations

from typing import Any

from contracts.compare.models import ComparisonSummary
from contracts.errors import IngestError, TooLargeError, UnsupportedTypeError
from contracts.findings import Finding
from contracts.wire import (
    ComparisonListItem,
    ComparisonPublic,
    ErrorBody,
    ErrorDetail,
    FindingPublic,
    JobPublic,
    JobStatus,
    Progress,
    Review,
    TemplatePublic,
)
from serving.models import ComparisonRow, FindingRow, Job, Template

ERROR_CODES = "error codes: "  # how an OpenAPI response's description opens, before the codes in backticks
_FILE_PART_CODES: dict[int, list[str]] = {  # serving.api.uploads
    400: ["missing_filename", "one_file_per_upload", "repeated_field"]}


def _ingest_codes() -> dict[int, list[str]]:
    """The codes a file's ingestion can fail with, by status (serving.service.uploads.parse),
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
    also answer 401 `unauthorized` and 429 `rate_limited` (the gate), and 422 `invalid_request`; an
    `upload` route, the codes of its file part (serving.api.uploads) and of the file's ingestion."""
    merged: dict[int, list[str]] = {401: ["unauthorized"], 422: ["invalid_request"], 429: ["rate_limited"]}
    uploads = [*_FILE_PART_CODES.items(), *_ingest_codes().items()] if upload else []
    for status, names in [*codes.items(), *uploads]:
        merged.setdefault(status, [])
        merged[status] += [n for n in names if n not in merged[status]]
    return {status: {"model": ErrorBody, "description": ERROR_CODES + ", ".join(f"`{n}`" for n in names)}
            for status, names in sorted(merged.items())}


def job_public(job: Job) -> JobPublic:
    return JobPublic(id=job.id, contract_id=job.contract_id, analyzer=job.analyzer, status=job.status,
                     progress=Progress(chunks_done=job.chunks_done, chunks_total=job.chunks_total),
                     attempts=job.attempts,
                     error=ErrorDetail(code=job.error_code or "failed", message=job.error or "")
                     if job.status == JobStatus.failed else None,
                     stats=job.stats or {}, webhook_status=job.webhook_status,
                     comparison_id=(job.stats or {}).get("comparison_id"), created_at=job.created_at,
                     started_at=job.started_at, finished_at=job.finished_at)


def finding_public(row: FindingRow) -> FindingPublic:
    review = None
    if row.review and row.reviewed_at:
        review = Review(status=row.review, comment=row.review_comment, reviewed_at=row.reviewed_at,
                        original_category=row.original_category, original_severity=row.original_severity,
                        label_id=row.annotation_id)
    finding = Finding.model_validate(row, from_attributes=True)
    return FindingPublic(id=row.id, review=review, **finding.model_dump())


def template_public(template: Template) -> TemplatePublic:
    return TemplatePublic(**template.model_dump(exclude={"tenant_id"}))


def _downloads(comparison_id: str) -> dict[str, str]:
    from serving.comparisons import EXPORTS

    return {kind: f"/v1/comparisons/{comparison_id}/{kind}" for kind in EXPORTS}


def comparison_public(row: ComparisonRow) -> ComparisonPublic:
    return ComparisonPublic(**row.result, id=row.id, contract_id=row.contract_id, template_id=row.template_id,
                            template_name=row.template_name, job_id=row.job_id, created_at=row.created_at,
                            downloads=_downloads(row.id))


def comparison_list_item(row: ComparisonRow) -> ComparisonListItem:
    return ComparisonListItem(id=row.id, template_id=row.template_id, template_name=row.template_name,
                              job_id=row.job_id, created_at=row.created_at, aligned=row.result["aligned"],
                              summary=ComparisonSummary.model_validate(row.result["summary"]),
                              downloads=_downloads(row.id))
