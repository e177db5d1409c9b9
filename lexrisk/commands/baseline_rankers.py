"""`lexrisk baseline train-terms` and `train-parties`: fit one of the key terms' rankers on the CUAD train
contracts (the dev split is never read), print its cross-validated figures for each way of decoding it, and
write the model the extractor ships and the figures (eval/results/). Both run the same steps; they differ in
the training module and in what their figures count."""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexrisk.commands.args import file_to_write


@dataclass(frozen=True)
class Ranker:
    command: str
    help: str
    description: str
    results: Path
    training: str  # the module with load, cross_validate and shipped
    model: str  # the module with the shipped model's ARTIFACT
    what: str  # the table's title: what is scored
    columns: tuple[str, ...]
    row: Callable[[Any, dict], list[str]]  # a decoding and its as_dict() -> the table's cells
    protocol: str  # what the figures are, after "{FOLDS}-fold cross-validation grouped by contract ... on train; "
    summary: Callable[[dict], str]  # the shipped decoding's as_dict() -> the last line's figure


RANKERS = [
    Ranker("train-terms", "fit the key terms' term ranker on the CUAD train contracts",
           "Fit the term ranker on the CUAD train contracts (the dev split is never read), print the end date's "
           "5-fold cross-validated match rate for each way of decoding it, and write the model "
           "(contracts/data/term_ranker.npz by default) and the figures. Deterministic; about a minute on one core.",
           Path("eval/results/terms-ranker.json"), "training.terms_ranker", "contracts.terms.ranker", "end date",
           ("best read", "floor", "answered", "matches", "given", "given: matches", "values where CUAD has none"),
           lambda r, d: [str(r.read_best), f"{r.floor:.2f}", str(r.answered), f"{d['accuracy']:.3f}", str(r.given),
                         f"{d['precision']:.3f}", str(r.given_unanswered)],
           "end dates scored against CUAD's Expiration Date answers with eval/term_scores.py; the dev split is not read",
           lambda d: f"the shipped decoding matches CUAD's end date on {d['accuracy']:.3f} of the answered contracts"),
    Ranker("train-parties", "fit the key terms' party ranker on the CUAD train contracts",
           "Fit the party ranker on the CUAD train contracts (the dev split is never read), print the share of "
           "CUAD's party names found, 5-fold cross-validated, for each floor, and write the model "
           "(contracts/data/party_ranker.npz by default) and the figures. Deterministic; about 20 s on one core.",
           Path("eval/results/parties-ranker.json"), "training.parties_ranker", "contracts.terms.party_ranker",
           "parties", ("floor", "answered", "names found", "all found", "names given", "given: right", "filled",
                       "added: right"),
           lambda r, d: ["rules" if r.floor is None else f"{r.floor:.2f}", str(r.answered), f"{d['accuracy']:.3f}",
                         f"{d['all_found']:.3f}", str(r.names), f"{d['names_right']:.3f}", str(r.filled),
                         f"{r.added_right}/{r.added}"],
           "the contracts where the rules find fewer than two parties filled by a model fit on the other folds; party "
           "names scored against CUAD's Parties answers with eval/term_scores.py; the rules' names are in-sample "
           "(written on these contracts); the dev split is not read",
           lambda d: f"the shipped floor finds {d['accuracy']:.3f} of CUAD's party names"),
]


def add_parsers(sub: argparse._SubParsersAction, cuad_arg) -> None:
    for ranker in RANKERS:
        t = sub.add_parser(ranker.command, help=ranker.help, description=ranker.description)
        cuad_arg(t)
        t.add_argument("--out", type=file_to_write, help="model file to write (default: the one shipped in the package)")
        t.add_argument("--results", type=file_to_write, default=ranker.results,
                       help=f"JSON file for the figures (default: {ranker.results})")
        t.set_defaults(handler=lambda args, ranker=ranker: run(ranker, args))


def run(ranker: Ranker, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from lexrisk.commands.cuad_folder import cuad_dir, progress_bars, write_figures
    from training.rankers import FOLDS, C, fit

    training = importlib.import_module(ranker.training)
    cuad = cuad_dir(args)
    with progress_bars() as progress:
        contracts = training.load(cuad, progress)
        results = training.cross_validate(contracts, progress)
    out = args.out or importlib.import_module(ranker.model).ARTIFACT
    fit(contracts).save(out)
    table = Table(title=f"{ranker.what}, {FOLDS}-fold cross-validation on {len(contracts)} CUAD train contracts")
    for column in ranker.columns:
        table.add_column(column, justify="right")
    chosen = training.shipped(results)
    for r in results:
        table.add_row(*ranker.row(r, r.as_dict()), style="bold" if r is chosen else None)
    console = Console(stderr=True)
    console.print(table)
    write_figures(args.results, {
        "protocol": f"{FOLDS}-fold cross-validation grouped by contract (fold = position mod {FOLDS} in name order) on "
                    f"CUAD's train split; {ranker.protocol}",
        "train_contracts": len(contracts), "C": C,
        # lbfgs stops at a point that depends on the BLAS kernel's summation order: the shipped weights are
        # rebuilt exactly under the same kernel (tests/training/test_rankers.py trains under Haswell's)
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE") or "detected",
        "shipped_decoding": chosen.as_dict(), "decodings": [r.as_dict() for r in results]})
    console.print(f"wrote {out} (fit on {len(contracts)} train contracts) and {args.results}; out of fold "
                  f"{ranker.summary(chosen.as_dict())}")
    return 0
