"""Operating points by recall: the threshold a recall target needs, and the precision-recall curve
under CUAD's rule (CUAD's AUPR and precision at 80 % recall), for any model's unit scores.

Lawyers fear misses more than false alarms, so the cascade carries a second set of thresholds for a
target recall beside the F1-optimal one; what that costs in precision is measured, not assumed."""

from __future__ import annotations

import numpy as np

from analyzers.baseline.model import DecodeConfig, decode
from eval.cuad_metric import JACCARD_THRESHOLD, jaccard, maximum_matching, words
from eval.metrics import aupr, precision_at_recall
from training.baseline.train import Prepared, evaluate_predictions

# CUAD's sweep (0.99 .. 0.01) and a few lower points, where a cascade ranks the sentences it did not pass on
SWEEP = (*(round(t, 3) for t in np.arange(0.99, 0.0, -0.01)), 0.005, 0.002, 0.001)


def micro_counts(docs: list[Prepared], scores: list[np.ndarray], categories: list[str],
                 thresholds: np.ndarray) -> dict:
    predictions = [decode(s, d.units, categories, thresholds, DecodeConfig(False, 0))
                   for d, s in zip(docs, scores, strict=True)]
    return evaluate_predictions(docs, predictions, categories).micro.as_dict()


def threshold_for_recall(docs: list[Prepared], scores: list[np.ndarray], categories: list[str], target: float,
                         grid: tuple[float, ...] = SWEEP) -> float:
    """The highest threshold of `grid` (one for every category) whose micro recall reaches `target`, by
    bisection: recall never falls as the threshold drops (a matching only grows). The lowest grid
    value when none reaches it."""
    ordered = sorted(grid, reverse=True)
    lo, hi = 0, len(ordered) - 1  # find the first index (highest threshold) with recall >= target
    if micro_counts(docs, scores, categories, np.full(len(categories), ordered[hi]))["recall"] < target:
        return ordered[hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if micro_counts(docs, scores, categories, np.full(len(categories), ordered[mid]))["recall"] >= target:
            hi = mid
        else:
            lo = mid + 1
    return ordered[lo]


def pr_summary(docs: list[Prepared], scores: list[np.ndarray], categories: list[str], target: float = 0.8) -> dict:
    """CUAD's AUPR and precision at `target` recall over one threshold for all categories swept down SWEEP.

    The same counts as `micro_counts` at each threshold (one excerpt per unit at or above it, CUAD's
    rule, maximum one-to-one matching), with each unit's Jaccard edges to the gold excerpts worked out
    once instead of once per threshold."""
    floor = min(SWEEP)
    groups = []  # (scores of the units ever predicted, edges gold -> positions in that list)
    n_gold = 0
    for d, s in zip(docs, scores, strict=True):
        gold: dict[str, list[frozenset[str]]] = {}
        for e in d.contract.excerpts(categories):
            gold.setdefault(e.category, []).append(words(e.text))
        n_gold += sum(len(g) for g in gold.values())
        unit_words: dict[int, frozenset[str]] = {}
        for k, category in enumerate(categories):
            units = np.flatnonzero(s[:, k] >= floor)
            edges = []
            for g in gold.get(category, []):
                row = []
                for pos, i in enumerate(units.tolist()):
                    if i not in unit_words:
                        unit_words[i] = words(d.contract.text[d.units[i].start:d.units[i].end])
                    if jaccard(g, unit_words[i]) >= JACCARD_THRESHOLD:
                        row.append(pos)
                edges.append(row)
            groups.append((s[units, k], edges))
    precisions, recalls = [1.0], [0.0]
    for t in SWEEP:
        tp = fp = 0
        for unit_scores, edges in groups:
            active = unit_scores >= t
            found = len(maximum_matching([[j for j in row if active[j]] for row in edges])) if edges else 0
            tp += found
            fp += int(active.sum()) - found
        if tp + fp:
            precisions.append(tp / (tp + fp))
            recalls.append(tp / n_gold if n_gold else 0.0)
    return {"aupr": aupr(precisions, recalls), f"precision_at_{int(target * 100)}_recall":
            precision_at_recall(precisions, recalls, target), "max_recall": max(recalls)}
