"""`lexrisk compare CONTRACT.docx --template TEMPLATE.docx --format docx` on long pairs (300 to 1,800 clauses a
side), step by step, with this checkout's `contracts/compare` and `word` against a revision's (`--base-rev`,
default HEAD) in the same run: where a long pair's time goes, and whether a change to the comparison or to the
Word writers (the redline, the review copy's comments) moves it.

    python benchmarks/compare_long.py [--sizes 300 900 1800] [--shapes edited divergent] [--rounds 1]
                                      [--base-rev HEAD] [--base-packages contracts.compare word]
                                      [--cuad DIR] [--out eval/results/compare_long.json]

The pairs are built from CUAD's contract texts (`--cuad`, default $LEXRISK_CUAD_DIR): the template is CUAD
contracts (20 to 300 clauses each; every other file of a seeded shuffle) joined until it holds 90 to 100% of
N clauses; the contract is
  - edited: the template edited as benchmarks/compare_accuracy.py edits its pairs (eval/compare_pairs.py:
    delete, insert, reword, move, renumber, split, merge, number and party changes), N/150 of each kind;
  - divergent: the other files of the shuffle joined the same way, a draft that shares the template's genre and little
    else (the comparison finds it unaligned; the worst a lawyer can hand in).
Both sides are written as Word files, one paragraph per line of text, as a user's .docx would arrive.

What is timed: one `python -m lexrisk compare` process per run, as a user waits for it, from start to exit
(benchmarks/process_group.py: a session of its own, killed past `--kill-after`), and inside it each step the
command runs in its file worker under the file budget (LEXRISK_FILE_BUDGET_S, 20 s by default): reading and
analysing each file, comparing, the Word redline and the review copy. The base version runs the same command
with the modules of each package of `--base-packages` (default `contracts.compare` and `word`) loaded from
`git show BASE_REV:contracts/compare/*.py` and `BASE_REV:word/*.py` (everything else is this checkout), so the
two differ only by those packages' code; `--base-packages contracts.compare` alone compares the comparison
with today's Word writers on both sides. Base and new alternate, the order swapped each round; per pair and
version the median over the rounds."""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PACKAGES = ("contracts.compare", "word")  # the packages a base version can take from a revision
VERSIONS = ("base", "new")
STEPS = ("read contract", "read template", "compare", "redline.docx", "review.docx")
PHASES = {"comparing the template with": "compare", "building the redline of": "redline.docx",
          "building the review copy of": "review.docx"}
EDITS_PER_150 = {"delete": 2, "insert": 2, "reword": 3, "move": 1, "renumber": 2, "split": 1, "merge": 1,
                 "number": 2, "party": 1}  # benchmarks/compare_accuracy.py's STANDARD_EDITS, per 150 clauses


# ---- the child: one `lexrisk compare`, its steps timed, the packages' code from a revision or this tree ----

class _RevisionFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the base packages (`contracts.compare`, `word`) and their modules from a revision's sources, so
    that the base version runs the old comparison and Word writers inside today's command and worker (the
    worker forks from the command, so it inherits this finder and imports its lazy modules through it)."""

    def __init__(self, sources: dict[str, str], packages: Sequence[str]) -> None:
        self.sources = sources  # module name -> source text
        self.packages = set(packages)

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None,
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.sources:
            return None
        origin = REPO / Path(*fullname.split("."))
        is_package = fullname in self.packages
        spec = importlib.util.spec_from_loader(fullname, self, origin=str(origin / "__init__.py" if is_package
                                                                        else origin.with_suffix(".py")),
                                               is_package=is_package)
        if spec is not None and is_package:
            spec.submodule_search_locations = [str(origin)]
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        exec(compile(self.sources[module.__name__], module.__spec__.origin or module.__name__, "exec"),  # type: ignore[union-attr]
             module.__dict__)


def revision_sources(rev: str, packages: Sequence[str]) -> dict[str, str]:
    """Each package's `*.py` at `rev` (`contracts/compare/*.py`, `word/*.py`), by module name."""
    sources = {}
    for package in packages:
        folder = package.replace(".", "/") + "/"
        names = subprocess.run(["git", "-C", str(REPO), "ls-tree", "--name-only", rev, folder],
                               capture_output=True, text=True, check=True).stdout.split()
        for name in names:
            if name.endswith(".py"):
                text = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{name}"], capture_output=True,
                                      text=True, check=True).stdout
                stem = Path(name).stem
                sources[package if stem == "__init__" else f"{package}.{stem}"] = text
    return sources


def _loaded_from(packages: Sequence[str]) -> dict[str, str]:
    """Where each package's modules came from in this process: "revision", "tree", or "mixed" (a module the
    revision lacks comes from the tree). Imports them all, since the worker imported some only in its fork."""
    out = {}
    for package in packages:
        names = [package, *(f"{package}.{p.stem}" for p in sorted((REPO / package.replace(".", "/")).glob("*.py"))
                            if p.stem != "__init__")]
        kinds = {"revision" if isinstance(getattr(importlib.import_module(name).__spec__, "loader", None),
                                          _RevisionFinder) else "tree" for name in names}
        out[package] = kinds.pop() if len(kinds) == 1 else "mixed"
    return out


def _timed(fn: Callable[..., Any], label: Callable[..., str], steps: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            steps[label(*args)] = round(time.perf_counter() - started, 3)
    return wrapper


def child(argv: list[str]) -> int:
    """Run `lexrisk` with `argv` (after `--child STEPS_JSON BASE_REV|- PACKAGE,...`), each step's seconds written
    to STEPS_JSON: the file reads as `load` returns them, the worker's steps as `_within` returns them."""
    steps_path, rev, packages, rest = Path(argv[0]), argv[1], argv[2].split(","), argv[3:]
    if rev != "-":
        sys.meta_path.insert(0, _RevisionFinder(revision_sources(rev, packages), packages))
    import lexrisk.commands.compare as command

    steps: dict[str, float] = {}
    command.load = _timed(command.load, lambda path, *_: f"read {path.stem}", steps)
    command._within = _timed(command._within, lambda _w, call, _n: PHASES.get(call.phase, call.phase),
                             steps)
    from lexrisk.cli import main

    try:
        return main(rest)
    finally:
        steps_path.write_text(json.dumps({"steps": steps, "loaded_from": _loaded_from(packages)}))


# ---- the pairs ----------------------------------------------------------------------------------------------

def _joined(candidates: list[Path], clauses: int) -> str:
    """CUAD texts from `candidates`, in order, joined until they hold about `clauses` clauses (90 to 100%)."""
    from contracts.compare.align import units_of
    from contracts.ingest import load_document

    parts, count = [], 0
    for path in candidates:
        if count >= clauses * 0.9:
            break
        document = load_document(path)
        n = len(units_of(document))
        if 20 <= n <= 300 and count + n <= clauses:
            parts.append(document.text.strip())
            count += n
    return "\n\n".join(parts)


def _write_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))


def make_pairs(cuad: Path, sizes: list[int], shapes: list[str], folder: Path, seed: int) -> list[dict[str, Any]]:
    """The (template, contract) .docx files of every size and shape, and what they hold."""
    from contracts.compare.align import units_of
    from contracts.cuad import text_files
    from contracts.documents import Document
    from contracts.ingest import load_document
    from eval.compare_pairs import make_pair

    files = text_files(cuad)
    if not files:
        raise SystemExit(f"no CUAD texts under {cuad}: give --cuad or set LEXRISK_CUAD_DIR")
    order = random.Random(seed).sample(files, len(files))
    pairs = []
    for size in sizes:
        template_text = _joined(order[::2], size)  # a divergent draft draws on the other half
        template = Document.from_text("template", template_text)
        for shape in shapes:
            if shape == "edited":
                scale = max(1, size // 150)
                donors = [load_document(p) for p in order[1:10:2]]
                pair = make_pair(f"long-{size}", template, donors, random.Random(seed),
                                 counts={k: v * scale for k, v in EDITS_PER_150.items()})
                assert pair is not None  # a template of hundreds of clauses always makes a pair
                contract_text = pair.contract.text
            else:
                contract_text = _joined(order[1::2], size)
            where = folder / f"{shape}-{size}"
            where.mkdir(parents=True)
            _write_docx(template_text, where / "template.docx")
            _write_docx(contract_text, where / "contract.docx")
            pairs.append({"name": f"{shape} {size}", "shape": shape, "size": size, "folder": where,
                          "template_clauses": len(units_of(template)),
                          "contract_clauses": len(units_of(Document.from_text("contract", contract_text))),
                          "template_chars": len(template_text), "contract_chars": len(contract_text)})
    return pairs


# ---- the parent ---------------------------------------------------------------------------------------------

def run_once(pair: dict[str, Any], version: str, base_rev: str, packages: Sequence[str], folder: Path, tag: str,
             kill_after: float) -> dict[str, Any]:
    from benchmarks.process_group import MIB, run_group

    out, steps_path = folder / "out" / tag, folder / f"{tag}.steps.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", str(steps_path),
            base_rev if version == "base" else "-", ",".join(packages), "compare",
            str(pair["folder"] / "contract.docx"), "--template", str(pair["folder"] / "template.docx"), "--format", "docx", "--out", str(out)]
    run = run_group(argv, REPO, {**os.environ, "PYTHONPATH": str(REPO)}, kill_after)
    child_report = json.loads(steps_path.read_text()) if steps_path.exists() else {"steps": {}}
    err = [line for line in run.stderr.splitlines() if line.strip() and "Warning" not in line]
    return {"wall_s": round(run.wall_s, 2), "peak_group_mib": round(run.peak_bytes / MIB, 1),
            "exit": "killed" if run.killed else run.returncode, "steps_s": child_report["steps"],
            "loaded_from": child_report.get("loaded_from"),
            "files_written": sorted(p.name for p in out.iterdir()) if out.is_dir() else [],
            "stderr_last_line": err[-1][:240] if err else ""}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        raise SystemExit(child(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 900, 1800], help="clauses a side")
    parser.add_argument("--shapes", nargs="+", choices=("edited", "divergent"), default=["edited", "divergent"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--base-rev", default="HEAD", help="revision whose --base-packages are the base")
    parser.add_argument("--base-packages", nargs="+", choices=PACKAGES, default=list(PACKAGES),
                        help="packages the base version takes from --base-rev (the rest is this checkout)")
    parser.add_argument("--cuad", type=Path, default=Path(os.environ.get("LEXRISK_CUAD_DIR", REPO.parent / "shared"
                                                                           / "data" / "cuad")))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kill-after", type=float, default=240.0)
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "compare_long.json")
    args = parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    from lexrisk.settings import get_settings

    console = Console(width=None if sys.stdout.isatty() else 220)
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", args.base_rev], capture_output=True,
                         text=True, check=True).stdout.strip()
    load_at_start = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pairs = make_pairs(args.cuad, args.sizes, args.shapes, folder, args.seed)
        for pair in pairs:
            runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VERSIONS}
            for n in range(args.rounds):
                for version in VERSIONS if n % 2 == 0 else VERSIONS[::-1]:
                    tag = f"{pair['shape']}-{pair['size']}-{version}-{n}"
                    run = run_once(pair, version, args.base_rev, args.base_packages, folder, tag, args.kill_after)
                    runs[version].append(run)
                    console.print(f"{pair['name']} {version} #{n + 1}: {run}", highlight=False)
            row = {k: v for k, v in pair.items() if k != "folder"}
            for version in VERSIONS:
                row[version] = {"median_wall_s": round(statistics.median(r["wall_s"] for r in runs[version]), 2),
                                "median_steps_s": {s: round(statistics.median(r["steps_s"][s] for r in runs[version]),
                                                            3)
                                                   for s in STEPS if all(s in r["steps_s"] for r in runs[version])},
                                "runs": runs[version]}
            results.append(row)

    budget = get_settings().file_budget_s
    table = Table(title=f"lexrisk compare --format docx on long pairs: {' and '.join(args.base_packages)} at {rev} "
                        f"(base) and this checkout (new); seconds, median of {args.rounds}; file budget {budget:g} s "
                        f"per step; {os.cpu_count()} CPUs; load average {load_at_start[0]:.1f} at start")
    for column in ("pair", "clauses t/c", "chars t/c", "version", "whole", *STEPS, "outcome"):
        table.add_column(column, justify="left" if column in ("pair", "version", "outcome") else "right")
    for row in results:
        for version in VERSIONS:
            v, last = row[version], row[version]["runs"][-1]
            steps = v["median_steps_s"]
            outcome = (f"{len(last['files_written'])} files" if last["exit"] == 0
                       else f"exit {last['exit']}: {last['stderr_last_line'][:60]}")
            table.add_row(row["name"] if version == "base" else "",
                          f"{row['template_clauses']}/{row['contract_clauses']}" if version == "base" else "",
                          f"{row['template_chars'] // 1000}k/{row['contract_chars'] // 1000}k"
                          if version == "base" else "", version, f"{v['median_wall_s']:.2f}",
                          *(f"{steps[s]:.2f}" if s in steps else "-" for s in STEPS), outcome)
        table.add_section()
    console.print(table)
    result = {
        "benchmark": "compare_long",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/compare_long.py " + " ".join(
            a for a in sys.argv[1:] if not a.startswith("/")),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg()},
        "base": {"rev": rev, "packages": args.base_packages,
                 "what": " and ".join(f"{p.replace('.', '/')}/*.py" for p in args.base_packages)
                         + " from git show at this revision, the rest this checkout"},
        "new": {"uncommitted_changes": subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                                       *(p.replace(".", "/") for p in args.base_packages)],
                                                      capture_output=True, text=True).stdout.splitlines()},
        "file_budget_s": budget,
        "protocol": "one `python -m lexrisk compare CONTRACT.docx --template TEMPLATE.docx --format docx --out DIR` "
                    "per run and version (default analyzer, isolation as configured), wall seconds from start to "
                    "exit; steps: seconds each of the command's steps took as the command waited for it (reading "
                    "and analysing a file, the worker's comparison and Word files, the transfers included); base "
                    "and new alternate, the order swapped each round",
        "pairs": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
