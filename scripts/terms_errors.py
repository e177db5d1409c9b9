"""The key-terms extractor's misses on CUAD's train split, per field, to see their causes while developing rules.

Only the train split can be read here: the dev split is what the rules are scored on
(eval/results/terms-dev), so its misses are never looked at. Each miss prints CUAD's normalised answer,
the extracted value and the words it was read from; the last lines give each field's score on the
contracts read (the matching rule of eval/term_scores.py). The score is the one the rules were tuned on.

    python scripts/terms_errors.py --cuad $LEXRISK_CUAD_DIR --field parties --limit 100

Each text is read as the product and `lexrisk eval run --source txt` read it (contracts.ingest.load_document:
one space between words, at most one blank line); `--raw` reads the file's text as it is, as this script did
for the train figures 1-9 of eval/results/terms-train.

`--json PATH` also writes each field's train score there (eval/results/terms-train/: the figures the rules
were tuned on, next to the held-out ones of eval/results/terms-dev), with the match rate over the values
given (precision) and how many contracts CUAD gives no answer for were given a value (some are values CUAD
left out, some guesses: a count to read, not a score)."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

from contracts.cuad_split import in_split
from contracts.documents import Document
from contracts.ingest import load_document
from contracts.key_terms import TERM_FIELDS
from contracts.portable_paths import portable
from contracts.terms import extract_terms
from eval.gold import cuad_answers
from eval.term_scores import CATEGORY, FieldTally


def _shown(terms: object, field: str) -> tuple[object, str]:
    value = getattr(terms, field)
    if field == "parties":
        return [p.name for p in value], ""
    return (value.value, value.quote[:160]) if value is not None else (None, "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, required=True, help="the CUAD folder (master_clauses.csv, texts)")
    parser.add_argument("--field", action="append", choices=TERM_FIELDS, help="fields whose misses to list")
    parser.add_argument("--limit", type=int, default=None, help="read the first N train contracts by name")
    parser.add_argument("--offset", type=int, default=0,
                        help="skip the first N by name (with --limit: a slice, e.g. one kept aside to check on at the end)")
    parser.add_argument("--json", type=Path, default=None, help="write each field's train score to this file")
    parser.add_argument("--label", default="", help="what was measured, for --json (e.g. the extractor's commit)")
    parser.add_argument("--raw", action="store_true", help="read the files' raw text, not as the product reads them")
    args = parser.parse_args(argv)
    answers = cuad_answers(args.cuad)
    names = sorted(n for n in answers if in_split(n, "train"))[args.offset:][:args.limit]
    tallies = {field: FieldTally(field) for field in TERM_FIELDS}
    for name in names:
        path = args.cuad / "full_contract_txt" / name
        if not path.is_file():
            continue
        document = Document.from_text(name, path.read_text(encoding="utf-8")) if args.raw else load_document(path)
        terms = extract_terms(document)
        for field, tally in tallies.items():
            answer = answers[name].get(CATEGORY[field])
            score = tally.add(terms, answer)
            if score is not None and score < 1 and field in (args.field or ()):
                value, quote = _shown(terms, field)
                print(f"{field}  {name}\n  CUAD: {answer[:200]!r}\n  ours: {value!r}\n  from: {quote!r}")
    rows = {field: tally.row() for field, tally in tallies.items()}
    print(f"\ntrain split, {len(names)} contracts (the rules were tuned on these)")
    for field, row in rows.items():
        print(f"{field:40s} {row['contracts']:4d} {row['accuracy'] or 0:.3f}   given {row['given']:4d}: "
              f"{row['precision'] or 0:.3f}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(portable({
            "label": args.label, "split": "train", "contracts": len(names), "commit": _commit(),
            "command": shlex.join(["python", "scripts/terms_errors.py", *(argv if argv is not None else sys.argv[1:])]),
            "fields": {field: {"contracts": row["contracts"], "accuracy": row["accuracy"], "given": row["given"],
                               "precision": row["precision"],
                               "given_where_cuad_answers_nothing": tallies[field].unanswered}
                       for field, row in rows.items()}}), indent=1) + "\n", encoding="utf-8")
    return 0


def _commit() -> str | None:
    """The commit of the extractor measured: the checkout its `contracts` package was imported from (None
    outside a git checkout)."""
    import contracts

    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(contracts.__file__).resolve().parent,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
