"""Write eval/results/terms-dev/ from a `lexrisk eval run` folder: terms.json (the run's key-term scores,
with what was run on what) and README.md (the table, generated here, never typed).

    lexrisk eval run --analyzer baseline --data $LEXRISK_CUAD_DIR --split dev --source txt --out /tmp/terms-dev-run
    python scripts/terms_results.py /tmp/terms-dev-run eval/results/terms-dev

Where the folder holds `first-measurement.json` (the terms.json of the dev split's first measurement, kept
as written), the table shows it beside this run: the dev split has then been measured twice, and the
README says so. Where `eval/results/terms-train/` holds the train scores `scripts/terms_errors.py --json`
wrote before and after the rules changed, the README shows them too (tuned figures, labelled so)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from contracts.portable_paths import portable, portable_text

# the aims of issue #26, on contracts the rules were not developed on
AIMS = {"agreement_date": 0.90, "effective_date": 0.90, "governing_law": 0.95, "expiration_date": 0.70,
        "renewal_term": 0.70, "notice_period_to_terminate_renewal": 0.70, "parties": 0.90}


TRAIN = Path(__file__).resolve().parents[1] / "eval" / "results" / "terms-train"


def _shown(row: dict | None, field: str) -> str:
    if row is None or row.get("accuracy") is None:
        return "n/a"
    shown = f"{row['accuracy']:.3f}"
    if field == "parties" and row.get("all_found") is not None:
        shown += f" (all names found: {row['all_found']:.3f})"
    return shown


def table(terms: dict, first: dict | None = None) -> str:
    earlier = first["terms"]["fields"] if first else None
    head = "| field | contracts scored | unreadable answers | matches CUAD's answer | aim | met |"
    rule = "|---|---:|---:|---:|---:|---|"
    if earlier is not None:
        head = head.replace(" matches CUAD's answer |", " matches CUAD's answer | first measurement |")
        rule = "|---|---:|---:|---:|---:|---:|---|"
    lines = [head, rule]
    for field, row in terms["fields"].items():
        accuracy = row["accuracy"]
        aim = AIMS.get(field)
        shown = _shown(row, field)
        if earlier is not None:
            shown += f" | {_shown(earlier.get(field), field)}"
        met = "" if aim is None or accuracy is None else ("yes" if accuracy >= aim else "no")
        lines.append(f"| {field} | {row['contracts']} | {row['unreadable']} | {shown} | "
                     f"{'' if aim is None else f'>= {aim:.2f}'} | {met} |")
    lines += ["", "| excerpts (CUAD's rule) | tp | fp | fn | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for category, c in [*terms["spans"]["per_category"].items(), ("all eight", terms["spans"]["micro"])]:
        lines.append(f"| {category} | {c['tp']} | {c['fp']} | {c['fn']} | {c['precision']:.3f} | {c['recall']:.3f} "
                     f"| {c['f1']:.3f} |")
    return "\n".join(lines)


def train_table(folder: Path = TRAIN) -> str:
    """The train split's scores from each `scripts/terms_errors.py --json` file in `folder`, oldest label
    first (file names sort as the rounds ran): the figures the rules were tuned on."""
    runs = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    if not runs:
        return ""
    lines = ["| field | " + " | ".join(f"{i + 1}" for i in range(len(runs))) + " |",
             "|---|" + "---:|" * len(runs)]
    for field in runs[-1]["fields"]:
        cells = [run["fields"].get(field, {}).get("accuracy") for run in runs]
        lines.append(f"| {field} | " + " | ".join("n/a" if c is None else f"{c:.3f}" for c in cells) + " |")
    notes = [f"{i + 1}. {run['label']} (commit {run['commit']}; `{run['command']}`)" for i, run in enumerate(runs)]
    return ("## Train split (tuned: the rules were developed on these contracts)\n\n"
            + "\n".join(notes) + "\n\n" + "\n".join(lines) + "\n")


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
    first_path = args.out / "first-measurement.json"
    first = json.loads(first_path.read_text(encoding="utf-8")) if first_path.is_file() else None
    twice = "" if first is None else (
        f"The dev split has now been measured twice: first at commit {first['run']['commit']} "
        f"({first['run']['date']}; `first-measurement.json`, the column \"first measurement\"), and again in this "
        "run, after a further round of rules developed on the train split only (scripts/terms_errors.py; no dev "
        "contract's misses were looked at between the two). The scoring's CUAD answer-format fixes of that round "
        "(eval/term_scores.py) apply to this run only.\n\n")
    readme = (f"# Key terms on CUAD's dev split\n\n{payload['protocol']}\n\n{twice}"
              f"{info['contracts']} contracts ({info['failed']} failed), analyzer {info['analyzer']}, "
              f"commit {info['commit']}, {info['date']}.\n\n"
              f"Command: `{info['command']}`, then `python scripts/terms_results.py {args.run} {args.out}`.\n\n"
              f"{table(metrics['terms'], first)}\n")
    train = train_table()
    if train:
        readme += "\n" + train
    (args.out / "README.md").write_text(portable_text(readme), encoding="utf-8")
    print(readme)


if __name__ == "__main__":
    main()
