"""`lexrisk train`: fine-tune, plan memory, check an adapter for vLLM, merge. Heavy libraries are imported
inside the handlers, so `lexrisk --help` stays fast and works without the training extra."""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from lexrisk.commands.args import add_db_argument, folder_to_write


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train", help="QLoRA fine-tune the risk model from a YAML recipe",
        description="Fine-tune the base model on the annotated training set (recipe: training/recipes/*.yaml). "
                    "Sub-commands: prepare, plan, check-adapter, merge.")
    p.add_argument("--config", type=Path, help="YAML recipe, e.g. training/recipes/llama31-70b-qlora.yaml")
    p.add_argument("--output-dir", type=folder_to_write, help="run folder (overrides output_dir in the recipe)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a recipe field, e.g. --set train.learning_rate=1e-4 (repeatable)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in the run folder")
    add_db_argument(p, help="the annotation store the set was built from, checked for gold labels added or changed "
                            "since (default: the LEXRISK_DATABASE_URL setting; no check where that store is not here "
                            "or did not build the set)")
    p.set_defaults(handler=run_train)
    sub = p.add_subparsers(dest="train_command", metavar="SUBCOMMAND")

    prep = sub.add_parser(
        "prepare", help="build or import the recipe's base model, fill the store, build the training set",
        description="Everything a recipe needs before `lexrisk train --config RECIPE`: its base model (the tiny "
                    "model built, SmolLM2 imported as `make smollm2` does, or a local folder that must exist), gold "
                    "labels in the store (CUAD's train split with --import-cuad when it holds none), and the training "
                    "set built with the base's tokenizer and the recipe's data settings at data.dataset_dir. A step "
                    "whose result is already there is skipped, except a set built from other gold labels than the "
                    "store holds now: that one is built again.")
    prep.add_argument("recipe", type=Path, metavar="RECIPE", help="YAML recipe, e.g. training/recipes/tiny-cpu.yaml")
    prep.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a recipe field, as `lexrisk train --set` (repeatable)")
    add_db_argument(prep)
    prep.add_argument("--import-cuad", action="store_true",
                      help="when the store holds no gold labels, import CUAD's train split into it (never dev)")
    prep.add_argument("--cuad", type=Path, help="CUAD folder (default: the LEXRISK_CUAD_DIR setting)")
    prep.add_argument("--limit", type=int, help="with --import-cuad: only the first N train contracts")
    prep.add_argument("--rebuild", action="store_true", help="build the training set even if a current one is there")
    prep.set_defaults(handler=run_prepare)

    plan = sub.add_parser("plan", help="estimate GPU memory for a recipe and pick the fastest setup that fits",
                          description="Estimate GPU memory per part for a recipe, say whether it fits and what to change, "
                                      "then pick the fastest measured setup (training/bench_gpu.py's JSON) whose "
                                      "memory fits the GPU, with the overrides that select it and why the others lost.")
    plan.add_argument("--config", type=Path, help="YAML recipe (not needed with --seed-table)")
    plan.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a recipe field (repeatable)")
    plan.add_argument("--gpu", default="a100-80gb", help="a100-80gb, a100-40gb, h100-80gb or NAME:GB (default a100-80gb)")
    plan.add_argument("--seed-table", action="store_true",
                      help="print the 7B/13B/34B/70B x full FT / LoRA / QLoRA table instead")
    plan.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plan.add_argument("--measurements", type=Path, action="append", metavar="FILE",
                      help="GPU benchmark JSON (training/bench_gpu.py) to rank setups by (repeatable; default: every "
                           "bench_gpu_*.json under eval/results/)")
    plan.add_argument("--margin", type=float, default=0.05,
                      help="share of the GPU's memory a picked setup leaves free (default 0.05)")
    plan.set_defaults(handler=run_plan)

    check = sub.add_parser("check-adapter", help="say whether vLLM can serve an adapter",
                           description="Check an adapter folder against what vLLM's LoRA loader accepts.")
    check.add_argument("adapter", type=Path, help="adapter folder (adapter_config.json, adapter_model.safetensors)")
    check.set_defaults(handler=run_check)

    merge = sub.add_parser("merge", help="merge an adapter into a bf16 reload of its base",
                           description="Merge the adapter into the base reloaded in bf16 (never into the 4-bit model).")
    merge.add_argument("adapter", type=Path, help="adapter folder")
    merge.add_argument("--output", type=folder_to_write, required=True, help="new folder for the merged model")
    merge.add_argument("--base", help="base model (default: base_model_name_or_path in adapter_config.json)")
    merge.set_defaults(handler=run_merge)


def _config(args: argparse.Namespace, output_dir: Path | None = None):
    from contracts.errors import CommandError
    from training.config import ConfigError, load_config

    if args.config is None:
        raise CommandError("--config RECIPE is required (e.g. training/recipes/llama31-70b-qlora.yaml)")
    try:
        return load_config(args.config, args.overrides, output_dir)
    except ConfigError as exc:  # the file's own problems name it already ("X: not valid YAML"), the recipe's not
        named = str(exc).startswith(f"{args.config}: ")
        raise CommandError(str(exc) if named else f"{args.config}: {exc}") from None


def run_prepare(args: argparse.Namespace) -> int:
    """The recipe's three preparing steps in order, each line saying what it did or why it was skipped."""
    import os

    from annotation.prepare import StoreTrainingData
    from contracts.errors import CommandError
    from lexrisk.commands.annotate_common import open_store
    from lexrisk.settings import get_settings
    from training.prepare import build_set, fill_store, prepare_base_model

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # its notices (no PyTorch, long sequences) are noise here
    args.config = args.recipe
    config = _config(args)
    if args.limit is not None and args.limit < 1:
        raise CommandError(f"--limit {args.limit}: give a number of contracts, 1 or more")
    try:
        with _status("base model"):
            print(prepare_base_model(config).line(), flush=True)
        store = StoreTrainingData(open_store(args))
        with _progress("Importing CUAD's train split") as update:
            print(fill_store(store, import_cuad=args.import_cuad, cuad_dir=args.cuad or get_settings().cuad_dir,
                             limit=args.limit, progress=update).line(), flush=True)
        with _progress("Building the training set") as update:
            built = build_set(config, store, rebuild=args.rebuild, progress=update)
    except ValueError as exc:  # PrepareError, the store's import and build errors: one line each
        raise CommandError(str(exc)) from None
    print(built.line(), flush=True)
    if built.warning:
        print(f"warning: {built.warning}", file=sys.stderr, flush=True)
    print("next: " + shlex.join(["lexrisk", "train", "--config", str(args.recipe),
                                 *(word for o in args.overrides for word in ("--set", o))]))
    return 0


def _status(label: str) -> AbstractContextManager:
    """While a step without a count runs: on a terminal, a spinner on stderr; elsewhere (a log, CI, a pipe), a
    plain `LABEL: N s so far` line every PLAIN_PROGRESS_EVERY_S seconds, as the counted steps' lines come, so
    building a base model is not half a minute of silence while a skipped step prints nothing. Such a line says only
    that the step is still running, so never more than one a second (an interval of 0 asks for every counted update,
    which would make this one spin)."""
    from rich.console import Console

    console = Console(stderr=True)
    return console.status(f"{label} ...") if console.is_terminal else _plain_status(label)


@contextmanager
def _plain_status(label: str) -> Iterator[None]:
    from lexrisk.commands import annotate_common

    every = max(annotate_common.PLAIN_PROGRESS_EVERY_S, 1.0)
    started = time.monotonic()
    done = threading.Event()

    def tell() -> None:
        while not done.wait(every if math.isfinite(every) else None):
            print(f"{label}: {time.monotonic() - started:.0f} s so far", file=sys.stderr, flush=True)

    teller = threading.Thread(target=tell, daemon=True)
    teller.start()
    try:
        yield
    finally:
        done.set()
        teller.join()


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A (done, total) callback showing a counted step's progress on stderr: annotate's progress bar (a transient
    rich bar on a terminal, else a plain `LABEL: done/total` line at most every PLAIN_PROGRESS_EVERY_S seconds)."""
    from lexrisk.commands.annotate_common import progress_bar

    bar, update = progress_bar(label)
    with bar:
        yield update


def run_train(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError

    config = _config(args, args.output_dir)  # validated before anything heavy is imported
    _check_labels(args, config)
    from training.data import DatasetError
    from training.trainer import TrainingError, run_training

    try:
        result = run_training(config, resume=args.resume)
    except (DatasetError, TrainingError) as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:  # base model not found, unreadable folder
        raise CommandError(f"{config.model.name_or_path}: {exc}".splitlines()[0]) from None
    print(f"adapter: {result.adapter_dir}")
    print(f"steps {result.global_step}, train loss {result.train_loss:.4f}"
          + (f", dev loss {result.eval_loss:.4f}" if result.eval_loss is not None else "")
          + f", {result.wall_time_s:.0f} s, peak {result.peak_memory_bytes / 2**30:.2f} GiB")
    return 0


def _check_labels(args: argparse.Namespace, config) -> None:
    """Refuse to start a run on a set whose store has since gained, changed or withdrawn gold labels: the adapter
    would be trained and promoted on yesterday's labels without a word. A `--resume` only warns: the run must go on
    with the set it started on (a restarted training pod resumes unattended, docs/deploy.md), and the next run
    rebuilds. Checked only where the store that built the set is here: the set's card names a dataset version
    this store holds with the same content hash; a GPU host with the set copied over and no store skips it."""
    from sqlalchemy.exc import SQLAlchemyError

    from annotation.prepare import StoreTrainingData
    from annotation.store import Store
    from contracts.errors import CommandError
    from contracts.training_set import TrainingSetError, read_card
    from lexrisk.commands.args import database_url
    from serving.command_db import shown_url
    from training.prepare import shown_path, stale_labels

    try:
        card = read_card(config.data.dataset_dir)
    except TrainingSetError:
        return  # the trainer refuses it with the reason, before any model loads
    if card.labels_fingerprint is None:
        return  # built before the fingerprint: nothing to compare
    url = database_url(args)
    if not _store_is_here(url):
        return
    folder = shown_path(config.data.dataset_dir)
    store = None
    try:
        store = Store(url, migrate=False)  # a check does not change the store's schema
        data = StoreTrainingData(store)
        if not data.holds_version(card.dataset_version, card.content_hash):
            return
        stale = stale_labels(card, data.labels_fingerprint(card.tenants))
    except (SQLAlchemyError, ValueError, OSError) as exc:
        print(f"warning: could not compare {folder} with the store at {shown_url(url)} "
              f"({str(exc).splitlines()[0]}); training on the set as built", file=sys.stderr, flush=True)
        return
    finally:
        if store is not None:
            store.dispose()
    if stale is None:
        return
    fix = shlex.join(["lexrisk", "train", "prepare", str(args.config),
                      *(word for o in args.overrides for word in ("--set", o))]) + (" --db URL" if args.db else "")
    if args.resume:
        print(f"warning: {folder}: {stale}; this run goes on with the set it started on, "
              f"rebuild it for the next one with `{fix}`", file=sys.stderr, flush=True)
        return
    raise CommandError(f"{folder}: {stale}; rebuild it with `{fix}`, then train")


def _store_is_here(url: str) -> bool:
    """False for a SQLite file that does not exist: opening it would create an empty store, and there is no
    store to compare with (a GPU host trains on a set copied there). Any other URL is tried."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return False
    if parsed.get_backend_name() != "sqlite":
        return True
    database = parsed.database or ""
    return not database.startswith(("file:", ":memory:")) and Path(database).expanduser().is_file()


def _shape(config):
    from contracts.errors import CommandError
    from training.measure import tiny_shape
    from training.planner import ModelShape, shape_for

    if config.model.tiny is not None:
        return tiny_shape(config)
    local = Path(config.model.name_or_path) / "config.json"
    if local.is_file():
        c = json.loads(local.read_text(encoding="utf-8"))
        return ModelShape(config.model.name_or_path, c["num_hidden_layers"], c["hidden_size"], c["intermediate_size"],
                          c["num_attention_heads"], c.get("num_key_value_heads", c["num_attention_heads"]),
                          c["vocab_size"], bool(c.get("tie_word_embeddings", False)))
    shape = shape_for(config.model.name_or_path)
    if shape is None:
        raise CommandError(f"{config.model.name_or_path}: shape unknown to the planner; point model.name_or_path "
                           "at a local folder with its config.json")
    return shape


def run_plan(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from contracts.errors import CommandError
    from training.planner import REFERENCE_GB, GiB, advice, estimate, parse_gpu, plan_from_config, seed_table

    console = Console()
    if args.seed_table:
        table_data = seed_table()
        if args.json:
            print(json.dumps({f"{m} {s}": round(e.total_bytes / GiB, 1) for (s, m), e in table_data.items()}, indent=2))
            return 0
        methods = list(dict.fromkeys(m for _, m in table_data))
        table = Table(title="Planned GPU memory, GiB (batch 1 x 512 tokens, checkpointing); reference in brackets")
        table.add_column("model")
        for m in methods:
            table.add_column(m, justify="right")
        for size in dict.fromkeys(s for s, _ in table_data):
            cells = []
            for m in methods:
                ref = REFERENCE_GB.get((size, m))
                cells.append(f"{table_data[(size, m)].total_bytes / GiB:.1f}" + (f" [{ref}]" if ref else ""))
            table.add_row(size, *cells)
        console.print(table)
        return 0

    config = _config(args)
    try:
        gpu_name, gpu_gib = parse_gpu(args.gpu)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if not 0 <= args.margin < 1:
        raise CommandError(f"--margin {args.margin}: give a share of the GPU's memory from 0 to below 1, e.g. 0.05")
    shape = _shape(config)
    est = estimate(plan_from_config(config, shape))
    gpu_bytes = gpu_gib * GiB
    fits = est.total_bytes <= gpu_bytes
    choice = _choice(args, config, shape, gpu_name, gpu_gib)
    if args.json:
        print(json.dumps({"gpu": gpu_name, "gpu_gib": gpu_gib, "parts_gib": {k: round(v / GiB, 3) for k, v in est.parts.items()},
                          "total_gib": round(est.total_bytes / GiB, 2), "fits": fits,
                          "advice": advice(est, gpu_bytes), "choice": choice.to_dict()}, indent=2))
        return 0 if fits else 1
    table = Table(title=f"{est.plan.shape.name}, {est.plan.method}, batch {est.plan.batch} x {est.plan.seq_len} tokens")
    table.add_column("part")
    table.add_column("GiB", justify="right")
    for part, part_bytes in est.parts.items():
        table.add_row(part, f"{part_bytes / GiB:.2f}")
    table.add_row("allocator slack + CUDA context", f"{(est.total_bytes - est.tensors_bytes) / GiB:.2f}")
    table.add_row("[bold]total[/bold]", f"[bold]{est.total_bytes / GiB:.2f}[/bold]")
    console.print(table)
    verdict = "fits" if fits else "does NOT fit"
    console.print(f"the recipe as written {verdict} on {gpu_name} ({gpu_gib:g} GiB): {est.total_bytes / GiB:.1f} GiB needed")
    for tip in advice(est, gpu_bytes):
        console.print(f"  - try {tip}")
    for line in choice.lines():
        print(line)
    return 0 if fits else 1


def _choice(args: argparse.Namespace, config, shape, gpu_name: str, gpu_gib: float):
    from contracts.errors import CommandError
    from training.setup_choice import choose, default_measurement_files, load_measurements

    try:
        measurements = load_measurements(args.measurements or default_measurement_files())
    except ValueError as exc:
        raise CommandError(f"--measurements: {exc}") from None
    return choose(config, shape, gpu_name, gpu_gib, measurements, margin=args.margin)


def run_check(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from training.adapter_check import AdapterError, check_adapter

    try:
        problems = check_adapter(args.adapter)
    except AdapterError as exc:
        raise CommandError(str(exc)) from None
    if problems:
        for problem in problems:
            print(f"{args.adapter}: {problem}")
        return 1
    print(f"{args.adapter}: vLLM can serve this adapter")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from contracts.errors import CommandError
    from training.merge import MergeError, merge_adapter

    try:
        out = merge_adapter(args.adapter, args.output, args.base)
    except MergeError as exc:
        raise CommandError(str(exc)) from None
    print(f"merged model: {out}")
    return 0
