"""The service's tables, migrated with the annotation store's by Alembic (one database, one history). Every row a client can reach carries `tenant_id`, and every query in
serving/service.py filters on it: that is the whole tenancy model, kept in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import AutoString, Field, SQLModel, col

from annotation.store.models import Tenant, new_id
from contracts.clock import utcnow
from contracts.findings import Finding, reported
from contracts.playbook import Severity
from contracts.wire import JobStatus, ReviewStatus

__all__ = ["ApiKey", "Contract", "ContractTermsRow", "FeedToken", "FindingBase", "FindingRow", "Job", "JobStatus",
           "NoticeDelivery", "ReviewStatus", "Template", "Tenant", "Upload", "new_id", "utcnow"]


def _finding_field(name: str, **column: Any) -> Any:
    """A column for one of `contracts.findings.Finding`'s fields, with its description: the finding's
    schema is declared once, there."""
    return Field(description=Finding.model_fields[name].description, **column)


class FindingBase(SQLModel):
    """The fields of `contracts.findings.Finding` as columns (a test checks that the two agree). The
    finding itself stays a plain pydantic model because the core (`lexrisk analyze`) has no SQLModel."""

    category: str = _finding_field("category", index=True)
    severity: Severity = _finding_field("severity", index=True, sa_type=AutoString)
    quote: str = _finding_field("quote")
    start: int = _finding_field("start")
    end: int = _finding_field("end")
    page: int = _finding_field("page")
    score: float = _finding_field("score")
    explanation: str = _finding_field("explanation")
    model: str | None = _finding_field("model", default=None, index=True)
    possible: bool = _finding_field("possible", default=False)


class ApiKey(SQLModel, table=True):
    """Only the SHA-256 of a key is kept: keys are 256-bit random tokens, so a slow password hash would
    add latency to every request without adding safety."""

    __tablename__ = "serving_api_keys"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    key_hash: str = Field(unique=True, index=True)
    prefix: str
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None  # kept to the minute: one write a minute per key at most


class Contract(SQLModel, table=True):
    """A contract in the service: its API id, owner and the time it was uploaded, and its record, the one
    row that holds the contract itself (annotation.store.models.Contract: name, file hash, text, page map,
    file). Its jobs, findings, comparisons and terms hang from this row; the labels from the record."""

    __tablename__ = "serving_contracts"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    record_id: int = Field(foreign_key="contract.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Template(SQLModel, table=True):
    __tablename__ = "serving_templates"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    created_at: datetime = Field(default_factory=utcnow)


class Upload(SQLModel, table=True):
    """A template's uploaded bytes and parsed Document, apart from its metadata so that listing never loads
    megabytes. (A contract's are its record's: annotation.store.models.Contract.)"""

    __tablename__ = "serving_uploads"
    id: str = Field(primary_key=True)  # the template's id
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Job(SQLModel, table=True):
    __tablename__ = "serving_jobs"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    contract_id: str = Field(foreign_key="serving_contracts.id", index=True)
    analyzer: str
    template_id: str | None = None
    callback_url: str | None = None
    status: JobStatus = Field(default=JobStatus.queued, index=True, sa_type=AutoString)
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


class FindingRow(FindingBase, table=True):
    """A finding as stored: the fields of contracts.findings.Finding plus its review."""

    __tablename__ = "serving_findings"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    contract_id: str = Field(foreign_key="serving_contracts.id", index=True)
    job_id: str = Field(foreign_key="serving_jobs.id", index=True)
    review: ReviewStatus | None = Field(default=None, sa_type=AutoString)
    review_comment: str | None = None
    reviewed_at: datetime | None = None
    original_category: str | None = None
    original_severity: Severity | None = Field(default=None, sa_type=AutoString)
    annotation_id: int | None = None  # the label this finding became in the annotation store, once reviewed


# a finding the portfolio and a comparison's exports count as a risk: not rejected, and, if only possible (a
# passage to check, as the contract's exports leave out), accepted or edited by a reviewer; `counted` in SQL
COUNTED = ((col(FindingRow.review).is_(None)) | (col(FindingRow.review) != "rejected")) & (
    (col(FindingRow.possible).is_not(True)) | (col(FindingRow.review).in_(("accepted", "edited"))))


def counted(row: FindingRow) -> bool:
    """`COUNTED` for a row already read."""
    return row.review != "rejected" and reported(row.possible, row.review)


class ModelVersion(SQLModel, table=True):
    """An adapter the service may serve, with the lineage that made it and the evaluation that judges it.
    Registered once and never edited: a promotion is an event, so what was served when can always be told."""

    __tablename__ = "serving_model_versions"
    __table_args__ = (UniqueConstraint("tenant_scope", "name"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_scope: str = Field(default="", index=True)  # "" = every tenant; else a tenant's own adapter
    name: str = Field(index=True)
    adapter_path: str
    base_model: str
    lineage: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    eval_run: str | None = None
    registered_at: datetime = Field(default_factory=utcnow)


class ModelPromotion(SQLModel, table=True):
    """One change of the served adapter for a scope: the newest row is the one served."""

    __tablename__ = "serving_model_promotions"
    id: int | None = Field(default=None, primary_key=True)  # increasing: the order of events, even within a tick
    tenant_scope: str = Field(default="", index=True)
    model_id: str = Field(foreign_key="serving_model_versions.id", index=True)
    action: str  # promote, rollback
    gate: str | None = None
    reason: str
    created_at: datetime = Field(default_factory=utcnow, index=True)


class ComparisonRow(SQLModel, table=True):
    """A stored comparison of a contract with a template: the whole contracts.compare.Comparison as
    JSON (it is read whole, never queried inside). `template_id` has no foreign key so that deleting a
    template keeps the comparisons made with it readable."""

    __tablename__ = "serving_comparisons"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    contract_id: str = Field(foreign_key="serving_contracts.id", index=True)
    template_id: str = Field(index=True)
    template_name: str
    job_id: str | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ContractTermsRow(SQLModel, table=True):
    """A contract's key terms (contracts.key_terms.KeyTerms as JSON, read whole), one row per contract:
    written by the job that read them, corrected field by field by a lawyer (`source: lawyer`, kept when
    the contract is analyzed again). The columns beside the JSON are what the portfolio filters and the
    calendar and notice scan select on, so that no query reads inside JSON (SQLite and PostgreSQL alike)."""

    __tablename__ = "serving_contract_terms"
    contract_id: str = Field(foreign_key="serving_contracts.id", primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    job_id: str | None = Field(default=None, index=True)
    terms: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    expires_on: str | None = Field(default=None, index=True)  # last day the expiration can be (ISO date)
    notice_deadline: str | None = Field(default=None, index=True)  # ISO date
    governing_law: str | None = Field(default=None, index=True)  # lower case, for the filter
    parties: str = ""  # the parties' names and short names, lower case, one a line, for the filter
    updated_at: datetime = Field(default_factory=utcnow)


class FeedToken(SQLModel, table=True):
    """A tenant's calendar feed token: sent in the URL by calendar apps that cannot send headers, so it
    opens that tenant's /v1/calendar.ics and nothing else. Only its SHA-256 is kept, as for keys."""

    __tablename__ = "serving_feed_tokens"
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    token_hash: str = Field(unique=True, index=True)
    prefix: str
    name: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class NoticeDelivery(SQLModel, table=True):
    """The claim on one `contract.notice_deadline` webhook: the unique (contract, deadline) row is taken
    by exactly one process, so the event is sent once however many workers scan and however often they
    restart. `status` is pending until the delivery ends (delivered, rejected, failed, no_callback)."""

    __tablename__ = "serving_notice_deliveries"
    __table_args__ = (UniqueConstraint("contract_id", "deadline"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    tenant_id: str = Field(foreign_key="tenant.id", index=True)
    contract_id: str = Field(foreign_key="serving_contracts.id", index=True)
    deadline: str
    status: str = Field(default="pending", index=True)
    claimed_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
