"""/v1/jobs and /v1/findings/{id} (reviews)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from contracts.wire import FindingPublic, FindingReview, JobPublic
from serving.api.deps import IdPath, ReadEngineDep, SessionDep, StatusReadsDep, TenantDep
from serving.api.protocol import error_responses, finding_public, job_public
from serving.models import JobStatus
from serving.service import jobs, reviews

router = APIRouter(prefix="/v1", tags=["jobs"])
RETRY_AFTER_S = 2


@router.get("/jobs/{job_id}", response_model=JobPublic, responses=error_responses({404: ["not_found"]}))
async def get_job(job_id: IdPath, response: Response, tenant: TenantDep, reads: StatusReadsDep,
                  engine: ReadEngineDep) -> JobPublic:
    """Status, progress (chunks done of total) and, once failed, the reason. `Retry-After` says when
    to poll again while the job is queued or running."""
    job = await jobs.status(tenant_id=tenant.id, job_id=job_id, reads=reads, engine=engine)
    if job.status in JobStatus.active():
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return job_public(job)


@router.patch("/findings/{finding_id}", response_model=FindingPublic, tags=["findings"], responses=error_responses(
    {400: ["bad_request", "empty_edit", "invalid_label", "invalid_review", "unknown_category"], 404: ["not_found"],
     409: ["label_conflict"], 413: ["too_large"]}))
def review_finding(finding_id: IdPath, review: FindingReview, tenant: TenantDep, session: SessionDep) -> FindingPublic:
    """Accept, reject or edit (severity, category) a finding with a comment. The decision is stored as
    the tenant's label in the annotation store: that is how reviews become training data, once the
    tenant opts in. 409 `label_conflict`: the store holds this file with another text extraction."""
    row = reviews.review(session, tenant=tenant, finding_id=finding_id, action=review.action, severity=review.severity,
                         category=review.category, comment=review.comment, reviewer=review.reviewer)
    return finding_public(row)
