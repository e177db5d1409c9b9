"""`lexrisk annotate ...`: the annotation store's commands. Imports nothing heavy at module level, so
`lexrisk --help` stays fast; each handler imports what it needs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import get_args

from contracts.settings import PromptStyle
from lexrisk.commands.annotate_common import (
    add_tenant_argument,
    open_store,
    open_tenant_store,
    print_report,
    progress_bar,
)
from lexrisk.commands.args import (
    add_db_command_group,
    add_subcommand,
    file_to_write,
    folder_to_write,
    needs_existing_store,
    real_number,
    whole_number,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = add_db_command_group(subparsers, "annotate", help="lawyers' labels: store, import, agreement, training set",
                               description="Work with the annotation store (LEXRISK_DATABASE_URL).",
                               dest="annotate_command", metavar="SUBCOMMAND")

    add_subcommand(sub, "migrate", _migrate, help="create or upgrade the store's schema (Alembic)",
                   description="Create the store's tables or upgrade them to the newest Alembic revision; nothing else.")

    s = add_subcommand(sub, "import-cuad", _import_cuad, help="import CUAD's labelled excerpts as gold annotations",
                       description="Import CUAD's contracts and their lawyer-labelled excerpts as accepted (gold) annotations, located by offset in the contract text.")
    s.add_argument("cuad_dir", type=Path, metavar="CUAD_DIR", help="folder with master_clauses.csv and full_contract_txt/")
    s.add_argument("--split", choices=["train", "dev"],
                   help="only this side of CUAD's train/dev split (the one `eval run --split` scores on)")
    s.add_argument("--limit", type=whole_number(1), help="import only the first N contracts (after --split)")
    s.add_argument("--skip-bad", action="store_true", help="leave out bad records instead of importing nothing")
    s.add_argument("--json", type=file_to_write, help="also write the import report as JSON here")
    add_tenant_argument(s)

    s = add_subcommand(sub, "build-dataset", _build_dataset, help="gold labels -> chat JSONL for supervised fine-tuning",
                       description="Turn the accepted labels into chat JSONL splits (by contract) with a dataset card, and record the dataset version in the store.")
    s.add_argument("--tokenizer", required=True, help="local tokenizer folder (transformers from_pretrained)")
    s.add_argument("--max-length", type=int, required=True, help="most tokens per example, chat template included")
    s.add_argument("--out", type=folder_to_write, required=True, help="output folder (train/dev/test JSONL, card)")
    s.add_argument("--negatives", type=real_number(minimum=0, maximum=1), default=0.3,
                   help="share of label-free chunks kept, 0 to 1 (default 0.3)")
    s.add_argument("--risk-only", action="store_true",
                   help="only the 33 clause (risk) categories; leave out parties, dates and names")
    s.add_argument("--prompt", choices=get_args(PromptStyle), default="full",
                   help="system prompt style (default full); brief names the categories only, for small models; "
                        "the model is then served with LEXRISK_PROMPT=brief")
    s.add_argument("--terms", action="store_true",
                   help="add one key-terms example per contract, answered from the gold labels of the eight "
                        "non-clause categories; the adapter is then served with LEXRISK_OPENAI_TERMS=model")
    s.add_argument("--seed", type=int, default=0, help="split and sampling seed (default 0)")
    s.add_argument("--dev", type=real_number(minimum=0, below=1), default=0.1,
                   help="share of contracts in dev (default 0.1); with --test, less than 1")
    s.add_argument("--test", type=real_number(minimum=0, below=1), default=0.1,
                   help="share of contracts in test (default 0.1); with --dev, less than 1")
    s.add_argument("--tenant", action="append", metavar="NAME",
                   help="use this tenant's labels (repeatable; it must share them); default: every tenant that does")
    s.add_argument("--allow-cuad-dev", action="store_true",
                   help="build even when the set would hold contracts of CUAD's held-out dev split (imported "
                        "without --split train); a model trained on it cannot be scored on CUAD's dev contracts. "
                        "The card counts them (cuad_dev_contracts)")

    s = add_subcommand(sub, "stats", _stats, help="counts per category, severity, annotator, status and split",
                       description="Count contracts, annotations and review events per category, severity, annotator, status and split.")
    s.add_argument("--json", action="store_true", help="print JSON instead of tables")
    add_tenant_argument(s)
    needs_existing_store(s)

    s = add_subcommand(sub, "rate", _rate, help="store lawyers' 1-5 ratings of explanations (to calibrate the LLM judge)",
                       description="Read a ratings sheet (CSV with contract, category, start, end, explanation, "
                                   "score; `lexrisk eval judge` writes one as RUN_DIR/to_rate.csv) and store the "
                                   "filled-in scores under the rater's name. Rows with a blank score are skipped; "
                                   "a re-import replaces the rater's earlier score of the same explanation.")
    s.add_argument("sheet", type=Path, metavar="FILE.csv", help="the to_rate.csv sheet `lexrisk eval judge` wrote, its score column filled in")
    s.add_argument("--rater", required=True, help="the lawyer's name, as stored with annotations")

    from lexrisk.commands import annotate_agreement, annotate_labelstudio, annotate_reextract

    annotate_labelstudio.register(sub)
    annotate_reextract.register(sub)
    annotate_agreement.register(sub)



def _rate(args: argparse.Namespace) -> int:
    from annotation.ratings import RatingError, import_ratings, read_sheet
    from annotation.store.repository import StoreError
    from contracts.errors import CommandError

    try:
        rows = read_sheet(args.sheet)
        store = open_store(args)
        with store.session() as session:
            added, replaced = import_ratings(session, rows, args.rater)
    except (RatingError, StoreError) as exc:
        raise CommandError(str(exc)) from None
    print(f"stored {added} new and {replaced} replaced rating(s) by {args.rater.strip()}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from annotation.store.db import current_revision

    store = open_store(args)
    print(f"store at revision {current_revision(store.engine)}")
    return 0


def _import_cuad(args: argparse.Namespace) -> int:
    from annotation.cuad import import_cuad
    from annotation.report import ImportRecordError, ImportSourceError
    from contracts.errors import CommandError
    from contracts.playbook import PlaybookError, load_playbook
    from lexrisk.settings import get_settings

    try:
        playbook = load_playbook(get_settings().playbook)
    except PlaybookError as exc:
        raise CommandError(str(exc)) from None
    store = open_store(args)
    bar, update = progress_bar("Importing CUAD")
    try:
        with bar, store.session() as session:
            report = import_cuad(session, args.cuad_dir, tenant=args.tenant, playbook=playbook, limit=args.limit, split=args.split,
                                 skip_bad=args.skip_bad, progress=update)
    except ImportSourceError as exc:  # the folder or its CSV: leaving out bad records cannot help
        raise CommandError(str(exc)) from None
    except ImportRecordError as exc:
        raise CommandError(f"{exc} (nothing imported; --skip-bad leaves out bad records)") from None
    summary = report.as_dict()
    print_report(summary, report.skipped + report.duplicate_files + report.not_located)
    if args.json:
        args.json.write_text(json.dumps({**summary, "not_located_records": report.not_located,
                                         "skipped_records": report.skipped,
                                         "duplicate_files": report.duplicate_files}, indent=2) + "\n")
    return 0


def _build_dataset(args: argparse.Namespace) -> int:
    import os

    # only the tokenizer is used: transformers' notice that PyTorch is absent is noise here
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from annotation.dataset import BuildConfig, BuildError, build_dataset
    from contracts.errors import CommandError
    from contracts.training_set import lost_labels

    config = BuildConfig(tokenizer=args.tokenizer, max_length=args.max_length, out=args.out,
                         negatives=args.negatives, seed=args.seed, dev_fraction=args.dev, test_fraction=args.test,
                         risk_only=args.risk_only, prompt=args.prompt, terms=args.terms)
    if not Path(args.tokenizer).is_dir():
        raise CommandError(f"--tokenizer {args.tokenizer}: not a folder (a local tokenizer saved with save_pretrained)")
    store = open_store(args)
    bar, update = progress_bar("Building dataset")
    try:
        with bar, store.session() as session:
            card = build_dataset(session, config, tenants=args.tenant, allow_cuad_dev=args.allow_cuad_dev,
                                 progress=update)
    except BuildError as exc:
        raise CommandError(str(exc)) from None
    print(f"wrote {sum(card['examples'].values())} examples to {args.out} "
          f"(train/dev/test {card['examples'].get('train', 0)}/{card['examples'].get('dev', 0)}/"
          f"{card['examples'].get('test', 0)}) from tenants {', '.join(card['tenants'])}, dataset version {card['dataset_version']}, hash {card['content_hash'][:16]}")
    if (lost := lost_labels(card)) is not None:
        print(f"warning: {lost}", file=sys.stderr)
    if card["cuad_dev_contracts"]:
        print(f"warning: the set holds {card['cuad_dev_contracts']} contract(s) of CUAD's held-out dev split "
              "(--allow-cuad-dev): do not score a model trained on it on CUAD's dev split", file=sys.stderr)
    return 0


def _stats(args: argparse.Namespace) -> int:
    from annotation.stats import store_stats

    store = open_tenant_store(args)
    with store.session() as session:
        stats = store_stats(session, args.tenant)
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"tenant: {stats['tenant']}  contracts: {stats['contracts']}  annotations: {stats['annotations']}  "
                  f"review events: {stats['review_events']}  dataset versions: {stats['dataset_versions']}")
    for key in ("by_category", "by_severity", "by_annotator", "by_status", "by_split"):
        table = Table(title=key.replace("_", " "))
        table.add_column("value")
        table.add_column("count", justify="right")
        for name, count in stats[key].items():
            table.add_row(escape(str(name)), str(count))  # a name as written
        console.print(table)
    return 0
