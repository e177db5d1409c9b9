"""How optimistic are the shipped baseline's dev scores? Its thresholds are tuned on the dev contracts;
here the same model's dev scores are compared with thresholds chosen without looking at dev: on
out-of-fold scores of the train contracts (3 folds grouped by contract, each fold scored by a model fit on
the other two), then applied to the model fit on all train contracts.

    .venv/bin/python benchmarks/baseline_thresholds.py [--cuad DIR]

Prints a table and writes eval/results/baseline_thresholds.json. Takes a few minutes on two cores."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parents[1] / "eval" / "results" / "baseline_thresholds.json"
FOLDS = 3


def fold_of(name: str) -> int:
    # a different hash from the dev split's, so folds do not line up with it
    return int(hashlib.sha256(("fold:" + name).encode("utf-8")).hexdigest()[:8], 16) % FOLDS


def main() -> None:
    from contracts.settings import get_settings
    from contracts.taxonomy import risk_categories
    from serving.analyzers.baseline.corpus import load_contracts
    from serving.analyzers.baseline.model import decode
    from serving.analyzers.baseline.train import (
        TrainConfig,
        evaluate_predictions,
        fit,
        prepare,
        split,
        tune_thresholds,
        unit_scores,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, default=get_settings().cuad_dir)
    args = parser.parse_args()
    console = Console()
    config = TrainConfig()
    categories = risk_categories()
    train_docs, dev_docs = split(prepare(load_contracts(args.cuad), categories))

    console.print(f"fitting {FOLDS} fold models on the train contracts ...")
    oof_docs, oof_scores = [], []
    for f in range(FOLDS):
        inside = [d for d in train_docs if fold_of(d.contract.name) != f]
        held = [d for d in train_docs if fold_of(d.contract.name) == f]
        oof_docs += held
        oof_scores += unit_scores(fit(config, inside, categories), held)
    cv_thresholds = tune_thresholds(oof_docs, oof_scores, categories, config.decode)

    console.print("fitting on all train contracts ...")
    dev_scores = unit_scores(fit(config, train_docs, categories), dev_docs)
    dev_thresholds = tune_thresholds(dev_docs, dev_scores, categories, config.decode)
    rows = {}
    for name, thresholds in (("thresholds tuned on dev", dev_thresholds),
                             (f"thresholds tuned by {FOLDS}-fold CV on train", cv_thresholds)):
        predictions = [decode(s, d.units, categories, thresholds, config.decode)
                       for d, s in zip(dev_docs, dev_scores, strict=True)]
        micro = evaluate_predictions(dev_docs, predictions, categories).micro
        rows[name] = {**micro.as_dict(), "thresholds": [float(t) for t in thresholds]}

    table = Table(title=f"Shipped baseline config, dev contracts ({len(dev_docs)}), CUAD's rule")
    for column in ("thresholds", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "thresholds" else "right")
    for name, r in rows.items():
        table.add_row(name, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}")
    console.print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"train_contracts": len(train_docs), "dev_contracts": len(dev_docs), "folds": FOLDS,
                                   "config": config.to_dict(), "results": rows}, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
