"""/v1/contracts/{id}/exports: a contract's latest finished analysis as Word review copy, CSV, XLSX and
HTML report, each finding with its review."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Response

from serving.api.deps import IdPath, SessionDep, TenantDep
from serving.api.protocol import error_responses
from serving.service import comparisons

router = APIRouter(prefix="/v1/contracts", tags=["contracts"])
ContractExport = Literal["review.docx", "findings.csv", "findings.xlsx", "report.html"]


@router.get("/{contract_id}/exports/{export}", responses={
    **error_responses({404: ["not_found", "not_analyzed"], 501: ["export_unavailable"]}),
    200: {"content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                      "text/csv": {}, "text/html": {}}}},
    summary="Download: review.docx (findings as comments), findings.csv, findings.xlsx, report.html")
def download(contract_id: IdPath, export: ContractExport, tenant: TenantDep, session: SessionDep) -> Response:
    """The latest finished analysis, every finding with its review (accepted, rejected, edited; comment)."""
    file = comparisons.contract_export(session, tenant_id=tenant.id, contract_id=contract_id, kind=export)
    disposition = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    return Response(content=file.data, media_type=file.media_type, headers={"Content-Disposition": disposition})
