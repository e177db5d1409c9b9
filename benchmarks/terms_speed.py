"""Time `analyze` per contract with and without the key terms, against the code before them, on one core.

Each setup runs in its own Python process pinned to one CPU, on the same CUAD contracts (every Nth text
file by name, so the draw is stable), with the embedded baseline analyzer; each contract is analysed
`--repeat` times in each of `--rounds` rounds, the setups taking turns, and its fastest time kept (the
least disturbed by other work on the machine):

- "with terms": this tree, as shipped (findings and the key terms);
- "without terms": this tree with the analyzer's `terms` step replaced by nothing (findings only);
- "before (<ref>)": the tree of `--before` (default b455a3a, the commit before the extractor), exported
  with `git archive` and run in this environment.

Prints a table and writes eval/results/terms_speed.json. The aim (issue #26): analysis stays within
0.15 s per contract on one core.

    python benchmarks/terms_speed.py --cuad $LEXRISK_CUAD_DIR --contracts 20"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "eval" / "results" / "terms_speed.json"
AIM_SECONDS = 0.15

CHILD = r"""
import json, os, sys, time
from pathlib import Path
os.sched_setaffinity(0, {int(sys.argv[4])})
from contracts.documents import Document
from contracts.playbook import load_playbook
from lexrisk.settings import get_settings
from analyzers import get_analyzer
settings = get_settings()
analyzer = get_analyzer("baseline", settings, load_playbook(settings.playbook))
from contracts.key_terms import KeyTerms
if sys.argv[2] == "without":
    analyzer.terms = lambda document: KeyTerms()  # none read: the findings alone
paths = [Path(p) for p in json.loads(sys.argv[1])]
docs = [Document.from_text(p.name, p.read_text(encoding="utf-8")) for p in paths]
analyzer.analyze(docs[0])


def timed(doc):
    started = time.perf_counter()
    analyzer.analyze(doc)
    return time.perf_counter() - started


out = []
for doc in docs:
    best = min(timed(doc) for _ in range(int(sys.argv[3])))
    result = analyzer.analyze(doc)
    out.append({"contract": doc.name, "chars": len(doc.text), "seconds": best, "findings": len(result.findings),
                "terms": result.terms is not None and result.terms != KeyTerms()})
print(json.dumps(out))
"""


def _run(tree: Path, mode: str, paths: list[Path], repeat: int, cpu: int) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(tree), "LEXRISK_INGEST_ISOLATION": "false"}
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps([str(p) for p in paths]), mode, str(repeat),
                           str(cpu)], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tree} {mode}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(label: str, rounds: list[list[dict]]) -> dict:
    """Each contract's fastest time over all rounds."""
    rows = [dict(r, seconds=min(round_[i]["seconds"] for round_ in rounds)) for i, r in enumerate(rounds[0])]
    seconds = [r["seconds"] for r in rows]
    return {"setup": label, "mean_s": statistics.fmean(seconds), "p50_s": statistics.median(seconds),
            "max_s": max(seconds), "within_aim": statistics.fmean(seconds) <= AIM_SECONDS, "contracts": rows}


def _portable(value):
    """Paths written as any checkout can read them (contracts.portable_paths), imported once the root is on the path."""
    sys.path.insert(0, str(ROOT))
    from contracts.portable_paths import portable

    return portable(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, default=Path(os.environ.get("LEXRISK_CUAD_DIR", "../shared/data/cuad")))
    parser.add_argument("--contracts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2, help="analyses per contract in a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the setups in turn; the fastest time is kept")
    parser.add_argument("--before", default="b455a3a", help="git commit to compare with (default: before #26)")
    parser.add_argument("--cpu", type=int, default=0, help="the CPU every setup is pinned to")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    texts = sorted((args.cuad / "full_contract_txt").glob("*.txt"))
    if not texts:
        raise SystemExit(f"no CUAD texts under {args.cuad / 'full_contract_txt'}")
    step = max(1, len(texts) // args.contracts)
    paths = texts[::step][: args.contracts]
    ref = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        setups = [("with terms", ROOT, "with"), ("without terms", ROOT, "without"), (f"before ({ref})", Path(tmp), "with")]
        # the setups take turns, round after round, so that a burst of load on a shared machine falls on all of them
        rounds: dict[str, list[list[dict]]] = {label: [] for label, _, _ in setups}
        for _ in range(args.rounds):
            for label, tree, mode in setups:
                rounds[label].append(_run(tree, mode, paths, args.repeat, args.cpu))
    results = [_summary(label, rounds[label]) for label, _, _ in setups]

    print(f"{len(paths)} CUAD contracts, baseline analyzer, 1 core, fastest of {args.rounds} rounds x {args.repeat}")
    print(f"{'setup':<22}{'mean s':>9}{'p50 s':>9}{'max s':>9}  within {AIM_SECONDS} s")
    for r in results:
        print(f"{r['setup']:<22}{r['mean_s']:>9.4f}{r['p50_s']:>9.4f}{r['max_s']:>9.4f}  {r['within_aim']}")
    terms_cost = [a["seconds"] - b["seconds"] for a, b in zip(results[0]["contracts"], results[1]["contracts"],
                                                              strict=True)]
    print(f"the terms add {statistics.fmean(terms_cost) * 1000:.1f} ms per contract on average "
          f"(max {max(terms_cost) * 1000:.1f} ms)")
    payload = {"command": "python benchmarks/terms_speed.py " + " ".join(sys.argv[1:]),
               "machine": platform.machine(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
               "contracts": len(paths), "repeat": args.repeat, "rounds": args.rounds,
               "load_average_at_end": os.getloadavg(), "aim_seconds_per_contract": AIM_SECONDS,
               "terms_added_mean_s": statistics.fmean(terms_cost), "terms_added_max_s": max(terms_cost),
               "results": results}
    args.out.write_text(json.dumps(_portable(payload), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
