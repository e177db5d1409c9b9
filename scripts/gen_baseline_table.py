"""docs/ml-engineer.md's table of the embedded baseline on CUAD's dev contracts, written from the committed runs
(eval/results/baseline-dev*/metrics.json, made by `make eval-baseline`) so that no figure in it is typed by hand;
tests/test_docs.py checks the page holds what this script writes.

    python scripts/gen_baseline_table.py     # rewrite the table in docs/ml-engineer.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "eval" / "results"
PAGE = REPO / "docs" / "ml-engineer.md"
BEGIN, END = "<!-- baseline-dev:begin (scripts/gen_baseline_table.py) -->", "<!-- baseline-dev:end -->"
# (label, the operating point's run, the run with thresholds x0.3 whose curve gives AUPR and precision at recall)
ROWS = [("the recipe fit on the 326 train contracts only: **held out**", "baseline-dev-heldout",
         "baseline-dev-heldout-t0.3"),
        ("the shipped model, fit on all 408 contracts: **not held out**", "baseline-dev", "baseline-dev-t0.3")]


def _metrics(run: str) -> dict:
    return json.loads((RESULTS / run / "metrics.json").read_text(encoding="utf-8"))


def _interval(m: dict, key: str) -> str:
    low, high = m["ci"][key]
    return f"{m['micro'][key]:.3f} [{low:.3f}, {high:.3f}]"


def _at_recall(curve: dict, value: float, recall: float) -> str:
    """Precision at a recall, or 0 with the reason when the curve never reaches it."""
    if curve["max_recall"] < recall:
        return "0 (never reaches 80%)" if recall == 0.8 else "0"
    return f"{value:.3f}"


def block() -> str:
    lines = [BEGIN, "| run | precision | recall | F1 | AUPR | P @ 80% R | P @ 90% R |", "|---|---|---|---|---|---|---|"]
    for index, (label, run, swept) in enumerate(ROWS):
        m, curve = _metrics(run), _metrics(swept)["aupr"]
        precision, recall, f1 = (_interval(m, key) for key in ("precision", "recall", "f1"))
        if index == 0:  # the held-out F1 is the figure to quote
            value, rest = f1.split(" ", 1)
            f1 = f"**{value}** {rest}"
        lines.append(f"| {label} | {precision} | {recall} | {f1} | {curve['aupr']:.3f} | "
                     f"{_at_recall(curve, curve['precision_at_80_recall'], 0.8)} | "
                     f"{_at_recall(curve, curve['precision_at_90_recall'], 0.9)} |")
    return "\n".join([*lines, END])


def main() -> int:
    text = PAGE.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    PAGE.write_text(text[:start] + block() + text[end:], encoding="utf-8")
    print(block())
    return 0


if __name__ == "__main__":
    sys.exit(main())
