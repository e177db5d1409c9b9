"""A tenant's templates: the firm's own forms that contracts are compared against (stored, not analyzed)."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from contracts.filenames import safe_name
from serving.models import Template, Upload
from serving.service import scope
from serving.service.uploads import parse
from serving.settings import ServiceSettings


def add(session: Session, *, tenant_id: str, data: bytes, filename: str, name: str | None,
        settings: ServiceSettings) -> tuple[Template, bool]:
    """The stored template and whether it is new. The same bytes again are the template the tenant already
    has (its name kept), as a contract's are, so that a retried upload or a second click does not list the
    firm's form twice in every picker. (Two identical uploads at the same instant may both be stored: no
    unique index guards it, as databases that hold duplicates already would refuse one.)

    `name` is cleaned as a contract's file name is (`safe_name`): it is printed in titles, tables and Word
    files beside that name, where a line break or a right-to-left override (U+202E) would forge or
    hide text. Blank or cleaned away, the file's name stands in."""
    digest = hashlib.sha256(data).hexdigest()
    known = session.exec(select(Template).where(Template.tenant_id == tenant_id, Template.sha256 == digest)
                         .order_by(col(Template.created_at), col(Template.id))).first()
    if known is not None:
        return known, False
    document = parse(data, filename, settings=settings)
    name = safe_name(name or "", fallback="") or document.name
    template = Template(tenant_id=tenant_id, name=name, sha256=document.sha256,
                        source_type=document.source_type, size_bytes=len(data), pages=len(document.pages))
    session.add(template)
    session.flush()
    session.add(Upload(id=template.id, data=data, document=document.model_dump(mode="json")))
    session.commit()
    session.refresh(template)
    return template, True


def page(session: Session, *, tenant_id: str, offset: int, limit: int) -> tuple[list[Template], int]:
    count = session.exec(select(func.count()).select_from(Template).where(Template.tenant_id == tenant_id)).one()
    rows = session.exec(select(Template).where(Template.tenant_id == tenant_id)
                        .order_by(col(Template.created_at).desc(), col(Template.id)).offset(offset).limit(limit)).all()
    return list(rows), int(count)


def get(session: Session, *, tenant_id: str, template_id: str) -> Template:
    """The tenant's template; NotFound for another tenant's, as for an unknown id."""
    return scope.template(session, tenant_id=tenant_id, template_id=template_id)


def delete_template(session: Session, *, tenant_id: str, template_id: str) -> None:
    """The template and its upload; the comparisons made with it stay readable (they hold their result)."""
    template = scope.template(session, tenant_id=tenant_id, template_id=template_id)
    session.exec(delete(Upload).where(col(Upload.id) == template.id))
    session.delete(template)
    session.commit()
