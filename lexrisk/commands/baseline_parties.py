"""`lexrisk baseline train-parties`: fit the party ranker (the names that fill in where the preamble rules find
fewer than two parties) on the CUAD train contracts, print its cross-validated figures, and write the model the
extractor ships."""

from __future__ import annotations

import argparse
from pathlib import Path

RESULTS = Path("eval/results/parties-ranker.json")


def add_parser(sub: argparse._SubParsersAction, cuad_arg) -> None:
    t = sub.add_parser("train-parties", help="fit the key terms' party ranker on the CUAD train contracts",
                       description="Fit the party ranker on the CUAD train contracts (the dev split is never read), "
                                   "print the share of CUAD's party names found, 5-fold cross-validated, for each "
                                   "floor, and write the model (contracts/data/party_ranker.npz by default) and the "
                                   "figures. Deterministic; about 20 s on one core.")
    cuad_arg(t)
    t.add_argument("--out", type=Path, help="model file to write (default: the one shipped in the package)")
    t.add_argument("--results", type=Path, default=RESULTS, help=f"JSON file for the figures (default: {RESULTS})")
    t.set_defaults(handler=run_train_parties)


def run_train_parties(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from contracts.terms.party_ranker import ARTIFACT
    from lexrisk.commands.cuad_folder import cuad_dir, progress_bars, write_figures
    from training.parties_ranker import FOLDS, C, cross_validate, fit, load, shipped

    cuad = cuad_dir(args)
    with progress_bars() as progress:
        contracts = load(cuad, progress)
        results = cross_validate(contracts, progress)
    out = args.out or ARTIFACT
    fit(contracts).save(out)
    table = Table(title=f"parties, {FOLDS}-fold cross-validation on {len(contracts)} CUAD train contracts")
    for column in ("floor", "answered", "names found", "all found", "names given", "given: right", "filled"):
        table.add_column(column, justify="right")
    chosen = shipped(results)
    for r in results:
        d = r.as_dict()
        table.add_row("rules" if r.floor is None else f"{r.floor:.2f}", str(r.answered), f"{d['accuracy']:.3f}",
                      f"{d['all_found']:.3f}", str(r.names), f"{d['names_right']:.3f}", str(r.filled),
                      style="bold" if r is chosen else None)
    console = Console(stderr=True)
    console.print(table)
    write_figures(args.results, {
        "protocol": f"{FOLDS}-fold cross-validation grouped by contract (fold = position mod {FOLDS} in name order) on "
                    "CUAD's train split; the contracts where the rules find fewer than two parties filled by a model "
                    "fit on the other folds; party names scored against CUAD's Parties answers with "
                    "eval/term_scores.py; the rules' names are in-sample (written on these contracts); the dev split "
                    "is not read",
        "train_contracts": len(contracts), "C": C,
        "shipped_decoding": chosen.as_dict(), "decodings": [r.as_dict() for r in results]})
    console.print(f"wrote {out} (fit on {len(contracts)} train contracts) and {args.results}; out of fold the shipped "
                  f"floor finds {chosen.as_dict()['accuracy']:.3f} of CUAD's party names")
    return 0
