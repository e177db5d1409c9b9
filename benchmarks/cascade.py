"""The cascade (n-gram candidates re-scored by a fine-tuned MiniLM in ONNX) against the n-gram model it
starts from, in one run on the held-out CUAD dev contracts: micro P/R/F1 at each model's thresholds,
CUAD's AUPR and precision at 80 % recall, the cascade's recall-first operating point, the per-category
table, seconds per contract and load time on one thread, artifact size.

Both models are fit on the train contracts only (`lexrisk baseline train-encoder` writes the cascade,
and its `ngram/` folder is the train-only n-gram model with thresholds from contract-grouped CV), so
every number here is held out.

    .venv/bin/python benchmarks/cascade.py --cascade DIR [--cuad DIR] [--cache DIR]

Prints a table and writes eval/results/cascade.json. Aims (issue 15): F1 >= 0.66, precision at 80 %
recall >= 0.45, median contract <= 0.5 s, load <= 3 s, artifact <= 40 MB."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one thread: the latency a single worker sees

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

RESULTS = Path(__file__).resolve().parents[1] / "eval" / "results" / "cascade.json"
AIMS = {"f1": 0.66, "precision_at_80_recall": 0.45, "p50_s": 0.5, "load_s": 3.0, "artifact_mb": 40.0}


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != "MODEL_CARD.md") / 2**20


def run_model(name: str, load, docs) -> tuple[dict, list[np.ndarray], Any]:
    """Load once (timed), then each contract: sentences + scores (timed), on one thread."""
    from contracts.segment import split_sentences

    started = time.perf_counter()
    model = load()
    load_s = time.perf_counter() - started
    model.unit_scores(docs[0].contract.text, split_sentences(docs[0].contract.text))  # warm-up (spaCy too)
    scores, latencies = [], []
    for d in docs:
        t0 = time.perf_counter()
        units = split_sentences(d.contract.text)
        scores.append(model.unit_scores(d.contract.text, units))
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    return {"load_s": load_s, "p50_s": statistics.median(latencies), "p90_s": latencies[int(0.9 * (len(latencies) - 1))],
            "max_s": latencies[-1]}, scores, model


def main(argv: list[str] | None = None) -> int:
    from analyzers.baseline.model import BaselineModel, DecodeConfig, decode
    from contracts.taxonomy import risk_categories
    from lexrisk.commands.baseline_cascade import DEFAULT_CACHE
    from lexrisk.settings import get_settings
    from training.baseline.corpus import load_contracts
    from training.baseline.train import evaluate_predictions
    from training.cascade.card import cascade_card
    from training.cascade.model import NGRAM_DIR, CascadeModel
    from training.cascade.ngram_stage import UNITS_JSON, prepare_cached
    from training.cascade.recall import pr_summary

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cascade", type=Path, required=True, help="cascade model folder (train-encoder --out)")
    parser.add_argument("--cuad", type=Path, default=None, help="CUAD folder (default: settings.cuad_dir)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="segmented contracts (train-encoder --cache)")
    parser.add_argument("--limit", type=int, help="only the first N dev contracts (a quick trial)")
    parser.add_argument("--label", default="cascade (n-gram -> MiniLM int8 ONNX)", help="the cascade's column name")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cuad = args.cuad or get_settings().cuad_dir
    categories = risk_categories()
    load_before = os.getloadavg()
    contracts = [c for c in load_contracts(cuad) if c.is_dev][:args.limit]
    docs = prepare_cached(contracts, categories, args.cache / UNITS_JSON)

    ngram_dir = args.cascade / NGRAM_DIR
    results, per_category, all_scores = {}, {}, {}
    models = {"n-gram (current model, train-only)": lambda: BaselineModel.load(ngram_dir),
              args.label: lambda: CascadeModel.load(args.cascade)}
    for name, load in models.items():
        speed, scores, model = run_model(name, load, docs)
        predictions = [decode(s, d.units, categories, model.thresholds, DecodeConfig(False, 0))
                       for d, s in zip(docs, scores, strict=True)]
        score = evaluate_predictions(docs, predictions, categories)
        entry = {"micro": score.micro.as_dict(), **pr_summary(docs, scores, categories), **speed,
                 "artifact_mb": folder_mb(ngram_dir if isinstance(model, BaselineModel) else args.cascade)}
        if isinstance(model, CascadeModel):
            recall_first = [decode(s, d.units, categories, model.recall_thresholds, DecodeConfig(False, 0))
                            for d, s in zip(docs, scores, strict=True)]
            entry["recall_first"] = {"threshold": float(model.recall_thresholds[0]),
                                     "target": model.meta["encoder"]["recall_target"],
                                     "micro": evaluate_predictions(docs, recall_first, categories).micro.as_dict()}
            entry["train_meta"] = {k: model.meta[k] for k in ("sizing", "onnx_check", "encoder", "train_seconds_total")
                                   if k in model.meta}
        results[name] = entry
        per_category[name] = {c: v.as_dict() for c, v in score.per_category.items()}
        all_scores[name] = scores

    names = list(results)
    table = Table(title=f"held-out CUAD dev contracts ({len(docs)}): fit on train only, one thread")
    table.add_column("measure")
    for n in names:
        table.add_column(n, justify="right")
    table.add_column("aim", justify="right")
    rows = [("micro precision", lambda e: f"{e['micro']['precision']:.3f}", ""),
            ("micro recall", lambda e: f"{e['micro']['recall']:.3f}", ""),
            ("micro F1", lambda e: f"{e['micro']['f1']:.3f}", f">= {AIMS['f1']}"),
            ("AUPR (CUAD)", lambda e: f"{e['aupr']:.3f}", ""),
            ("precision at 80% recall", lambda e: f"{e['precision_at_80_recall']:.3f}", f">= {AIMS['precision_at_80_recall']}"),
            ("highest recall reached", lambda e: f"{e['max_recall']:.3f}", ""),
            ("median contract (s)", lambda e: f"{e['p50_s']:.3f}", f"<= {AIMS['p50_s']}"),
            ("p90 contract (s)", lambda e: f"{e['p90_s']:.3f}", ""),
            ("load (s)", lambda e: f"{e['load_s']:.2f}", f"<= {AIMS['load_s']}"),
            ("artifact (MiB)", lambda e: f"{e['artifact_mb']:.1f}", f"<= {AIMS['artifact_mb']}")]
    for label, cell, aim in rows:
        table.add_row(label, *(cell(results[n]) for n in names), aim)
    cascade = results[names[1]]
    if "recall_first" in cascade:
        rf = cascade["recall_first"]["micro"]
        table.add_row("cascade recall-first P / R / F1", "", f"{rf['precision']:.3f} / {rf['recall']:.3f} / {rf['f1']:.3f}", "")
    console = Console()
    console.print(table)
    cats = Table(title="per category: F1 (labels)")
    cats.add_column("category")
    cats.add_column("labels", justify="right")
    for n in names:
        cats.add_column(n, justify="right")
    for c in categories:
        first = per_category[names[0]][c]
        cats.add_row(c, str(first["tp"] + first["fn"]), *(f"{per_category[n][c]['f1']:.2f}" for n in names))
    console.print(cats)

    base, casc = results[names[0]], results[names[1]]
    verdict = {"beats_ngram_f1": casc["micro"]["f1"] > base["micro"]["f1"],
               "aims_met": {"f1": casc["micro"]["f1"] >= AIMS["f1"],
                            "precision_at_80_recall": casc["precision_at_80_recall"] >= AIMS["precision_at_80_recall"],
                            "p50_s": casc["p50_s"] <= AIMS["p50_s"], "load_s": casc["load_s"] <= AIMS["load_s"],
                            "artifact_mb": casc["artifact_mb"] <= AIMS["artifact_mb"]}}
    payload = {"protocol": "fit on the CUAD train contracts, thresholds by CV on them (the cascade's stack and "
                           "thresholds on a train fold the encoder did not see), scored on the dev contracts",
               "held_out": True, "dev_contracts": len(docs), "rule": "CUAD word-level Jaccard >= 0.5, one-to-one matching",
               "threads": 1, "machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
               "load_average_before": load_before, "load_average_after": os.getloadavg(),
               "aims": AIMS, "verdict": verdict, "models": results, "per_category": per_category}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    card = cascade_card(payload)
    args.out.with_suffix(".md").write_text(card, encoding="utf-8")
    (args.cascade / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    console.print(f"wrote {args.out}, {args.out.with_suffix('.md')} and {args.cascade / 'MODEL_CARD.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
