"""The trained baseline: featurizer + one linear classifier per category + the decoding rules
(per-category thresholds, merging of adjacent positive sentences, a per-contract cap)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from analyzers.baseline import artifact
from analyzers.baseline.features import FeatureConfig, Featurizer, unit_texts
from contracts.segment import Span


@dataclass(frozen=True)
class DecodeConfig:
    merge_adjacent: bool = True  # adjacent sentences above threshold form one excerpt
    cap: int = 0  # most excerpts per category per contract (highest scores first); 0 = no cap

    def to_dict(self) -> dict:
        return {"merge_adjacent": self.merge_adjacent, "cap": self.cap}


@dataclass(frozen=True)
class Prediction:
    category: str
    start: int
    end: int
    score: float


# units scored at a time by `predict`: the dense (units x categories) scores of a 10 MB file of short
# lines were 280 MB, and as many again for each temporary of the logistic
SCORE_BATCH = 32_768

# per category: the units at or above its threshold, and their scores
Hits = list[tuple[np.ndarray, np.ndarray]]


class BaselineModel:
    def __init__(self, categories: list[str], featurizer: Featurizer, weights: np.ndarray, bias: np.ndarray,
                 thresholds: np.ndarray, decode: DecodeConfig, meta: dict | None = None) -> None:
        self.categories = categories
        self.featurizer = featurizer
        self.weights = np.asarray(weights, dtype=np.float32)  # (n_features, n_categories)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.decode_config = decode
        self.meta = meta or {}

    def unit_scores(self, text: str, units: list[Span]) -> np.ndarray:
        """P(unit is an excerpt of category) as the logistic of the linear margin, (n_units, n_categories)."""
        if not units:
            return np.zeros((0, len(self.categories)))
        return self._probabilities(self._features(text, units))

    def _features(self, text: str, units: list[Span]) -> sp.csr_matrix:
        return self.featurizer.transform(unit_texts(text, units, headings=self.featurizer.reads_headings))

    def _probabilities(self, x: sp.csr_matrix) -> np.ndarray:
        margin = np.asarray(x @ self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-margin))

    def predict(self, text: str, units: list[Span]) -> list[Prediction]:
        """`decode(unit_scores(...))`, with the scores worked out `SCORE_BATCH` units at a time and only
        those at or above their threshold kept: each unit's scores are the same numbers (a row of the
        sparse product does not depend on the rows beside it), without the dense matrix of them all."""
        return self.predict_with_possible(text, units, 0.0)[0]

    def predict_with_possible(self, text: str, units: list[Span], floor: float) -> tuple[list[Prediction],
                                                                                          list[Prediction]]:
        """`predict`'s excerpts, and the possible ones: excerpts of units scored at or above `floor` times
        their category's threshold whose best score stays below it (so none overlaps a found excerpt),
        uncapped, from the same scores. `floor` 0: no possible ones."""
        if not units:
            return [], []
        x = self._features(text, units)
        levels = [self.thresholds] + ([self.thresholds * floor] if floor > 0 else [])
        found: list[list[tuple[list[np.ndarray], list[np.ndarray]]]] = [[([], []) for _ in self.categories]
                                                                         for _ in levels]
        for first in range(0, len(units), SCORE_BATCH):
            scores = self._probabilities(x[first:first + SCORE_BATCH])
            for thresholds, per_category in zip(levels, found, strict=True):
                for k, (indices, values) in enumerate(per_category):
                    above = np.flatnonzero(scores[:, k] >= thresholds[k])
                    indices.append(above + first)
                    values.append(scores[above, k])
        hits = [[(np.concatenate(i), np.concatenate(v)) for i, v in per_category] for per_category in found]
        sure = decode_hits(hits[0], units, self.categories, self.decode_config)
        if floor <= 0:
            return sure, []
        wide = decode_hits(hits[1], units, self.categories, DecodeConfig(self.decode_config.merge_adjacent, cap=0))
        threshold = dict(zip(self.categories, self.thresholds, strict=True))
        return sure, [p for p in wide if p.score < threshold[p.category]]

    # -- artifact ---------------------------------------------------------------------------------

    def save(self, folder: Path) -> str:
        folder.mkdir(parents=True, exist_ok=True)
        vocab, arrays = self.featurizer.state()
        arrays |= {"weights": self.weights.astype(np.float16), "bias": self.bias}
        artifact.write_arrays(folder / artifact.WEIGHTS_NPZ, arrays)
        artifact.write_json(folder / artifact.MODEL_JSON, {
            "format": artifact.FORMAT_VERSION,
            "categories": self.categories,
            "features": self.featurizer.config.to_dict(),
            "vocabulary": vocab,
            "thresholds": [round(float(t), 6) for t in self.thresholds],
            "decode": self.decode_config.to_dict(),
            "meta": self.meta,
        })
        return artifact.digest(folder)

    @classmethod
    def load(cls, folder: Path) -> BaselineModel:
        artifact.check_folder(folder)
        spec = artifact.read_json(folder / artifact.MODEL_JSON)
        if spec.get("format") != artifact.FORMAT_VERSION:
            raise artifact.ArtifactError(f"{folder} holds model format {spec.get('format')}, "
                                         f"this lexrisk reads format {artifact.FORMAT_VERSION}")
        arrays = artifact.read_arrays(folder / artifact.WEIGHTS_NPZ)
        featurizer = Featurizer.from_state(FeatureConfig(**spec["features"]), spec["vocabulary"], arrays)
        return cls(spec["categories"], featurizer, arrays["weights"], arrays["bias"],
                   np.array(spec["thresholds"]), DecodeConfig(**spec["decode"]), spec.get("meta"))


def decode(scores: np.ndarray, units: list[Span], categories: list[str], thresholds: np.ndarray,
           config: DecodeConfig) -> list[Prediction]:
    """Turn unit scores into excerpts: units at or above their category's threshold, adjacent ones
    merged into one excerpt (CUAD labels whole multi-sentence clauses), the best `cap` per category."""
    hits = []
    for k in range(len(categories)):
        above = np.flatnonzero(scores[:, k] >= thresholds[k])
        hits.append((above, scores[above, k]))
    return decode_hits(hits, units, categories, config)


def decode_hits(hits: Hits, units: list[Span], categories: list[str], config: DecodeConfig) -> list[Prediction]:
    """`decode` from what it reads of the scores: per category, the units at or above the threshold
    (ascending) and their scores."""
    out: list[Prediction] = []
    for category, (indices, values) in zip(categories, hits, strict=True):
        runs: list[list] = []  # [first unit, last unit, best score]
        for i, score in zip(indices, values, strict=True):
            if config.merge_adjacent and runs and runs[-1][1] == i - 1:
                runs[-1][1] = i
                runs[-1][2] = max(runs[-1][2], score)
            else:
                runs.append([i, i, score])
        if config.cap:
            runs = sorted(runs, key=lambda r: (-r[2], r[0]))[:config.cap]
        out.extend(Prediction(category, units[a].start, units[b].end, float(s)) for a, b, s in runs)
    return out
