"""Tenant scoping of lookups by id, in one place: the tenant's row, or NotFound (never another tenant's)."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, col, select

from serving.errors import NotFound
from serving.models import ComparisonRow, Contract, Job, Template

T = TypeVar("T", Contract, Template, Job, ComparisonRow)


def found(row: T | None, *, noun: str, row_id: str) -> T:
    if row is None:
        raise NotFound(f"no {noun} {row_id}")
    return row


def owned(session: Session, model: type[T], *, tenant_id: str, row_id: str, noun: str) -> T:
    row = session.exec(select(model).where(model.id == row_id, model.tenant_id == tenant_id)).first()
    return found(row, noun=noun, row_id=row_id)


def contract(session: Session, *, tenant_id: str, contract_id: str) -> Contract:
    return owned(session, Contract, tenant_id=tenant_id, row_id=contract_id, noun="contract")


def template(session: Session, *, tenant_id: str, template_id: str) -> Template:
    return owned(session, Template, tenant_id=tenant_id, row_id=template_id, noun="template")


def job(session: Session, *, tenant_id: str, job_id: str) -> Job:
    return owned(session, Job, tenant_id=tenant_id, row_id=job_id, noun="job")


def comparison(session: Session, *, tenant_id: str, comparison_id: str) -> ComparisonRow:
    return owned(session, ComparisonRow, tenant_id=tenant_id, row_id=comparison_id, noun="comparison")


def latest_job(session: Session, *, contract_id: str) -> Job | None:
    return session.exec(select(Job).where(Job.contract_id == contract_id)
                        .order_by(col(Job.created_at).desc())).first()
