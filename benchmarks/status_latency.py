"""Latency of the status routes under concurrent pollers: `GET /v1/jobs/{id}` (and every tenth poll
`GET /v1/contracts`) against real uvicorn processes on loopback. Alternatives in one run: SQLite with one
API process, PostgreSQL with one, PostgreSQL with several (`uvicorn --workers N`, rate limits in Redis).

    python benchmarks/status_latency.py [--clients 8 32] [--seconds 10] [--processes 2]

Jobs stay queued (no analysis workers run), so what is measured is the API alone: the gate (key
lookup, rate limit), the query, the JSON. Client threads run on the same machine as the server and
compete with it for CPU; the table says so with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from serving.vllm_server import free_port  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"


def _start(env: dict[str, str], processes: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "serving.api.app:build_app", "--factory",
                                "--host", "127.0.0.1", "--port", str(port), "--workers", str(processes),
                                "--log-level", "warning"],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the API did not start: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")


def _poll(url: str, key: str, job_ids: list[str], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            i = n
            while time.monotonic() < deadline:
                path = "/v1/contracts?limit=20" if i % 10 == 9 else f"/v1/jobs/{job_ids[i % len(job_ids)]}"
                started = time.perf_counter()
                response = http.get(path)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200:
                    with lock:
                        errors.append(response.status_code)
                i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"clients": clients, "requests": len(latencies), "errors": len(errors), "req_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1), "p99_ms": round(q[98] * 1000, 1)}


def _run(name: str, database_url: str, processes: int, redis_url: str, args) -> list[dict]:
    from serving.db import make_engine, migrate
    from serving.keys import create_key

    engine = make_engine(database_url)
    migrate(engine)
    key = create_key(engine, "bench")[0]
    engine.dispose()
    env = {"LEXRISK_DATABASE_URL": database_url, "LEXRISK_REDIS_URL": redis_url,
           "LEXRISK_RATE_LIMIT_READS_PER_MINUTE": "100000000", "LEXRISK_RATE_LIMIT_PER_MINUTE": "100000"}
    process, url = _start(env, processes)
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
            job_ids = [http.post("/v1/contracts", files={"file": (f"c{i}.txt", f"{i}. The Customer shall not "
                                                                  f"assign this Agreement.".encode())}).json()["job_id"]
                       for i in range(args.contracts)]
        _poll(url, key, job_ids, 4, 2)  # warm-up: connections, caches
        results = []
        for clients in args.clients:
            Console().print(f"{name}: {clients} clients…")
            results.append({"setup": name, "api_processes": processes, **_poll(url, key, job_ids, clients, args.seconds)})
        return results
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=10.0, help="polling time per level")
    parser.add_argument("--processes", type=int, default=2, help="API processes of the multi-process setup")
    parser.add_argument("--contracts", type=int, default=40)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--postgres", default=PG)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "status_latency.json")
    args = parser.parse_args()
    import psycopg
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    results: list[dict] = []
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            with tempfile.TemporaryDirectory() as tmp:
                pg_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
                results += _run("SQLite, 1 process", f"sqlite:///{tmp}/bench.db", 1, args.redis, args)
                results += _run("PostgreSQL, 1 process", pg_url, 1, args.redis, args)
                redis.Redis.from_url(args.redis).flushdb()
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
                conn.execute(f'CREATE SCHEMA "{schema}"')
                results += _run(f"PostgreSQL, {args.processes} processes", pg_url, args.processes, args.redis, args)
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            redis.Redis.from_url(args.redis).flushdb()
    load = os.getloadavg()
    table = Table(title=f"GET /v1/jobs/{{id}} (+ every 10th GET /v1/contracts), {args.seconds:g} s per level, "
                        f"load average {load[0]:.1f}")
    for column in ("setup", "clients", "requests", "errors", "req/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["setup"], str(r["clients"]), str(r["requests"]), str(r["errors"]), str(r["req_per_s"]),
                      str(r["p50_ms"]), str(r["p99_ms"]))
    Console().print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "status_latency", "when": datetime.now(UTC).isoformat(),
                                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                "loadavg_1_5_15": [round(x, 2) for x in load]},
                                    "seconds_per_level": args.seconds, "results": results}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
