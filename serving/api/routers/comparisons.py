"""/v1/comparisons: a stored comparison and its downloads (Word redline and review copy, CSV, XLSX)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Response

from contracts.wire import ComparisonPublic
from serving.api.deps import AnalyzersDep, IdPath, SessionDep, TenantDep
from serving.api.protocol import comparison_public, error_responses
from serving.service import comparisons

router = APIRouter(prefix="/v1/comparisons", tags=["comparisons"])
ERRORS = error_responses({404: ["not_found"]})
DOWNLOAD_ERRORS = error_responses({404: ["not_found", "template_deleted"],
                                   422: ["analysis_timeout", "analysis_out_of_memory"], 501: ["export_unavailable"]})
Export = Literal["redline.docx", "review.docx", "comparison.csv", "findings.csv", "comparison.xlsx"]


@router.get("/{comparison_id}", response_model=ComparisonPublic, responses=ERRORS)
def get_comparison(comparison_id: IdPath, tenant: TenantDep, session: SessionDep) -> ComparisonPublic:
    return comparison_public(comparisons.get(session, tenant_id=tenant.id, comparison_id=comparison_id))


@router.get("/{comparison_id}/{export}", responses={**DOWNLOAD_ERRORS, 200: {"content": {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/csv": {}}}},
    response_class=Response,  # the file's own type only, not the default's `application/json` beside it
    summary="Download: redline.docx (tracked changes), review.docx (comments), comparison/findings CSV, XLSX")
def download(comparison_id: IdPath, export: Export, tenant: TenantDep, session: SessionDep,
             analyzers: AnalyzersDep) -> Response:
    """The Word files are built on request from the stored comparison and both uploads, under the file
    budget (LEXRISK_FILE_BUDGET_S, LEXRISK_FILE_MEMORY_MB; past it: 422, naming the setting): a redline
    between two long texts grows faster than their length."""
    file = comparisons.export(session, tenant_id=tenant.id, comparison_id=comparison_id, kind=export,
                              analyzers=analyzers)
    disposition = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    return Response(content=file.data, media_type=file.media_type, headers={"Content-Disposition": disposition})
