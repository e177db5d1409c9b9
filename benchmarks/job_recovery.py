"""Time to recover a killed worker's job with the default settings: an RQ worker is killed (SIGKILL)
mid-job, a fresh one starts at once (as a supervisor would), and the clock runs from the kill until the
job runs again and until it is done. Compared in one run with the previous default
(LEXRISK_JOB_STALE_AFTER_S=60), to show what the setting costs.

    python benchmarks/job_recovery.py [--redis redis://127.0.0.1:6379/14] [--runs 1]

Needs Redis. Each run takes the stale time plus a few seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzers.chunked import ChunkAnswer, ChunkedAnalyzer  # noqa: E402
from contracts.documents import Document  # noqa: E402
from lexrisk.settings import Settings  # noqa: E402

CHUNK_SECONDS = 1.0


class SlowAnalyzer(ChunkedAnalyzer):
    """Four chunks of CHUNK_SECONDS each and no findings: a job long enough to be killed mid-way."""

    name = "slow"
    version = "1"
    concurrency = 1

    def chunks(self, document: Document) -> list[tuple[int, int]]:
        step = max(1, len(document.text) // 4)
        return [(i, min(i + step, len(document.text))) for i in range(0, len(document.text), step)][:4]

    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        time.sleep(CHUNK_SECONDS)
        return ChunkAnswer([], prompt_tokens=0, completion_tokens=0)


def slow(settings, playbook) -> SlowAnalyzer:
    return SlowAnalyzer(playbook)


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lexrisk", "worker"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _run(redis_url: str, overrides: dict[str, str]) -> dict:
    import redis
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from serving.api.app import build_app
    from serving.db import make_engine, migrate
    from serving.keys import create_key
    from serving.models import Job

    redis.Redis.from_url(redis_url).flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"LEXRISK_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "LEXRISK_REDIS_URL": redis_url,
               "LEXRISK_ANALYZER": "slow", "LEXRISK_ANALYZER_PLUGINS": json.dumps({"slow": "benchmarks.job_recovery:slow"}),
               **overrides}
        settings = Settings(_env_file=None, database_url=env["LEXRISK_DATABASE_URL"], redis_url=redis_url,
                            analyzer="slow", analyzer_plugins={"slow": "benchmarks.job_recovery:slow"})
        engine = make_engine(settings.database_url)
        migrate(engine)
        key = create_key(engine, "bench")[0]
        first = _worker(env)
        second = None
        try:
            with TestClient(build_app(settings)) as client:
                text = "\n\n".join(f"{i}. The Customer shall not assign this Agreement." for i in range(40))
                job_id = client.post("/v1/contracts", headers={"Authorization": f"Bearer {key}"},
                                     files={"file": ("c.txt", text.encode())}).json()["job_id"]

            def job() -> Job:
                with Session(engine) as session:
                    found = session.get(Job, job_id)
                    assert found is not None
                    return found

            deadline = time.monotonic() + 60
            while (j := job()).status != "running" or j.chunks_done < 1:
                assert time.monotonic() < deadline, "the job never started"
                time.sleep(0.05)
            os.killpg(first.pid, signal.SIGKILL)
            killed = time.monotonic()
            second = _worker(env)
            running_again = None
            while (j := job()).status != "done":
                if running_again is None and j.status == "running" and j.attempts == 2:
                    running_again = time.monotonic() - killed
                assert time.monotonic() - killed < 300, f"not recovered: {j.status}"
                time.sleep(0.05)
            return {"running_again_s": round(running_again or 0.0, 2), "done_s": round(time.monotonic() - killed, 2),
                    "attempts": j.attempts}
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(30)
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "job_recovery.json")
    args = parser.parse_args()
    defaults = Settings(_env_file=None)
    configs = {f"default (stale {defaults.job_stale_after_s:g} s, heartbeat {defaults.job_heartbeat_s:g} s)": {},
               f"previous default (stale 60 s, heartbeat {defaults.job_heartbeat_s:g} s)": {"LEXRISK_JOB_STALE_AFTER_S": "60"}}
    console = Console()
    results = []
    for name, overrides in configs.items():
        for run in range(args.runs):
            console.print(f"{name}: run {run + 1}…")
            results.append({"settings": name, **_run(args.redis, overrides)})
    table = Table(title="killed RQ worker: seconds from SIGKILL until its job runs again and is done")
    for column in ("settings", "running again s", "done s", "attempts"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["settings"], str(r["running_again_s"]), str(r["done_s"]), str(r["attempts"]))
    console.print(table)
    load = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "job_recovery", "when": datetime.now(UTC).isoformat(),
                                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                "loadavg_1_5_15": [round(x, 2) for x in load]},
                                    "job_seconds": 4 * CHUNK_SECONDS, "results": results}, indent=2) + "\n")
    console.print(f"wrote {args.out}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
