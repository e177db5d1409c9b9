"""/v1/contracts/{id}/exports: a contract's latest finished analysis as Word review copy, CSV, XLSX and
HTML report, each finding with its review."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Response

from serving.api.deps import AnalyzersDep, IdPath, SessionDep, TenantDep
from serving.api.protocol import error_responses
from serving.service import comparisons

router = APIRouter(prefix="/v1/contracts", tags=["contracts"])
ContractExport = Literal["review.docx", "findings.csv", "findings.xlsx", "report.html"]


@router.get("/{contract_id}/exports/{export}", responses={
    **error_responses({404: ["not_found", "not_analyzed"], 422: ["analysis_timeout", "analysis_out_of_memory"],
                       501: ["export_unavailable"]}),
    200: {"content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                      "text/csv": {}, "text/html": {}}}},
    # the file's own type only: the default JSON response class listed `application/json` beside them
    response_class=Response,
    summary="Download: review.docx (findings as comments), findings.csv, findings.xlsx, report.html")
def download(contract_id: IdPath, export: ContractExport, tenant: TenantDep, session: SessionDep,
             analyzers: AnalyzersDep) -> Response:
    """The latest finished analysis, every finding with its review (accepted, rejected, edited; comment). The
    review copy and the report are built on request under the file budget (LEXRISK_FILE_BUDGET_S,
    LEXRISK_FILE_MEMORY_MB; past it: 422, naming the setting): they grow with the text times its findings."""
    file = comparisons.contract_export(session, tenant_id=tenant.id, contract_id=contract_id, kind=export,
                                       analyzers=analyzers)
    disposition = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    return Response(content=file.data, media_type=file.media_type, headers={"Content-Disposition": disposition})
