"""Analyzer speed on the CUAD txt files: load time, per-contract latency (p50/p90) on one thread and
contracts per second, for the shipped baseline and, measured in the same run, two named alternatives: the
same model reading its n-grams through sklearn's vectorizers instead of `presence.py` (identical
features, the way it ran before), and the plain TF-IDF + logistic regression sentence classifier
(sentence words only, no character n-grams) trained here on the same train contracts.

    .venv/bin/python benchmarks/analyzer_speed.py [--cuad DIR] [--limit N]

Prints a table and writes eval/results/analyzer_speed.json. Goal (issue 2): the median CUAD contract in
under 0.1 s after loading once, loading under 3 s."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one thread: the latency a single worker sees

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402
from rich.table import Table  # noqa: E402

RESULTS = Path(__file__).resolve().parents[1] / "eval" / "results" / "analyzer_speed.json"


def measure(name: str, folder: Path, texts: list[tuple[str, str]], *, sklearn_features: bool = False) -> dict:
    from analyzers.baseline import BaselineAnalyzer
    from contracts.documents import Document

    started = time.perf_counter()
    analyzer = BaselineAnalyzer.load(folder)
    load_s = time.perf_counter() - started
    if sklearn_features:
        analyzer.model.featurizer.presence.clear()  # every block falls back to its sklearn vectorizer
    analyzer.analyze(Document.from_text("warm-up", texts[0][1]))
    latencies, findings = [], 0
    for file_name, text in track(texts, description=f"{name}", transient=True):
        document = Document.from_text(file_name, text)
        t0 = time.perf_counter()
        result = analyzer.analyze(document)
        latencies.append(time.perf_counter() - t0)
        findings += len(result.findings)
    latencies.sort()
    return {
        "analyzer": name,
        "model": str(folder),
        "load_s": load_s,
        "contracts": len(texts),
        "p50_s": statistics.median(latencies),
        "p90_s": latencies[int(0.9 * (len(latencies) - 1))],
        "max_s": latencies[-1],
        "contracts_per_s": len(latencies) / sum(latencies),
        "findings": findings,
    }


def main() -> None:
    from analyzers.baseline import shipped_model_dir
    from contracts.cuad import text_files
    from contracts.portable_paths import portable
    from contracts.taxonomy import risk_categories
    from lexrisk.settings import get_settings
    from training.baseline.corpus import load_contracts
    from training.baseline.train import PLAIN, prepare, split, train

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, default=get_settings().cuad_dir)
    parser.add_argument("--limit", type=int, help="time only the first N contracts")
    args = parser.parse_args()
    console = Console()

    paths = text_files(args.cuad)[: args.limit]
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    rows = [measure("baseline (shipped)", shipped_model_dir(), texts),
            measure("baseline, sklearn vectorizers", shipped_model_dir(), texts, sklearn_features=True)]
    if rows[0]["findings"] != rows[1]["findings"]:
        raise SystemExit("the two featurizing paths found different risks: presence.py is not equivalent")

    console.print("training the plain TF-IDF + LR alternative on the train contracts ...")
    train_docs, dev_docs = split(prepare(load_contracts(args.cuad), risk_categories()))
    with tempfile.TemporaryDirectory() as tmp:
        train(args.cuad, PLAIN, train_docs=train_docs, dev_docs=dev_docs).model.save(Path(tmp))
        rows.append(measure("plain TF-IDF+LR", Path(tmp), texts))
        rows[-1]["model"] = "trained in this run (training.baseline.train.PLAIN)"

    table = Table(title=f"Analyzer speed on {len(texts)} CUAD contracts, one thread")
    for column in ("analyzer", "load s", "p50 s", "p90 s", "max s", "contracts/s", "findings"):
        table.add_column(column, justify="left" if column == "analyzer" else "right")
    for r in rows:
        table.add_row(r["analyzer"], f"{r['load_s']:.2f}", f"{r['p50_s']:.3f}", f"{r['p90_s']:.3f}",
                      f"{r['max_s']:.2f}", f"{r['contracts_per_s']:.1f}", str(r["findings"]))
    console.print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results = {"machine": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(), "threads": 1,
               "results": rows}
    RESULTS.write_text(json.dumps(portable(results), indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
