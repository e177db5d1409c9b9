"""Write eval/results/terms-dev/ from a `lexrisk eval run` folder: terms.json (the run's key-term scores,
with what was run on what) and README.md (the table, generated here, never typed).

    lexrisk eval run --analyzer baseline --data $LEXRISK_CUAD_DIR --split dev --source txt --out /tmp/terms-dev-run
    python scripts/terms_results.py /tmp/terms-dev-run eval/results/terms-dev

Where the folder holds earlier measurements (`first-measurement.json`, `second-measurement.json`, ...: the
terms.json of each earlier run on the dev split, kept as written), the table shows them beside this run and
the README says how many times the dev split has been measured. Where `eval/results/terms-train/` holds the
train scores `scripts/terms_errors.py --json` wrote before and after the rules changed, the README shows them
too (tuned figures, labelled so). The repository README's key-terms table (`block()`) is written from the
committed terms.json; tests/test_docs.py checks it.

    python scripts/terms_results.py --readme-only     # rewrite README.md's table from eval/results/terms-dev"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from contracts.portable_paths import portable, portable_text

# the aims of issue #26, on contracts the rules were not developed on
AIMS = {"agreement_date": 0.90, "effective_date": 0.90, "governing_law": 0.95, "expiration_date": 0.70,
        "renewal_term": 0.70, "notice_period_to_terminate_renewal": 0.70, "parties": 0.90}


REPO = Path(__file__).resolve().parents[1]
TRAIN = REPO / "eval" / "results" / "terms-train"
DEV = REPO / "eval" / "results" / "terms-dev"
README = REPO / "README.md"
BEGIN, END = "<!-- terms-dev:begin (scripts/terms_results.py) -->", "<!-- terms-dev:end -->"


def _shown(row: dict | None, field: str) -> str:
    if row is None or row.get("accuracy") is None:
        return "n/a"
    shown = f"{row['accuracy']:.3f}"
    if field == "parties" and row.get("all_found") is not None:
        shown += f" (all names found: {row['all_found']:.3f})"
    return shown


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
            "nineteenth", "twentieth")


def earlier_runs(folder: Path) -> list[dict]:
    """The earlier measurements kept in `folder` (`<ordinal>-measurement.json`), oldest first. One whose
    ordinal this script does not know stops it, rather than leaving a measurement out of the count."""
    unknown = sorted(p.name for p in folder.glob("*-measurement.json")
                     if p.name.removesuffix("-measurement.json") not in ORDINALS)
    if unknown:
        raise SystemExit(f"{folder}: {', '.join(unknown)}: an ordinal scripts/terms_results.py does not know (ORDINALS)")
    return [json.loads(path.read_text(encoding="utf-8")) for name in ORDINALS
            if (path := folder / f"{name}-measurement.json").is_file()]


def table(terms: dict, earlier: list[dict] | None = None) -> str:
    earlier = earlier or []
    head = ["field", "contracts scored", "unreadable answers", "matches CUAD's answer",
            *(f"{ORDINALS[i]} measurement" for i in range(len(earlier))), "aim", "met", "given a value: matches"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 2) + "---|"]
    for field, row in terms["fields"].items():
        accuracy = row["accuracy"]
        aim = AIMS.get(field)
        cells = [_shown(row, field), *(_shown(run["terms"]["fields"].get(field), field) for run in earlier)]
        met = "" if aim is None or accuracy is None else ("yes" if accuracy >= aim else "no")
        precision = "" if row.get("precision") is None else f"{row['given']}: {row['precision']:.3f}"
        lines.append(f"| {field} | {row['contracts']} | {row['unreadable']} | {' | '.join(cells)} | "
                     f"{'' if aim is None else f'>= {aim:.2f}'} | {met} | {precision} |")
    lines += ["", "| excerpts (CUAD's rule) | tp | fp | fn | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for category, c in [*terms["spans"]["per_category"].items(), ("all eight", terms["spans"]["micro"])]:
        lines.append(f"| {category} | {c['tp']} | {c['fp']} | {c['fn']} | {c['precision']:.3f} | {c['recall']:.3f} "
                     f"| {c['f1']:.3f} |")
    return "\n".join(lines)


def block(folder: Path = DEV) -> str:
    """README.md's key-terms table: each field's held-out match rate and its aim, from the committed run."""
    payload = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
    run = payload["run"]
    lines = [BEGIN, f"Held out: CUAD's {run['contracts']} dev contracts, which the rules were not developed on, nor the "
             "rankers fit on "
             f"(`eval/results/terms-dev`, measured {len(earlier_runs(folder)) + 1} times in all).", "",
             "| key term | matches CUAD's answer | aim |", "|---|---:|---:|"]
    for field, row in payload["terms"]["fields"].items():
        aim = AIMS.get(field)
        lines.append(f"| {field.replace('_', ' ')} | {_shown(row, field)} | {'' if aim is None else f'{aim:.2f}'} |")
    return "\n".join([*lines, END])


def write_readme_block() -> str:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    table = block()
    README.write_text(text[:start] + table + text[end:], encoding="utf-8")
    return table


def train_table(folder: Path = TRAIN) -> str:
    """The train split's scores from each `scripts/terms_errors.py --json` file in `folder`, oldest label
    first (file names sort as the rounds ran): the figures the rules were tuned on."""
    # in the order of their numbers ("10-..." after "9-..."), not of their names
    files = sorted(folder.glob("*.json"), key=lambda f: (int(f.name.split("-")[0]), f.name)) if folder.is_dir() else []
    runs = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    if not runs:
        return ""
    lines = ["| field | " + " | ".join(f"{i + 1}" for i in range(len(runs))) + " |",
             "|---|" + "---:|" * len(runs)]
    for field in runs[-1]["fields"]:
        cells = [run["fields"].get(field, {}).get("accuracy") for run in runs]
        lines.append(f"| {field} | " + " | ".join("n/a" if c is None else f"{c:.3f}" for c in cells) + " |")
    notes = [f"{i + 1}. {run['label']} (commit {run['commit']}; `{run['command']}`)" for i, run in enumerate(runs)]
    return ("## Train split (tuned: the rules were developed, and the rankers fit, on these contracts)\n\n"
            + "\n".join(notes) + "\n\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, nargs="?", help="a `lexrisk eval run` folder (metrics.json, run.json)")
    parser.add_argument("out", type=Path, nargs="?", help="folder to write terms.json and README.md into")
    parser.add_argument("--readme-only", action="store_true", help="only rewrite README.md's table from terms-dev")
    args = parser.parse_args()
    if args.readme_only:
        print(write_readme_block())
        return
    if args.run is None or args.out is None:
        parser.error("give the run folder and the output folder, or --readme-only")
    metrics = json.loads((args.run / "metrics.json").read_text(encoding="utf-8"))
    run = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
    if "terms" not in metrics:
        raise SystemExit(f"{args.run}: metrics.json has no key terms (run on a CUAD folder with master_clauses.csv)")
    args.out.mkdir(parents=True, exist_ok=True)
    info = {k: run.get(k) for k in ("analyzer", "analyzer_info", "data", "source", "split", "contracts", "failed",
                                    "commit", "date", "command")}
    payload = {"run": info, "protocol": (
        "Rules developed, and the term and party rankers (contracts/terms/ranker.py, party_ranker.py) fit, on CUAD's "
        "train split only "
        "(contracts.cuad_split); scored on the dev split, which neither saw. Matching rules: eval/term_scores.py "
        "and docs/key-terms.md."),
        "speed_seconds_per_contract": metrics["speed"]["seconds_per_contract"], "terms": metrics["terms"]}
    (args.out / "terms.json").write_text(json.dumps(portable(payload), indent=1) + "\n", encoding="utf-8")
    earlier = earlier_runs(args.out)
    history = "" if not earlier else (
        f"The dev split has now been measured {len(earlier) + 1} times: "
        + "; ".join(f"the {ORDINALS[i]} time at commit {e['run']['commit']} ({e['run']['date']}, "
                    f"`{ORDINALS[i]}-measurement.json`)" for i, e in enumerate(earlier))
        + "; and in this run. Between measurements the rules were developed, and the rankers fit and their "
        "decodings chosen by cross-validation, on the train split only "
        "(scripts/terms_errors.py); no dev contract's misses were looked at. Changes to the scoring's reading of "
        "CUAD's answers (eval/term_scores.py) apply from the run after them on.\n\n")
    readme = (f"# Key terms on CUAD's dev split\n\n{payload['protocol']}\n\n{history}"
              f"{info['contracts']} contracts ({info['failed']} failed), analyzer {info['analyzer']}, "
              f"commit {info['commit']}, {info['date']}.\n\n"
              f"Command: `{info['command']}`, then `python scripts/terms_results.py {portable_text(str(args.run))} {portable_text(str(args.out))}`.\n\n"
              f"{table(metrics['terms'], earlier)}\n")
    train = train_table()
    if train:
        readme += "\n" + train
    (args.out / "README.md").write_text(portable_text(readme), encoding="utf-8")
    print(readme)
    if args.out.resolve() == DEV.resolve():
        write_readme_block()


if __name__ == "__main__":
    main()
