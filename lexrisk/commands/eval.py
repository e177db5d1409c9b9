"""`lexrisk eval run|judge|report`: score any analyzer on any gold set, rate its explanations with an LLM
judge, and put runs side by side.

It lives in the command root because it joins three parts: the analyzer (serving, built by name with
settings overrides), the gold set (a CUAD folder through eval, or a split of the annotation store) and
the metrics (eval). Each handler imports what it needs, so `lexrisk --help` stays fast."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.errors import CommandError
from lexrisk.commands.args import analyzer_named, database_url, folder_to_write, needs_existing_store, whole_number

if TYPE_CHECKING:
    from eval.gold import GoldContract
    from lexrisk.settings import Settings

STORE_PREFIX = "store:"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("eval", help="score an analyzer on a gold set, judge its explanations, compare runs",
                              description="Evaluation: `run` scores one analyzer on one gold set, `judge` rates "
                                          "the explanations of a run's matched findings with an LLM, `report` "
                                          "puts runs side by side.")
    sub = p.add_subparsers(dest="eval_command", metavar="ACTION", required=True)

    r = sub.add_parser("run", help="score an analyzer on a CUAD folder or a split of the annotation store",
                       description="Analyze every gold contract, write RUN_DIR/predictions/, metrics.json "
                                   "(CUAD's rule and a character-overlap rule; micro and per category; AUPR; "
                                   "bootstrap intervals; on a CUAD folder with master_clauses.csv, the key terms "
                                   "against CUAD's answers) and run.json.")
    r.add_argument("--analyzer", default=None, help="analyzer name (default: the `analyzer` setting)")
    r.add_argument("--adapter", help="LoRA adapter: sets hf_adapter for the hf analyzer, openai_model (the served "
                                     "LoRA module's name) for the openai analyzer")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting for this run, e.g. --set openai_base_url=http://gpu:8001/v1 (repeatable)")
    r.add_argument("--data", required=True, metavar="DIR|store:SPLIT",
                   help="a CUAD-layout folder, or store:train|dev|test for a split of the annotation store")
    r.add_argument("--source", choices=["auto", "txt", "pdf"], default="auto",
                   help="CUAD folder: read full_contract_txt/ or full_contract_pdf/ (default: texts when present)")
    pick = r.add_mutually_exclusive_group()
    pick.add_argument("--contracts", type=Path, metavar="FILE", help="file listing contract file names, one a line")
    pick.add_argument("--split", choices=["dev", "train"],
                      help="CUAD's 80/20 split by file-name hash, as the baseline is trained and scored")
    r.add_argument("--limit", type=int, help="only the first N contracts (by name)")
    r.add_argument("--tenant", default="public",
                   help="with store:SPLIT, whose contracts and accepted labels are the gold (default public)")
    r.add_argument("--tokenizer", type=Path, help="tokenizer.json of the served model, to count tokens per contract")
    r.add_argument("--bootstrap", type=whole_number(1), default=1000,
                   help="bootstrap resamples for the intervals, at least 1 (default 1000)")
    r.add_argument("--out", type=folder_to_write, required=True, metavar="RUN_DIR", help="folder for the run's files")
    needs_existing_store(r).set_defaults(handler=run_eval)  # store:SPLIT reads the annotation store

    from lexrisk.commands import eval_judge, eval_report

    eval_judge.register(sub)
    eval_report.register(sub)


def parse_overrides(items: list[str], adapter: str | None, analyzer: str) -> dict[str, Any]:
    """`--set KEY=VALUE` and `--adapter` as settings fields; JSON values (dicts, lists) are decoded."""
    from lexrisk.settings import Settings

    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(f"--set {item!r}: expected KEY=VALUE, e.g. --set openai_model=contract-risk")
        if key not in Settings.model_fields:
            raise CommandError(f"--set {item!r}: no setting named {key!r} (see docs/settings.md)")
        if value[:1] in "{[":
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise CommandError(f"--set {key}: not valid JSON ({exc.msg})") from None
        else:
            out[key] = value
    if adapter:
        out["openai_model" if analyzer == "openai" else "hf_adapter"] = adapter
    return out


def settings_with(overrides: dict[str, Any]) -> Settings:
    from pydantic import ValidationError

    from lexrisk.settings import Settings, get_settings

    try:
        return Settings(**{**get_settings().model_dump(), **overrides}) if overrides else get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CommandError(f"--set {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def run_eval(args: argparse.Namespace) -> int:
    from rich.console import Console

    from contracts.playbook import PlaybookError, load_playbook
    from contracts.taxonomy import category_names, risk_categories
    from eval.runner import run, write_run_info

    settings = settings_with(parse_overrides(args.overrides, args.adapter, args.analyzer or ""))
    name = args.analyzer or settings.analyzer
    try:
        playbook = load_playbook(settings.playbook)
    except PlaybookError as exc:
        raise CommandError(str(exc)) from None
    if args.limit is not None and args.limit < 1:
        raise CommandError("--limit must be at least 1")
    count_tokens = _token_counter(args.tokenizer) if args.tokenizer else None
    contracts, total, data = _gold(args, settings)
    answers = _answers(args.data)
    analyzer = analyzer_named(name, settings)  # fails fast, before any contract is read
    args.out.mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True)
    with _progress(console, f"eval {name}", total) as advance:
        metrics = run(contracts, analyzer, args.out, playbook=playbook, clause_categories=risk_categories(),
                      all_categories=category_names(), count_tokens=count_tokens, advance=advance,
                      samples=args.bootstrap, answers=answers)
    write_run_info(args.out, metrics, analyzer=name, adapter=args.adapter, overrides=args.overrides, data=data,
                   source=args.source, split=args.split, limit=args.limit,
                   contracts_file=str(args.contracts) if args.contracts else None,
                   tokenizer=str(args.tokenizer) if args.tokenizer else None,
                   command=getattr(args, "command_line", None))
    m = metrics["micro"]
    ci = metrics["ci"]
    console.print(f"{metrics['contracts']} contracts ({metrics['failed']} failed): micro P {m['precision']:.3f} "
                  f"R {m['recall']:.3f} F1 {m['f1']:.3f} (95% CI {ci['f1'][0]:.3f}-{ci['f1'][1]:.3f}) "
                  f"under CUAD's rule; AUPR {metrics['aupr']['aupr']:.3f}; wrote {args.out}")
    if "terms" in metrics:
        fields = metrics["terms"]["fields"]
        console.print("key terms matching CUAD's answers: " + ", ".join(
            f"{field} {row['accuracy']:.2f} (n={row['contracts']})" for field, row in fields.items()
            if row["accuracy"] is not None) + f"; excerpts F1 {metrics['terms']['spans']['micro']['f1']:.3f}")
    possible = metrics.get("possible")
    if possible:
        console.print(f"with {possible['possible_findings']} possible findings: R {possible['recall_with']:.3f} "
                      f"(without {possible['recall_without']:.3f}), P {possible['precision_with']:.3f} "
                      f"(without {possible['precision_without']:.3f}); precision of the possible ones "
                      f"{possible['precision_of_possible']:.3f}")
    if metrics["failed"] == metrics["contracts"]:
        first = next(iter(sorted((args.out / "predictions").glob("*.error.json"))))
        console.print(f"every contract failed; the first: {json.loads(first.read_text(encoding='utf-8'))['error']}")
        return 1
    return 0


def _gold(args: argparse.Namespace, settings: Settings) -> tuple[Iterator[GoldContract], int, str]:
    """The gold contracts (read lazily, so the progress bar moves from the first), their count and a
    description of the data for run.json."""
    if args.data.startswith(STORE_PREFIX):
        if args.split or args.contracts or args.source != "auto":
            raise CommandError("--split, --contracts and --source pick contracts of a CUAD folder; "
                               "a store split is named in --data store:SPLIT")
        return _store_gold(args, settings)
    from contracts.errors import IngestError
    from contracts.ingest import load_document
    from eval.gold import GoldError, cuad_entries, read_cuad_contract

    names = None
    if args.contracts:
        try:
            names = [ln.strip() for ln in args.contracts.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except OSError as exc:
            raise CommandError(f"--contracts {args.contracts}: {exc.strerror}") from None
    try:
        entries = cuad_entries(Path(args.data), source=args.source, names=names, split=args.split, limit=args.limit)
    except GoldError as exc:
        raise CommandError(str(exc)) from None

    def ingest(path: Path):
        return load_document(path, max_bytes=settings.max_upload_bytes, max_pages=settings.max_pages,
                             pdf_extractor=settings.pdf_extractor)

    def contracts() -> Iterator[GoldContract]:
        for entry in entries:
            try:
                yield read_cuad_contract(entry, ingest)
            except IngestError as exc:
                raise CommandError(f"gold contract {exc}") from None

    return contracts(), len(entries), str(Path(args.data).resolve())


def _answers(data: str) -> dict[str, dict[str, str]] | None:
    """CUAD's normalised answers for the key terms, where the gold set is a CUAD folder that has them."""
    from contracts.cuad import CLAUSES_FILE
    from eval.gold import GoldError, cuad_answers

    if data.startswith(STORE_PREFIX) or not (Path(data) / CLAUSES_FILE).is_file():
        return None
    try:
        return cuad_answers(Path(data))
    except GoldError as exc:
        raise CommandError(str(exc)) from None


def _store_gold(args: argparse.Namespace, settings: Settings) -> tuple[Iterator[GoldContract], int, str]:
    """A split (`--data store:SPLIT`) of one tenant's part of the annotation store as the training-set builder
    draws it (seed 0, 10% dev, 10% test): its accepted annotations are the gold, with the lawyers' severities."""
    split, limit, tenant = args.data[len(STORE_PREFIX):], args.limit, args.tenant
    if split not in ("train", "dev", "test"):
        raise CommandError(f"--data store:{split}: the split is train, dev or test")
    url = database_url(args, settings)
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import col

    from annotation.dataset import BuildConfig, gold_labels, split_of
    from annotation.store import Store
    from annotation.store.models import Contract
    from annotation.store.repository import contract_document, of_tenant
    from eval.gold import GoldContract, GoldSpan
    from serving.command_db import shown_url

    defaults = BuildConfig(tokenizer="", max_length=0, out=Path())
    try:
        store = Store(url)
        with store.session() as session:
            labels = gold_labels(session, [tenant])
            rows = [c for c in session.exec(of_tenant(Contract, tenant).order_by(col(Contract.name), col(Contract.id)))
                    if split_of(c.sha256, defaults.seed, defaults.dev_fraction, defaults.test_fraction) == split]
    except SQLAlchemyError as exc:
        raise CommandError(f"cannot read the store at {shown_url(url)}: {str(exc).splitlines()[0]}") from None
    rows = rows[:limit] if limit else rows
    if not rows:
        raise CommandError(f"tenant {tenant!r} has no contracts in the store's {split} split")

    def contracts() -> Iterator[GoldContract]:
        for row in rows:
            document = contract_document(row)
            spans = [GoldSpan(g.category, document.text[g.start:g.end], g.start, g.end, g.severity)
                     for g in labels.get(row.id or 0, [])]
            yield GoldContract(row.name, document, spans)

    return contracts(), len(rows), f"store:{split} tenant {tenant} ({shown_url(url)})"


def _token_counter(path: Path):
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise CommandError("--tokenizer needs the `tokenizers` package (pip install 'lexrisk[annotation]')") from None
    file = path / "tokenizer.json" if path.is_dir() else path
    try:
        tokenizer = Tokenizer.from_file(str(file))
    except Exception as exc:
        raise CommandError(f"--tokenizer {path}: cannot load it ({str(exc).splitlines()[0]})") from None
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


class _progress:
    """A rich progress bar over contracts, as an `advance()` callback."""

    def __init__(self, console, label: str, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, transient=True)
        self.task = self.bar.add_task(label, total=total)

    def __enter__(self):
        self.bar.start()
        return lambda: self.bar.advance(self.task)

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()
