"""Training and evaluation of the baseline on CUAD.

Units are sentences (contracts.segment.split_sentences); a unit is positive for a category when it
overlaps one of the category's excerpts (corpus.unit_is_positive). One logistic regression per
category, fit by SGD (single-threaded, fixed seed, so the artifact is reproducible), over binary
n-gram features. Per-category thresholds are chosen to maximise micro F1 under CUAD's rule on
out-of-fold scores of the *train* contracts (k folds grouped by contract), never on dev: the dev
contracts stay unseen by weights and thresholds alike, so the dev scores estimate what a new contract
gets (thresholds tuned on dev itself read about 0.03 F1 higher)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from analyzers.baseline.features import FeatureConfig, Featurizer, UnitTexts, unit_texts
from analyzers.baseline.model import BaselineModel, DecodeConfig, Prediction, decode
from contracts.segment import Span
from contracts.taxonomy import risk_categories
from eval.cuad_metric import Counts, Excerpt, Score, match_count, score
from training.baseline.corpus import Contract, load_contracts, sentence_units, unit_groups

THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.05, 0.96, 0.05))

Progress = Callable[[str, int], Callable[[], None]]  # (description, total) -> advance()


def _no_progress(description: str, total: int) -> Callable[[], None]:
    return lambda: None


@dataclass(frozen=True)
class TrainConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    alpha: float = 2e-6  # L2 strength of the SGD logistic regression
    epochs: int = 8
    seed: int = 0
    threshold_folds: int = 5  # contract-grouped folds of the train contracts the thresholds are tuned on
    decode: DecodeConfig = field(default_factory=lambda: DecodeConfig(merge_adjacent=False, cap=0))

    def to_dict(self) -> dict:
        return {"features": self.features.to_dict(), "alpha": self.alpha, "epochs": self.epochs,
                "seed": self.seed, "threshold_folds": self.threshold_folds, "decode": self.decode.to_dict()}


# the named alternative every result is compared with: TF-IDF of the sentence's words, nothing else
PLAIN = TrainConfig(features=FeatureConfig(char_max_features=0, heading_max_features=0, context_weight=0.0, binary=False))


@dataclass
class Prepared:
    """A contract cut into units, with the units' texts and their labels."""

    contract: Contract
    units: list[Span]
    texts: UnitTexts
    y: np.ndarray  # (n_units, n_categories) bool
    groups: list[list[list[int]]]  # per category, the unit indices of each labelled excerpt


def prepare(contracts: list[Contract], categories: list[str], progress: Progress = _no_progress) -> list[Prepared]:
    advance = progress("segmenting contracts", len(contracts))
    out = []
    for contract in contracts:
        units = sentence_units(contract.text)
        groups = [unit_groups(units, contract.labels, category) for category in categories]
        y = np.zeros((len(units), len(categories)), dtype=bool)
        for k, category_groups in enumerate(groups):
            for group in category_groups:
                y[group, k] = True
        out.append(Prepared(contract, units, unit_texts(contract.text, units), y, groups))
        advance()
    return out


def fit(config: TrainConfig, docs: list[Prepared], categories: list[str],
        progress: Progress = _no_progress) -> tuple[Featurizer, np.ndarray, np.ndarray]:
    featurizer = Featurizer.fit(config.features, [d.texts for d in docs])
    advance = progress("featurizing", len(docs))
    blocks = []
    for d in docs:
        blocks.append(featurizer.transform(d.texts))
        advance()
    x = sp.vstack(blocks, format="csr")
    y = np.vstack([d.y for d in docs])
    weights = np.zeros((x.shape[1], len(categories)), dtype=np.float32)
    bias = np.zeros(len(categories), dtype=np.float32)
    advance = progress("fitting classifiers", len(categories))
    for k in range(len(categories)):
        if y[:, k].any():
            clf = SGDClassifier(loss="log_loss", alpha=config.alpha, max_iter=config.epochs, tol=None,
                                random_state=config.seed).fit(x, y[:, k])
            weights[:, k] = clf.coef_[0]
            bias[k] = clf.intercept_[0]
        else:
            bias[k] = -20.0  # never seen: never predicted
        advance()
    # the artifact stores float16 weights (half the size, no measurable change in score); round here so
    # that the thresholds are tuned on exactly the weights that ship
    return featurizer, weights.astype(np.float16).astype(np.float32), bias


def tune_thresholds(docs: list[Prepared], scores: list[np.ndarray], categories: list[str],
                    config: DecodeConfig, progress: Progress = _no_progress) -> np.ndarray:
    """Per-category thresholds maximising micro F1: each category's counts at every grid value, then
    coordinate ascent on the summed counts (categories interact only through the micro average)."""
    grid = np.array(THRESHOLD_GRID)
    table = np.zeros((len(categories), len(grid), 3))
    advance = progress("tuning thresholds", len(grid))
    for g, value in enumerate(grid):
        thresholds = np.full(len(categories), value)
        for d, s in zip(docs, scores, strict=True):
            by_category = _group(decode(s, d.units, categories, thresholds, config), d.contract.text)
            gold = _group_gold(d.contract, categories)
            for k, category in enumerate(categories):
                pred, labels = by_category.get(category, []), gold.get(category, [])
                tp = match_count(labels, pred) if pred and labels else 0
                table[k, g] += (tp, len(pred) - tp, len(labels) - tp)

    def f1(c: np.ndarray) -> float:
        return 2 * c[0] / (2 * c[0] + c[1] + c[2]) if c[0] else 0.0

    def best(k: int, rest: np.ndarray | int = 0) -> int:
        """Category k's threshold index maximising micro F1 given the other categories' counts `rest`
        (ties -> the higher threshold, fewer false alarms)."""
        return max(range(len(grid)), key=lambda g: (f1(rest + table[k, g]), g))

    choice = [best(k) for k in range(len(categories))]  # start from each category's own best
    for _ in range(3):
        for k in range(len(categories)):
            choice[k] = best(k, table[np.arange(len(categories)), choice].sum(axis=0) - table[k, choice[k]])
        advance()
    return grid[choice]


def _group(predictions: list[Prediction], text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in predictions:
        out.setdefault(p.category, []).append(text[p.start:p.end])
    return out


def _group_gold(contract: Contract, categories: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in contract.excerpts(categories):
        out.setdefault(e.category, []).append(e.text)
    return out


def fold_of(name: str, folds: int) -> int:
    # a different hash from the dev split's, so the folds do not line up with it
    return int(hashlib.sha256(("fold:" + name).encode("utf-8")).hexdigest()[:8], 16) % folds


def cv_thresholds(config: TrainConfig, docs: list[Prepared], categories: list[str],
                  progress: Progress = _no_progress) -> np.ndarray:
    """Thresholds tuned on out-of-fold scores: each fold of `docs` scored by a model fit on the others."""
    folds = config.threshold_folds
    held_docs: list[Prepared] = []
    held_scores: list[np.ndarray] = []
    for f in range(folds):
        inside = [d for d in docs if fold_of(d.contract.name, folds) != f]
        held = [d for d in docs if fold_of(d.contract.name, folds) == f]
        if not inside or not held:
            continue
        held_docs += held
        held_scores += unit_scores(fit(config, inside, categories, _stage_progress(progress, f"fold {f + 1}/{folds}")), held)
    if not held_docs:
        raise ValueError(f"tuning thresholds needs at least two train contracts (got {len(docs)})")
    return tune_thresholds(held_docs, held_scores, categories, config.decode, progress)


def unit_scores(model_parts: tuple[Featurizer, np.ndarray, np.ndarray], docs: list[Prepared],
                progress: Progress = _no_progress) -> list[np.ndarray]:
    featurizer, weights, bias = model_parts
    advance = progress("scoring", len(docs))
    out = []
    for d in docs:
        margin = np.asarray(featurizer.transform(d.texts) @ weights, dtype=np.float64) + bias
        out.append(1.0 / (1.0 + np.exp(-margin)))
        advance()
    return out


def evaluate_predictions(docs: list[Prepared], predictions: list[list[Prediction]], categories: list[str]) -> Score:
    gold = [e for d in docs for e in d.contract.excerpts(categories)]
    pred = [Excerpt(d.contract.name, p.category, d.contract.text[p.start:p.end])
            for d, ps in zip(docs, predictions, strict=True) for p in ps]
    return score(gold, pred, categories)


def oracle_score(docs: list[Prepared], categories: list[str]) -> Score:
    """What a perfect unit classifier would score: each excerpt predicted as the run of units it covers."""
    predictions = []
    for d in docs:
        ps: list[Prediction] = []
        for k, category in enumerate(categories):
            for group in d.groups[k]:
                runs: list[list[int]] = []
                for i in group:
                    if runs and runs[-1][1] == i - 1:
                        runs[-1][1] = i
                    else:
                        runs.append([i, i])
                ps.extend(Prediction(category, d.units[a].start, d.units[b].end, 1.0) for a, b in runs)
        predictions.append(ps)
    return evaluate_predictions(docs, predictions, categories)


@dataclass
class TrainResult:
    model: BaselineModel
    dev: Score  # of the recipe fit on the train contracts only, on dev contracts it never saw
    train_contracts: int
    dev_contracts: int
    config: TrainConfig


def train(cuad_dir: Path, config: TrainConfig = TrainConfig(), *, names: list[str] | None = None,
          progress: Progress = _no_progress, dev_docs: list[Prepared] | None = None,
          train_docs: list[Prepared] | None = None, refit_all: bool = False) -> TrainResult:
    """Fit on the train contracts, tune thresholds by cross-validation on them, score on the dev contracts.

    With `refit_all` the returned model is then refit by the same recipe on train and dev contracts
    together (25 % more data: the model that ships), while `dev` stays the held-out score of the
    train-only fit: the estimate for unseen contracts, slightly conservative for the refit model."""
    categories = risk_categories()
    if train_docs is None or dev_docs is None:
        train_docs, dev_docs = split(prepare(load_contracts(cuad_dir, names=names), categories, progress))
    if not train_docs or not dev_docs:
        raise ValueError("training needs contracts on both sides of the dev split")
    model = fit_model(config, train_docs, categories, progress)
    dev = score_model(model, dev_docs, progress)
    held_out = {"train_contracts": len(train_docs), "dev_contracts": len(dev_docs),
                "dev_micro": {k: round(v, 4) if isinstance(v, float) else v for k, v in dev.micro.as_dict().items()}}
    if refit_all:
        model = fit_model(config, train_docs + dev_docs, categories, _stage_progress(progress, "all contracts"))
    model.meta |= {"fit_on": "train+dev" if refit_all else "train", "held_out": held_out}
    return TrainResult(model, dev, len(train_docs), len(dev_docs), config)


def fit_model(config: TrainConfig, docs: list[Prepared], categories: list[str],
              progress: Progress = _no_progress) -> BaselineModel:
    """The recipe: thresholds from out-of-fold scores of `docs`, weights from all of `docs`."""
    thresholds = cv_thresholds(config, docs, categories, progress)
    featurizer, weights, bias = fit(config, docs, categories, progress)
    meta = {
        "data": "CUAD v1 (Hendrycks et al. 2021, The Atticus Project), CC BY 4.0",
        "fit_contracts": len(docs),
        "train": config.to_dict(),
        "thresholds": f"tuned on out-of-fold scores of the fit contracts ({config.threshold_folds} folds)",
    }
    return BaselineModel(categories, featurizer, weights, bias, thresholds, config.decode, meta)


def _stage_progress(progress: Progress, stage: str) -> Progress:
    return lambda description, total: progress(f"{stage}: {description}", total)


def split(docs: list[Prepared]) -> tuple[list[Prepared], list[Prepared]]:
    return [d for d in docs if not d.contract.is_dev], [d for d in docs if d.contract.is_dev]


def score_model(model: BaselineModel, docs: list[Prepared], progress: Progress = _no_progress) -> Score:
    advance = progress("analyzing held-out contracts", len(docs))
    predictions = []
    for d in docs:
        predictions.append(model.predict(d.contract.text, d.units))
        advance()
    return evaluate_predictions(docs, predictions, model.categories)


__all__ = ["PLAIN", "Counts", "TrainConfig", "TrainResult", "cv_thresholds", "fit_model", "fold_of", "oracle_score", "prepare", "score_model", "split", "train"]
