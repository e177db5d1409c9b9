"""Which features for the baseline: binary n-gram presence vs TF-IDF rows of unit length, and which blocks
(character n-grams, clause headings, neighbouring sentences) earn their place.

Every row is one fit on the train contracts, scored on the dev contracts with per-category thresholds
tuned on those same dev contracts. That makes every row optimistic by the same tuning, which is fine for
comparing rows with each other; the held-out estimate of the shipped recipe (thresholds by cross-validation
on the train contracts) is what `lexrisk baseline train` reports.

    .venv/bin/python benchmarks/baseline_weighting.py [--cuad DIR]

Prints a table and writes eval/results/baseline_weighting.json. About 15 minutes on one core."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

RESULTS = Path(__file__).resolve().parents[1] / "eval" / "results" / "baseline_weighting.json"


def variants():
    from analyzers.baseline.features import FeatureConfig
    from training.baseline.train import PLAIN

    shipped = FeatureConfig()
    return {
        "plain: TF-IDF of words, unit-length rows": PLAIN.features,
        "TF-IDF words + char + headings + neighbours (previous model)":
            replace(shipped, binary=False, char_weight=1.0, heading_max_features=5_000, heading_weight=1.0,
                    context_weight=0.5),
        "binary words": replace(shipped, char_max_features=0),
        "binary words + char 4-grams x0.5 (shipped)": shipped,
        "binary words + char + headings x0.5": replace(shipped, heading_max_features=5_000),
        "binary words + char + neighbours x0.25": replace(shipped, context_weight=0.25),
    }


def main() -> None:
    from analyzers.baseline.model import decode
    from contracts.taxonomy import risk_categories
    from lexrisk.settings import get_settings
    from training.baseline.corpus import load_contracts
    from training.baseline.train import (
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
    categories = risk_categories()
    train_docs, dev_docs = split(prepare(load_contracts(args.cuad), categories))
    rows = {}
    for name, features in track(list(variants().items()), description="fitting variants"):
        config = TrainConfig(features=features)
        started = time.perf_counter()
        scores = unit_scores(fit(config, train_docs, categories), dev_docs)
        thresholds = tune_thresholds(dev_docs, scores, categories, config.decode)
        predictions = [decode(s, d.units, categories, thresholds, config.decode) for d, s in zip(dev_docs, scores, strict=True)]
        micro = evaluate_predictions(dev_docs, predictions, categories).micro
        rows[name] = {**micro.as_dict(), "features": features.to_dict(), "seconds": round(time.perf_counter() - started, 1)}

    table = Table(title=f"Baseline features: {len(train_docs)} train / {len(dev_docs)} dev contracts, "
                        "thresholds tuned on dev for every row (relative comparison)")
    for column in ("features", "P", "R", "F1", "fit+score s"):
        table.add_column(column, justify="left" if column == "features" else "right")
    for name, r in rows.items():
        table.add_row(name, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", f"{r['seconds']:.0f}")
    Console().print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"train_contracts": len(train_docs), "dev_contracts": len(dev_docs),
                                   "thresholds": "tuned on dev for every row", "rows": rows}, indent=2) + "\n",
                       encoding="utf-8")


if __name__ == "__main__":
    main()
