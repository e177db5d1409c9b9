"""`lexrisk baseline train|eval`: rebuild the embedded model from CUAD, and score it on the dev split."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lexrisk.commands.args import folder_to_write, whole_number
from lexrisk.commands.cuad_folder import cuad_arg, cuad_dir, progress_bars

RESULTS_DIR = Path("eval/results")
RULE = "CUAD word-level Jaccard >= 0.5, one-to-one matching"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("baseline", help="train or evaluate the embedded baseline analyzer on CUAD",
                              description="Rebuild the embedded baseline model from CUAD, or score it on the dev split.")
    sub = p.add_subparsers(dest="baseline_command", metavar="ACTION", required=True)

    t = sub.add_parser("train", help="train the baseline on CUAD, report its held-out scores, write the model folder",
                       description="Fit the recipe on the CUAD train contracts (thresholds by cross-validation on "
                                   "them) and score it on the dev contracts, score the plain TF-IDF classifier the "
                                   "same way, then refit on all contracts and write model.json + weights.npz + "
                                   "MODEL_CARD.md. Deterministic: the same data gives the same bytes. About 20 minutes "
                                   "on one core for the 408 contracts.")
    cuad_arg(t)
    t.add_argument("--out", type=folder_to_write, help="model folder to write (default: the one shipped in the package)")
    t.add_argument("--limit", type=whole_number(1),
                   help="use only the first N contracts (by file name), for quick trials")
    t.add_argument("--train-split-only", action="store_true",
                   help="ship the fit on the train contracts instead of refitting on all (its dev scores are then its own)")
    t.add_argument("--results", type=folder_to_write, default=RESULTS_DIR,
                   help="folder for baseline_holdout.json (default: eval/results)")
    t.set_defaults(handler=run_train)

    e = sub.add_parser("eval", help="score a baseline model on the CUAD dev contracts",
                       description="`lexrisk eval run` on CUAD's dev split with the baseline model (same runner and "
                                   "metrics: RUN_DIR/metrics.json, predictions/, run.json); prints the per-category "
                                   "table and writes eval/results/baseline_dev.json.")
    cuad_arg(e)
    e.add_argument("--model", type=Path, help="model folder (default: settings.baseline_model or the shipped one)")
    e.add_argument("--compare-plain", action="store_true",
                   help="also train and score the plain TF-IDF + logistic regression sentence classifier")
    e.add_argument("--oracle", action="store_true", help="also score a perfect classifier over the same units")
    e.add_argument("--results", type=folder_to_write, default=RESULTS_DIR, help="folder for the JSON results (default: eval/results)")
    e.add_argument("--out", type=folder_to_write, default=RESULTS_DIR / "baseline-dev", metavar="RUN_DIR",
                   help="run folder, as `lexrisk eval run` writes it (default: eval/results/baseline-dev)")
    e.set_defaults(handler=run_eval)

    from lexrisk.commands import baseline_cascade, baseline_rankers

    baseline_cascade.add_parser(sub, cuad_arg)
    baseline_rankers.add_parsers(sub, cuad_arg)


def run_train(args: argparse.Namespace) -> int:
    from rich.console import Console

    from analyzers.baseline import shipped_model_dir
    from contracts.taxonomy import risk_categories
    from training.baseline.card import FEATURES_JSON, HOLDOUT_JSON, model_card
    from training.baseline.corpus import load_contracts
    from training.baseline.train import PLAIN, oracle_score, prepare, split, train

    cuad = cuad_dir(args)
    out = args.out or shipped_model_dir()
    console = Console(stderr=True)
    categories = risk_categories()
    with progress_bars() as progress:
        contracts = load_contracts(cuad, limit=args.limit)
        train_docs, dev_docs = split(prepare(contracts, categories, progress))
        if len(train_docs) < 2 or not dev_docs:
            from contracts.errors import CommandError

            raise CommandError(f"{len(contracts)} contracts leave too few on one side of the dev split; use more")
        result = train(cuad, progress=progress, train_docs=train_docs, dev_docs=dev_docs,
                       refit_all=not args.train_split_only)
        plain = train(cuad, PLAIN, progress=progress, train_docs=train_docs, dev_docs=dev_docs).dev
        oracle = oracle_score(dev_docs, categories)
    digest = result.model.save(out)
    scores = {"baseline": result.dev, "plain TF-IDF+LR": plain, "oracle units": oracle}
    console.print(scores_table(scores, categories, len(dev_docs), "held-out dev contracts"))
    args.results.mkdir(parents=True, exist_ok=True)
    target = args.results / HOLDOUT_JSON
    target.write_text(json.dumps({
        "model_sha256": digest, "shipped_fit_on": result.model.meta["fit_on"],
        "train_contracts": result.train_contracts, "dev_contracts": result.dev_contracts,
        "protocol": "fit on the train contracts, thresholds by contract-grouped CV on them, scored on dev",
        "held_out": True,
        "rule": RULE, "scores": {name: s.as_dict() for name, s in scores.items()}}, indent=2) + "\n", encoding="utf-8")
    features = args.results / FEATURES_JSON  # the embeddings comparison, when benchmarks/baseline_features.py ran
    card = model_card(result.model, json.loads(target.read_text(encoding="utf-8")),
                      json.loads(features.read_text(encoding="utf-8")) if features.is_file() else None)
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    m = result.dev.micro
    console.print(f"held-out dev ({result.dev_contracts} contracts) micro P {m.precision:.3f} R {m.recall:.3f} "
                  f"F1 {m.f1:.3f}; plain F1 {plain.micro.f1:.3f}; wrote {target}")
    console.print(f"wrote {out} (fit on {result.model.meta['fit_contracts']} contracts, sha256 {digest})")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    """The baseline column is `lexrisk eval run` on the dev split (same runner, same metric, through
    ingestion and the analyzer's finalizing); the plain classifier and the oracle are sentence-unit
    models, scored by the same CUAD metric over the same contracts."""
    from rich.console import Console

    from analyzers.baseline import BaselineAnalyzer, shipped_model_dir
    from analyzers.baseline.artifact import ArtifactError, digest
    from contracts.errors import CommandError
    from contracts.ingest import load_document
    from contracts.playbook import PlaybookError, load_playbook
    from contracts.taxonomy import category_names, risk_categories
    from eval.cuad_metric import Counts, Score
    from eval.gold import GoldError, cuad_entries, read_cuad_contract
    from eval.runner import run, write_run_info
    from lexrisk.settings import get_settings
    from training.baseline.corpus import load_contracts
    from training.baseline.train import PLAIN, oracle_score, prepare, split, train

    cuad = cuad_dir(args)
    settings = get_settings()
    folder = args.model or settings.baseline_model or shipped_model_dir()
    try:
        analyzer = BaselineAnalyzer.load(folder, load_playbook(settings.playbook))
    except (ArtifactError, PlaybookError) as exc:
        raise CommandError(str(exc)) from None
    model = analyzer.model
    categories = risk_categories()
    try:
        entries = cuad_entries(cuad, source="txt", split="dev")
    except GoldError as exc:
        raise CommandError(f"{exc} (the dev split is CUAD's 80/20 split by file-name hash)") from None
    scores = {}
    with progress_bars() as progress:
        metrics = run((read_cuad_contract(e, load_document) for e in entries), analyzer, args.out,
                      playbook=analyzer.playbook, clause_categories=categories, all_categories=category_names(),
                      advance=progress("analyzing dev contracts", len(entries)))
        scores["baseline"] = Score(Counts(**{k: metrics["micro"][k] for k in ("tp", "fp", "fn")}),
                                   {c: Counts(**{k: metrics["per_category"][c][k] for k in ("tp", "fp", "fn")})
                                    for c in categories})
        if args.compare_plain or args.oracle:
            train_docs, dev_docs = split(prepare(load_contracts(cuad), categories, progress))
            if args.compare_plain:
                scores["plain TF-IDF+LR"] = train(cuad, PLAIN, progress=progress, train_docs=train_docs,
                                                  dev_docs=dev_docs).dev
            if args.oracle:
                scores["oracle units"] = oracle_score(dev_docs, categories)
    note = None
    if model.meta.get("fit_on") == "train+dev":
        held = model.meta["held_out"]["dev_micro"]
        note = (f"This model was refit on the dev contracts too, so its dev score is a training-set score, not a "
                f"held-out one; its recipe scored held-out micro F1 {held['f1']:.3f} (P {held['precision']:.3f} "
                f"R {held['recall']:.3f}) when fit on the train contracts only (MODEL_CARD.md).")
    write_run_info(args.out, metrics, analyzer="baseline", adapter=None, overrides=[], data=str(cuad.resolve()),
                   source="txt", split="dev", limit=None, model=str(folder), model_fit_on=model.meta.get("fit_on"),
                   note=note, command=getattr(args, "command_line", None))
    console = Console()
    title = "CUAD dev contracts"
    if note:
        title = "CUAD dev contracts, which this model was fit on"
        console.print(f"[yellow]{note}[/yellow]")
    console.print(scores_table(scores, categories, len(entries), title))
    args.results.mkdir(parents=True, exist_ok=True)
    target = args.results / "baseline_dev.json"
    held_out = model.meta.get("fit_on") == "train"
    protocol = ("the model as given, fit on the train contracts only, scored on the dev contracts (held out)" if held_out
                else "the model as given, fit on all contracts, dev included, scored on the dev contracts: a "
                     "training-set score, not held out")
    payload = {"model_sha256": digest(folder), "model_fit_on": model.meta.get("fit_on"), "dev_contracts": len(entries),
               "protocol": protocol, "held_out": held_out, "rule": RULE, "run": str(args.out),
               "scores": {name: s.as_dict() for name, s in scores.items()}}
    target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {target} and the run folder {args.out} (metrics.json, predictions/)")
    return 0


def scores_table(scores: dict, categories: list[str], n_contracts: int, title: str):
    from rich.table import Table

    table = Table(title=f"{title} ({n_contracts}): P / R / F1 under CUAD's rule")
    table.add_column("category")
    table.add_column("labels", justify="right")
    for name in scores:
        table.add_column(name, justify="right")
    first = next(iter(scores.values()))
    for category in categories:
        c = first.per_category[category]
        table.add_row(category, str(c.tp + c.fn), *(_cell(s.per_category[category]) for s in scores.values()))
    table.add_section()
    table.add_row("[bold]micro[/bold]", str(first.micro.tp + first.micro.fn), *(f"[bold]{_cell(s.micro)}[/bold]" for s in scores.values()))
    return table


def _cell(c) -> str:
    return f"{c.precision:.2f} / {c.recall:.2f} / {c.f1:.2f}"
