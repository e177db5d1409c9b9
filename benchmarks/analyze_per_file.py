"""The whole of `lexrisk analyze`, one process per file, on a hostile corpus: this checkout against the code
before issue 29 (`--base`, a `git worktree` of b455a3a) in the same run.

    git worktree add /tmp/base b455a3a
    python benchmarks/analyze_per_file.py --base /tmp/base [--out eval/results/analyze_per_file.json]

benchmarks/fuzz_ingest.py times only the reading; the eight files the issue found slow spent their time in
reading a page that unpacks to 12-40 MB, or in `split_sentences` during the analysis, which nothing timed.
Here each file is one `python -m lexrisk analyze FILE --format json` in a session of its own, and while it
runs the proportional memory (PSS) of every process in its group is summed every 0.1 s: the command, its
reader or analysis worker, all counted once. Per file and version: wall seconds, the group's peak memory,
the exit status and the first line on stderr. A run past `--kill-after` seconds is killed and reported so.

The corpus: the issue's shapes (10-24 MB of text: one-line items, words without a stop, one sentence over
and over, a heading a million times), 10 MB of numbered lines, a 60 KB PDF whose page unpacks to 18 MB of
text operators (and one of 38 MB), and as the normal case the three example contracts and CUAD's longest.

A second table times segmentation alone (`split_sentences` and `segment_clauses`, CPU seconds, one process
per shape and version) on 10 MB of each shape: the aim is under 10 s on one core."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.process_group import run_group  # noqa: E402
from contracts.portable_paths import portable  # noqa: E402
from lexrisk.testing import hostile_files as hostile  # noqa: E402

MIB = 2**20
BUDGET_S, BUDGET_BYTES = 20.0, 1024 * MIB
SHAPES = {  # the text shapes, as bytes to repeat
    "items": b"(a) x\n", "lorem": b"lorem ipsum ", "one sentence": b"The Supplier shall indemnify the Customer. ",
    "headings": b"ARTICLE I DEFINITIONS\n",
}
PDF_LINE = b"BT /F1 12 Tf 72 700 Td (The Supplier shall indemnify the Customer against all claims.) Tj ET\n"


def corpus(folder: Path, cuad: Path | None) -> list[tuple[str, Path]]:
    """(what it is, path) of every file, written into `folder`."""
    files: dict[str, tuple[str, bytes]] = {
        "items.txt": ("10.2 MB of '(a) x' lines", b"(a) x\n" * 1_700_000),
        "lorem.txt": ("24 MB of words without a stop", b"lorem ipsum " * 2_000_000),
        "sentence.txt": ("6 MB of one sentence repeated", b"The Supplier shall indemnify the Customer. " * 140_000),
        "headings.txt": ("22 MB of one heading per line", b"ARTICLE I DEFINITIONS\n" * 1_000_000),
        "numbered.txt": ("10 MB of numbered lines", "".join(f"{i % 999 + 1}. Item\n" for i in range(1_200_000))
                         .encode()[:10 * MIB]),
        "page18.pdf": ("PDF, 1 page unpacking to 18 MB", hostile.raw_pdf(zlib.compress(PDF_LINE * 200_000, 9),
                                                                          filters="/Filter /FlateDecode")),
        "page38.pdf": ("PDF, 1 page unpacking to 38 MB", hostile.raw_pdf(zlib.compress(PDF_LINE * 420_000, 9),
                                                                          filters="/Filter /FlateDecode")),
    }
    out = []
    for name, (what, data) in files.items():
        (folder / name).write_bytes(data)
        out.append((what, folder / name))
    for path in sorted((REPO / "examples" / "contracts").iterdir()):
        if path.suffix in (".pdf", ".docx", ".txt"):
            out.append((f"example contract ({path.suffix[1:]})", path))
    if cuad is not None and (cuad / "full_contract_txt").is_dir():
        longest = max((cuad / "full_contract_txt").glob("*.txt"), key=lambda p: p.stat().st_size)
        out.append(("CUAD's longest contract (txt)", longest))
    return out


def run_one(path: Path, code: Path, kill_after: float) -> dict[str, Any]:
    """One `lexrisk analyze` of `path` with `code` on PYTHONPATH: wall s, group peak PSS, exit, first error."""
    env = {**os.environ, "PYTHONPATH": str(code), "LEXRISK_CUAD_DIR": os.environ.get("LEXRISK_CUAD_DIR", "")}
    run = run_group([sys.executable, "-m", "lexrisk", "analyze", str(path), "--format", "json"], code, env,
                    kill_after)
    lines = [line for line in run.stderr.splitlines() if line.startswith("lexrisk:")]
    return {"wall_s": round(run.wall_s, 2), "peak_group_mib": round(run.peak_bytes / MIB, 1), "exit": run.returncode,
            "killed": run.killed, "message": (lines[0][:200] if lines else "")}


_SEGMENT = """
import sys, time
from contracts.segment import split_sentences, segment_clauses
unit = bytes.fromhex(sys.argv[1])
text = (unit * (10 * 2**20 // len(unit))).decode()
cpu = time.process_time(); s = split_sentences(text); split = time.process_time() - cpu
cpu = time.process_time(); c = segment_clauses(text); clauses = time.process_time() - cpu
print(split, clauses, len(s), len(c))
"""


def segment_one(unit: bytes, code: Path, kill_after: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    try:
        run = subprocess.run([sys.executable, "-c", _SEGMENT, unit.hex()],
                             cwd=code, env=env, capture_output=True, text=True, timeout=kill_after)
    except subprocess.TimeoutExpired:
        return {"killed": True}
    split, clauses, n_sent, n_clauses = run.stdout.split()
    return {"split_cpu_s": round(float(split), 2), "clauses_cpu_s": round(float(clauses), 2),
            "total_cpu_s": round(float(split) + float(clauses), 2), "sentences": int(n_sent),
            "clauses": int(n_clauses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout of the code to compare with (b455a3a)")
    cuad = os.environ.get("LEXRISK_CUAD_DIR")
    parser.add_argument("--cuad", type=Path, default=Path(cuad) if cuad else None, help="CUAD folder")
    parser.add_argument("--kill-after", type=float, default=150.0, help="seconds before a run is killed")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "analyze_per_file.json")
    args = parser.parse_args()
    console = Console()
    base_rev = subprocess.run(["git", "-C", str(args.base), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
    new_rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for what, path in corpus(Path(tmp), args.cuad):
            row: dict[str, Any] = {"file": path.name, "what": what, "bytes": path.stat().st_size}
            for label, code in (("base", args.base), ("new", REPO)):  # the same file, both versions, in turn
                row[label] = run_one(path, code, args.kill_after)
                console.print(f"{path.name} {label}: {row[label]}", highlight=False)
            rows.append(row)
    segmentation: dict[str, dict[str, dict[str, Any]]] = {}
    for shape, unit in SHAPES.items():
        segmentation[shape] = {label: segment_one(unit, code, args.kill_after)
                               for label, code in (("base", args.base), ("new", REPO))}
        console.print(f"segment {shape}: {segmentation[shape]}", highlight=False)

    table = Table(title=f"lexrisk analyze, one process per file: {base_rev} (base) against {new_rev} (new)")
    for column in ("file", "MB", "base s", "base MiB", "base exit", "new s", "new MiB", "new exit", "new says"):
        table.add_column(column, justify="right" if column not in ("file", "new says") else "left")
    for row in rows:
        b, n = row["base"], row["new"]
        table.add_row(row["file"], f"{row['bytes'] / 1e6:.1f}", f"{b['wall_s']:.1f}", f"{b['peak_group_mib']:.0f}",
                      "killed" if b["killed"] else str(b["exit"]), f"{n['wall_s']:.1f}", f"{n['peak_group_mib']:.0f}",
                      "killed" if n["killed"] else str(n["exit"]), n["message"][:70])
    console.print(table)
    seg = Table(title="segmentation of 10 MiB of each shape (CPU s, one process each)")
    for column in ("shape", "base split", "base clauses", "new split", "new clauses", "new total"):
        seg.add_column(column, justify="right")
    for shape, both in segmentation.items():
        b, n = both["base"], both["new"]
        seg.add_row(shape, str(b.get("split_cpu_s", "killed")), str(b.get("clauses_cpu_s", "killed")),
                    str(n.get("split_cpu_s", "killed")), str(n.get("clauses_cpu_s", "killed")),
                    str(n.get("total_cpu_s", "killed")))
    console.print(seg)

    def worst(label: str, key: str) -> dict[str, Any]:
        row = max(rows, key=lambda r: r[label][key])
        return {"file": row["file"], key: row[label][key]}

    summary = {label: {"slowest": worst(label, "wall_s"), "largest_group_memory": worst(label, "peak_group_mib"),
                       "killed": sum(r[label]["killed"] for r in rows)} for label in ("base", "new")}
    summary["new"]["meets_budget"] = (summary["new"]["slowest"]["wall_s"] < BUDGET_S
                                      and summary["new"]["largest_group_memory"]["peak_group_mib"] < BUDGET_BYTES / MIB)
    console.print(summary, highlight=False)
    result = {
        "benchmark": "analyze_per_file",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_at_end": os.getloadavg()},
        "protocol": "one `python -m lexrisk analyze FILE --format json` per file and version, each in a session of "
                    "its own; wall seconds from start to exit (the command's own start included); memory: the sum "
                    "of PSS over the process group, sampled every 0.1 s; base and new alternate file by file",
        "base": {"path": str(args.base), "rev": base_rev}, "new": {"rev": new_rev},
        "budget": {"seconds": BUDGET_S, "group_mib": BUDGET_BYTES / MIB},
        "files": rows, "segmentation_10mib_cpu_s": segmentation, "summary": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(portable(result), indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
