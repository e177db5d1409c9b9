"""Write the status-latency table of docs/serving.md (between the `status-latency` markers) from
eval/results/status_latency.json: `python scripts/gen_load_table.py` after `benchmarks/status_latency.py`.
tests/serving/test_load_doc.py fails when the doc and the JSON disagree, so no figure is typed by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "serving.md"
RESULTS = REPO / "eval" / "results" / "status_latency.json"
TARGET_P99_MS = 100.0  # issue 11: status routes at 32 clients on PostgreSQL
NARROW_MARGIN_MS = 20.0  # p99 at 32 clients moves by tens of ms between runs on the shared 2-core machine
_MARKERS = re.compile(r"<!-- status-latency:start.*?<!-- status-latency:end -->", re.S)


def _verdict(results: list[dict]) -> str:
    """The target's status, from the PostgreSQL rows at 32 clients measured with the cheaper client."""
    rows = [r for r in results if r["setup"].startswith("PostgreSQL") and "before" not in r["setup"]
            and r["clients"] == 32 and r.get("load_generator", "threads") == "wrk"]
    if not rows:
        return ""
    best = min(rows, key=lambda r: r["p99_ms"])
    if best["p99_ms"] < TARGET_P99_MS:
        margin = TARGET_P99_MS - best["p99_ms"]
        caveat = (" A margin that small is within this shared machine's run-to-run variation, so another run may "
                  "land over it." if margin < NARROW_MARGIN_MS else "")
        return (f"The target, p99 under {TARGET_P99_MS:g} ms at 32 clients on PostgreSQL, is met in this run: "
                f"{best['p99_ms']} ms ({best['setup']}, wrk), {margin:.1f} ms under.{caveat}")
    return (f"The target, p99 under {TARGET_P99_MS:g} ms at 32 clients on PostgreSQL, is **not met** here: "
            f"the best is {best['p99_ms']} ms ({best['setup']}, wrk), {best['p99_ms'] - TARGET_P99_MS:.0f} ms over. "
            f"With 32 pollers always waiting, a request queues behind the others for about 32 / throughput "
            f"seconds (Little's law), so at {best['req_per_s']:g} requests/s the median alone is near "
            f"{32 / best['req_per_s'] * 1000:.0f} ms; the two cores are shared with the load generator and, "
            f"in this run, with other work (the load average).")


def _cost(results: list[dict]) -> str:
    """The server's CPU per request now and before (PostgreSQL, one process, wrk, 32 clients), when both ran."""
    def pick(before: bool) -> dict | None:
        return next((r for r in results if r["setup"].startswith("PostgreSQL, 1 process") and ("before" in r["setup"]) == before
                     and r["clients"] == 32 and r.get("load_generator") == "wrk" and "server_cpu_ms_per_req" in r), None)
    now, before = pick(False), pick(True)
    if now is None or before is None:
        return ""
    return (f"The server's own CPU per poll (PostgreSQL, 1 process, wrk, 32 clients) is {now['server_cpu_ms_per_req']} ms, "
            f"against {before['server_cpu_ms_per_req']} ms for the code of {before['setup'].split('(')[-1].rstrip(')')}; "
            f"at that cost one process on one free core answers about {1000 / now['server_cpu_ms_per_req']:.0f} polls/s.")


def block() -> str:
    data = json.loads(RESULTS.read_text("utf-8"))
    load = data["machine"]["loadavg_1_5_15"][0]
    lines = ["<!-- status-latency:start (scripts/gen_load_table.py, from eval/results/status_latency.json) -->",
             f"Measured on the {data['machine']['cpus']}-core machine, {data['seconds_per_level']:g} s per level, "
             f"load average {load} at the end of the run and 1-minute load per row (the server, the load "
             f"generator and any other work share the cores; the server's CPU per request is the figure "
             f"least moved by that):", "",
             "| setup | load generator | clients | requests/s | p50 ms | p99 ms | errors | server CPU ms/request | load |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in data["results"]:
        lines.append(f"| {r['setup']} | {r.get('load_generator', 'threads')} | {r['clients']} | {r['req_per_s']} | "
                     f"{r['p50_ms']} | {r['p99_ms']} | {r['errors']} | {r.get('server_cpu_ms_per_req', '')} | "
                     f"{r.get('loadavg_1min', '')} |")
    for sentence in (_cost(data["results"]), _verdict(data["results"])):
        if sentence:
            lines += ["", sentence]
    lines.append("<!-- status-latency:end -->")
    return "\n".join(lines)


def main() -> None:
    text = DOC.read_text("utf-8")
    if not _MARKERS.search(text):
        raise SystemExit(f"{DOC}: no status-latency markers")
    DOC.write_text(_MARKERS.sub(lambda _m: block(), text), "utf-8")


if __name__ == "__main__":
    main()
