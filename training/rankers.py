"""What the key terms' two rankers (contracts/terms/ranker.py's logistic model over hashed features: the term
ranker, training/terms_ranker.py, and the party ranker, training/parties_ranker.py) share in training: the fit,
and cross-validation grouped by contract, whose out-of-fold scores each decodes and scores its own way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from contracts.terms.ranker import SentenceRanker, rows_matrix

FOLDS = 5
C = 1.0  # inverse regularisation; 0.3 to 10 gave the term ranker the same out-of-fold accuracy within a point

Progress = Callable[[str, int], Callable[[], None]]


class Examples(Protocol):
    """One contract's examples: each candidate's feature buckets and whether it is what the ranker looks for."""

    features: list[list[int]]
    labels: list[bool]


E = TypeVar("E", bound=Examples)


def fit(contracts: Sequence[Examples]) -> SentenceRanker:
    """A ranker fit on every example of `contracts`, the classes balanced (one in ten or twenty is a positive)."""
    x = rows_matrix(f for c in contracts for f in c.features)
    y = np.array([label for c in contracts for label in c.labels])
    if y.all() or not y.any():
        raise ValueError("the contracts need both positive and negative examples to fit a ranker")
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    # one thread: lbfgs stops where the sums' order leads it, and a sum split over threads (sklearn's OpenMP
    # loss, OpenBLAS) is ordered by the threads a machine gives it; one thread gives one order everywhere
    with threadpool_limits(limits=1):
        model.fit(x, y)
    return SentenceRanker(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


def out_of_fold(contracts: Sequence[E], progress: Progress | None = None) -> list[list[float]]:
    """Each contract's example scores by a ranker fit on the other folds (fold = position mod `FOLDS`)."""
    scores: list[list[float]] = [[] for _ in contracts]
    tick = progress("cross-validation folds", FOLDS) if progress else (lambda: None)
    for fold in range(FOLDS):
        ranker = fit([c for i, c in enumerate(contracts) if i % FOLDS != fold])
        for i, contract in enumerate(contracts):
            if i % FOLDS == fold and contract.features:
                scores[i] = [float(p) for p in ranker.probabilities(rows_matrix(contract.features))]
        tick()
    return scores
