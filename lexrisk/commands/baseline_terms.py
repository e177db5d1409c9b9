"""`lexrisk baseline train-terms`: fit the term ranker (which sentence states the contract's term) on the CUAD
train contracts, print its cross-validated reading of the end date, and write the model the extractor ships."""

from __future__ import annotations

import argparse
from pathlib import Path

RESULTS = Path("eval/results/terms-ranker.json")


def add_parser(sub: argparse._SubParsersAction, cuad_arg) -> None:
    t = sub.add_parser("train-terms", help="fit the key terms' term ranker on the CUAD train contracts",
                       description="Fit the term ranker on the CUAD train contracts (the dev split is never read), "
                                   "print the end date's 5-fold cross-validated match rate for each way of decoding "
                                   "it, and write the model (contracts/data/term_ranker.npz by default) and the "
                                   "figures. Deterministic; about a minute on one core.")
    cuad_arg(t)
    t.add_argument("--out", type=Path, help="model file to write (default: the one shipped in the package)")
    t.add_argument("--results", type=Path, default=RESULTS, help=f"JSON file for the figures (default: {RESULTS})")
    t.set_defaults(handler=run_train_terms)


def run_train_terms(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from contracts.terms.ranker import ARTIFACT
    from lexrisk.commands.cuad_folder import cuad_dir, progress_bars, write_figures
    from training.terms_ranker import FOLDS, C, cross_validate, fit, load, shipped

    cuad = cuad_dir(args)
    with progress_bars() as progress:
        contracts = load(cuad, progress)
        results = cross_validate(contracts, progress)
    ranker = fit(contracts)
    out = args.out or ARTIFACT
    ranker.save(out)
    table = Table(title=f"end date, {FOLDS}-fold cross-validation on {len(contracts)} CUAD train contracts")
    for column in ("best read", "floor", "answered", "matches", "given", "given: matches", "values where CUAD has none"):
        table.add_column(column, justify="right")
    chosen = shipped(results)
    for r in results:
        d = r.as_dict()
        table.add_row(str(r.read_best), f"{r.floor:.2f}", str(r.answered), f"{d['accuracy']:.3f}", str(r.given),
                      f"{d['precision']:.3f}", str(r.given_unanswered), style="bold" if r is chosen else None)
    console = Console(stderr=True)
    console.print(table)
    write_figures(args.results, {
        "protocol": f"{FOLDS}-fold cross-validation grouped by contract (fold = position mod {FOLDS} in name order) on "
                    "CUAD's train split; end dates scored against CUAD's Expiration Date answers with "
                    "eval/term_scores.py; the dev split is not read",
        "train_contracts": len(contracts), "C": C,
        "shipped_decoding": chosen.as_dict(), "decodings": [r.as_dict() for r in results]})
    console.print(f"wrote {out} (fit on {len(contracts)} train contracts) and {args.results}; the shipped decoding "
                  f"matches CUAD's end date on {chosen.as_dict()['accuracy']:.3f} of the answered contracts out of fold")
    return 0
