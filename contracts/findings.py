"""The one finding schema: what the API returns, what the UI shows, what reviews and training data are
made of. A finding is always grounded: `quote == document.text[start:end]`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel, Field, field_validator

from contracts.documents import Document, DocumentInfo
from contracts.key_terms import KeyTerms
from contracts.playbook import Severity
from contracts.proofing.models import ProofingItem
from contracts.taxonomy import canonical


class Finding(BaseModel):
    category: str = Field(description="CUAD category name, e.g. 'Uncapped Liability'",
                          examples=["Cap on Liability"])
    severity: Severity = Field(description="high, medium, low or info, from the playbook")
    quote: str = Field(description="the clause text exactly as it stands in the document")
    start: int = Field(ge=0, description="character offset of the quote in the document text")
    end: int = Field(ge=0, description="character offset just past the quote")
    page: int = Field(ge=1, description="1-based page the quote starts on")
    score: float = Field(ge=0.0, le=1.0, description="the analyzer's confidence")
    explanation: str = Field(description="why this clause matters to the client")
    model: str | None = Field(None, description="the model that produced the finding: the LoRA adapter (or base "
                              "model) the LLM backend was asked for, `baseline@<version>` for the embedded "
                              "analyzer; null on findings stored before lexrisk recorded it",
                              examples=["contract-risk-v2"])
    possible: bool = Field(False, description="scored below the analyzer's threshold but above its recall-first "
                           "floor: a passage to check, not a risk found, until a reviewer accepts it")

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        return canonical(value)


def reported(possible: bool, review: str | None = None) -> bool:
    """Whether a finding is among the risks a lawyer's file lists (the CLI's table, HTML, Word review copy and
    CSV/XLSX; the API's exports): a `possible` one is a passage to check, not a risk found, until a reviewer
    accepts or edits it (`review`). One rule, so that no file shows a passage another leaves out."""
    return not possible or review in ("accepted", "edited")


class AnalyzerInfo(BaseModel):
    name: str
    version: str
    model: str | None = Field(None, description="what its findings record as `model`")


class AnalysisStats(BaseModel):
    """Counts a reviewer needs to trust the result: what the analyzer proposed and what was kept."""

    proposed: int = 0
    ungrounded_dropped: int = 0
    duplicates_merged: int = 0
    seconds: float = 0.0


class AnalysisResult(BaseModel):
    document: DocumentInfo
    analyzer: AnalyzerInfo
    findings: list[Finding]
    stats: AnalysisStats = Field(default_factory=AnalysisStats)
    terms: KeyTerms | None = Field(None, description="the contract's key terms; null from an analyzer that reads none")
    proofing: list[ProofingItem] | None = Field(None, description="drafting defects (contracts.proofing), not risks: "
                                                "`lexrisk analyze` fills it; null where proofing did not run")


class DocumentAnalyzer(Protocol):
    """What the parts left of `serving` (annotation, eval) need of an analyzer: a Document in, grounded
    findings out. `analyzers` implements it; the command root injects it by name."""

    def analyze(self, document: Document) -> AnalysisResult: ...


AnalyzerFactory = Callable[[str], DocumentAnalyzer]
