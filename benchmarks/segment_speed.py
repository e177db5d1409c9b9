"""Sentence splitting speed, and whether the sentences are unchanged: `split_sentences` as shipped
(blocks the sentencizer cannot cut are taken whole) against the named alternative, spaCy on every
block (`whole_blocks=False`, the code before issue 11's fix), in one run, on

- 10 MB of short numbered lines ("1. Item", as benchmarks/fuzz_ingest.py builds it), the input that
  took 37 s to analyze;
- CUAD contracts (the first `--cuad-limit` txt files), where the spans must be identical.

Then `lexrisk analyze` end to end on the 10 MB file (a child process: wall time, CPU time, peak memory).
With `--compare-ref` (default: a9d2927, the code before issue 11's clause, scoring and memory work) the
sentences, clauses and findings of the same CUAD contracts are computed by that version's `contracts`
and `serving` and by this checkout's (benchmarks/segment_outputs.py, each in a child process), and must
be equal.

    python benchmarks/segment_speed.py [--cuad DIR] [--cuad-limit 100] [--no-analyze] [--compare-ref REF]

Prints a table and writes eval/results/segment_speed.json. CPU seconds are reported beside wall seconds
because the machine is shared: the load average is recorded too."""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts.cuad import text_files  # noqa: E402
from contracts.segment import split_sentences  # noqa: E402

MIB = 2**20
RESULTS = ROOT / "eval" / "results" / "segment_speed.json"


def numbered_lines() -> str:
    return "".join(f"{i % 999 + 1}. Item\n" for i in range(1_200_000))[:10 * MIB]


def _timed(text: str, whole_blocks: bool) -> tuple[list[tuple[int, int]], float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    spans = [(s.start, s.end) for s in split_sentences(text, whole_blocks=whole_blocks)]
    return spans, time.perf_counter() - wall, time.process_time() - cpu


def compare(name: str, texts: list[str]) -> dict:
    """Both ways over `texts`: seconds (wall, CPU), sentences, and whether every text gave the same spans."""
    totals = {"whole_blocks": [0.0, 0.0, 0], "spacy_every_block": [0.0, 0.0, 0]}
    identical = True
    for text in texts:
        found = {}
        for label, whole in (("whole_blocks", True), ("spacy_every_block", False)):
            spans, wall, cpu = _timed(text, whole)
            t = totals[label]
            t[0], t[1], t[2] = t[0] + wall, t[1] + cpu, t[2] + len(spans)
            found[label] = spans
        identical = identical and found["whole_blocks"] == found["spacy_every_block"]
    return {"input": name, "texts": len(texts), "chars": sum(len(t) for t in texts), "identical": identical,
            **{label: {"wall_s": round(w, 2), "cpu_s": round(c, 2), "sentences": n} for label, (w, c, n) in totals.items()}}


def analyze_end_to_end(text: str) -> dict:
    """`lexrisk analyze` on the text as a .txt file, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.txt"
        path.write_text(text, "utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "lexrisk.cli", "analyze", "--format", "json", "--out", tmp,
                              str(path)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             capture_output=True, text=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"exit_status": run.returncode, "wall_s": round(wall, 2),
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "peak_rss_mib": round(after.ru_maxrss / 1024, 1),  # of any child so far: this is the only one
            "stderr_tail": run.stderr.strip().splitlines()[-1:] if run.returncode else []}


def _outputs(pythonpath: Path, files: list[Path]) -> dict:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "segment_outputs.py"), *map(str, files)],
                         cwd=pythonpath, env={**os.environ, "PYTHONPATH": str(pythonpath)},
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"segment_outputs.py with {pythonpath} failed: {run.stderr.strip()[-2000:]}")
    return json.loads(run.stdout)


def compare_ref(ref: str, files: list[Path]) -> dict:
    """Sentences, clauses and findings of `files` by git `ref`'s code and by this checkout's: equal?"""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "contracts", "serving"],
                             check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        before = _outputs(Path(tmp), files)
    after = _outputs(ROOT, files)
    differing = {kind: sorted(name for name in before if before[name][kind] != after.get(name, {}).get(kind))
                 for kind in ("sentences", "clauses", "analysis")}
    return {"ref": ref, "files": len(files), "identical": before == after, "differing": differing,
            "sentences": sum(len(o["sentences"]) for o in after.values()),
            "clauses": sum(len(o["clauses"]) for o in after.values()),
            "findings": sum(len(o["analysis"]["findings"]) for o in after.values())}


def _write(out: Path, rows: list[dict], analyze: dict | None, against_ref: dict | None) -> None:
    load = os.getloadavg()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "segment_speed", "when": datetime.now(UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_1_5_15": [round(x, 2) for x in load]},
        "split": rows, "analyze_10mb_lines": analyze, "against_ref": against_ref}, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, default=Path(os.environ.get("LEXRISK_CUAD_DIR", ROOT.parent / "shared" / "data" / "cuad")))
    parser.add_argument("--cuad-limit", type=int, default=100)
    parser.add_argument("--no-analyze", action="store_true", help="skip `lexrisk analyze` on the 10 MB file")
    parser.add_argument("--compare-ref", default="a9d2927",
                        help="git ref whose sentences, clauses and findings on the CUAD files must equal this "
                             "checkout's ('' to skip)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    # spaCy loads here, not in the first measurement (a text none of whose blocks needs it never loads it)
    split_sentences("1. Warm up. Both paths.", whole_blocks=False)
    files = text_files(args.cuad)[:args.cuad_limit]
    if not files:
        raise SystemExit(f"no CUAD txt files under {args.cuad} (--cuad)")
    lines = numbered_lines()
    rows: list[dict] = []
    analyze = against_ref = None
    # the JSON is written after each step, so that a run cut short on a busy machine still says what it measured
    rows.append(compare(f"CUAD contracts ({len(files)})", [p.read_text("utf-8", errors="replace") for p in files]))
    _write(args.out, rows, analyze, against_ref)
    rows.append(compare("10 MB of short numbered lines", [lines]))
    _write(args.out, rows, analyze, against_ref)
    if args.compare_ref:
        against_ref = compare_ref(args.compare_ref, files)
        _write(args.out, rows, analyze, against_ref)
    if not args.no_analyze:
        analyze = analyze_end_to_end(lines)
        _write(args.out, rows, analyze, against_ref)

    table = Table(title=f"split_sentences: whole blocks vs spaCy on every block (load average {os.getloadavg()[0]:.1f})")
    for column in ("input", "texts", "MB", "whole: wall s", "whole: CPU s", "spaCy every block: wall s",
                   "spaCy every block: CPU s", "sentences", "identical"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(r["input"], str(r["texts"]), f"{r['chars'] / MIB:.1f}", str(r["whole_blocks"]["wall_s"]),
                      str(r["whole_blocks"]["cpu_s"]), str(r["spacy_every_block"]["wall_s"]),
                      str(r["spacy_every_block"]["cpu_s"]), str(r["whole_blocks"]["sentences"]), str(r["identical"]))
    Console().print(table)
    if analyze:
        Console().print(f"lexrisk analyze, 10 MB of numbered lines: exit {analyze['exit_status']}, {analyze['wall_s']} s wall, "
                        f"{analyze['cpu_s']} s CPU, peak {analyze['peak_rss_mib']} MiB")
    if against_ref:
        Console().print(f"against {against_ref['ref']} on {against_ref['files']} CUAD contracts: "
                        f"{'identical' if against_ref['identical'] else 'DIFFERENT'} ({against_ref['sentences']} "
                        f"sentences, {against_ref['clauses']} clauses, {against_ref['findings']} findings; "
                        f"differing: {against_ref['differing']})")
    print(f"wrote {args.out}")
    if against_ref and not against_ref["identical"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
