"""Upload-to-findings under concurrent clients, on loopback: jobs per minute, p50/p99 latency, and the
pipeline's own overhead per contract (latency minus the analyzer's time), on CUAD contracts.
Alternatives compared in one run: the in-process worker and RQ workers on Redis (when reachable).

    python benchmarks/serving_load.py [--analyzer baseline] [--clients 1 8 32] [--jobs 32] [--time-limit 120]
        [--base DIR]

Bounded: each level stops after --jobs uploads or --time-limit seconds, whichever comes first.

`--base DIR` (a `git worktree` of an earlier commit) runs DIR's copy of this benchmark with the same arguments
first, in the same run, and reports its rows beside this checkout's (column "code"). With a chunked analyzer
whose model costs nothing (`--analyzer terms --plugin terms=tests.serving.terms_fakes:factory`), the latency is
the pipeline's own: the upload, the job, the analysis worker's messages, the stored results.
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
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts.cuad import text_files  # noqa: E402
from lexrisk.settings import Settings, get_settings  # noqa: E402
from lexrisk.testing.vllm_server import free_port  # noqa: E402
from serving.api.app import build_app  # noqa: E402
from serving.db import make_engine, migrate  # noqa: E402
from serving.keys import create_key  # noqa: E402


def _contracts(cuad: Path, count: int) -> list[tuple[str, bytes]]:
    folder = cuad if cuad.is_absolute() else (ROOT / cuad)
    files = text_files(folder)[:count]
    if not files:
        sample = ROOT / "examples" / "contracts" / "master_services_agreement.txt"
        files = [sample]
    return [(f.name, f.read_bytes()) for f in files]


def _serve(settings: Settings):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_app(settings), host="127.0.0.1", port=port, log_level="warning",
                                           limit_concurrency=256))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def _level(url: str, key: str, clients: int, corpus: list[tuple[str, bytes]], jobs: int, limit: float,
           poll: float) -> dict:
    lock = threading.Lock()
    counter = {"next": 0}
    latencies: list[float] = []
    overheads: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + limit
    run_tag = f"{time.time_ns()}"

    def client() -> None:
        http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120)
        while time.monotonic() < deadline:
            with lock:
                if counter["next"] >= jobs:
                    return
                n = counter["next"]
                counter["next"] += 1
            name, data = corpus[n % len(corpus)]
            unique = data + f"\n\n[benchmark copy {run_tag}-{n}]\n".encode()  # new bytes: no sha256 reuse
            started = time.perf_counter()
            response = http.post("/v1/contracts", files={"file": (name, unique)})
            if response.status_code != 202:
                failures.append(response.text[:200])
                continue
            job_url = response.headers["location"]
            while (job := http.get(job_url).json())["status"] not in ("done", "failed"):
                if time.monotonic() > deadline + 60:
                    failures.append("timeout")
                    return
                time.sleep(poll)
            http.get(f"/v1/contracts/{job['contract_id']}/findings")
            elapsed = time.perf_counter() - started
            if job["status"] != "done":
                failures.append(job["error"]["message"][:200])
                continue
            with lock:
                latencies.append(elapsed)
                overheads.append(elapsed - job["stats"]["seconds"])

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {"clients": clients, "jobs_done": len(latencies), "failed": len(failures), "wall_s": round(wall, 2),
            "jobs_per_min": round(len(latencies) / wall * 60, 1) if wall else 0.0,
            "p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "p99_s": round(q[98], 3) if latencies else None,
            "overhead_p50_s": round(statistics.median(overheads), 3) if overheads else None,
            "failures": failures[:3]}


def _worker(settings_env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lexrisk", "worker"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **settings_env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _revision(checkout: Path) -> str:
    """The checkout's commit, `-dirty` when it has uncommitted changes: the code a row measured."""
    rev = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return f"{rev}-dirty" if dirty else rev


def _base_results(args: argparse.Namespace) -> list[dict]:
    """The base checkout's rows: its own copy of this benchmark, run with the same arguments (less --base and
    --out) in a process of its own, its code first on the import path."""
    passed, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg in ("--base", "--out"):
            skip = True
        elif not arg.startswith(("--base=", "--out=")):
            passed.append(arg)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "base.json"
        subprocess.run([sys.executable, str(args.base / "benchmarks" / "serving_load.py"), *passed, "--out", str(out)],
                       cwd=args.base, env={**os.environ, "PYTHONPATH": str(args.base)}, check=True)
        rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    rev = _revision(args.base)
    return [{"code": f"{rev} (base)", **r} for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyzer", default="baseline")
    parser.add_argument("--plugin", action="append", default=[], metavar="NAME=MODULE:FACTORY",
                        help="an extra analyzer (as LEXRISK_ANALYZER_PLUGINS)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--jobs", type=int, default=32, help="uploads per level (at least the client count)")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per level")
    parser.add_argument("--workers", type=int, default=2, help="in-process job threads, and RQ worker processes")
    parser.add_argument("--queues", nargs="+", default=["inprocess", "rq"], choices=["inprocess", "rq"])
    parser.add_argument("--poll", type=float, default=0.1,
                        help="seconds between a client's job polls (real clients follow Retry-After: 2 s)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "serving_load.json")
    parser.add_argument("--base", type=Path, help="a checkout of earlier code, measured first in the same run")
    args = parser.parse_args()
    base = _base_results(args) if args.base else []
    plugins = dict(p.split("=", 1) for p in args.plugin)
    console = Console()
    corpus = _contracts(get_settings().cuad_dir, max(args.jobs, 8))
    results = []
    for queue in args.queues:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"LEXRISK_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "LEXRISK_ANALYZER": args.analyzer,
                   "LEXRISK_ANALYZER_PLUGINS": json.dumps(plugins), "LEXRISK_JOB_WORKERS": str(args.workers),
                   "LEXRISK_RATE_LIMIT_PER_MINUTE": "100000", "LEXRISK_RATE_LIMIT_READS_PER_MINUTE": "10000000"}
            workers: list[subprocess.Popen] = []
            if queue == "rq":
                import redis

                try:
                    redis.Redis.from_url(args.redis).flushdb()
                except redis.ConnectionError:
                    console.print(f"[yellow]Redis at {args.redis} unreachable: RQ skipped[/yellow]")
                    continue
                env["LEXRISK_REDIS_URL"] = args.redis
            settings = Settings(_env_file=None, **{k.removeprefix("LEXRISK_").lower(): (json.loads(v) if k.endswith("PLUGINS") else v)
                                                   for k, v in env.items()})
            engine = make_engine(settings.database_url)
            migrate(engine)
            key, _ = create_key(engine, "bench")
            engine.dispose()
            if queue == "rq":
                workers = [_worker(env) for _ in range(args.workers)]
            url, server, thread = _serve(settings)
            try:
                _level(url, key, 1, corpus, 1, args.time_limit, args.poll)  # warm-up: loads the analyzer
                for clients in args.clients:
                    console.print(f"{queue}: {clients} client(s)…")
                    results.append({"queue": queue, **_level(url, key, clients, corpus, max(args.jobs, clients),
                                                             args.time_limit, args.poll)})
            finally:
                server.should_exit = True
                thread.join(30)
                for w in workers:
                    os.killpg(w.pid, signal.SIGTERM)
                    w.wait(30)
    here = _revision(ROOT)
    results = base + [{"code": here, **r} for r in results]
    table = Table(title=f"upload → findings on loopback, analyzer {args.analyzer}, {len(corpus)} CUAD contracts cycled")
    for column in ("code", "queue", "clients", "jobs", "failed", "jobs/min", "p50 s", "p99 s", "overhead p50 s"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["code"], r["queue"], str(r["clients"]), str(r["jobs_done"]), str(r["failed"]),
                      f'{r["jobs_per_min"]:.1f}', str(r["p50_s"]), str(r["p99_s"]), str(r["overhead_p50_s"]))
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "serving_load", "when": datetime.now(UTC).isoformat(),
                                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()]},
                                    "analyzer": args.analyzer, "workers": args.workers, "poll_s": args.poll, "results": results},
                                   indent=2) + "\n")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
