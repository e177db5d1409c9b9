"""/v1/comparisons: a stored comparison and its downloads (Word redline and review copy, CSV, XLSX)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Response

from contracts.wire import ComparisonPublic, ErrorBody
from serving.api.deps import SessionDep, TenantDep
from serving.api.protocol import comparison_public
from serving.service import comparisons

router = APIRouter(prefix="/v1/comparisons", tags=["comparisons"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 422, 429)}
Export = Literal["redline.docx", "review.docx", "comparison.csv", "findings.csv", "comparison.xlsx"]


@router.get("/{comparison_id}", response_model=ComparisonPublic, responses=ERRORS)
def get_comparison(comparison_id: str, tenant: TenantDep, session: SessionDep) -> ComparisonPublic:
    return comparison_public(comparisons.get(session, tenant_id=tenant.id, comparison_id=comparison_id))


@router.get("/{comparison_id}/{export}", responses={**ERRORS, 200: {"content": {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/csv": {}}}},
    summary="Download: redline.docx (tracked changes), review.docx (comments), comparison/findings CSV, XLSX")
def download(comparison_id: str, export: Export, tenant: TenantDep, session: SessionDep) -> Response:
    file = comparisons.export(session, tenant_id=tenant.id, comparison_id=comparison_id, kind=export)
    disposition = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    return Response(content=file.data, media_type=file.media_type, headers={"Content-Disposition": disposition})
