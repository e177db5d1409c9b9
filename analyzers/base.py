"""The analyzer interface every backend plugs into (baseline, OpenAI-compatible/vLLM, local HF).

A backend only proposes (category, quote, score). Turning proposals into findings — grounding each
quote in the text, severity from the playbook, de-duplication — happens here once, so no backend
can return a finding with made-up offsets."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analyzers.clause_facts import defined_terms, explain, in_capitals, unsupported_facts
from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalysisStats, AnalyzerInfo, Finding
from contracts.grounding import locate, normalize_for_match
from contracts.key_terms import KeyTerms
from contracts.playbook import Playbook, Severity, default_playbook
from contracts.settings import PromptStyle
from contracts.taxonomy import UnknownCategoryError, canonical
from contracts.terms import extract_terms


@dataclass(frozen=True)
class Proposal:
    """A backend's claim that `quote` is a clause of `category`.

    `start`/`end` are given by backends that already know the offsets; `near` helps place a quote
    that occurs more than once; `severity`/`explanation` override the playbook's when a model
    trained on lawyers' labels supplies them; `possible` marks a candidate below the backend's threshold
    (above its recall-first floor), shown apart for a reviewer to check."""

    category: str
    quote: str
    score: float
    start: int | None = None
    end: int | None = None
    near: int | None = None
    severity: Severity | None = None
    explanation: str | None = None
    possible: bool = False


class Analyzer(ABC):
    name: str = "analyzer"
    version: str = "0"
    # True for a backend that can be asked, per job, for an adapter of the model registry (`with_adapter`)
    serves_adapters: bool = False
    # True where the analysis is this machine's CPU work (segmenting, scoring), bounded by the file budget
    # (LEXRISK_FILE_BUDGET_S) in a worker process, as every file of `lexrisk analyze` is; False for a backend
    # that waits on a model server (its own timeouts and retries) or runs on a GPU a forked worker cannot use:
    # an API job then runs it in its own thread, under LEXRISK_JOB_TIMEOUT_S
    file_budget: bool = True

    def __init__(self, playbook: Playbook | None = None) -> None:
        self.playbook = playbook or default_playbook()

    @property
    def info(self) -> AnalyzerInfo:
        return AnalyzerInfo(name=self.name, version=self.version, model=self.model_id)

    @property
    def model_id(self) -> str:
        """What each finding records as its `model`: here the analyzer and its version (the embedded
        baseline's is the hash of its weights); an LLM backend names the model or adapter it asked for."""
        return f"{self.name}@{self.version}"

    def with_adapter(self, name: str, path: str, prompt: PromptStyle = "full") -> Analyzer:
        """This analyzer asking for the registry's adapter `name` (folder `path`) with the system prompt style
        it was trained on; only where `serves_adapters`."""
        raise NotImplementedError(f"the {self.name} analyzer cannot serve the registry's adapters")

    @abstractmethod
    def propose(self, document: Document) -> Iterable[Proposal]:
        """Candidate findings for the document, in any order, possibly overlapping."""

    def terms(self, document: Document) -> KeyTerms:
        """The contract's key terms. Every backend reads them with the rule extractor (contracts.terms), so
        that a model's findings and the terms it is shown with are grounded the same way whatever the model."""
        return extract_terms(document)

    def analyze(self, document: Document) -> AnalysisResult:
        started = time.perf_counter()
        proposals = list(self.propose(document))
        terms = self.terms(document)
        findings, stats = finalize(document, proposals, self.playbook, self.model_id, party_names(terms))
        stats.seconds = time.perf_counter() - started
        return AnalysisResult(document=document.info, analyzer=self.info, findings=findings, stats=stats, terms=terms)


def party_names(terms: KeyTerms) -> list[str]:
    """The names a clause may call the contract's parties by: each party's name and its short name."""
    return [name for party in terms.parties for name in (party.name, party.short_name) if name]


def finalize(document: Document, proposals: list[Proposal], playbook: Playbook,
             model: str | None = None, parties: Sequence[str] = ()) -> tuple[list[Finding], AnalysisStats]:
    """Ground, assess and de-duplicate proposals; count what was dropped. Each finding records `model`; an
    explanation built from the clause's facts names the parties as `parties` (party_names) spell them, and the
    terms the document defines as it writes them in a clause written in capitals (defined_terms, read once
    for all its clauses, and only where one of them has words in capitals)."""
    stats = AnalysisStats(proposed=len(proposals))
    text = document.text
    defined = defined_terms(text) if any(in_capitals(p.quote) for p in proposals) else []
    normalized = None
    best: dict[tuple[str, int, int], Finding] = {}
    for proposal in proposals:
        try:
            category = canonical(proposal.category)
        except UnknownCategoryError:
            stats.ungrounded_dropped += 1
            continue
        if proposal.start is not None and proposal.end is not None and text[proposal.start:proposal.end] == proposal.quote:
            start, end = proposal.start, proposal.end
        else:
            if normalized is None:
                normalized = normalize_for_match(text)
            located = locate(proposal.quote, text, near=proposal.near, normalized_text=normalized)
            if located is None:
                stats.ungrounded_dropped += 1
                continue
            start, end = located.start, located.end
        quote = text[start:end]
        severity, reason = playbook.assess(category, quote)
        finding = Finding(
            category=category,
            severity=proposal.severity or severity,
            quote=quote,
            start=start,
            end=end,
            page=document.page_of(start),
            score=min(max(proposal.score, 0.0), 1.0),
            explanation=_explanation(category, quote, proposal.explanation, reason, parties, defined),
            model=model,
            possible=proposal.possible,
        )
        key = (category, start, end)
        if key in best:
            stats.duplicates_merged += 1
            if finding.score <= best[key].score:
                continue
        best[key] = finding
    merged = _merge_overlaps(sorted(best.values(), key=lambda f: (f.start, f.category)), stats)
    return merged, stats


def _explanation(category: str, quote: str, given: str | None, reason: str, parties: Sequence[str],
                 defined: Sequence[str]) -> str:
    """The backend's explanation where every amount, duration, notice period and law it states is in the
    quote; else (none given, or one that states what the clause does not) what the clause's own facts say
    (analyzers.clause_facts), then the playbook's reason."""
    if given and not unsupported_facts(given, quote):
        return given
    facts = explain(category, quote, parties, defined)
    return f"{facts} {reason}" if facts else reason


def _merge_overlaps(findings: list[Finding], stats: AnalysisStats) -> list[Finding]:
    """Keep one finding where two of the same category overlap (chunks overlap, so LLM backends
    report the same clause twice, once cut short): the longer quote, the higher score.

    One pass: the findings come sorted by start and the kept ones of a category never overlap, so only
    the last kept finding of the category can overlap the next one."""
    kept: list[Finding] = []
    last: dict[str, int] = {}  # category -> index in `kept` of its last kept finding
    for finding in findings:
        index = last.get(finding.category)
        if index is None or not (finding.start < kept[index].end and kept[index].start < finding.end):
            last[finding.category] = len(kept)
            kept.append(finding)
            continue
        clash = kept[index]
        stats.duplicates_merged += 1
        if (finding.end - finding.start, finding.score) > (clash.end - clash.start, clash.score):
            kept[index] = finding.model_copy(update={"score": max(finding.score, clash.score)})
    return kept
