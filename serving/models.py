"""The service's tables, migrated with the annotation store's by Alembic (one database, one history). Every row a client can reach carries `tenant_id`, and every query in
serving/service.py filters on it: that is the whole tenancy model, kept in one place."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

JOB_STATES = ("queued", "running", "done", "failed")


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class Tenant(SQLModel, table=True):
    __tablename__ = "serving_tenants"
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class ApiKey(SQLModel, table=True):
    """Only the SHA-256 of a key is kept: keys are 256-bit random tokens, so a slow password hash would
    add latency to every request without adding safety."""

    __tablename__ = "serving_api_keys"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="serving_tenants.id", index=True)
    key_hash: str = Field(unique=True, index=True)
    prefix: str
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None  # kept to the minute: one write a minute per key at most


class Contract(SQLModel, table=True):
    __tablename__ = "serving_contracts"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="serving_tenants.id", index=True)
    name: str
    sha256: str = Field(index=True)
    source_type: str
    size_bytes: int
    pages: int
    chars: int
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Template(SQLModel, table=True):
    __tablename__ = "serving_templates"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="serving_tenants.id", index=True)
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    created_at: datetime = Field(default_factory=utcnow)


class Upload(SQLModel, table=True):
    """The uploaded bytes and the parsed Document of a contract or template, apart from its metadata so
    that listing never loads megabytes; stored before a job is queued, so no job can lose its input."""

    __tablename__ = "serving_uploads"
    id: str = Field(primary_key=True)  # the contract's or template's id
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Job(SQLModel, table=True):
    __tablename__ = "serving_jobs"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="serving_tenants.id", index=True)
    contract_id: str = Field(foreign_key="serving_contracts.id", index=True)
    analyzer: str
    template_id: str | None = None
    callback_url: str | None = None
    status: str = Field(default="queued", index=True)
    error_code: str | None = None
    error: str | None = None
    attempts: int = 1
    chunks_done: int = 0
    chunks_total: int = 0
    stats: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    webhook_status: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None


class FindingRow(SQLModel, table=True):
    """A finding as stored: the fields of contracts.findings.Finding plus its review."""

    __tablename__ = "serving_findings"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="serving_tenants.id", index=True)
    contract_id: str = Field(foreign_key="serving_contracts.id", index=True)
    job_id: str = Field(foreign_key="serving_jobs.id", index=True)
    category: str = Field(index=True)
    severity: str = Field(index=True)
    quote: str
    start: int
    end: int
    page: int
    score: float
    explanation: str
    review: str | None = None  # accepted, rejected, edited
    review_comment: str | None = None
    reviewed_at: datetime | None = None
    original_category: str | None = None
    original_severity: str | None = None
    annotation_id: int | None = None  # the label this finding became in the annotation store, once reviewed
