"""Template comparison, measured on generated pairs with known truth (eval/compare_pairs.py): each of
the three example templates and N CUAD contracts is edited (delete, insert, reword, move, renumber,
split, merge, change numbers and parties) and compared back against its original.

    .venv/bin/python benchmarks/compare_accuracy.py [--cuad DIR] [--limit N] [--seed S]

Reports alignment accuracy (template clauses that kept a counterpart and were paired with it), missing
and extra precision/recall/F1, modified-clause recall/precision, the share of number changes rated
medium or high severity with the change named, and seconds per pair on one core — for the shipped
aligner on the text alone, the same with each side's CUAD categories from the embedded baseline
analyzer (as `lexrisk compare` runs it), and, in the same run, a named alternative: lexical similarity
alone (TF-IDF cosine, no heading, category, position or number features). Writes
eval/results/compare_accuracy.json.
Goal (issue 12): alignment >= 0.95, missing/extra F1 >= 0.95, a 30-page pair in under 1 s."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from contracts.compare import compare_documents  # noqa: E402
from contracts.compare.align import DEFAULT_WEIGHTS, LEXICAL_ONLY, Weights  # noqa: E402
from contracts.compare.models import Comparison  # noqa: E402
from contracts.ingest import load_document  # noqa: E402
from eval.compare_pairs import Pair, make_pair  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "compare_accuracy.json"
PAGE_CHARS = 3000  # a page of contract text, for the 30-page timing


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score(pair: Pair, result: Comparison) -> dict[str, int]:
    """Counts for one pair; every template clause is judged through the predicted pair covering it."""
    c = dict.fromkeys(("aligned_ok", "aligned_total", "miss_tp", "miss_fp", "miss_fn", "extra_tp", "extra_fp",
                       "extra_fn", "mod_tp", "mod_fp", "mod_fn", "num_total", "num_ok"), 0)
    covering = {}
    for i, unit in enumerate(pair.template_units):
        mid = (unit.start + unit.end) // 2
        covering[i] = next((p for p in result.pairs if p.template_clause
                            and p.template_clause.start <= mid < p.template_clause.end), None)
    for i, destinations in pair.destinations.items():
        p = covering[i]
        predicted_missing = p is None or p.status == "missing"
        if not destinations:
            c["miss_tp" if predicted_missing else "miss_fp"] += 0 if predicted_missing is False else 1
            c["miss_fn"] += 0 if predicted_missing else 1
            continue
        if predicted_missing:
            c["miss_fp"] += 1
        c["aligned_total"] += 1
        if p is not None and p.contract_clause is not None:
            span = (p.contract_clause.start, p.contract_clause.end)
            best = max(_overlap(span, d) for d in destinations)
            if best * 2 > min(span[1] - span[0], max(d[1] - d[0] for d in destinations)):
                c["aligned_ok"] += 1
        changed = bool(pair.edits[i] - {"move", "renumber", "split", "merge"})  # same words: "matched"
        predicted_modified = p is not None and p.status == "modified"
        if changed:
            c["mod_tp" if predicted_modified else "mod_fn"] += 1
        elif predicted_modified:
            c["mod_fp"] += 1
        if "number" in pair.edits[i]:
            c["num_total"] += 1
            if p is not None and p.severity in ("medium", "high") and "changed from" in p.explanation:
                c["num_ok"] += 1
    extra_spans = [(p.contract_clause.start, p.contract_clause.end) for p in result.pairs
                   if p.status == "extra" and p.contract_clause]
    found = set()
    for truth in pair.extra_spans:
        hit = [k for k, s in enumerate(extra_spans) if _overlap(s, truth) * 2 > truth[1] - truth[0]]
        c["extra_tp" if hit else "extra_fn"] += 1
        found.update(hit)
    c["extra_fp"] = len(extra_spans) - len(found)
    return c


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


Spans = list[tuple[int, int, str]]


def run_variant(pairs: list[Pair], weights: Weights, categories: dict[str, tuple[Spans, Spans]] | None = None) -> dict:
    """Scores of one aligner over every pair; `categories` (pair name -> template, contract spans)
    feeds the analyzer's categories in, as `lexrisk compare` does."""
    totals: dict[str, int] = {}
    seconds = []
    for pair in pairs:
        t_spans, c_spans = categories[pair.name] if categories else ([], [])
        started = time.perf_counter()
        result = compare_documents(pair.contract, pair.template, weights=weights, template_categories=t_spans,
                                   contract_categories=c_spans)
        seconds.append(time.perf_counter() - started)
        for k, v in score(pair, result).items():
            totals[k] = totals.get(k, 0) + v
    mp, mr, mf = _f1(totals["miss_tp"], totals["miss_fp"], totals["miss_fn"])
    ep, er, ef = _f1(totals["extra_tp"], totals["extra_fp"], totals["extra_fn"])
    dp, dr, df = _f1(totals["mod_tp"], totals["mod_fp"], totals["mod_fn"])
    return {
        "alignment_accuracy": totals["aligned_ok"] / max(totals["aligned_total"], 1),
        "missing": {"precision": mp, "recall": mr, "f1": mf, "n": totals["miss_tp"] + totals["miss_fn"]},
        "extra": {"precision": ep, "recall": er, "f1": ef, "n": totals["extra_tp"] + totals["extra_fn"]},
        "modified": {"precision": dp, "recall": dr, "f1": df, "n": totals["mod_tp"] + totals["mod_fn"]},
        "number_change_severity": totals["num_ok"] / max(totals["num_total"], 1),
        "number_changes": totals["num_total"],
        "seconds_per_pair": {"median": statistics.median(seconds), "max": max(seconds)},
        "clauses_judged": totals["aligned_total"] + totals["miss_tp"] + totals["miss_fn"],
    }


def _baseline_categories(pairs: list[Pair]) -> dict[str, tuple[Spans, Spans]]:
    """Each side's CUAD categories from the embedded baseline analyzer (analysis time not counted)."""
    from contracts.compare import spans_of
    from contracts.playbook import default_playbook
    from contracts.settings import Settings
    from serving.analyzers import get_analyzer

    analyzer = get_analyzer("baseline", Settings(_env_file=None), default_playbook())
    return {p.name: (spans_of(analyzer.analyze(p.template).findings), spans_of(analyzer.analyze(p.contract).findings))
            for p in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cuad", type=Path, default=ROOT.parent / "shared" / "data" / "cuad")
    parser.add_argument("--limit", type=int, default=40, help="CUAD contracts to use as templates")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    templates = [load_document(p) for p in sorted((ROOT / "examples" / "templates").glob("*.txt"))]
    cuad_files = sorted((args.cuad / "full_contract_txt").glob("*.txt"))
    cuad = [load_document(p) for p in random.Random(args.seed).sample(cuad_files, min(args.limit + 10, len(cuad_files)))]
    pairs: list[Pair] = []
    for k, template in enumerate(templates + cuad):
        if len([p for p in pairs if p.name.startswith("cuad")]) >= args.limit and k >= len(templates):
            break
        donors = [d for d in cuad[:5] + templates if d is not template]
        pair = make_pair(("example:" if k < len(templates) else "cuad:") + template.name, template, donors, rng)
        if pair is not None:
            pairs.append(pair)

    # timing of a 30-page pair: the largest CUAD contract near 30 pages of text, edited the same way
    sized = sorted(cuad_files, key=lambda p: abs(p.stat().st_size - 30 * PAGE_CHARS))
    big = None
    for path in sized:
        big = make_pair("30-page", load_document(path), templates, random.Random(args.seed))
        if big is not None:
            break
    assert big is not None
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        compare_documents(big.contract, big.template)
        timings.append(time.perf_counter() - started)
    # and the largest CUAD contract (about 100 pages), edited the same way
    largest_path = max(cuad_files, key=lambda p: p.stat().st_size)
    largest = make_pair("largest", load_document(largest_path), templates, random.Random(args.seed))
    assert largest is not None
    started = time.perf_counter()
    compare_documents(largest.contract, largest.template)
    largest_s = time.perf_counter() - started

    categories = _baseline_categories(pairs)
    variants = {"shipped": run_variant(pairs, DEFAULT_WEIGHTS),
                "shipped + categories": run_variant(pairs, DEFAULT_WEIGHTS, categories),
                "lexical only": run_variant(pairs, LEXICAL_ONLY)}
    table = Table(title=f"Template comparison on {len(pairs)} generated pairs")
    for col in ("aligner", "align acc", "missing F1 (P/R)", "extra F1 (P/R)", "modified F1 (P/R)",
                "number sev.", "s/pair (median/max)"):
        table.add_column(col)
    for name, v in variants.items():
        table.add_row(name, f"{v['alignment_accuracy']:.3f}",
                      f"{v['missing']['f1']:.3f} ({v['missing']['precision']:.2f}/{v['missing']['recall']:.2f})",
                      f"{v['extra']['f1']:.3f} ({v['extra']['precision']:.2f}/{v['extra']['recall']:.2f})",
                      f"{v['modified']['f1']:.3f} ({v['modified']['precision']:.2f}/{v['modified']['recall']:.2f})",
                      f"{v['number_change_severity']:.3f}",
                      f"{v['seconds_per_pair']['median']:.3f}/{v['seconds_per_pair']['max']:.3f}")
    console = Console(width=200)
    console.print(table)
    console.print(f"30-page pair ({big.template.name}, {len(big.template.text):,} + {len(big.contract.text):,} chars, "
                  f"{len(big.template_units)} clauses): {min(timings):.3f} s (best of 3)")
    console.print(f"largest CUAD pair ({largest.template.name}, {len(largest.template.text):,} chars, "
                  f"{len(largest.template_units)} clauses): {largest_s:.3f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "command": "python benchmarks/compare_accuracy.py " + f"--limit {args.limit} --seed {args.seed}",
        "pairs": len(pairs), "example_pairs": sum(p.name.startswith("example") for p in pairs),
        "cuad_pairs": sum(p.name.startswith("cuad") for p in pairs),
        "edits_per_pair": "delete 2, insert 2, reword 3, move 1, renumber 2, split 1, merge 1, number 2, party 1",
        "variants": variants,
        "thirty_page_pair": {"template": big.template.name, "template_chars": len(big.template.text),
                             "contract_chars": len(big.contract.text), "clauses": len(big.template_units),
                             "seconds_best_of_3": min(timings)},
        "largest_pair": {"template": largest.template.name, "template_chars": len(largest.template.text),
                         "clauses": len(largest.template_units), "seconds": largest_s},
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                    "threads": 1},
    }, indent=2) + "\n")


if __name__ == "__main__":
    main()
