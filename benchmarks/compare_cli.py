"""The whole of `lexrisk compare CONTRACT --template TEMPLATE` as a user waits for it: this checkout against
the code before the comparison's steps ran under the file budget (`--base`, a `git worktree` of d1bf7d2), in
the same run.

    git worktree add /tmp/base d1bf7d2
    python benchmarks/compare_cli.py --base /tmp/base [--rounds 3] [--hostile-rounds 1] [--kill-after 180]
                                     [--out eval/results/compare_cli.json]

What is timed: the whole command, one `python -m lexrisk compare ...` process per run, from its start to its
exit: the interpreter's start and imports, loading the analyzer, starting the file worker, reading and
analysing both files, comparing, and writing the table (stdout to a file, not a terminal) or the Word files.
Each run is a session of its own (benchmarks/process_group.py, shared with analyze_per_file.py); while it runs
the proportional memory (PSS) of every process in its group, the command and its file worker, is summed every
0.1 s. Per run: wall seconds, the group's peak memory, the exit status, the first line on stderr, the last line
on stdout and the files written. A run past `--kill-after` seconds is killed and reported so. Base and new run
the same case in turn, the order swapped each round (base first in the first round); per case and version the
fastest and the median wall seconds over the rounds. One untimed run of each version comes first, so that
neither pays for a cold file cache.

The cases, each with both versions and the same input files (this checkout's):
  - msa table: examples/contracts/master_services_agreement.txt against examples/templates/
    master_services_agreement.txt, `--format table`, the default analyzer (baseline);
  - msa table, no analyzer: the same, `--analyzer none`;
  - msa docx: the same pair, `--format docx --out DIR` (a fresh folder per run), the default analyzer;
  - hostile table, no analyzer, and hostile docx (the default analyzer): tests/serving/test_compare_cli.py's
    hostile pair, generated here with its own `_hostile_pair`: a template and a draft of one paragraph each,
    8,000 numbered clauses ("Clause 17: the Supplier shall deliver goods number 17."), every seventh reworded
    in the draft (466k and 470k characters); the comparison sees one long clause, modified, whose word-by-word
    redline grows faster than its length. The old code runs each step in the command to its end, unbounded;
    the new runs each step (reading and analysing each file, the comparison, each Word file) in the file worker
    under LEXRISK_FILE_BUDGET_S (default 20 s) and past it stops with one line on stderr and status 2. A step
    that ends within the budget is not stopped: the numbers say which did."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.process_group import MIB, run_group  # noqa: E402
from contracts.portable_paths import absolute_paths, portable  # noqa: E402
from tests.serving.test_compare_cli import _hostile_pair  # noqa: E402

BASE_COMMIT = "d1bf7d2"
HOSTILE_CLAUSES = 8000
CONTRACT = REPO / "examples" / "contracts" / "master_services_agreement.txt"
TEMPLATE = REPO / "examples" / "templates" / "master_services_agreement.txt"
VERSIONS = ("base", "new")


@dataclass(frozen=True)
class Case:
    name: str
    contract: Path
    template: Path
    options: tuple[str, ...]  # after CONTRACT --template TEMPLATE; --out DIR added for docx
    hostile: bool

    @property
    def writes_files(self) -> bool:
        return "docx" in self.options


def cases(folder: Path) -> list[Case]:
    draft, ours = _hostile_pair(folder, HOSTILE_CLAUSES)
    return [
        Case("msa table", CONTRACT, TEMPLATE, ("--format", "table"), hostile=False),
        Case("msa table, no analyzer", CONTRACT, TEMPLATE, ("--analyzer", "none", "--format", "table"), hostile=False),
        Case("msa docx", CONTRACT, TEMPLATE, ("--format", "docx"), hostile=False),
        Case("hostile table, no analyzer", draft, ours, ("--analyzer", "none", "--format", "table"), hostile=True),
        Case("hostile docx", draft, ours, ("--format", "docx"), hostile=True),
    ]


def run_case(case: Case, code: Path, folder: Path, tag: str, kill_after: float) -> dict[str, Any]:
    """One `lexrisk compare` of the case with `code` on PYTHONPATH, in `code`."""
    argv = [sys.executable, "-m", "lexrisk", "compare", str(case.contract), "--template", str(case.template),
            *case.options]
    out = folder / "out" / tag
    if case.writes_files:
        argv += ["--out", str(out)]
    stdout_path = folder / "stdout.txt"
    with stdout_path.open("wb") as stdout:
        run = run_group(argv, code, {**os.environ, "PYTHONPATH": str(code)}, kill_after, stdout=stdout)
    err_lines = [line for line in run.stderr.splitlines() if line.strip()]
    out_lines = [line for line in stdout_path.read_text(errors="replace").splitlines() if line.strip()]
    row: dict[str, Any] = {"wall_s": round(run.wall_s, 2), "peak_group_mib": round(run.peak_bytes / MIB, 1),
                           "exit": run.returncode, "killed": run.killed,
                           "stderr_first_line": err_lines[0][:240] if err_lines else "",
                           "stderr_lines": len(err_lines), "stdout_last_line": out_lines[-1][:240] if out_lines else ""}
    if case.writes_files:
        row["files_written"] = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    return row


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in runs]
    return {"fastest_s": min(walls), "median_s": round(statistics.median(walls), 2),
            "peak_group_mib": max(r["peak_group_mib"] for r in runs),
            "exits": sorted({"killed" if r["killed"] else str(r["exit"]) for r in runs}),
            "stderr_first_lines": sorted({r["stderr_first_line"] for r in runs}),
            "runs": runs}


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True).stdout.strip()


def outcome(version: dict[str, Any], case: Case) -> str:
    last = version["runs"][-1]
    if last["killed"]:
        return "killed"
    if case.writes_files:
        files = last.get("files_written", [])
        return f"{len(files)} files written" if files else "no file written"
    return last["stdout_last_line"][:70]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help=f"checkout of the code before ({BASE_COMMIT})")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each small case per version")
    parser.add_argument("--hostile-rounds", type=int, default=1, help="runs of each hostile case per version")
    parser.add_argument("--kill-after", type=float, default=180.0, help="seconds before a run is killed")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "compare_cli.json")
    args = parser.parse_args()
    console = Console(width=None if sys.stdout.isatty() else 200)
    base = args.base.resolve()
    revs = {"base": git(base, "rev-parse", "--short", "HEAD"), "new": git(REPO, "rev-parse", "--short", "HEAD")}
    codes = {"base": base, "new": REPO}
    load_at_start = os.getloadavg()
    from lexrisk.settings import get_settings

    settings = get_settings()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        all_cases = cases(folder)
        warmup = {label: run_case(all_cases[0], codes[label], folder, f"warmup-{label}", args.kill_after)["wall_s"]
                  for label in VERSIONS}
        console.print(f"warm-up (untimed): {warmup}", highlight=False)
        for case in all_cases:
            rounds = args.hostile_rounds if case.hostile else args.rounds
            if rounds < 1:
                continue
            runs: dict[str, list[dict[str, Any]]] = {label: [] for label in VERSIONS}
            for n in range(rounds):
                for label in VERSIONS if n % 2 == 0 else VERSIONS[::-1]:
                    tag = f"{case.name.replace(' ', '_').replace(',', '')}-{label}-{n}"
                    run = run_case(case, codes[label], folder, tag, args.kill_after)
                    runs[label].append(run)
                    console.print(f"{case.name} {label} #{n + 1}: {run}", highlight=False)
            row: dict[str, Any] = {"case": case.name, "hostile": case.hostile, "rounds": rounds,
                                   "contract": case.contract, "template": case.template,
                                   "contract_chars": len(case.contract.read_text()),
                                   "template_chars": len(case.template.read_text()),
                                   "options": [*case.options, *(["--out", "DIR"] if case.writes_files else [])]}
            row.update({label: summarize(runs[label]) for label in VERSIONS})
            row["new_over_base_median"] = round(row["new"]["median_s"] / row["base"]["median_s"], 2)
            results.append(row)

    title = (f"lexrisk compare, the whole command, one process per run: {revs['base']} (base) against "
             f"{revs['new']} (new); {os.cpu_count()} CPUs")
    table = Table(title=title)
    for column in ("case", "version", "rounds", "fastest s", "median s", "new/base", "peak MiB", "exit", "output",
                   "stderr, first line"):
        table.add_column(column, justify="left" if column in ("case", "version", "output", "stderr, first line")
                         else "right", overflow="fold")
    for row in results:
        case = next(c for c in all_cases if c.name == row["case"])
        for label in VERSIONS:
            v = row[label]
            table.add_row(row["case"] if label == "base" else "", label, str(row["rounds"]), f"{v['fastest_s']:.2f}",
                          f"{v['median_s']:.2f}", f"{row['new_over_base_median']:.2f}" if label == "new" else "",
                          f"{v['peak_group_mib']:.0f}", ",".join(v["exits"]), outcome(v, case),
                          " | ".join(line for line in v["stderr_first_lines"] if line)[:110])
        table.add_section()
    console.print(table)

    command = ["python", "benchmarks/compare_cli.py",
               *(arg.replace(str(args.base), "$BASE") for arg in sys.argv[1:])]
    result = {
        "benchmark": "compare_cli",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg()},
        "command": " ".join(command),
        "protocol": "one `python -m lexrisk compare CONTRACT --template TEMPLATE ...` per run and version, each in a "
                    "session of its own, with the version's checkout as working directory and PYTHONPATH; wall "
                    "seconds from start to exit (the interpreter's start included), stdout to a file; memory: the "
                    "sum of PSS over the process group (the command and its file worker), sampled every 0.1 s, "
                    "its peak; base and new alternate, the order swapped each round; one untimed warm-up run of "
                    "each version first (the msa table case)",
        "base": {"path": "$BASE", "made_with": f"git worktree add $BASE {BASE_COMMIT}", "rev": revs["base"]},
        "new": {"rev": revs["new"], "uncommitted_changes": bool(git(REPO, "status", "--porcelain"))},
        "file_budget": {"seconds": settings.file_budget_s, "group_mib": settings.file_memory_mb},
        "hostile_pair": {"generator": "tests/serving/test_compare_cli.py _hostile_pair", "clauses": HOSTILE_CLAUSES},
        "kill_after_s": args.kill_after,
        "warmup_wall_s": warmup,
        "cases": results,
    }
    text = json.dumps(result, default=str)
    for form in {str(args.base), str(base)}:  # the base checkout's path, in a command line or a message
        text = text.replace(form, "$BASE")
    text = json.dumps(portable(json.loads(text)), indent=2) + "\n"
    if hits := absolute_paths(text):
        console.print(f"warning: absolute paths left in the results: {hits}", highlight=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
