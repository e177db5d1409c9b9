"""The compose wiring, run as plain processes: migrate, the API and two workers with the commands and the
environment deploy/compose.yaml gives them, on a fresh PostgreSQL database and Redis. 200 contracts go
through `lexrisk batch submit`; one worker is killed (`kill -9`) in the middle of a job. Every job must
end done or failed with a reason; none may be lost."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lexrisk.settings import get_settings
from tests.conftest import REPO, SAMPLE_TXT
from tests.deploy.conftest import DEPLOY

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
PG_ADMIN_URL = os.environ.get("LEXRISK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LEXRISK_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
CONTRACTS = 200
# what differs from the compose file, and why: local addresses instead of service names, a fast
# heartbeat so the killed worker's job is noticed in seconds (60 s in production), and no rate limit
# (a key's 120 requests a minute would make this test take minutes; tests/serving/test_batch.py
# drives the client through real 429s)
TEST_OVERRIDES = {"LEXRISK_JOB_STALE_AFTER_S": "3", "LEXRISK_JOB_HEARTBEAT_S": "0.5",
                  "LEXRISK_RATE_LIMIT_PER_MINUTE": "100000"}


def _interpolate(value: str) -> str:
    """Compose's ${VAR:-default} with the default (the test sets none of those variables)."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m.group(1), m.group(2)), str(value))


def _service_env(compose: dict, name: str) -> dict[str, str]:
    service = compose["services"][name]
    env: dict[str, str] = {}
    for env_file in service.get("env_file", []):
        example = DEPLOY / (env_file["path"] + ".example")
        for line in example.read_text("utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, value = line.split("=", 1)
                env[key] = value
    env.update({k: _interpolate(v) for k, v in service.get("environment", {}).items()})
    return env


def _command(compose: dict, name: str) -> list[str]:
    argv = list(compose["services"][name]["command"])
    assert argv[0] == "lexrisk"
    lexrisk = Path(sys.executable).with_name("lexrisk")
    return ([str(lexrisk)] if lexrisk.exists() else [sys.executable, "-m", "lexrisk"]) + argv[1:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    name = f"lexrisk_t_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def redis_db() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


def _contracts(folder: Path) -> None:
    """200 small, distinct contracts: the opening of CUAD contracts, else the sample with a number."""
    folder.mkdir()
    cuad_dir = get_settings().cuad_dir
    cuad = sorted((cuad_dir if cuad_dir.is_absolute() else REPO / cuad_dir).resolve().glob("full_contract_txt/*.txt"))
    for i in range(CONTRACTS):
        if cuad:
            text = cuad[i % len(cuad)].read_text("utf-8", errors="replace")[:2500]
        else:
            text = SAMPLE_TXT.read_text("utf-8")[:2500]
        (folder / f"contract-{i:03d}.txt").write_text(f"Contract {i}.\n{text}", "utf-8")
    (folder / "empty.txt").write_bytes(b"")             # refused: empty_file
    (folder / "scan.tiff").write_bytes(b"II*\x00" * 64)  # refused: unsupported_type


def _wait_ready(url: str, processes: list[subprocess.Popen], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), "a process exited during start-up"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("the API did not become ready")


def _wait_done(database_url: str, jobs: int, timeout: float = 300) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute("SELECT count(*) FROM serving_jobs WHERE status = 'done'").fetchone()
            if row and row[0] >= jobs:
                return
            time.sleep(0.2)
    raise AssertionError(f"fewer than {jobs} jobs done in {timeout} s")


def _busy_worker(redis_url: str, pid: int, timeout: float = 120) -> str:
    """The RQ job id the worker with this pid is running, once it runs one."""
    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for worker in Worker.all(connection=connection):
                if worker.pid == pid and worker.get_current_job_id():
                    return str(worker.get_current_job_id())
            time.sleep(0.05)
    finally:
        connection.close()
    raise AssertionError("the worker never took a job")


def test_compose_wiring_survives_a_killed_worker(compose: dict, database: str, redis_db: str,
                                                 tmp_path: Path) -> None:
    compose_env = _service_env(compose, "api")
    assert _service_env(compose, "worker") == compose_env == _service_env(compose, "migrate")
    # the compose file points at its own services; here they are the local servers
    assert "@postgres:5432/" in compose_env["LEXRISK_DATABASE_URL"] and "postgres" in compose["services"]
    assert compose_env["LEXRISK_REDIS_URL"].startswith("redis://redis:6379/") and "redis" in compose["services"]
    assert compose_env["LEXRISK_ANALYZER"] == "baseline"  # the cpu profile: the embedded analyzer
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXRISK_")}
    env |= compose_env | TEST_OVERRIDES | {"LEXRISK_DATABASE_URL": database, "LEXRISK_REDIS_URL": redis_db,
                                           "PYTHONPATH": str(REPO)}
    run = {"env": env, "cwd": tmp_path, "text": True}

    migrate = subprocess.run(_command(compose, "migrate"), capture_output=True, timeout=180, **run)
    assert migrate.returncode == 0, migrate.stderr
    key = subprocess.run([*_command(compose, "api")[:1], "keys", "create", "--tenant", "archive"],
                         capture_output=True, timeout=120, check=True, **run).stdout.strip()

    port = _free_port()
    api_argv = _command(compose, "api")
    api_argv[api_argv.index("--port") + 1] = str(port)
    api_argv[api_argv.index("--host") + 1] = "127.0.0.1"  # 0.0.0.0 in a container; loopback on a shared host
    replicas = compose["services"]["worker"]["deploy"]["replicas"]
    assert replicas == 2
    logs = [open(tmp_path / f"{name}.log", "w") for name in ("api", "worker-1", "worker-2")]  # noqa: SIM115
    processes: list[subprocess.Popen] = []
    try:
        processes.append(subprocess.Popen(api_argv, stdout=logs[0], stderr=subprocess.STDOUT, **run))
        for i in range(replicas):
            processes.append(subprocess.Popen(_command(compose, "worker"), stdout=logs[i + 1],
                                              stderr=subprocess.STDOUT, **run))
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, processes)

        folder = tmp_path / "archive"
        _contracts(folder)
        journal, summary_json = tmp_path / "journal.jsonl", tmp_path / "summary.json"
        batch = [*_command(compose, "api")[:1], "batch"]
        common = [str(folder), "--api-url", url, "--journal", str(journal)]
        submit = subprocess.Popen([*batch, "submit", *common], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env | {"LEXRISK_API_KEY": key}, cwd=tmp_path, text=True)
        processes.append(submit)  # stopped in the finally if the test fails before it ends
        victim = processes[1]
        _wait_done(database, CONTRACTS // 4)  # midway: a quarter of the archive analyzed
        killed_job = _busy_worker(redis_db, victim.pid)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        _out, err = submit.communicate(timeout=600)
        assert submit.returncode == 1, err  # 1: two files were refused (summarized below)
        assert f"{CONTRACTS + 2} files: {CONTRACTS} submitted" in err

        status = subprocess.run([*batch, "status", *common, "--wait", "--timeout", "300", "--json",
                                 str(summary_json)], capture_output=True, timeout=400,
                                env=env | {"LEXRISK_API_KEY": key}, cwd=tmp_path, text=True)
        assert status.returncode == 1, status.stderr
        summary = json.loads(summary_json.read_text("utf-8"))
        counts = summary["counts"]
        assert counts.get("queued", 0) == counts.get("running", 0) == counts.get("error", 0) == 0, counts
        assert counts.get("done", 0) + counts.get("failed", 0) == CONTRACTS, counts
        assert counts["rejected"] == 2
        for failure in summary["failures"]:
            assert failure["code"] and failure["message"], failure
        assert {Path(f["path"]).name: f["code"] for f in summary["failures"] if f["status"] == "rejected"} == \
            {"empty.txt": "empty_file", "scan.tiff": "unsupported_type"}

        # the job the killed worker held was handed on and ended; the database agrees with the journal
        job_id, attempt = killed_job.rsplit("-", 1)
        headers = {"Authorization": f"Bearer {key}"}
        job = httpx.get(f"{url}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
        # a later attempt when the victim had claimed it (reaped as stale); the same attempt when it died between
        # taking the delivery off its lane and claiming it (re-sent as a lost delivery): either way, not lost
        assert job["status"] in ("done", "failed") and job["attempts"] >= int(attempt), job
        if job["status"] == "failed":
            assert job["error"]["code"] and job["error"]["message"]
        listed = httpx.get(f"{url}/v1/contracts?limit=1", headers=headers, timeout=10).json()
        assert listed["count"] == CONTRACTS
        assert processes[2].poll() is None, "the surviving worker died"
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
