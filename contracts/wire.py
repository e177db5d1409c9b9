"""The HTTP API's wire models: what clients send and get, declared once for both sides — the API
(serving.api, which adds only the conversions from its table rows) and the app's client (ui.client,
which may import nothing but `contracts`). Internal columns (hashes of keys, tenant ids, stored bytes)
never appear here. A finding on the wire is contracts.findings.Finding plus its id and review: the one
finding schema, extended, not copied. Pydantic only: no FastAPI, no tables."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.compare.models import Comparison, ComparisonSummary
from contracts.documents import PageSpan
from contracts.findings import Finding
from contracts.key_terms import KeyTerms
from contracts.playbook import Severity
from contracts.proofing.models import PROOFING_KINDS as PROOFING_KINDS  # re-exported: declared once there
from contracts.proofing.models import ProofingItem as ProofingItem
from contracts.proofing.models import ProofingKind as ProofingKind

ReviewStatus = Literal["accepted", "rejected", "edited"]


class JobStatus(StrEnum):
    """A job's state, the one spelling for the table, the API, the runner and the app. Stored as its
    string value (a plain column, not a database enum, so adding a state needs no migration)."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"

    @classmethod
    def active(cls) -> tuple[JobStatus, ...]:
        """States in which the job is not finished yet (a client polls again)."""
        return cls.queued, cls.running

    @classmethod
    def finished(cls) -> tuple[JobStatus, ...]:
        return cls.done, cls.failed


# -- the one error body

class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code", examples=["unsupported_type"])
    message: str = Field(description="what went wrong, for people", examples=["scan.png: unsupported file type (.png); upload PDF, DOCX or TXT"])


class ErrorBody(BaseModel):
    error: ErrorDetail


# -- contracts and jobs

class UploadAccepted(BaseModel):
    contract_id: str
    job_id: str
    reused: bool = Field(description="the same bytes were uploaded before: the stored contract and its job are returned")
    status: JobStatus = Field(description="the job's status", examples=["queued"])

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"contract_id": "3f2c0a...", "job_id": "9b1e4d...", "reused": False, "status": "queued"}]})


class Progress(BaseModel):
    chunks_done: int
    chunks_total: int


class JobPublic(BaseModel):
    id: str
    contract_id: str
    analyzer: str
    status: JobStatus
    progress: Progress
    attempts: int
    error: ErrorDetail | None = Field(None, description="why the job failed")
    stats: dict[str, Any] = Field(description="once done: proposed, ungrounded_dropped, duplicates_merged, seconds, "
                                              "prompt_tokens, completion_tokens, findings (the risks found), "
                                              "possible (passages to check: scored below the analyzer's threshold, "
                                              "listed among the contract's findings with `possible: true` and not "
                                              "counted in `findings`), model (what the findings record as "
                                              "`model`), invalid_answers, invalid_answer_examples; with a "
                                              "template, comparison_id, or comparison_error when it failed")
    webhook_status: str | None = Field(None, description="pending, delivered, rejected or failed; null without callback")
    comparison_id: str | None = Field(None, description="the comparison this job ran (upload with template_id)")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "9b1e4d...", "contract_id": "3f2c0a...", "analyzer": "baseline", "status": "running",
         "progress": {"chunks_done": 3, "chunks_total": 8}, "attempts": 1, "error": None, "stats": {},
         "webhook_status": None, "created_at": "2026-11-28T14:00:00", "started_at": "2026-11-28T14:00:01",
         "finished_at": None}]})


class JobSummary(BaseModel):
    id: str
    status: JobStatus
    analyzer: str


class ContractPublic(BaseModel):
    id: str
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    chars: int
    created_at: datetime
    latest_job: JobSummary | None = None


class ContractTerms(BaseModel):
    """A contract's key terms on the wire: the one KeyTerms shape (contracts.key_terms), with its contract."""

    contract_id: str
    job_id: str | None = Field(description="the analysis the terms come from; null while none has finished")
    terms: KeyTerms


class ContractDetail(ContractPublic):
    """One contract (GET /v1/contracts/{id}): the listing's fields, unchanged, plus its key terms."""

    terms: KeyTerms | None = Field(None, description="the key terms its latest analysis read, with a lawyer's "
                                                     "corrections; null while no analysis has read any")


# ids are checked where they enter, so that no malformed one (a NUL byte, 10 kB of text) reaches the database
ID_PATTERN = r"^[0-9a-f]{32}$"
ID_HELP = "an id the API returned (32 hex digits)"
# a label's or a finding's id in the annotation store: what the database's integer holds
LabelId = Annotated[int, Field(ge=1, le=2**63 - 1)]

TermField = Literal["document_name", "parties", "agreement_date", "effective_date", "expiration_date",
                    "renewal_term", "notice_period_to_terminate_renewal", "governing_law"]
TEXT_PATTERN = r"^[^\x00]*$"


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=500, pattern=TEXT_PATTERN)
    short_name: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)
    role: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    start: int = Field(ge=0, description="where the contract names the party")
    end: int = Field(ge=0)


class TermCorrection(BaseModel):
    """A lawyer's correction of one key term (PATCH /v1/contracts/{id}/terms). The value is checked as
    the field's kind (an ISO date, an ISO period, text); `start`/`end` say where the contract states
    it. Without them the value is the lawyer's, unquoted and no label, unless it equals the analyzer's value,
    whose words it keeps. `parties` replaces the whole list."""

    model_config = ConfigDict(extra="forbid")
    field: TermField
    value: str | None = Field(None, max_length=500, pattern=TEXT_PATTERN,
                              description="the corrected value; null: the contract does not state it",
                              examples=["2024-10-30", "P90D", "New York"])
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=0)
    automatic: bool | None = Field(None, description="renewal_term: renews unless a party gives notice")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="governing_law: ISO 3166-1 alpha-2")
    deadline: str | None = Field(None, max_length=10, description="notice period: the last day to give notice")
    rule: str | None = Field(None, max_length=500, pattern=TEXT_PATTERN, description="dates: how it was derived")
    parties: list[PartyIn] | None = Field(None, max_length=50, description="field 'parties': the whole list")
    comment: str | None = Field(None, max_length=5000, pattern=TEXT_PATTERN)
    reviewer: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)


class RiskCounts(BaseModel):
    high: int = 0
    medium: int = 0
    low: int = 0
    info: int = 0


class PortfolioItem(BaseModel):
    id: str
    name: str
    created_at: datetime
    latest_job: JobSummary | None = None
    terms: KeyTerms | None = Field(description="null while no analysis has read the contract's key terms")
    risks: RiskCounts = Field(description="findings of its latest finished analysis by severity, rejected ones left out")


class PortfolioPublic(BaseModel):
    data: list[PortfolioItem]
    count: int = Field(description="all contracts matching the filters, not just this page")


class FeedTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN, description="what the token is for",
                             examples=["Outlook, A. Lawyer"])


class FeedTokenPublic(BaseModel):
    """A calendar feed token as listed: never the token itself."""

    id: str
    prefix: str
    name: str | None
    state: Literal["active", "revoked"]
    created_at: datetime
    revoked_at: datetime | None


class FeedTokenCreated(FeedTokenPublic):
    token: str = Field(description="shown once; only its hash is stored")
    url: str = Field(description="the feed's path with the token, for a calendar app's subscription")


class FeedTokensPublic(BaseModel):
    data: list[FeedTokenPublic]
    count: int = Field(description="all the tenant's tokens, revoked ones included (the list is not paged)")


class ContractsPublic(BaseModel):
    data: list[ContractPublic]
    count: int = Field(description="all contracts of the tenant, not just this page")


class ContractText(BaseModel):
    contract_id: str
    text: str = Field(description="the normalised text; every `start`/`end` in findings and labels indexes into it")
    pages: list[PageSpan]


class ContractProofing(BaseModel):
    """A contract's proofing items (contracts.proofing): drafting defects, not risk findings."""

    contract_id: str
    data: list[ProofingItem]
    count: int
    kinds: list[str] = Field(description="the checks that ran (LEXRISK_PROOFING_KINDS)")
    # an empty list is no clean bill for checks that never ran: a client names these beside "nothing found"
    not_run: list[str] = Field(default_factory=list, description="the checks that did not run")
    not_run_reason: str | None = Field(None, description="why `not_run` did not run; null when every check ran")


# -- findings and their review

class Review(BaseModel):
    status: ReviewStatus
    comment: str | None = None
    reviewed_at: datetime
    original_category: str | None = None
    original_severity: Severity | None = None
    label_id: int | None = Field(None, description="the label the review is stored as in the annotation store; "
                                 "DELETE /v1/labels/{id} withdraws an acceptance or a rejection")


class FindingPublic(Finding):
    """The one finding schema plus the API's id and the lawyer's review."""

    id: str
    review: Review | None = None


class FindingsPublic(BaseModel):
    contract_id: str
    job_id: str | None = Field(description="the job these findings come from; null while none has finished")
    data: list[FindingPublic]
    count: int


class FindingReview(BaseModel):
    action: Literal["accept", "reject", "edit"]
    severity: Severity | None = Field(None, description="new severity (action edit)")
    category: str | None = Field(None, description="new CUAD category (action edit)")
    comment: str | None = Field(None, max_length=5000, pattern=TEXT_PATTERN)
    reviewer: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN,
                                 description="the lawyer's name, kept with the label")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"action": "edit", "severity": "high", "comment": "uncapped for data breaches", "reviewer": "A. Lawyer"},
        {"action": "reject", "comment": "boilerplate"}]})


# -- templates and comparisons

class TemplatePublic(BaseModel):
    id: str
    name: str
    sha256: str
    source_type: str
    size_bytes: int
    pages: int
    created_at: datetime


class TemplatesPublic(BaseModel):
    data: list[TemplatePublic]
    count: int


class CompareRequest(BaseModel):
    template_id: str = Field(pattern=ID_PATTERN, description="one of the tenant's templates (POST /v1/templates)")


class ComparisonPublic(Comparison):
    """contracts.compare.Comparison (contract, template, aligned, pairs, summary, ...) plus where it is
    stored and its downloads."""

    id: str
    contract_id: str
    template_id: str
    template_name: str
    job_id: str | None
    created_at: datetime
    downloads: dict[str, str] = Field(description="export name -> URL (redline.docx, review.docx, csv, xlsx)")


class ComparisonListItem(BaseModel):
    id: str
    template_id: str
    template_name: str
    job_id: str | None
    created_at: datetime
    aligned: bool
    summary: ComparisonSummary
    downloads: dict[str, str]


class ComparisonsPublic(BaseModel):
    data: list[ComparisonListItem]
    count: int


# -- annotators' labels

LabelOrigin = Literal["manual", "suggested_accepted", "suggested_edited"]
AssignmentStatus = Literal["to_label", "in_review", "done"]


class LabelIn(BaseModel):
    annotator: Annotated[str, Field(min_length=1, max_length=150, pattern=TEXT_PATTERN)]
    category: str = Field(description="CUAD category name")
    severity: Severity
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    explanation: str | None = Field(None, max_length=5000, pattern=TEXT_PATTERN)
    origin: LabelOrigin = Field("manual", description="drawn by hand, or a model's suggestion accepted as it was "
                                "or edited (span, category or severity)")


class Label(BaseModel):
    id: int
    annotator: str
    category: str
    severity: str
    start: int
    end: int
    quote: str
    explanation: str | None
    status: str
    origin: LabelOrigin = "manual"
    created_at: datetime


class PairAgreement(BaseModel):
    span_f1: float | None
    matched: int
    spans: list[int]
    severity_agreement: float | None = Field(description="share of matched spans given the same severity")


class Agreement(BaseModel):
    annotators: list[str]
    min_iou: float
    pairs: dict[str, PairAgreement]


class Labels(BaseModel):
    data: list[Label]
    agreement: Agreement


# -- the annotation queue, suggestions, disagreements, guidelines

class AssignmentIn(BaseModel):
    annotator: Annotated[str, Field(min_length=1, max_length=150, pattern=TEXT_PATTERN)]
    status: AssignmentStatus = "to_label"


class QueueItem(BaseModel):
    contract_id: str
    name: str
    created_at: datetime
    annotator: str | None = Field(description="whom it is assigned to; null: nobody yet")
    status: AssignmentStatus | None
    labels: int = Field(description="labels the annotator (or, unassigned, anyone) has saved on it")
    uncertainty: float | None = Field(description="mean of 1 - |2 score - 1| over the latest analysis' findings: "
                                      "1 where the model is least sure; null before an analysis")


class AnnotatorProgress(BaseModel):
    annotator: str
    assigned: int
    to_label: int
    in_review: int
    done: int
    labels: int


class Queue(BaseModel):
    data: list[QueueItem] = Field(description="a page of the queue's rows, in `order`")
    count: int = Field(description="all rows of the queue (as filtered by `annotator`), not just this page")
    progress: list[AnnotatorProgress] = Field(description="every annotator's, over all of the tenant's assignments")
    order: Literal["newest", "uncertainty"]


class SuggestionStats(BaseModel):
    """How annotators treated the model's suggestions: labels by origin, suggestions rejected."""

    manual: int
    suggested_accepted: int
    suggested_edited: int
    suggestions_rejected: int = Field(description="the analyzer's findings the tenant's people rejected")
    accepted_unchanged_rate: float | None = Field(description="suggested_accepted / (suggested_accepted + "
                                                  "suggested_edited + suggestions_rejected); null when none")
    per_annotator: dict[str, dict[str, int]]


class DisagreementLabel(BaseModel):
    id: int
    annotator: str
    severity: str
    start: int
    end: int
    quote: str
    origin: LabelOrigin


class Disagreement(BaseModel):
    contract_id: str | None = Field(description="the API's id of the contract; null if no longer uploaded")
    contract: str
    category: str
    reasons: list[str]
    decided: bool
    labels: list[DisagreementLabel]


class Disagreements(BaseModel):
    data: list[Disagreement]


class MergedLabel(BaseModel):
    category: str
    severity: Severity
    start: int = Field(ge=0)
    end: int = Field(gt=0)


class AdjudicationIn(BaseModel):
    """Pick: accept some labels (the rest of their clusters are rejected). Merge: the adjudicator's own
    span replaces the labels in `reject`. Recorded as the CLI's `lexrisk annotate adjudicate` does."""

    adjudicator: Annotated[str, Field(min_length=1, max_length=150, pattern=TEXT_PATTERN)]
    accept: list[LabelId] = Field([], max_length=10_000)
    reject: list[LabelId] = Field([], max_length=10_000)
    merged: MergedLabel | None = None
    contract_id: str | None = Field(None, pattern=ID_PATTERN, description="the contract of the merged label (merge only)")
    comment: str | None = Field(None, max_length=5000, pattern=TEXT_PATTERN)


class AdjudicationResult(BaseModel):
    accepted: int
    rejected: int
    merged_label_id: int | None = None


class Guideline(BaseModel):
    category: str
    description: str = Field(description="CUAD's description of the category (category_descriptions.csv)")
    severity: Severity = Field(description="the firm's playbook severity")
    playbook: str = Field(description="the firm's playbook line: why it matters")
    guidance: str | None = None


class Guidelines(BaseModel):
    data: list[Guideline]


# -- the model behind the API

class Evaluation(BaseModel):
    file: str
    system: str
    protocol: str | None
    held_out: bool | None = Field(None, description="scored on contracts the model was not fit on; None: not said")
    rule: str | None
    precision: float
    recall: float
    f1: float


class ModelInfo(BaseModel):
    analyzer: str
    analyzers: list[str] = Field(description="the analyzers an upload may name here: known and configured")
    unconfigured: dict[str, str] = Field(default_factory=dict, description="analyzers this server knows but cannot "
                                         "run, each with the setting it lacks (an upload naming one is a 400 "
                                         "`analyzer_not_configured`)",
                                         examples=[{"hf": "LEXRISK_HF_MODEL (the model name or folder it runs) "
                                                          "is not set"}])
    model: str | None
    adapter: str | None
    max_upload_mb: float
    max_pages: int
    evaluation: list[Evaluation]


# -- the model registry, for an administrator (/admin/models)

class ModelVersionPublic(BaseModel):
    """An adapter registered for serving, with its evaluation's micro scores and whether it is served now."""

    name: str
    tenant_scope: str = Field(description="the tenant it is for; empty: every tenant")
    base_model: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    registered_at: datetime
    served: bool


class ModelVersionsPublic(BaseModel):
    data: list[ModelVersionPublic]


class PromoteIn(BaseModel):
    gate: Literal["recall", "precision", "f1"] = Field("f1", description="the measure the adapter must raise "
                                                      "without losing on its partner (serving.registry.GATES)")
    tenant: str = Field("", max_length=200, description="promote for this tenant only; empty: every tenant")

    model_config = ConfigDict(extra="forbid")


class RollbackIn(BaseModel):
    tenant: str = Field("", max_length=200)

    model_config = ConfigDict(extra="forbid")


class RegistryDecision(BaseModel):
    passed: bool
    message: str
    served: str | None = Field(None, description="the adapter served after the request")

