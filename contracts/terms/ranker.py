"""Which sentence states the contract's term: a linear model over the sentence's words and word pairs, fit on
the Expiration Date excerpts of CUAD's train contracts (`lexrisk baseline train-terms`, training/terms_ranker.py).

Why a model: rules that chose the term's sentence by its wording ("The term of this Agreement shall ...", and
never a sentence about survival or warranties) matched CUAD's expiration answer on 0.84 of the train contracts
they were written on and on 0.59 of the dev contracts; the wordings they were written for do not carry over.
The rules still read the value from the sentence the model ranks first (`term.read_term`).

Words are hashed (crc32, the same on every machine and Python) into `FEATURES` buckets, so the artifact is one
weight vector and no vocabulary; every number is the one word "#" (a date's digits say nothing of what it is)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import scipy.sparse as sp

FEATURES = 2 ** 18
ARTIFACT = Path(__file__).resolve().parent.parent / "data" / "term_ranker.npz"
MAX_WORDS = 120  # a sentence's first words: a long one's tail is other clauses
_WORD = re.compile(r"[a-z]+|\d+")


def features(sentence: str) -> list[int]:
    """The buckets of the words and adjacent word pairs of `sentence`, in lower case, each once, sorted."""
    words = ["#" if w[0].isdigit() else w for w in _WORD.findall(sentence.lower())][:MAX_WORDS]
    grams = words + [f"{a} {b}" for a, b in pairwise(words)]
    return sorted({zlib.crc32(g.encode()) % FEATURES for g in grams})


def rows_matrix(rows: Iterable[list[int]]) -> sp.csr_matrix:
    """One row of ones per list of feature buckets: what `SentenceRanker.probabilities` scores."""
    indptr, indices = [0], []
    for row in rows:
        indices.extend(row)
        indptr.append(len(indices))
    return sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(indptr) - 1, FEATURES))


@dataclass(frozen=True)
class SentenceRanker:
    """A logistic model over hashed features: `probability` that a sentence is an excerpt stating the term (the
    party ranker, party_ranker.py, scores candidate names with the same model over its own features)."""

    weights: np.ndarray  # (FEATURES,)
    bias: float

    def probability(self, sentence: str) -> float:
        margin = float(self.weights[features(sentence)].sum()) + self.bias
        return 1.0 / (1.0 + np.exp(-margin))

    def probabilities(self, rows: sp.csr_matrix) -> np.ndarray:
        """`probability` of each row of a (sentences x FEATURES) matrix of `features`."""
        return 1.0 / (1.0 + np.exp(-(rows @ self.weights + self.bias)))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float32), bias=np.array([self.bias]))

    @classmethod
    def load(cls, path: Path) -> SentenceRanker:
        with np.load(path, allow_pickle=False) as saved:
            weights, bias = saved["weights"], float(saved["bias"][0])
        if weights.shape != (FEATURES,):
            raise ValueError(f"{path}: {weights.shape[0]} weights, expected {FEATURES}")
        return cls(weights, bias)


@lru_cache(maxsize=1)
def term_ranker() -> SentenceRanker:
    """The shipped model (read once per process)."""
    return SentenceRanker.load(ARTIFACT)
