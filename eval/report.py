"""Runs side by side: the measures with their intervals (rows) for each run (columns), per-category bars
and precision-recall curves as PNG, and a cost section computed from the inputs it is given.

Every number comes from a run's metrics.json / judge.json or from an argument; a measure a run lacks
is printed as "n/a" with the reason, never filled in."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.portable_paths import portable_text
from contracts.taxonomy import risk_categories


class ReportError(ValueError):
    """A run folder is missing what the report needs (the message names it)."""


@dataclass
class Run:
    label: str
    folder: Path
    metrics: dict
    info: dict
    judge: dict | None = None


@dataclass(frozen=True)
class CostInputs:
    """Prices and throughput, as the user states them; a run's tokens and seconds come from the run."""

    gpu_price_per_hour: float | None = None
    throughput_tokens_per_s: list[float] = field(default_factory=list)  # one for all runs, or one per run
    api_name: str = "hosted API"
    api_input_per_mtok: float | None = None
    api_output_per_mtok: float | None = None


def load_run(folder: Path) -> Run:
    metrics_file, run_file = folder / "metrics.json", folder / "run.json"
    if not metrics_file.is_file():
        raise ReportError(f"{folder}: no metrics.json (is it a `lexrisk eval run` folder?)")
    metrics = _read_json(metrics_file)
    info = _read_json(run_file) if run_file.is_file() else {}
    judge_file = folder / "judge.json"
    judge = _read_json(judge_file) if judge_file.is_file() else None
    for key in ("micro", "per_category", "aupr", "ci"):
        if key not in metrics:
            raise ReportError(f"{metrics_file}: no {key!r} (written by an older lexrisk?)")
    return Run(folder.name, folder, metrics, info, judge)


def _read_json(path: Path) -> Any:
    """A run's JSON file; one that cannot be read, is not UTF-8 or is not JSON is a ReportError naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not valid JSON ({exc.msg})") from None


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ci(value: float | None, interval: list[float] | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else f"{value:.3f}"


def measure_rows(runs: list[Run]) -> list[tuple[str, list[str]]]:
    """The table: (measure, one cell per run)."""

    def row(name: str, cell) -> tuple[str, list[str]]:
        return name, [cell(r.metrics, r) for r in runs]

    def aupr_cell(key: str):
        def cell(m: dict, _r: Run) -> str:
            a = m["aupr"]
            if not a.get("scored"):
                return "n/a (no scores)"
            return f"{a[key]:.3f}"
        return cell

    def judge_cell(m: dict, r: Run) -> str:
        if r.judge is None:
            return "no judge configured"
        s = r.judge.get("summary", {})
        if s.get("mean") is None:
            return "no rated findings"
        trusted = s.get("trusted")
        note = "" if trusted is None else (" (calibrated)" if trusted else " (judge NOT trusted)")
        return _ci(s["mean"], s.get("ci")) + note

    def pairwise_cell(m: dict, r: Run) -> str:
        p = (r.judge or {}).get("pairwise")
        if not p:
            return "n/a"
        if not p.get("pairs"):
            return f"no shared clauses with {Path(p['b']).name}"
        return (f"vs {Path(p['b']).name}: wins {p['a_wins']}, losses {p['b_wins']}, order-dependent "
                f"{p['inconsistent']} of {p['pairs']} ({p['inconsistency_rate']:.0%})")

    speed = lambda key, digits: lambda m, _r: _num(m.get("speed", {}).get(key), digits)  # noqa: E731
    return [
        row("contracts (failed)", lambda m, _r: f"{m['contracts']} ({m['failed']})"),
        row("precision, CUAD rule, 33 clause categories", lambda m, _r: _ci(m["micro"]["precision"], m["ci"].get("precision"))),
        row("recall, CUAD rule", lambda m, _r: _ci(m["micro"]["recall"], m["ci"].get("recall"))),
        row("F1, CUAD rule", lambda m, _r: _ci(m["micro"]["f1"], m["ci"].get("f1"))),
        row("F1, CUAD rule, all 41 categories", lambda m, _r: _num(m.get("micro_all", {}).get("f1"))),
        row("precision / recall / F1, character-overlap rule",
            lambda m, _r: " / ".join(_num(m["overlap"]["micro"][k]) for k in ("precision", "recall", "f1"))
            if "overlap" in m else "n/a"),
        row("AUPR (CUAD)", aupr_cell("aupr")),
        row("precision at 80% recall", aupr_cell("precision_at_80_recall")),
        row("precision at 90% recall", aupr_cell("precision_at_90_recall")),
        row("contracts with no high-severity risk missed",
            lambda m, _r: _ci(m["no_high_missed"]["rate"], m["ci"].get("no_high_missed"))
            + f" of {m['no_high_missed']['contracts_with_high']}"),
        row("severity accuracy on matched findings",
            lambda m, _r: f"{_num(m['severity']['accuracy'])} ({m['severity']['matched']} matched)"),
        row("grounding rate (proposals kept)", lambda m, _r: _num(m["grounding"]["rate"])),
        row("explanation quality, LLM judge 1-5", judge_cell),
        row("pairwise, LLM judge (both orders)", pairwise_cell),
        row("seconds per contract (mean)", speed("seconds_per_contract", 3)),
        row("input tokens per contract", speed("tokens_in_per_contract", 0)),
        row("output tokens per contract", speed("tokens_out_per_contract", 0)),
    ]


def cost_rows(runs: list[Run], cost: CostInputs) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """GPU-hours and money per 1,000 contracts from each run's measured tokens and the stated throughput
    and prices; the notes say what was missing."""
    notes: list[str] = []
    tp = cost.throughput_tokens_per_s
    if tp and len(tp) not in (1, len(runs)):
        raise ReportError(f"--throughput: give one value for all runs or one per run ({len(runs)}), not {len(tp)}")
    gpu_h, gpu_usd, api_usd, cpu_h = [], [], [], []
    for i, r in enumerate(runs):
        s = r.metrics.get("speed", {})
        t_in, t_out = s.get("tokens_in_per_contract"), s.get("tokens_out_per_contract")
        secs = s.get("seconds_per_contract")
        cpu_h.append(_num(1000 * secs / 3600, 2) if secs is not None else "n/a")
        throughput = (tp[i] if len(tp) > 1 else tp[0]) if tp else None
        if t_in is None or t_out is None:
            gpu_h.append("n/a (tokens not measured)")
            gpu_usd.append("n/a")
            api_usd.append("n/a (tokens not measured)")
            continue
        tokens = t_in + t_out
        if throughput:
            hours = 1000 * tokens / throughput / 3600
            gpu_h.append(f"{hours:.2f}")
            gpu_usd.append(f"${hours * cost.gpu_price_per_hour:.2f}" if cost.gpu_price_per_hour is not None else "n/a (no --gpu-price)")
        else:
            gpu_h.append("n/a (no --throughput)")
            gpu_usd.append("n/a")
        if cost.api_input_per_mtok is not None and cost.api_output_per_mtok is not None:
            api_usd.append(f"${1000 * (t_in * cost.api_input_per_mtok + t_out * cost.api_output_per_mtok) / 1e6:.2f}")
        else:
            api_usd.append("n/a (no --api-input-price/--api-output-price)")
    if not tp:
        notes.append("No serving throughput given (--throughput TOKENS_PER_S, as measured by benchmarks/), so no GPU-hours.")
    if cost.gpu_price_per_hour is None:
        notes.append("No GPU price given (--gpu-price USD_PER_GPU_HOUR).")
    if cost.api_input_per_mtok is None or cost.api_output_per_mtok is None:
        notes.append("No hosted-API prices given (--api-input-price / --api-output-price, USD per million tokens).")
    if tp:
        notes.append("Throughput: " + ", ".join(f"{v:g}" for v in tp) + " tokens/s (prompt + generated), as given.")
    notes.append("Tokens are the contract text and the findings as written, in the served model's tokenizer "
                 "(`eval run --tokenizer`); the prompt's instructions and chunk overlap add to them.")
    rows = [("wall-clock hours per 1,000 contracts at the measured seconds (one process)", cpu_h),
            ("GPU-hours per 1,000 contracts", gpu_h),
            ("self-hosted cost per 1,000 contracts", gpu_usd),
            (f"{cost.api_name} cost per 1,000 contracts", api_usd)]
    return rows, notes


def plot_per_category(runs: list[Run], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    cats = [c for c in risk_categories() if any(c in r.metrics["per_category"] for r in runs)]
    y = np.arange(len(cats))
    height = 0.8 / max(len(runs), 1)
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(cats) + 1.5))
    for k, r in enumerate(runs):
        f1 = [r.metrics["per_category"].get(c, {}).get("f1", 0.0) for c in cats]
        ax.barh(y + k * height, f1, height=height, label=r.label)
    first = runs[0].metrics["per_category"]
    names = [f"{c} ({first.get(c, {}).get('tp', 0) + first.get(c, {}).get('fn', 0)})" for c in cats]
    ax.set_yticks(y + height * (len(runs) - 1) / 2, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1 under CUAD's rule")
    ax.set_title("F1 per clause category (gold clauses in brackets)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def plot_pr(runs: list[Run], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5))
    for r in runs:
        curve = r.metrics["aupr"]["curve"]
        ax.plot(curve["recall"], curve["precision"], drawstyle="steps-post", marker=".",
                label=f"{r.label} (AUPR {r.metrics['aupr']['aupr']:.3f})")
        m = r.metrics["micro"]
        ax.plot([m["recall"]], [m["precision"]], marker="*", markersize=12, color=ax.lines[-1].get_color())
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title("Precision-recall over the findings' scores (star: all findings kept)")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def _md_table(header: list[str], rows: list[tuple[str, list[str]]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join([name, *cells]) + " |" for name, cells in rows]
    return "\n".join(lines)


def _html_table(header: list[str], rows: list[tuple[str, list[str]]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + f"<th>{html.escape(name)}</th>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                   + "</tr>" for name, cells in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def run_notes(runs: list[Run]) -> list[str]:
    notes = []
    for r in runs:
        i = r.info
        what = f"`{r.label}`: analyzer {i.get('analyzer', '?')}"
        if i.get("adapter"):
            what += f", adapter {i['adapter']}"
        if i.get("overrides"):
            what += ", settings " + " ".join(i["overrides"])
        what += f", data {i.get('data', '?')}"
        if i.get("split"):
            what += f" (split {i['split']})"
        what += f", commit {i.get('commit') or '?'}, {i.get('date', '?')}."
        if i.get("command"):
            what += f" Reproduce: `{i['command']}`."
        notes.append(what)
    return notes


def _plain(markdown: str) -> str:
    """A note's markdown emphasis and code marks dropped, escaped for HTML."""
    return html.escape(markdown.replace("**", "").replace("`", ""))


def write_report(runs: list[Run], out: Path, cost: CostInputs, *, preface: list[str] | None = None) -> dict[str, Path]:
    """report.md, report.html, per_category.png and pr_curve.png in `out`."""
    if not runs:
        raise ReportError("no runs to report")
    labels = [r.label for r in runs]
    if len(set(labels)) != len(labels):
        runs = [Run(f"{r.folder.parent.name}/{r.label}", r.folder, r.metrics, r.info, r.judge) for r in runs]
    out.mkdir(parents=True, exist_ok=True)
    files = {"per_category": out / "per_category.png", "pr_curve": out / "pr_curve.png"}
    plot_per_category(runs, files["per_category"])
    plot_pr(runs, files["pr_curve"])
    header = ["measure", *(r.label for r in runs)]
    rows = measure_rows(runs)
    costs, cost_notes = cost_rows(runs, cost)
    about = run_notes(runs)
    # a run that says its score is not what it seems (a training-set score, say) says so above the table
    preface = [*(preface or []), *(f"**Note on `{r.label}`:** {r.info['note']}" for r in runs if r.info.get("note"))]
    method = ("Matching: CUAD's rule (same category, word-level Jaccard >= 0.5 after CUAD's normalisation, each "
              "gold span and finding used once). Intervals: 95% percentile bootstrap over contracts. AUPR and "
              "precision at recall: CUAD's threshold sweep over the findings' scores; a curve ends at the "
              "analyzer's recall at its lowest score. Gold severities: the lawyers' where the gold set has "
              "them, else the playbook applied to the gold clause (CUAD has none; severity accuracy then only checks "
              "that the analyzer applies the playbook). Seconds: wall-clock on the machine that ran the run.")
    md = ["# Evaluation report", "", *(line for p in preface for line in (p, "")), method, "",
          _md_table(header, rows), "", *(f"- {n}" for n in about), "",
          "![F1 per category](per_category.png)", "", "![Precision-recall](pr_curve.png)", "",
          "## Cost", "", _md_table(["per 1,000 contracts", *(r.label for r in runs)], costs), "",
          *(f"- {n}" for n in cost_notes), ""]
    files["md"] = out / "report.md"
    files["md"].write_text(portable_text("\n".join(md)), encoding="utf-8")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;"
             "text-align:left;font-size:14px}thead th{background:#f0f0f0}img{max-width:100%}")
    page = ["<!doctype html><html><head><meta charset='utf-8'><title>Evaluation report</title>",
            f"<style>{style}</style></head><body><h1>Evaluation report</h1>",
            *(f"<p>{_plain(p)}</p>" for p in preface), f"<p>{html.escape(method)}</p>",
            _html_table(header, rows), "<ul>", *(f"<li>{_plain(n)}</li>" for n in about), "</ul>",
            "<img src='per_category.png' alt='F1 per category'><img src='pr_curve.png' alt='Precision-recall'>",
            "<h2>Cost</h2>", _html_table(["per 1,000 contracts", *(r.label for r in runs)], costs),
            "<ul>", *(f"<li>{_plain(n)}</li>" for n in cost_notes), "</ul></body></html>"]
    files["html"] = out / "report.html"
    files["html"].write_text(portable_text("\n".join(page)), encoding="utf-8")
    return files
