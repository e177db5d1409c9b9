"""/v1/templates: the firm's own contract templates, to compare uploads against."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from contracts.wire import TemplatePublic, TemplatesPublic
from serving.api.deps import IdPath, Limit, Offset, SessionDep, SettingsDep, TenantDep, page_limit
from serving.api.protocol import error_responses, template_public
from serving.api.uploads import FilePart, read_upload
from serving.service import templates

router = APIRouter(prefix="/v1/templates", tags=["templates"])
UPLOAD_ERRORS = error_responses({400: ["bad_request"], 413: ["too_large"]}, upload=True)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TemplatePublic, responses=UPLOAD_ERRORS)
def upload_template(request: Request, response: Response, tenant: TenantDep, session: SessionDep,
                    settings: SettingsDep, file: FilePart,
                    name: Annotated[str | None, Form(max_length=200, pattern=r"^[^\x00]*$")] = None) -> TemplatePublic:
    data, filename = read_upload(request, file, settings)
    template, created = templates.add(session, tenant_id=tenant.id, data=data, filename=filename, name=name,
                                      settings=settings)
    response.headers["Location"] = f"/v1/templates/{template.id}"
    if not created:
        response.status_code = status.HTTP_200_OK  # the same bytes again: the template the tenant has
    return template_public(template)


@router.get("", response_model=TemplatesPublic, responses=error_responses({}))
def list_templates(tenant: TenantDep, session: SessionDep, settings: SettingsDep,
                   offset: Offset = 0, limit: Limit = 20) -> TemplatesPublic:
    rows, count = templates.page(session, tenant_id=tenant.id, offset=offset, limit=page_limit(limit, settings))
    return TemplatesPublic(data=[template_public(t) for t in rows], count=count)


@router.get("/{template_id}", response_model=TemplatePublic, responses=error_responses({404: ["not_found"]}),
            summary="One template, as listed (the `Location` of its upload)")
def get_template(template_id: IdPath, tenant: TenantDep, session: SessionDep) -> TemplatePublic:
    return template_public(templates.get(session, tenant_id=tenant.id, template_id=template_id))


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses({404: ["not_found"]}))
def delete_template(template_id: IdPath, tenant: TenantDep, session: SessionDep) -> Response:
    templates.delete_template(session, tenant_id=tenant.id, template_id=template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
