"""CUAD's matching rule as a micro precision / recall / F1 over excerpts.

A predicted excerpt matches a labelled excerpt of the same category in the same contract when their
word-level Jaccard similarity is at least 0.5, with the normalisation of CUAD's own evaluation script
(TheAtticusProject/cuad, evaluate.py, `get_jaccard`): drop ``. , ; :``, lowercase, turn ``/`` into a
space, split on whitespace, compare word *sets*. That script removes no articles and no other
punctuation, so neither does this one (quotes and parentheses stay attached to their words).

CUAD's script counts a label as found when *any* prediction matches it and a prediction as false
only when it matches no label, so one excerpt predicted five times costs nothing. Here every label
and every prediction is used at most once (a maximum one-to-one matching), so duplicates and
over-split predictions are counted as the false positives a reviewer would see."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

JACCARD_THRESHOLD = 0.5
_DROPPED = re.compile(r"[.,;:]")


def words(text: str) -> frozenset[str]:
    """The word set CUAD's `get_jaccard` compares."""
    return frozenset(_DROPPED.sub("", text).lower().replace("/", " ").split())


def jaccard(a: str | frozenset[str], b: str | frozenset[str]) -> float:
    wa = words(a) if isinstance(a, str) else a
    wb = words(b) if isinstance(b, str) else b
    union = wa | wb
    return len(wa & wb) / len(union) if union else 0.0


@dataclass(frozen=True)
class Excerpt:
    """One labelled or predicted excerpt: which contract, which category, its text."""

    contract: str
    category: str
    text: str


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Score:
    micro: Counts
    per_category: dict[str, Counts] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"micro": self.micro.as_dict(),
                "per_category": {name: c.as_dict() for name, c in self.per_category.items()}}


def match_count(labels: Sequence[str], predictions: Sequence[str], threshold: float = JACCARD_THRESHOLD) -> int:
    """Size of a maximum one-to-one matching between labels and predictions under CUAD's rule."""
    label_words = [words(t) for t in labels]
    pred_words = [words(t) for t in predictions]
    return len(maximum_matching([[j for j, pw in enumerate(pred_words) if jaccard(lw, pw) >= threshold]
                                 for lw in label_words]))


def maximum_matching(edges: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching as (left, right) pairs, `edges[i]` listing the rights left i may
    take (Kuhn's augmenting paths; the groups are one contract and one category, so a few dozen
    excerpts at most). Ties go to the lower index, so the same input gives the same pairs."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(edges)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def score(labels: Iterable[Excerpt], predictions: Iterable[Excerpt], categories: Sequence[str],
          threshold: float = JACCARD_THRESHOLD) -> Score:
    """Micro and per-category counts over `categories`; excerpts of other categories are ignored."""
    wanted = set(categories)
    grouped: dict[tuple[str, str], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for e in labels:
        if e.category in wanted:
            grouped[(e.contract, e.category)][0].append(e.text)
    for e in predictions:
        if e.category in wanted:
            grouped[(e.contract, e.category)][1].append(e.text)
    per_category = {name: Counts() for name in categories}
    for (_, category), (gold, pred) in grouped.items():
        tp = match_count(gold, pred, threshold)
        per_category[category].add(Counts(tp=tp, fp=len(pred) - tp, fn=len(gold) - tp))
    micro = Counts()
    for counts in per_category.values():
        micro.add(counts)
    return Score(micro=micro, per_category=per_category)
