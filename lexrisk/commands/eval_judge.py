"""`lexrisk eval judge RUN_DIR --endpoint URL --model NAME`: rate the explanations of a run's matched
findings with an LLM judge, compare two runs pairwise, and calibrate the judge against lawyers' ratings
in the annotation store (which is why this command lives in the root, beside eval and annotation)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.errors import CommandError
from lexrisk.commands.args import add_db_argument, database_url, needs_existing_store

if TYPE_CHECKING:
    from eval.judge import Item, Judge, Thresholds


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("judge", help="rate a run's explanations 1-5 with an LLM judge (G-Eval), optionally calibrated",
                       description="Rate the explanation of every finding matched to a gold clause against the "
                                   "written rubric (eval/judge.py), on any OpenAI-compatible endpoint, temperature "
                                   "0; writes RUN_DIR/judge.json and RUN_DIR/to_rate.csv (the sheet lawyers fill "
                                   "in for `lexrisk annotate rate`).")
    p.add_argument("run", type=Path, metavar="RUN_DIR", help="a folder written by `lexrisk eval run`")
    p.add_argument("--endpoint", required=True, metavar="URL", help="OpenAI-compatible base URL, e.g. http://gpu:8002/v1")
    p.add_argument("--model", required=True, help="judge model name, of another family than the model judged")
    p.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the endpoint's API key")
    p.add_argument("--limit", type=int, help="rate only the first N matched findings")
    p.add_argument("--no-logprobs", action="store_true",
                   help="the endpoint returns no logprobs: use the integer score the judge writes")
    p.add_argument("--against", type=Path, metavar="RUN_DIR_B",
                   help="also compare pairwise with another run on the same gold clauses (both orders)")
    p.add_argument("--calibrate", action="store_true",
                   help="compare with lawyers' ratings in the annotation store (LEXRISK_DATABASE_URL or --db)")
    add_db_argument(p, help="annotation store URL for --calibrate (default: the LEXRISK_DATABASE_URL setting)")
    p.add_argument("--min-rho", type=float, default=0.6, help="Spearman rho the judge must reach to be trusted (0.6)")
    p.add_argument("--min-kappa", type=float, default=0.6, help="weighted kappa it must reach (0.6)")
    p.add_argument("--min-pairs", type=int, default=30, help="lawyer-rated explanations needed to trust it (30)")
    p.add_argument("--judged-model", action="append", default=[], metavar="NAME",
                   help="the judged model's base, when run.json cannot tell (a served LoRA name, say); repeatable")
    p.add_argument("--allow-same-family", action="store_true",
                   help="let a judge of the judged model's family rate it (it will favour its own family)")
    needs_existing_store(p).set_defaults(handler=run_judge)  # --calibrate reads lawyers' ratings


def judged_models(run_dir: Path) -> list[str]:
    """Model names a run's analyzer used, from run.json: the adapter, model overrides, and the analyzer's
    name and version (the openai and hf analyzers put their model there)."""
    try:
        info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    analyzer = info.get("analyzer_info") or {}
    names = [info.get("adapter") or "", analyzer.get("name", ""), analyzer.get("version", "")]
    for item in info.get("overrides") or []:
        key, _, value = item.partition("=")
        if key in ("openai_model", "hf_model", "hf_adapter"):
            names.append(value)
    return [n for n in names if n]


def run_judge(args: argparse.Namespace) -> int:
    from rich.console import Console

    from contracts.taxonomy import category_names
    from eval.judge import (
        RUBRIC_VERSION,
        Judge,
        JudgeError,
        LogprobsError,
        Thresholds,
        UnratedError,
        matched_items,
        same_family,
    )
    from eval.metrics import bootstrap_mean
    from eval.runner import load_outcomes

    console = Console(stderr=True)
    if not args.allow_same_family:
        clash = [m for m in [*judged_models(args.run), *args.judged_model] if same_family(args.model, m)]
        if clash:
            raise CommandError(f"judge {args.model!r} is of the same family as the judged {clash[0]!r}; "
                               "choose another family or pass --allow-same-family")
    if args.limit is not None and args.limit < 1:
        raise CommandError("--limit must be at least 1")
    store_url = database_url(args) if args.calibrate else None  # a missing store is refused before the judge's work
    api_key = os.environ.get(args.api_key_env) if args.api_key_env else None
    if args.api_key_env and not api_key:
        raise CommandError(f"--api-key-env {args.api_key_env}: the variable is not set")
    try:
        outcomes = load_outcomes(args.run)
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    categories = category_names()
    items = matched_items(outcomes, categories)
    items = items[:args.limit] if args.limit else items
    judge = Judge(args.endpoint, args.model, api_key=api_key, logprobs=not args.no_logprobs)
    ratings: list[dict[str, Any]] = []
    unrated: list[str] = []  # an answer without a score costs that item, not the run
    try:
        for n, item in enumerate(items, start=1):
            try:
                rating = judge.rate(item)
            except UnratedError as exc:
                unrated.append(str(exc))
                continue
            ratings.append({"contract": item.contract, "category": item.category, "start": item.start,
                            "end": item.end, "severity": item.severity, "clause": item.clause,
                            "explanation": item.explanation,
                            "score": rating.score, "stated": rating.stated, "weighted": rating.weighted,
                            "steps": rating.steps})
            if n % 10 == 0:
                console.print(f"rated {n}/{len(items)}")
        pair_result = _pairwise(args, judge, items, categories) if args.against else None
    except LogprobsError as exc:
        raise CommandError(f"{exc} (--no-logprobs scores by the integer the judge writes)") from None
    except JudgeError as exc:
        raise CommandError(str(exc)) from None
    finally:
        judge.close()
    by_contract: dict[str, list[float]] = {}
    for r in ratings:
        by_contract.setdefault(r["contract"], []).append(r["score"])
    scores = [r["score"] for r in ratings]
    summary: dict = {"rated": len(ratings), "unrated": len(unrated), "mean": statistics.fmean(scores) if scores else None,
                     "ci": bootstrap_mean(list(by_contract.values())) if scores else None,
                     "weighted_by_logprobs": sum(r["weighted"] for r in ratings), "trusted": None}
    calib = None
    if store_url is not None:
        calib = _calibrate(store_url, ratings, Thresholds(args.min_rho, args.min_kappa, args.min_pairs))
        summary["trusted"] = calib["trusted"]
    (args.run / "judge.json").write_text(json.dumps({
        "judge": {"endpoint": args.endpoint, "model": args.model, "temperature": 0, "logprobs": not args.no_logprobs,
                  "rubric_version": RUBRIC_VERSION},
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "summary": summary, "calibration": calib,
        "pairwise": pair_result, "ratings": ratings, "unrated": unrated}, indent=1) + "\n", encoding="utf-8")
    _write_sheet(args.run / "to_rate.csv", ratings)
    mean = "n/a" if summary["mean"] is None else f"{summary['mean']:.2f}"
    console.print(f"rated {len(ratings)} explanation(s) ({len(unrated)} answered without a score): mean {mean}; "
                  f"wrote {args.run / 'judge.json'}")
    return 0


def _pairwise(args: argparse.Namespace, judge: Judge, items: list[Item], categories: list[str]) -> dict:
    from eval.judge import matched_items, pairwise
    from eval.runner import load_outcomes

    try:
        other = {(i.contract, i.category, i.start, i.end): i for i in matched_items(load_outcomes(args.against), categories)}
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(f"--against: {str(exc).splitlines()[0]}") from None
    # the same gold clause found by both runs: pair by contract, category and overlapping offsets
    pairs = []
    for a in items:
        b = other.get((a.contract, a.category, a.start, a.end)) or next(
            (o for k, o in other.items() if k[:2] == (a.contract, a.category) and a.start < k[3] and k[2] < a.end), None)
        if b is not None:
            pairs.append((a, b))
    result = pairwise(judge, pairs)
    return {"a": str(args.run), "b": str(args.against), **result}


def _calibrate(url: str, ratings: list[dict], thresholds: Thresholds) -> dict:
    from sqlalchemy.exc import SQLAlchemyError

    from annotation.ratings import explanation_hash, lawyer_ratings
    from annotation.store import Store

    try:
        store = Store(url)
        with store.session() as session:
            lawyers = lawyer_ratings(session, {r["contract"] for r in ratings})
    except (SQLAlchemyError, ValueError) as exc:
        raise CommandError(f"cannot read lawyers' ratings from {url}: {str(exc).splitlines()[0]}") from None
    judge_by = {(r["contract"], r["category"], r["start"], r["end"], explanation_hash(r["explanation"])): r["score"]
                for r in ratings}
    pairs = [(judge_by[key], lr.score) for lr in lawyers
             if (key := (lr.contract, lr.category, lr.start, lr.end, lr.explanation_sha256)) in judge_by]
    from eval.judge import calibration

    if not pairs:
        return {"pairs": 0, "spearman_rho": None, "weighted_kappa": None, "trusted": False,
                "why": "no lawyer has rated these explanations (`lexrisk annotate rate RUN_DIR/to_rate.csv`)"}
    return calibration([p[0] for p in pairs], [p[1] for p in pairs], thresholds)


def _write_sheet(path: Path, ratings: list[dict]) -> None:
    """The rated explanations with an empty score column, for lawyers (`lexrisk annotate rate`)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["contract", "category", "start", "end", "severity", "clause", "explanation", "score"])
        for r in ratings:
            writer.writerow([r["contract"], r["category"], r["start"], r["end"], r["severity"], r["clause"],
                             r["explanation"], ""])
