"""One evaluation run: every gold contract through the analyzer, each result saved, then the metrics.

The analyzer is whatever `DocumentAnalyzer` the caller passes (the command root builds it by name),
so the same code scores the baseline, a vLLM-served adapter or a plugin. A contract the analyzer fails
on is recorded with its error and the run goes on."""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from contracts.findings import AnalysisResult, DocumentAnalyzer
from contracts.playbook import Playbook
from contracts.portable_paths import portable
from eval.gold import GoldContract, GoldSpan
from eval.metrics import Outcome, evaluate
from eval.term_scores import score_terms

PREDICTIONS_DIR = "predictions"
TokenCounter = Callable[[str], int]


def prediction_file(folder: Path, name: str) -> Path:
    """predictions/<contract>.json with the name made safe for any file system."""
    return folder / PREDICTIONS_DIR / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', name)[:200]}.json"


def with_severity(spans: Sequence[GoldSpan], playbook: Playbook) -> list[GoldSpan]:
    """Gold spans without a lawyer's severity get the playbook's severity for their text: CUAD has no
    severities, so severity accuracy then measures whether the analyzer applies the firm's playbook."""
    out = []
    for s in spans:
        if s.severity is None and s.category in playbook.categories:
            s = GoldSpan(s.category, s.text, s.start, s.end, playbook.assess(s.category, s.text)[0])
        out.append(s)
    return out


def answer_text(result: AnalysisResult) -> str:
    """The findings as a generative analyzer writes them, to count output tokens."""
    return json.dumps([{"category": f.category, "quote": f.quote, "explanation": f.explanation}
                       for f in result.findings], ensure_ascii=False)


def run(contracts: Iterable[GoldContract], analyzer: DocumentAnalyzer, out: Path, *, playbook: Playbook,
        clause_categories: Sequence[str], all_categories: Sequence[str], count_tokens: TokenCounter | None = None,
        advance: Callable[[], None] | None = None, samples: int = 1000,
        answers: Mapping[str, Mapping[str, str]] | None = None) -> dict:
    """Analyze each contract, write predictions/ and metrics.json under `out`, return the metrics. With
    `answers` (CUAD's normalised answers by contract), the key terms are scored too (metrics' `terms`)."""
    (out / PREDICTIONS_DIR).mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    texts: list[str] = []
    for contract in contracts:
        gold = with_severity(contract.spans, playbook)
        started = time.perf_counter()
        try:
            result: AnalysisResult | None = analyzer.analyze(contract.document)
            error = None
        except Exception as exc:  # an analyzer failure on one contract is data, not the end of the run
            result, error = None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        seconds = time.perf_counter() - started
        target = prediction_file(out, contract.name)
        if result is not None:
            target.write_text(result.model_dump_json(indent=1) + "\n", encoding="utf-8")
        else:
            target.with_suffix(".error.json").write_text(json.dumps({"contract": contract.name, "error": error}) + "\n",
                                                         encoding="utf-8")
        counted = count_tokens is not None and result is not None  # a failed contract has no answer to count
        outcomes.append(Outcome(contract.name, gold, result, seconds,
                                count_tokens(contract.document.text) if counted and count_tokens else None,
                                count_tokens(answer_text(result)) if counted and count_tokens and result else None,
                                error))
        texts.append(contract.document.text)
        if advance:
            advance()
    metrics = evaluate(outcomes, texts, clause_categories, all_categories, samples=samples)
    if answers is not None:
        metrics["terms"] = score_terms([(o.name, o.result, o.gold) for o in outcomes], answers)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    (out / "gold.jsonl").write_text("".join(
        json.dumps({"contract": o.name, "spans": [s.__dict__ for s in o.gold]}, ensure_ascii=False) + "\n"
        for o in outcomes), encoding="utf-8")
    return metrics


def load_outcomes(folder: Path) -> list[Outcome]:
    """A run's gold spans and predictions read back (what `lexrisk eval judge` rates)."""
    gold_file = folder / "gold.jsonl"
    if not gold_file.is_file():
        raise FileNotFoundError(f"{folder}: no gold.jsonl (is it a `lexrisk eval run` folder?)")
    outcomes = []
    with gold_file.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            spans = [GoldSpan(**s) for s in row["spans"]]
            target = prediction_file(folder, row["contract"])
            result = (AnalysisResult.model_validate_json(target.read_text(encoding="utf-8"))
                      if target.is_file() else None)
            outcomes.append(Outcome(row["contract"], spans, result))
    return outcomes


def write_run_info(out: Path, metrics: dict, *, analyzer: str, **fields: object) -> dict:
    """run.json: what was run on what (the analyzer as it named itself in its results), from which
    commit, with which package versions, when; its paths as `contracts.portable_paths` writes them, so the
    command in it runs on another checkout."""
    info = portable({"analyzer": analyzer, "analyzer_info": _analyzer_info(out), **fields,
                     "contracts": metrics["contracts"], "failed": metrics["failed"],
                     "commit": source_commit(), "versions": _versions(),
                     "date": datetime.now(UTC).isoformat(timespec="seconds")})
    (out / "run.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def _analyzer_info(run_dir: Path) -> dict | None:
    for path in sorted((run_dir / PREDICTIONS_DIR).glob("*.json")):
        if not path.name.endswith(".error.json"):
            return json.loads(path.read_text(encoding="utf-8")).get("analyzer")
    return None


def source_commit() -> str | None:
    """The commit the code ran from, "-dirty" when tracked source files differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True)
        # results being rewritten by this very run do not make the code dirty
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!eval/results"],
                               capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("lexrisk", "numpy", "scikit-learn", "pydantic", "pypdf", "httpx", "vllm"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = None
    out["platform"] = f"{sys.platform}-{platform.machine()}"
    return out
