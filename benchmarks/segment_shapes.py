"""Segmentation (`split_sentences` then `segment_clauses`) of 10 MiB of each of issue 29's text shapes, this
checkout against another commit's code in the same run, and whether the two segment every CUAD contract
the same way.

    git worktree add /tmp/base 8ca580f
    python benchmarks/segment_shapes.py --base /tmp/base [--cuad DIR] [--repeats 2]

The aim (issue 29): 10 MB of any of the shapes segmented in under 10 s on one core. Each measurement is one
child process per shape and version (CPU seconds, so the other work on a shared machine counts less), base
and new in turn, `--repeats` times; the table shows the median. Then every CUAD text is segmented by both
versions, each in one child process, and the sentence spans and clauses (offsets, numbers, headings, levels)
must be identical: the run fails otherwise. Prints a table and writes eval/results/segment_shapes.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from contracts.portable_paths import portable  # noqa: E402

MIB = 2**20
AIM_S = 10.0
SHAPES = {  # the text shapes, as bytes to repeat to 10 MiB
    "items": b"(a) x\n", "lorem": b"lorem ipsum ", "one sentence": b"The Supplier shall indemnify the Customer. ",
    "headings": b"ARTICLE I DEFINITIONS\n",
}

_TIME = """
import sys, time
from contracts.segment import segment_clauses, split_sentences
unit = bytes.fromhex(sys.argv[1])
text = (unit * (10 * 2**20 // len(unit))).decode()
split_sentences("Warm up. The sentencizer loads outside the clock.")
cpu = time.process_time(); s = split_sentences(text); split = time.process_time() - cpu
cpu = time.process_time(); c = segment_clauses(text); clauses = time.process_time() - cpu
print(split, clauses, len(s), len(c))
"""

# one digest per CUAD file: its sentences and clauses, exactly
_SEGMENT_ALL = """
import hashlib, json, sys
from pathlib import Path
from contracts.segment import segment_clauses, split_sentences
out = {}
for name in sys.argv[1:]:
    text = Path(name).read_text("utf-8", errors="replace")
    found = {"sentences": [[s.start, s.end] for s in split_sentences(text)],
             "clauses": [[c.start, c.end, c.number, c.heading, c.level] for c in segment_clauses(text)]}
    out[Path(name).name] = hashlib.sha256(json.dumps(found).encode()).hexdigest()
print(json.dumps(out))
"""


def _child(code: Path, script: str, args: list[str], timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(code)}
    run = subprocess.run([sys.executable, "-c", script, *args], cwd=code, env=env, capture_output=True, text=True,
                         timeout=timeout, check=False)
    if run.returncode != 0:
        raise SystemExit(f"the child with {code} on its path failed: {run.stderr.strip()[-2000:]}")
    return run.stdout


def time_shape(unit: bytes, code: Path, timeout: float) -> dict[str, Any]:
    try:
        split, clauses, n_sent, n_clauses = _child(code, _TIME, [unit.hex()], timeout).split()
    except subprocess.TimeoutExpired:
        return {"killed": True}
    return {"split_cpu_s": round(float(split), 2), "clauses_cpu_s": round(float(clauses), 2),
            "total_cpu_s": round(float(split) + float(clauses), 2), "sentences": int(n_sent),
            "clauses": int(n_clauses)}


def cuad_digests(code: Path, files: list[Path]) -> dict[str, str]:
    return json.loads(_child(code, _SEGMENT_ALL, [str(p) for p in files], 3600))


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return round(statistics.median(values), 2) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout of the code to compare with (main)")
    cuad = os.environ.get("LEXRISK_CUAD_DIR")
    parser.add_argument("--cuad", type=Path, default=Path(cuad) if cuad else None, help="CUAD folder")
    parser.add_argument("--repeats", type=int, default=2, help="runs per shape and version (median shown)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a child is killed")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "segment_shapes.json")
    args = parser.parse_args()
    console = Console()

    def rev(path: Path) -> str:
        return subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip()

    versions = {"base": args.base, "new": REPO}
    shapes: dict[str, dict[str, Any]] = {}
    for shape, unit in SHAPES.items():
        runs: dict[str, list[dict[str, Any]]] = {"base": [], "new": []}
        for _ in range(args.repeats):
            for label, code in versions.items():  # base and new in turn, so load hits both alike
                runs[label].append(time_shape(unit, code, args.timeout))
        shapes[shape] = {label: {"runs": got, "median_total_cpu_s": _median(got, "total_cpu_s"),
                                 "median_split_cpu_s": _median(got, "split_cpu_s"),
                                 "median_clauses_cpu_s": _median(got, "clauses_cpu_s")}
                         for label, got in runs.items()}
        same = {(r["sentences"], r["clauses"]) for got in runs.values() for r in got if "sentences" in r}
        shapes[shape]["same_counts"] = len(same) == 1
        console.print(f"{shape}: {shapes[shape]}", highlight=False)

    cuad_check: dict[str, Any] = {"checked": False}
    if args.cuad is not None and (args.cuad / "full_contract_txt").is_dir():
        from contracts.cuad import text_files

        files = text_files(args.cuad)
        digests = {label: cuad_digests(code, files) for label, code in versions.items()}
        differ = sorted(name for name in digests["base"] if digests["base"][name] != digests["new"].get(name))
        cuad_check = {"checked": True, "files": len(files), "identical": len(files) - len(differ), "differ": differ}
        console.print(f"CUAD: {cuad_check['identical']} of {len(files)} contracts segmented identically", highlight=False)

    table = Table(title=f"segmentation of 10 MiB per shape, CPU s (median of {args.repeats}): "
                        f"{rev(args.base)} (base) against {rev(REPO)} (new)")
    for column in ("shape", "base split", "base clauses", "base total", "new split", "new clauses", "new total",
                   "speed-up", f"new < {AIM_S:g} s"):
        table.add_column(column, justify="left" if column == "shape" else "right")
    for shape, both in shapes.items():
        b, n = both["base"], both["new"]
        speedup = (f"{b['median_total_cpu_s'] / n['median_total_cpu_s']:.2f}x"
                   if b["median_total_cpu_s"] and n["median_total_cpu_s"] else "-")
        table.add_row(shape, *(str(v[k]) for v in (b, n) for k in ("median_split_cpu_s", "median_clauses_cpu_s",
                                                                    "median_total_cpu_s")),
                      speedup, str(n["median_total_cpu_s"] is not None and n["median_total_cpu_s"] < AIM_S))
    console.print(table)

    report = {
        "benchmark": "segment_shapes", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_at_end": os.getloadavg()},
        "protocol": "one child process per shape, version and repeat; CPU seconds of split_sentences then "
                    "segment_clauses on 10 MiB of the shape, after a warm-up sentence (spaCy's load is not timed)",
        "base": {"path": portable(args.base), "rev": rev(args.base)}, "new": {"rev": rev(REPO)},
        "aim_s": AIM_S, "shapes": shapes, "cuad_identical": cuad_check,
        "meets_aim": all(s["new"]["median_total_cpu_s"] is not None and s["new"]["median_total_cpu_s"] < AIM_S
                         for s in shapes.values()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {portable(args.out)}", highlight=False)
    if cuad_check["checked"] and cuad_check["differ"]:
        raise SystemExit(f"{len(cuad_check['differ'])} CUAD contracts segment differently: {cuad_check['differ'][:5]}")


if __name__ == "__main__":
    main()
