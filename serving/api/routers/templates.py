"""/v1/templates: the firm's own contract templates, to compare uploads against."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status

from serving.api.deps import ServiceDep, SettingsDep, TenantDep
from serving.api.protocol import ErrorBody, TemplatePublic, TemplatesPublic
from serving.api.uploads import read_upload

router = APIRouter(prefix="/v1/templates", tags=["templates"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 404, 413, 415, 422, 429)}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TemplatePublic, responses=ERRORS)
def upload_template(request: Request, response: Response, tenant: TenantDep, service: ServiceDep,
                    settings: SettingsDep, file: Annotated[UploadFile, File(description="PDF, DOCX or TXT")],
                    name: Annotated[str | None, Form(max_length=200)] = None) -> TemplatePublic:
    data, filename = read_upload(request, file, settings)
    template = service.add_template(tenant, data, filename, name)
    response.headers["Location"] = f"/v1/templates/{template.id}"
    return TemplatePublic.of(template)


@router.get("", response_model=TemplatesPublic, responses=ERRORS)
def list_templates(tenant: TenantDep, service: ServiceDep, settings: SettingsDep,
                   offset: Annotated[int, Query(ge=0)] = 0,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 20) -> TemplatesPublic:
    rows, count = service.templates(tenant, offset, min(limit, settings.page_size_max))
    return TemplatesPublic(data=[TemplatePublic.of(t) for t in rows], count=count)


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_template(template_id: str, tenant: TenantDep, service: ServiceDep) -> Response:
    service.delete_template(tenant, template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
