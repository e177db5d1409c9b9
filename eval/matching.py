"""Which findings match which gold spans, one contract at a time, under two rules.

- "cuad": CUAD's rule (same category, word-level Jaccard >= 0.5 after CUAD's normalisation), one-to-one.
- "overlap": same category and character intersection-over-union >= 0.5 of the offsets in the
  document's text, one-to-one. It does not care how words are spelt, only where the quote stands, and
  a gold span that could not be placed in the ingested text matches nothing under it.

The same maximum matching serves both, so the counts differ only by what counts as an edge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from contracts.findings import Finding
from eval.cuad_metric import JACCARD_THRESHOLD, Counts, jaccard, maximum_matching, words
from eval.gold import GoldSpan

RULES = ("cuad", "overlap")
OVERLAP_THRESHOLD = 0.5


def char_iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if inter > 0 and union > 0 else 0.0


def edges(rule: str, gold: Sequence[GoldSpan], found: Sequence[Finding]) -> list[list[int]]:
    """For each gold span (of one category), the findings it may be matched with under `rule`."""
    if rule == "cuad":
        fw = [words(f.quote) for f in found]
        return [[j for j, w in enumerate(fw) if jaccard(words(g.text), w) >= JACCARD_THRESHOLD] for g in gold]
    if rule == "overlap":
        return [[] if g.start is None or g.end is None else
                [j for j, f in enumerate(found) if char_iou((g.start, g.end), (f.start, f.end)) >= OVERLAP_THRESHOLD]
                for g in gold]
    raise ValueError(f"unknown matching rule {rule!r}; choose one of {', '.join(RULES)}")


@dataclass
class ContractMatch:
    """One contract under one rule: counts per category and the matched (gold, finding) index pairs,
    indices into the contract's gold span list and finding list."""

    counts: dict[str, Counts] = field(default_factory=dict)
    pairs: list[tuple[int, int]] = field(default_factory=list)


def match_contract(rule: str, gold: Sequence[GoldSpan], found: Sequence[Finding], categories: Sequence[str],
                   min_score: float | None = None) -> ContractMatch:
    """Match within each category; findings scored below `min_score` are left out (a threshold sweep)."""
    wanted = set(categories)
    g_by: dict[str, list[int]] = defaultdict(list)
    f_by: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        if g.category in wanted:
            g_by[g.category].append(i)
    for j, f in enumerate(found):
        if f.category in wanted and (min_score is None or f.score >= min_score):
            f_by[f.category].append(j)
    out = ContractMatch()
    for category in set(g_by) | set(f_by):
        gi, fj = g_by[category], f_by[category]
        pairs = maximum_matching(edges(rule, [gold[i] for i in gi], [found[j] for j in fj]))
        out.pairs.extend((gi[a], fj[b]) for a, b in pairs)
        out.counts[category] = Counts(tp=len(pairs), fp=len(fj) - len(pairs), fn=len(gi) - len(pairs))
    out.pairs.sort()
    return out
