"""Choose the baseline's recall-first floor (LEXRISK_BASELINE_POSSIBLE_FLOOR) on CUAD's dev split.

Reads one `lexrisk eval run` made with a low floor (its predictions hold every possible finding at or above
it) and the model's per-category thresholds, and scores each higher floor by keeping the possible findings
scored at or above floor x threshold: the same findings a run at that floor returns, since the shipped
decoding neither merges adjacent sentences nor caps them (the script checks). Prints the table, writes JSON,
and names the highest floor whose recall with the possible findings reaches the target: tuned on dev.

    python scripts/possible_floor.py RUN_DIR MODEL_DIR --out eval/results/possible_floor.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contracts.portable_paths import portable
from contracts.taxonomy import risk_categories
from eval.metrics import Outcome, possible_metrics
from eval.runner import load_outcomes

FLOORS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def at_floor(outcomes: list[Outcome], thresholds: dict[str, float], floor: float) -> list[Outcome]:
    kept = []
    for o in outcomes:
        if o.result is None:
            kept.append(o)
            continue
        findings = [f for f in o.result.findings if not f.possible or f.score >= floor * thresholds[f.category]]
        kept.append(Outcome(o.name, o.gold, o.result.model_copy(update={"findings": findings})))
    return kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a `lexrisk eval run` folder made with a low possible floor")
    parser.add_argument("model", type=Path, help="the baseline model folder the run used (model.json)")
    parser.add_argument("--target", type=float, default=0.80, help="recall with the possible findings to reach")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    spec = json.loads((args.model / "model.json").read_text(encoding="utf-8"))
    if spec["decode"].get("merge_adjacent") or spec["decode"].get("cap"):
        print("the model merges or caps its excerpts: run `lexrisk eval run` at each floor instead", file=sys.stderr)
        return 2
    thresholds = dict(zip(spec["categories"], spec["thresholds"], strict=True))
    run_info = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
    lowest = next(float(o.split("=", 1)[1]) for o in run_info["overrides"] if o.startswith("baseline_possible_floor="))
    outcomes = load_outcomes(args.run)
    rows = []
    for floor in (f for f in FLOORS if f >= lowest):
        m = possible_metrics(at_floor(outcomes, thresholds, floor), risk_categories())
        if m is not None:
            rows.append({"floor": floor, **m})
    chosen = max((r for r in rows if r["recall_with"] >= args.target), key=lambda r: r["floor"], default=None)
    print(f"{'floor':>6} {'possible':>9} {'R without':>10} {'R with':>7} {'P without':>10} {'P with':>7} {'P possible':>11}")
    for r in rows:
        print(f"{r['floor']:>6.2f} {r['possible_findings']:>9} {r['recall_without']:>10.3f} {r['recall_with']:>7.3f} "
              f"{r['precision_without']:>10.3f} {r['precision_with']:>7.3f} {r['precision_of_possible']:>11.3f}")
    print(f"chosen (highest floor with recall >= {args.target}): {chosen['floor'] if chosen else 'none'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(portable({
        "protocol": "CUAD dev split (contracts.cuad_split), baseline fit on the train contracts only "
                    "(`lexrisk baseline train --train-split-only`), CUAD's rule over the clause categories; the "
                    "floor is TUNED ON THIS DEV SPLIT (no untouched split is left to confirm it)",
        "target_recall": args.target, "chosen_floor": chosen["floor"] if chosen else None,
        "precision_of_possible": "clauses lawyers marked that the possible findings add, per possible finding",
        "run": str(args.run), "run_command": run_info.get("command"), "run_commit": run_info.get("commit"),
        "contracts": run_info.get("contracts"), "floors": rows}), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
