"""/v1/contracts: upload, read, list, delete, findings, compare."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response, status

from contracts.playbook import Severity
from contracts.wire import (
    ID_PATTERN,
    CompareRequest,
    ComparisonPublic,
    ComparisonsPublic,
    ContractDetail,
    ContractsPublic,
    FindingsPublic,
    UploadAccepted,
)
from serving.api.deps import (
    AnalyzersDep,
    IdPath,
    Limit,
    Offset,
    QueueDep,
    ReadEngineDep,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
    StatusReadsDep,
    TenantDep,
    page_limit,
)
from serving.api.protocol import (
    comparison_list_item,
    comparison_public,
    error_responses,
    finding_public,
)
from serving.api.uploads import FilePart, read_upload
from serving.service import comparisons, contracts, uploads

router = APIRouter(prefix="/v1/contracts", tags=["contracts"])
UPLOAD_ERRORS = error_responses({
    400: ["bad_request", "unknown_analyzer", "analyzer_not_configured", "invalid_callback_url", "callback_not_allowed",
          "webhooks_disabled"],
    404: ["not_found"], 409: ["callback_conflict", "upload_conflict"], 413: ["too_large"], 429: ["queue_full"], 503: ["queue_full"]},
    upload=True)
READ_ERRORS = error_responses({404: ["not_found"]})


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=UploadAccepted, responses=UPLOAD_ERRORS,
             summary="Upload a contract and start its analysis")
def upload_contract(request: Request, response: Response, tenant: TenantDep, session: SessionDep,
                    settings: SettingsDep, queue: QueueDep,
                    file: FilePart,
                    analyzer: Annotated[str | None, Form(description="one of /v1/model's `analyzers` (baseline, "
                                                                     "openai or hf, as configured)",
                                                         max_length=100)] = None,
                    template_id: Annotated[str | None, Form(description="a template to compare against",
                                                            pattern=ID_PATTERN)] = None,
                    callback_url: Annotated[str | None, Form(description="webhook on job end (allow-listed hosts)",
                                                             max_length=2000)] = None,
                    ) -> UploadAccepted:
    """202 with the contract and job ids; `Location` points at the job. The same bytes uploaded again
    return the stored contract and its job (queued, running or done) instead of analyzing twice."""
    data, filename = read_upload(request, file, settings)
    accepted = uploads.upload(session, tenant=tenant, data=data, filename=filename, settings=settings,
                              queue=queue, analyzer=analyzer, template_id=template_id, callback_url=callback_url)
    response.headers["Location"] = f"/v1/jobs/{accepted.job.id}"
    return UploadAccepted(contract_id=accepted.contract.id, job_id=accepted.job.id, reused=accepted.reused,
                          status=accepted.job.status)


@router.get("", response_model=ContractsPublic, responses=error_responses({}), summary="List contracts, newest first")
async def list_contracts(tenant: TenantDep, settings: SettingsDep, reads: StatusReadsDep, engine: ReadEngineDep,
                         offset: Offset = 0, limit: Limit = 20) -> ContractsPublic:
    rows, count = await contracts.page_polled(tenant_id=tenant.id, offset=offset, limit=page_limit(limit, settings),
                                              reads=reads, engine=engine)
    return ContractsPublic(data=rows, count=count)


@router.get("/{contract_id}", response_model=ContractDetail, responses=READ_ERRORS)
def get_contract(contract_id: IdPath, tenant: TenantDep, session: ReadSessionDep) -> ContractDetail:
    """The contract, its latest job and its key terms (null while no analysis has read them)."""
    return contracts.detail(session, tenant_id=tenant.id, contract_id=contract_id)


@router.delete("/{contract_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS)
def delete_contract(contract_id: IdPath, tenant: TenantDep, session: SessionDep) -> Response:
    """Deletes the contract, its upload, jobs and findings (labels already given stay in the annotation store)."""
    contracts.delete_contract(session, tenant_id=tenant.id, contract_id=contract_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{contract_id}/findings", response_model=FindingsPublic,
            responses=error_responses({400: ["unknown_category"], 404: ["not_found"]}))
def get_findings(contract_id: IdPath, tenant: TenantDep, session: SessionDep,
                 severity: Annotated[list[Severity], Query()] = [],  # noqa: B006 - FastAPI copies defaults
                 category: Annotated[list[str], Query(description="CUAD category names")] = [],  # noqa: B006
                 job_id: Annotated[str | None, Query(description="a given job's findings; default the latest done",
                                                     pattern=ID_PATTERN)] = None,
                 possible: Annotated[bool | None, Query(
                     description="false: the risks found only (the job's `stats.findings`); true: only the "
                                 "`possible` ones, passages to check (`stats.possible`); left out: both")] = None,
                 ) -> FindingsPublic:
    """Every finding of the analysis, `possible` ones included: scored below the analyzer's threshold but
    above its recall-first floor, they are passages to check, not risks found, until a reviewer accepts
    one (the portfolio's `risks` and the exports leave them out until then)."""
    job, rows = contracts.findings(session, tenant_id=tenant.id, contract_id=contract_id, severity=severity,
                                   category=category, job_id=job_id, possible=possible)
    return FindingsPublic(contract_id=contract_id, job_id=job.id if job else None,
                          data=[finding_public(r) for r in rows], count=len(rows))


@router.post("/{contract_id}/compare", status_code=status.HTTP_201_CREATED, response_model=ComparisonPublic,
             responses=error_responses({404: ["not_found"], 422: ["analysis_timeout", "analysis_out_of_memory"]}),
             summary="Compare the contract against a template (stored; see /comparisons)")
def compare(contract_id: IdPath, body: CompareRequest, response: Response, tenant: TenantDep, session: SessionDep,
            settings: SettingsDep, analyzers: AnalyzersDep) -> ComparisonPublic:
    """Aligns the contract's clauses with the template's and judges every difference against the
    playbook. Categories come from the contract's latest finished analysis (none yet: text alone); the
    template's from the baseline analyzer, under the file budget (past it: 422, naming the setting).
    Each call stores a new comparison: 201, `Location: /v1/comparisons/{id}`."""
    comparison = comparison_public(comparisons.compare(session, tenant_id=tenant.id, contract_id=contract_id,
                                                       template_id=body.template_id, settings=settings,
                                                       analyzers=analyzers))
    response.headers["Location"] = f"/v1/comparisons/{comparison.id}"
    return comparison


@router.get("/{contract_id}/comparisons", response_model=ComparisonsPublic, responses=READ_ERRORS,
            summary="The contract's comparisons, newest first")
def list_comparisons(contract_id: IdPath, tenant: TenantDep, session: SessionDep, settings: SettingsDep,
                     offset: Offset = 0, limit: Limit = 20) -> ComparisonsPublic:
    rows, count = comparisons.page(session, tenant_id=tenant.id, contract_id=contract_id, offset=offset,
                                   limit=page_limit(limit, settings))
    return ComparisonsPublic(data=[comparison_list_item(r) for r in rows], count=count)
