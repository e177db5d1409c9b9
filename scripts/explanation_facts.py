"""How many of the embedded analyzer's explanations state a fact of their own clause, on a `lexrisk eval run`.

A fact counts when analyzers.clause_facts reads it in the explanation (an amount, a duration, a notice
period, a party, a carve-out, a condition, a governing law) and it is present in the finding's quote too.
The same check on the category's playbook reason alone (what every finding said before #28) gives the
before figure. Writes facts.json (the shares, by category) and sample.md (50 explanations beside their
quotes, drawn with a fixed seed) to the output folder.

    python scripts/explanation_facts.py RUN_DIR --out eval/results/explanations
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from analyzers.clause_facts import facts_in
from contracts.playbook import default_playbook
from contracts.portable_paths import portable, portable_text
from eval.runner import load_outcomes

SAMPLE, SEED = 50, 28


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a `lexrisk eval run` folder of the baseline analyzer")
    parser.add_argument("--out", type=Path, required=True, help="folder for facts.json and sample.md")
    args = parser.parse_args()
    playbook = default_playbook()
    rows: list[dict[str, Any]] = []
    for outcome in load_outcomes(args.run):
        for f in outcome.findings:  # the risks found; the possible ones are counted apart below
            reason = playbook.assess(f.category, f.quote)[1]
            rows.append({"contract": outcome.name, "category": f.category, "quote": f.quote,
                         "explanation": f.explanation, "facts": facts_in(f.explanation, f.quote),
                         "reason_facts": facts_in(reason, f.quote)})
    if not rows:
        print(f"{args.run}: no findings to measure", file=sys.stderr)
        return 2
    stating = sum(bool(r["facts"]) for r in rows)
    before = sum(bool(r["reason_facts"]) for r in rows)
    by_category: dict[str, Counter] = {}
    for r in rows:
        by_category.setdefault(r["category"], Counter()).update(findings=1, stating=bool(r["facts"]))
    run_info = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
    result = {
        "measure": "share of findings whose explanation states at least one fact (amount, duration, notice period, "
                   "party, carve-out, condition, governing law, as analyzers.clause_facts reads them) present in "
                   "the finding's quote",
        "run": str(args.run), "run_command": run_info.get("command"), "commit": run_info.get("commit"),
        "contracts": run_info.get("contracts"), "findings": len(rows),
        "share_stating_a_fact": stating / len(rows),
        "before_share_playbook_reason_only": before / len(rows),
        "by_category": {c: {"findings": n["findings"], "share": n["stating"] / n["findings"]}
                        for c, n in sorted(by_category.items())},
        "caveat": "the same reader extracts the facts and checks them, so this measures grounding (what the "
                  "explanation states is in the clause), not whether the facts chosen are the ones a lawyer "
                  "needs; read sample.md, and rate them with `lexrisk eval judge` where a judge endpoint exists",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "facts.json").write_text(json.dumps(portable(result), indent=1) + "\n", encoding="utf-8")
    sample = random.Random(SEED).sample(rows, min(SAMPLE, len(rows)))
    lines = [f"# {len(sample)} explanations beside their quotes", "",
             f"Drawn with seed {SEED} from the {len(rows)} findings of `{run_info.get('command')}` "
             f"(commit {run_info.get('commit')}). Made by `python scripts/explanation_facts.py {args.run} "
             f"--out {args.out}`. \"Facts in the quote\" lists what the explanation states that the quote says.", ""]
    for i, r in enumerate(sample, 1):
        quote = " ".join(r["quote"].split())
        lines += [f"## {i}. {r['category']} — {r['contract']}", "", f"> {quote}", "",
                  f"**Explanation:** {r['explanation']}", "",
                  f"**Facts in the quote:** {', '.join(r['facts']) or 'none'}", ""]
    (args.out / "sample.md").write_text(portable_text("\n".join(lines)), encoding="utf-8")
    print(f"{stating} of {len(rows)} explanations ({stating / len(rows):.1%}) state a fact of their quote; "
          f"the playbook reason alone: {before} ({before / len(rows):.1%}); wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
