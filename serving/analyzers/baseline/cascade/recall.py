"""Operating points by recall: the threshold a recall target needs, and the precision-recall curve
under CUAD's rule (CUAD's AUPR and precision at 80 % recall), for any model's unit scores.

Lawyers fear misses more than false alarms, so the cascade carries a second set of thresholds for a
target recall beside the F1-optimal one; what that costs in precision is measured, not assumed."""

from __future__ import annotations

import numpy as np

from eval.metrics import aupr, precision_at_recall
from serving.analyzers.baseline.model import DecodeConfig, decode
from serving.analyzers.baseline.train import Prepared, evaluate_predictions

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
    """CUAD's AUPR and precision at `target` recall over one threshold for all categories swept down SWEEP."""
    precisions, recalls = [1.0], [0.0]
    for t in SWEEP:
        m = micro_counts(docs, scores, categories, np.full(len(categories), t))
        if m["tp"] + m["fp"]:
            precisions.append(m["precision"])
            recalls.append(m["recall"])
    return {"aupr": aupr(precisions, recalls), f"precision_at_{int(target * 100)}_recall":
            precision_at_recall(precisions, recalls, target), "max_recall": max(recalls)}
