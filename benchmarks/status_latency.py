"""Latency of the status routes under concurrent pollers: `GET /v1/jobs/{id}` (and every tenth poll
`GET /v1/contracts`) against real uvicorn processes on loopback. Setups in one run, each started by
`lexrisk serve` unless named otherwise: SQLite with one API process, PostgreSQL with one and with several
(`--workers N`, rate limits in Redis); as alternatives the same two PostgreSQL setups on uvicorn's
pure-Python stack (asyncio loop, h11 parser, uvicorn's own shared socket: what ran before uvloop and
httptools were in the serving extra); and with `--baseline-ref REF` the server code of an earlier commit
(PostgreSQL, one process) as "before".

    python benchmarks/status_latency.py [--clients 8 32] [--seconds 10] [--processes 2] [--baseline-ref REF]

Two load generators, each holding one keep-alive connection per client: `wrk` (C, one thread, a Lua
script sets the key and the paths; `apt-get install wrk`), which costs the shared CPU little, and the
older Python client (one httpx thread per client), which on a 2-core machine eats a large share of the
CPU the server needs, so its latencies are partly its own. Without wrk the run says so and measures with
the threads only. Jobs stay queued (no analysis workers run), so what is measured is the API alone: the
gate (key, rate limit), the query, the JSON. The load average is recorded with each row: other work on
the machine shows in every latency. The server's own CPU time per request (from /proc, all its
processes) is the figure least moved by that.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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

from lexrisk.testing.vllm_server import free_port  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"


# how a setup starts its API: `lexrisk serve` (uvloop and httptools, as uvicorn picks them when installed, and
# its own listening socket with --workers), or uvicorn's pure-Python stack, which is what ran before the
# serving extra had uvloop and httptools: the asyncio loop, the h11 parser and, with --workers, uvicorn's
# shared socket, on whose connections asyncio leaves Nagle's algorithm on (serving/listen.py)
LAUNCHERS = {"lexrisk serve": ["-m", "lexrisk", "serve"],
             "uvicorn, asyncio + h11": ["-m", "uvicorn", "serving.api.app:build_app", "--factory", "--loop", "asyncio",
                                        "--http", "h11"]}


def _start(env: dict[str, str], launcher: str, processes: int, code: Path = ROOT) -> tuple[subprocess.Popen, str]:
    port = free_port()
    workers = ["--workers", str(processes)] if processes > 1 else []
    process = subprocess.Popen([sys.executable, *LAUNCHERS[launcher], *workers, "--host", "127.0.0.1", "--port", str(port),
                                "--log-level", "warning"],
                               cwd=code, env={**os.environ, "PYTHONPATH": str(code), **env},
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


def _server_cpu_s(session: int) -> float:
    """CPU seconds used so far by the API's processes (uvicorn and its workers: one session)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # after the name: state, ppid, pgrp, session, ..., utime, stime
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _path(i: int, job_ids: list[str]) -> str:
    return "/v1/contracts?limit=20" if i % 10 == 9 else f"/v1/jobs/{job_ids[i % len(job_ids)]}"


# wrk: one Lua state per wrk thread; each request takes the next path, so the mix is the threads' mix
_WRK_LUA = """
local paths = {%(paths)s}
local n = 0
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "duration_us": %%d, "non_2xx": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p99_us": %%d}\\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _wrk(url: str, key: str, job_ids: list[str], clients: int, seconds: float) -> dict:
    paths = ", ".join(f'"{_path(i, job_ids)}"' for i in range(10 * len(job_ids)))
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_WRK_LUA % {"paths": paths, "key": key})
        script.flush()
        run = subprocess.run(["wrk", "-t", "1", "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "30s",
                              "-s", script.name, url], capture_output=True, text=True, check=True)
    line = next(x for x in run.stdout.splitlines() if x.startswith("WRK "))
    r = json.loads(line[4:])
    return {"clients": clients, "requests": r["requests"], "errors": r["non_2xx"] + r["socket_errors"],
            "req_per_s": round(r["requests"] / (r["duration_us"] / 1e6), 1),
            "p50_ms": round(r["p50_us"] / 1000, 1), "p99_ms": round(r["p99_us"] / 1000, 1)}


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
                path = _path(i, job_ids)
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


SETUP = ("from serving.db import make_engine, migrate; from serving.keys import create_key; import sys; "
         "engine = make_engine(sys.argv[1]); migrate(engine); print(create_key(engine, 'bench')[0])")


def _run(name: str, database_url: str, processes: int, launcher: str, args, code: Path = ROOT) -> list[dict]:
    # schema and key by the measured code itself: a newer migration would stop an older server at start-up
    key = subprocess.run([sys.executable, "-c", SETUP, database_url], cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    env = {"LEXRISK_DATABASE_URL": database_url, "LEXRISK_REDIS_URL": args.redis,
           "LEXRISK_RATE_LIMIT_READS_PER_MINUTE": "100000000", "LEXRISK_RATE_LIMIT_PER_MINUTE": "100000"}
    process, url = _start(env, launcher, processes, code)
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
            job_ids = [http.post("/v1/contracts", files={"file": (f"c{i}.txt", f"{i}. The Customer shall not "
                                                                  f"assign this Agreement.".encode())}).json()["job_id"]
                       for i in range(args.contracts)]
        # warm-up at the highest level: connections, prepared statements, caches, every pool at its size
        (_wrk if "wrk" in args.load_generators else _poll)(url, key, job_ids, max(args.clients), 3)
        results = []
        for load_generator in args.load_generators:
            measure = _wrk if load_generator == "wrk" else _poll
            for clients in args.clients:
                Console().print(f"{name}, {load_generator}: {clients} clients…")
                cpu = _server_cpu_s(process.pid)
                row = measure(url, key, job_ids, clients, args.seconds)
                # the server's own CPU per request: what the code costs, whatever else shares the machine
                row["server_cpu_ms_per_req"] = round((_server_cpu_s(process.pid) - cpu) * 1000 / row["requests"], 2)
                results.append({"setup": name, "api_processes": processes, "launcher": launcher,
                                "load_generator": load_generator,
                                **row, "loadavg_1min": round(os.getloadavg()[0], 2)})
        return results
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def _baseline(args, pg_url: str) -> list[dict]:
    """The same measurement against the server code of `args.baseline_ref`, exported to a temporary folder
    and started by its own `lexrisk serve` in this environment (which must hold that code's dependencies)."""
    ref = subprocess.run(["git", "rev-parse", "--short", args.baseline_ref], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        return _run(f"PostgreSQL, 1 process, before ({ref})", pg_url, 1, "lexrisk serve", args, Path(tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=10.0, help="polling time per level")
    parser.add_argument("--processes", type=int, default=2, help="API processes of the multi-process setup")
    parser.add_argument("--contracts", type=int, default=40)
    parser.add_argument("--baseline-ref", help="also measure the server code of this git commit (PostgreSQL, "
                                               "1 process), as the 'before' of a change")
    parser.add_argument("--load-generators", nargs="+", choices=["wrk", "threads"], default=["wrk", "threads"])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--postgres", default=PG)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "status_latency.json")
    args = parser.parse_args()
    if "wrk" in args.load_generators and shutil.which("wrk") is None:
        Console().print("[bold red]wrk is not installed (apt-get install wrk): measuring with the Python "
                        "client threads only, whose own CPU use inflates the latencies[/]")
        args.load_generators = [g for g in args.load_generators if g != "wrk"] or ["threads"]
    import psycopg
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    results: list[dict] = []
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

        def fresh() -> None:
            """An empty schema and rate-limit store for the next setup."""
            redis.Redis.from_url(args.redis).flushdb()
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            with tempfile.TemporaryDirectory() as tmp:
                pg_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
                n = args.processes
                setups = [("PostgreSQL, 1 process", 1, "lexrisk serve"),
                          (f"PostgreSQL, {n} processes", n, "lexrisk serve"),
                          ("PostgreSQL, 1 process, uvicorn's asyncio + h11", 1, "uvicorn, asyncio + h11"),
                          (f"PostgreSQL, {n} processes, uvicorn --workers {n}, asyncio + h11", n, "uvicorn, asyncio + h11")]
                # first, so that a baseline that cannot start (its dependencies not installed here) costs nothing
                before = _baseline(args, pg_url) if args.baseline_ref else []
                results += _run("SQLite, 1 process", f"sqlite:///{tmp}/bench.db", 1, "lexrisk serve", args)
                for name, processes, launcher in setups:
                    fresh()
                    results += _run(name, pg_url, processes, launcher, args)
                results += before
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            redis.Redis.from_url(args.redis).flushdb()
    load = os.getloadavg()
    table = Table(title=f"GET /v1/jobs/{{id}} (+ every 10th GET /v1/contracts), {args.seconds:g} s per level, "
                        f"load average {load[0]:.1f}")
    for column in ("setup", "load generator", "clients", "requests", "errors", "req/s", "p50 ms", "p99 ms",
                   "server CPU ms/req", "load"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["setup"], r["load_generator"], str(r["clients"]), str(r["requests"]), str(r["errors"]),
                      str(r["req_per_s"]), str(r["p50_ms"]), str(r["p99_ms"]), str(r["server_cpu_ms_per_req"]),
                      str(r["loadavg_1min"]))
    Console(width=180).print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "status_latency", "when": datetime.now(UTC).isoformat(),
                                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                "loadavg_1_5_15": [round(x, 2) for x in load]},
                                    "seconds_per_level": args.seconds, "baseline_ref": args.baseline_ref,
                                    "results": results}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
