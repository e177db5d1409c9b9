"""The comparison's one schema: what `lexrisk compare --format json` prints, what the API returns and
what the app reads. Offsets index each side's `Document.text`, as a finding's do."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contracts.documents import DocumentInfo
from contracts.playbook import Severity

PairStatus = Literal["matched", "modified", "missing", "extra"]
Verdict = Literal["acceptable", "needs_review", "not_acceptable"]
RedlineOpName = Literal["equal", "insert", "delete"]
EmbeddingUse = Literal["off", "on", "unavailable", "too_many_clauses"]


class ClauseRef(BaseModel):
    text: str = Field(description="the clause exactly as it stands in its document")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int = Field(ge=1)


class RedlineOp(BaseModel):
    """A run of a redline from template to contract: `equal` and `delete` runs joined give the
    template's text, `equal` and `insert` runs the contract's."""

    op: RedlineOpName
    text: str


class ComparisonPair(BaseModel):
    status: PairStatus
    template_clause: ClauseRef | None
    contract_clause: ClauseRef | None
    similarity: float = Field(ge=0.0, le=1.0, description="alignment confidence for matched/modified pairs")
    category: str | None = Field(description="CUAD category of the clause, from the analyzer")
    severity: Severity | None
    verdict: Literal["acceptable", "needs_review", "not_acceptable"] | None
    explanation: str
    suggestion: str | None = Field(description="playbook fallback or standard text to propose instead")
    redline: list[RedlineOp] = Field(default_factory=list)


class ComparisonSummary(BaseModel):
    matched: int = 0
    modified: int = 0
    missing: int = 0
    extra: int = 0
    by_severity: dict[str, int] = Field(default_factory=dict)
    by_verdict: dict[str, int] = Field(default_factory=dict)


class Comparison(BaseModel):
    contract: DocumentInfo
    template: DocumentInfo
    aligned: bool = Field(description="false when clause alignment is not confident: read full_redline")
    alignment_confidence: float = Field(ge=0.0, le=1.0)
    embeddings: EmbeddingUse = Field(
        default="off", description="whether MiniLM sentence embeddings took part in the alignment, or why "
        "not: not asked for (off), the `embed` extra missing (unavailable), too many clauses to embed")
    pairs: list[ComparisonPair]
    summary: ComparisonSummary
    full_redline: list[RedlineOp] | None = Field(
        default=None, description="word-level redline of the whole text, given when aligned is false")
