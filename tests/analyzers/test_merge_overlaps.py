"""The one-pass overlap merge keeps exactly what the all-pairs scan kept, on many random finding sets."""

from __future__ import annotations

import random

from analyzers.base import _merge_overlaps
from contracts.findings import AnalysisStats, Finding


def _all_pairs(findings: list[Finding], stats: AnalysisStats) -> list[Finding]:
    """The earlier quadratic merge, kept here as the reference the linear one must equal."""
    kept: list[Finding] = []
    for finding in findings:
        clash = next((k for k in kept if k.category == finding.category
                      and finding.start < k.end and k.start < finding.end), None)
        if clash is None:
            kept.append(finding)
            continue
        stats.duplicates_merged += 1
        if (finding.end - finding.start, finding.score) > (clash.end - clash.start, clash.score):
            kept[kept.index(clash)] = finding.model_copy(update={"score": max(finding.score, clash.score)})
    return kept


def _finding(category: str, start: int, length: int, score: float) -> Finding:
    return Finding(category=category, severity="medium", quote="x" * length, start=start, end=start + length,
                   page=1, score=score, explanation="")


def test_linear_merge_equals_the_all_pairs_merge() -> None:
    rng = random.Random(7)
    for _ in range(300):
        findings = [_finding(rng.choice(["Audit Rights", "Cap On Liability", "Non-Compete"]),
                             rng.randrange(0, 200), rng.randrange(1, 60), round(rng.random(), 2))
                    for _ in range(rng.randrange(0, 25))]
        findings.sort(key=lambda f: (f.start, f.category))
        mine, theirs = AnalysisStats(), AnalysisStats()
        assert _merge_overlaps(findings, mine) == _all_pairs(findings, theirs)
        assert mine.duplicates_merged == theirs.duplicates_merged


def test_merge_of_many_disjoint_findings_is_one_pass() -> None:
    findings = [_finding("Audit Rights", 10 * i, 5, 0.5) for i in range(20_000)]
    assert len(_merge_overlaps(findings, AnalysisStats())) == 20_000
