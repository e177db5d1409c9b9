"""Write eval/results/terms-dev/ from a `lexrisk eval run` folder: terms.json (the run's key-term scores,
with what was run on what) and README.md (the table, generated here, never typed).

    lexrisk eval run --analyzer baseline --data $LEXRISK_CUAD_DIR --split dev --source txt --out /tmp/terms-dev-run
    python scripts/terms_results.py /tmp/terms-dev-run eval/results/terms-dev"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from contracts.portable_paths import portable, portable_text

# the aims of issue #26, on contracts the rules were not developed on
AIMS = {"agreement_date": 0.90, "effective_date": 0.90, "governing_law": 0.95, "expiration_date": 0.70,
        "renewal_term": 0.70, "notice_period_to_terminate_renewal": 0.70, "parties": 0.90}


def table(terms: dict) -> str:
    lines = ["| field | contracts scored | unreadable answers | matches CUAD's answer | aim | met |",
             "|---|---:|---:|---:|---:|---|"]
    for field, row in terms["fields"].items():
        accuracy = row["accuracy"]
        aim = AIMS.get(field)
        shown = "n/a" if accuracy is None else f"{accuracy:.3f}"
        if field == "parties" and row.get("all_found") is not None:
            shown += f" (all names found: {row['all_found']:.3f})"
        met = "" if aim is None or accuracy is None else ("yes" if accuracy >= aim else "no")
        lines.append(f"| {field} | {row['contracts']} | {row['unreadable']} | {shown} | "
                     f"{'' if aim is None else f'>= {aim:.2f}'} | {met} |")
    lines += ["", "| excerpts (CUAD's rule) | tp | fp | fn | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for category, c in [*terms["spans"]["per_category"].items(), ("all eight", terms["spans"]["micro"])]:
        lines.append(f"| {category} | {c['tp']} | {c['fp']} | {c['fn']} | {c['precision']:.3f} | {c['recall']:.3f} "
                     f"| {c['f1']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a `lexrisk eval run` folder (metrics.json, run.json)")
    parser.add_argument("out", type=Path, help="folder to write terms.json and README.md into")
    args = parser.parse_args()
    metrics = json.loads((args.run / "metrics.json").read_text(encoding="utf-8"))
    run = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
    if "terms" not in metrics:
        raise SystemExit(f"{args.run}: metrics.json has no key terms (run on a CUAD folder with master_clauses.csv)")
    args.out.mkdir(parents=True, exist_ok=True)
    info = {k: run.get(k) for k in ("analyzer", "analyzer_info", "data", "source", "split", "contracts", "failed",
                                    "commit", "date", "command")}
    payload = {"run": info, "protocol": (
        "Rules developed on CUAD's train split only (contracts.cuad_split); scored on the dev split, which the "
        "rules never saw. Matching rules: eval/term_scores.py and docs/key-terms.md."),
        "speed_seconds_per_contract": metrics["speed"]["seconds_per_contract"], "terms": metrics["terms"]}
    (args.out / "terms.json").write_text(json.dumps(portable(payload), indent=1) + "\n", encoding="utf-8")
    readme = (f"# Key terms on CUAD's dev split\n\n{payload['protocol']}\n\n"
              f"{info['contracts']} contracts ({info['failed']} failed), analyzer {info['analyzer']}, "
              f"commit {info['commit']}, {info['date']}.\n\n"
              f"Command: `{info['command']}`, then `python scripts/terms_results.py {args.run} {args.out}`.\n\n"
              f"{table(metrics['terms'])}\n")
    (args.out / "README.md").write_text(portable_text(readme), encoding="utf-8")
    print(readme)


if __name__ == "__main__":
    main()
