"""docs/serving.md's status-latency table is generated from eval/results/status_latency.json."""

from __future__ import annotations

from tests.conftest import REPO, load_script


def _generator():
    return load_script("gen_load_table")


def test_status_latency_table_is_generated_from_the_results() -> None:
    doc = (REPO / "docs" / "serving.md").read_text("utf-8")
    assert _generator().block() in doc, "docs/serving.md load table is stale: python scripts/gen_load_table.py"


def test_the_verdict_follows_the_figures() -> None:
    generator = _generator()
    row = {"setup": "PostgreSQL, 1 process", "load_generator": "wrk", "clients": 32, "req_per_s": 400.0}
    assert "is met" in generator._verdict([{**row, "p99_ms": 70.0}])
    assert "another run may" not in generator._verdict([{**row, "p99_ms": 70.0}])
    assert "another run may land over it" in generator._verdict([{**row, "p99_ms": 99.2}])  # a narrow margin says so
    assert "**not met**" in generator._verdict([{**row, "p99_ms": 180.0}, {**row, "clients": 8, "p99_ms": 20.0}])
    assert generator._verdict([{**row, "load_generator": "threads", "p99_ms": 20.0}]) == ""


def test_the_cost_line_compares_now_with_before() -> None:
    generator = _generator()
    row = {"load_generator": "wrk", "clients": 32}
    now = {**row, "setup": "PostgreSQL, 1 process", "server_cpu_ms_per_req": 2.0}
    before = {**row, "setup": "PostgreSQL, 1 process, before (abc1234)", "server_cpu_ms_per_req": 4.0}
    line = generator._cost([now, before])
    assert "2.0 ms" in line and "4.0 ms" in line and "abc1234" in line and "500 polls/s" in line
    assert generator._cost([now]) == ""
