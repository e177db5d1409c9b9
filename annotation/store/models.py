"""The annotation store's tables. Importing this module only defines tables on `SQLModel.metadata`;
it opens nothing, so the serving part can import it (and add its own tables to the same metadata).

Nothing is overwritten: a label's review, correction or adjudication is a new `ReviewEvent` row, and
a corrected label is a new `Annotation` that points at the one it replaces. `Annotation.status` is the
outcome of the latest event, kept on the row (in the same transaction) so gold labels are one query.

Every contract, label, review event and dataset belongs to a tenant (`Tenant`): a firm's privileged
contracts and its lawyers' labels never meet another firm's, and they become training data only when
the firm has opted in (`share_labels`). Public data sets (CUAD) belong to the tenant `public`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column, DateTime, LargeBinary, Text, UniqueConstraint
from sqlmodel import AutoString, Field, SQLModel

from contracts.clock import utcnow
from contracts.playbook import Severity

AnnotationStatus = Literal["pending", "accepted", "rejected"]
Decision = Literal["accepted", "rejected"]
ANNOTATION_STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected")
DECISIONS: tuple[str, ...] = ("accepted", "rejected")
LabelOrigin = Literal["manual", "suggested_accepted", "suggested_edited"]
LABEL_ORIGINS: tuple[str, ...] = ("manual", "suggested_accepted", "suggested_edited")
# where annotators' own labels come from (their votes, which agreement compares): the app and Label Studio;
# not a model's finding a reviewer decided (api), a data set (cuad) or an adjudicator's merge (adjudication)
ANNOTATOR_SOURCES: tuple[str, ...] = ("app", "labelstudio")
AssignmentStatus = Literal["to_label", "in_review", "done"]
ASSIGNMENT_STATUSES: tuple[str, ...] = ("to_label", "in_review", "done")
PUBLIC_TENANT = "public"  # the owner of public data sets (CUAD); shares its labels
UNATTRIBUTED_TENANT = "unattributed"  # review labels from before tenants whose tenant was lost (migration 0003)
RESERVED_TENANTS = (PUBLIC_TENANT, UNATTRIBUTED_TENANT)  # store tenants that are no firm: no API keys


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


def _tenant() -> Any:
    """The label store names its tenant (rows read as `tenant = 'acme'`); the service refers to it by id."""
    return Field(foreign_key="tenant.name", max_length=200, index=True)


def new_id() -> str:
    return uuid.uuid4().hex


class Tenant(SQLModel, table=True):
    """A firm (or `public`, the owner of public data sets): the one tenant table. The service's rows
    (keys, contracts, jobs) refer to its id, the label store's to its name. Its labels are training data
    only once it opts in (`lexrisk tenants set NAME --share-labels on`)."""

    __tablename__ = "tenant"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(unique=True, index=True)
    share_labels: bool = Field(default=False, description="its accepted labels may go into training sets")
    created_at: datetime = Field(default_factory=utcnow)


class Contract(SQLModel, table=True):
    """The one record of a contract: its normalised text (every offset indexes into it), page map, how
    the text was read and the source file. The service's contract (serving.models.Contract: its API id,
    jobs and findings) refers to it by id; a label, an assignment, a review refers to it too. The same
    file held by two tenants is two contracts: neither sees the other's text or labels."""

    __tablename__ = "contract"
    __table_args__ = (UniqueConstraint("tenant", "sha256", name="uq_contract_tenant_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = _tenant()
    sha256: str = Field(max_length=64, index=True, description="hash of the source file bytes")
    name: str = Field(max_length=512)
    source_type: str = Field(max_length=8)
    text: str = Field(sa_column=Column(Text, nullable=False))
    pages: list[dict[str, int]] = Field(sa_column=Column(JSON, nullable=False))
    source_bytes: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    document_metadata: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False),
                                              description="how the text was read (contracts.documents.Document.metadata)")
    # what a listing shows without loading the text: the file's size (null while only the text is held),
    # the page and character counts of the text
    size_bytes: int | None = None
    page_count: int = 0
    chars: int = 0
    created_at: datetime = _timestamp()


class Annotator(SQLModel, table=True):
    """Who labelled or reviewed: a lawyer, a data source (`cuad`) or a model (`model:baseline`)."""

    __tablename__ = "annotator"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True, index=True)
    kind: str = Field(default="person", max_length=16, description="person, source or model")
    created_at: datetime = _timestamp()


class Annotation(SQLModel, table=True):
    """One labelled span: `quote == contract.text[start:end]` always holds.

    A CUAD excerpt with `<omitted>` parts becomes one row per part sharing `group_key`."""

    __tablename__ = "annotation"

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = _tenant()
    contract_id: int = Field(foreign_key="contract.id", index=True)
    annotator_id: int = Field(foreign_key="annotator.id", index=True)
    category: str = Field(max_length=100, index=True)
    severity: Severity = Field(sa_type=AutoString(8))
    start: int
    end: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    explanation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="pending", max_length=16, index=True)
    source: str = Field(max_length=32, description="cuad, labelstudio, review, adjudication, api")
    source_ref: str | None = Field(default=None, max_length=1000, description="file and record it came from")
    group_key: str | None = Field(default=None, max_length=200, index=True)
    supersedes_id: int | None = Field(default=None, foreign_key="annotation.id")
    origin: str = Field(default="manual", max_length=24, index=True,
                        description="manual (drawn by hand), suggested_accepted or suggested_edited (from a "
                                    "model's suggestion, kept as is or changed): the training set and the "
                                    "agreement reports tell them apart")
    created_at: datetime = _timestamp()


class Assignment(SQLModel, table=True):
    """A contract handed to one annotator, and where their work on it stands (to_label, in_review, done):
    the annotation queue. One row per (contract, annotator); the status is updated in place, as it is a
    work-list state, not a decision on a label (those are `ReviewEvent`s)."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("contract_id", "annotator_id", name="uq_assignment_contract_annotator"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = _tenant()
    contract_id: int = Field(foreign_key="contract.id", index=True)
    annotator_id: int = Field(foreign_key="annotator.id", index=True)
    status: str = Field(default="to_label", max_length=16, index=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class ReviewEvent(SQLModel, table=True):
    """One decision on one annotation, by whom, when and why: the audit trail."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = _tenant()
    annotation_id: int = Field(foreign_key="annotation.id", index=True)
    reviewer_id: int = Field(foreign_key="annotator.id")
    kind: str = Field(default="review", max_length=16, description="review, adjudication or import")
    decision: str = Field(max_length=16)
    previous_status: str = Field(max_length=16)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _timestamp()


class DatasetVersion(SQLModel, table=True):
    """A built training set: which tenants' gold labels, which split, which settings, and its content hash."""

    __tablename__ = "dataset_version"
    __table_args__ = (UniqueConstraint("content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64)
    tenants: list[str] = Field(sa_column=Column(JSON, nullable=False), description="whose labels it holds")
    params: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    splits: dict[str, str] = Field(sa_column=Column(JSON, nullable=False), description="contract sha256 -> split")
    annotation_ids: list[int] = Field(sa_column=Column(JSON, nullable=False))
    card: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _timestamp()


class ExplanationRating(SQLModel, table=True):
    """A lawyer's 1-5 rating of one explanation an analyzer gave for one clause: the ground truth an LLM
    judge is calibrated against (`lexrisk eval judge --calibrate`). Keyed by what was rated, not by a
    run, so the same explanation rated once serves every run that produced it."""

    __tablename__ = "explanation_rating"
    __table_args__ = (UniqueConstraint("rater_id", "contract_name", "category", "start", "end", "explanation_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    rater_id: int = Field(foreign_key="annotator.id", index=True)
    contract_name: str = Field(max_length=500, index=True)
    category: str = Field(max_length=100)
    start: int
    end: int
    explanation_sha256: str = Field(max_length=64)
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    score: int = Field(ge=1, le=5)
    created_at: datetime = _timestamp()
