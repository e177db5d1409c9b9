"""Stage one of the cascade's training: the n-gram model's scores of every sentence, as the held-out
protocol needs them.

The encoder must be trained on the candidates the n-gram model passes on for contracts it has not
seen, else the candidates of the train contracts are the easy in-sample ones. The baseline's own
threshold tuning already fits one model per contract-grouped fold of the train contracts; this runs
that same recipe once, with one change that makes it affordable on a shared CPU: the fold models share
one featurizer (vocabularies fit on all train contracts, no labels involved) so each contract is
featurized once instead of once per fold; the labels the fold models learn from stay out-of-fold. It
keeps what it computes: the out-of-fold scores of the train contracts
(candidates and stacking features for training), the thresholds tuned on them (the baseline's operating
point), and the train-only model with its scores of the dev contracts (what the evaluation sees).
Nothing here is new modelling: `lexrisk baseline train --train-split-only` gives the same model."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from analyzers.baseline.features import Featurizer, UnitTexts
from analyzers.baseline.model import BaselineModel
from contracts.segment import Span
from contracts.taxonomy import risk_categories
from training.baseline.corpus import Contract, load_contracts, unit_groups
from training.baseline.train import (
    Prepared,
    Progress,
    TrainConfig,
    _no_progress,
    fold_of,
    prepare,
    split,
    tune_thresholds,
)

SCORES_NPZ = "ngram_scores.npz"
THRESHOLDS_JSON = "ngram_thresholds.json"
MODEL_DIR = "ngram_model"
UNITS_JSON = "units.json"


@dataclass
class NgramStage:
    """Every contract's n-gram unit scores: out-of-fold for train contracts, train-only model for dev."""

    train_docs: list[Prepared]
    dev_docs: list[Prepared]
    scores: dict[str, np.ndarray]  # contract name -> (n_units, n_categories)
    thresholds: np.ndarray  # the baseline's operating point, tuned on the out-of-fold scores
    model_dir: Path  # the train-only n-gram model


def run_ngram_stage(cuad_dir: Path, cache: Path, *, names: list[str] | None = None,
                    config: TrainConfig | None = None, progress: Progress = _no_progress) -> NgramStage:
    """Compute (or read back from `cache`) the n-gram stage; the contracts are segmented either way."""
    config = config or TrainConfig()
    categories = risk_categories()
    cache.mkdir(parents=True, exist_ok=True)
    train_docs, dev_docs = split(prepare_cached(load_contracts(cuad_dir, names=names), categories, cache / UNITS_JSON,
                                                progress))
    if len(train_docs) < 2 or not dev_docs:
        raise ValueError("the cascade needs contracts on both sides of the dev split")
    model_dir = cache / MODEL_DIR
    if (cache / SCORES_NPZ).is_file() and (cache / THRESHOLDS_JSON).is_file() and model_dir.is_dir():
        with np.load(cache / SCORES_NPZ, allow_pickle=False) as data:
            scores = {name: data[name] for name in data.files}
        thresholds = np.array(json.loads((cache / THRESHOLDS_JSON).read_text())["thresholds"])
        if all(d.contract.name in scores for d in train_docs + dev_docs):
            return NgramStage(train_docs, dev_docs, scores, thresholds, model_dir)
    featurizer = Featurizer.fit(config.features, [d.texts for d in train_docs])
    advance = progress("featurizing train contracts", len(train_docs))
    matrices = {}
    for d in train_docs:
        matrices[d.contract.name] = featurizer.transform(d.texts)
        advance()
    scores = {}
    folds = config.threshold_folds
    advance = progress("out-of-fold models", folds)
    for f in range(folds):
        inside = [d for d in train_docs if fold_of(d.contract.name, folds) != f]
        held = [d for d in train_docs if fold_of(d.contract.name, folds) == f]
        if inside and held:
            weights, bias = fit_weights(config, [matrices[d.contract.name] for d in inside], [d.y for d in inside])
            for d in held:
                scores[d.contract.name] = _logistic(matrices[d.contract.name], weights, bias)
        advance()
    oof_docs = [d for d in train_docs if d.contract.name in scores]
    thresholds = tune_thresholds(oof_docs, [scores[d.contract.name] for d in oof_docs], categories, config.decode)
    weights, bias = fit_weights(config, list(matrices.values()), [d.y for d in train_docs])
    model = BaselineModel(categories, featurizer, weights, bias, thresholds, config.decode,
                          {"fit_on": "train", "fit_contracts": len(train_docs), "train": config.to_dict()})
    model.save(model_dir)
    model = BaselineModel.load(model_dir)  # score dev with the float16 weights as they ship
    for d in dev_docs:
        scores[d.contract.name] = model.unit_scores(d.contract.text, d.units)
    np.savez(cache / SCORES_NPZ, **scores)
    (cache / THRESHOLDS_JSON).write_text(json.dumps({"thresholds": [float(t) for t in thresholds]}))
    return NgramStage(train_docs, dev_docs, scores, thresholds, model_dir)


def fit_weights(config: TrainConfig, matrices: list[sp.csr_matrix], labels: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The baseline's classifiers (train.fit) over already featurized units."""
    x = sp.vstack(matrices, format="csr")
    y = np.vstack(labels)
    weights = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    for k in range(y.shape[1]):
        if y[:, k].any():
            clf = SGDClassifier(loss="log_loss", alpha=config.alpha, max_iter=config.epochs, tol=None,
                                random_state=config.seed).fit(x, y[:, k])
            weights[:, k] = clf.coef_[0]
            bias[k] = clf.intercept_[0]
        else:
            bias[k] = -20.0
    return weights.astype(np.float16).astype(np.float32), bias


def _logistic(x: sp.csr_matrix, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(x @ weights, dtype=np.float64) + bias)))


def prepare_cached(contracts: list[Contract], categories: list[str], path: Path,
                   progress: Progress = _no_progress) -> list[Prepared]:
    """`train.prepare`, with the sentence units and headings kept in `path`: segmenting 408 contracts
    takes minutes, and each stage of the cascade's training needs them."""
    known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    missing = [c for c in contracts if c.name not in known]
    if missing:
        for d in prepare(missing, categories, progress):
            known[d.contract.name] = {"units": [[u.start, u.end] for u in d.units], "headings": d.texts.headings}
        path.write_text(json.dumps(known), encoding="utf-8")
    out = []
    for contract in contracts:
        units = [Span(s, e) for s, e in known[contract.name]["units"]]
        groups = [unit_groups(units, contract.labels, category) for category in categories]
        y = np.zeros((len(units), len(categories)), dtype=bool)
        for k, category_groups in enumerate(groups):
            for group in category_groups:
                y[group, k] = True
        texts = UnitTexts([contract.text[u.start:u.end] for u in units], known[contract.name]["headings"])
        out.append(Prepared(contract, units, texts, y, groups))
    return out
