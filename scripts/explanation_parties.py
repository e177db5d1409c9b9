"""Who the embedded analyzer's explanations say a clause binds, before and after they read the contract's own
party names (its key terms), on the findings of a `lexrisk eval run` of the baseline analyzer.

Before, the actor of "PageMaster Corporation shall ..." was read as the one capitalised word before "shall":
"Commits Corporation to a minimum", "names Call" for "Go Call". Each finding's recorded explanation (the
run's) is set beside the one this tree writes from the same quote and the run's key terms, and counted:

- a party named by a fragment: a party the explanation names that is a later word of a longer party name
  or short name of the contract ("Corporation" of "PageMaster Corporation"), not a name of its own;
- a lead without its subject: "Lets audit the books", "Requires to carry insurance", "Bars from suing";
- the share of explanations stating a fact of their quote (scripts/explanation_facts.py's measure).

    python scripts/explanation_parties.py RUN_DIR --out eval/results/explanations/parties.json

Prints a table and writes the JSON; nothing here is fit, so a dev run is a fair place to count."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from analyzers.base import party_names
from analyzers.clause_facts import explain, facts_in, read_facts
from contracts.playbook import default_playbook
from contracts.portable_paths import portable
from eval.runner import load_outcomes

# the leads of analyzers.clause_facts that bind a party, as they read with the party left out
SUBJECTLESS = re.compile(r"^(?:Lets (?:audit|terminate)|Commits to|Requires to|Restricts from|Bars from)\b")


def fragments(named: list[str], names: list[str]) -> list[str]:
    """The parties in `named` that are a later word of a longer name in `names` ("Corporation" of "PageMaster
    Corporation", "Call" of "Go Call"), and no name themselves; a first word ("Aimmune" of "Aimmune
    Therapeutics, Inc.") is how contracts call a party."""
    known = {re.sub(r"^the\s+", "", n.lower()) for n in names}  # "the Manufacturer" is called Manufacturer
    return [p for p in named if p.lower() not in known and " " not in p
            and any(p.lower() in [w.strip(",.") for w in n.lower().split()[1:]] for n in names)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a `lexrisk eval run` folder of the baseline analyzer")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    playbook = default_playbook()
    counts = {side: {"fragment": 0, "subjectless": 0, "stating": 0} for side in ("before", "after")}
    findings = 0
    examples: list[dict[str, Any]] = []
    for outcome in load_outcomes(args.run):
        if outcome.result is None:
            continue
        names = party_names(outcome.result.terms)
        for f in outcome.result.findings:
            findings += 1
            reason = playbook.assess(f.category, f.quote)[1]
            facts = explain(f.category, f.quote, names)
            after = f"{facts} {reason}" if facts else reason
            for side, text, parties in (("before", f.explanation, []), ("after", after, names)):
                lead = text.split(";")[0]
                named = [p for p in read_facts(f.quote, parties).parties if p in text]
                counts[side]["fragment"] += bool(fragments(named, names))
                counts[side]["subjectless"] += bool(SUBJECTLESS.match(lead))
                counts[side]["stating"] += bool(facts_in(text, f.quote))
            if after != f.explanation and len(examples) < 12:
                examples.append({"contract": outcome.name, "category": f.category, "before": f.explanation,
                                 "after": after})
    if not findings:
        print(f"{args.run}: no findings to count", file=sys.stderr)
        return 2
    run_info = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
    result = {"run": portable(args.run), "run_command": run_info.get("command"), "run_commit": run_info.get("commit"),
              "findings": findings,
              **{side: {"party_named_by_a_fragment": c["fragment"], "lead_without_its_subject": c["subjectless"],
                        "share_stating_a_fact": c["stating"] / findings} for side, c in counts.items()},
              "examples": examples}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{findings} findings of {args.run}")
    print(f"{'':28s} {'before':>8s} {'after':>8s}")
    for label, key in (("party named by a fragment", "party_named_by_a_fragment"),
                       ("lead without its subject", "lead_without_its_subject")):
        print(f"{label:28s} {result['before'][key]:8d} {result['after'][key]:8d}")
    print(f"{'share stating a fact':28s} {result['before']['share_stating_a_fact']:8.3f} "
          f"{result['after']['share_stating_a_fact']:8.3f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
