"""Jobs survive what kills processes: a restarted API (in-process worker) and a killed RQ worker
with the real Redis. Lost jobs are retried, or failed with the reason once out of attempts; the upload
is never lost."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from serving.db import make_engine
from serving.models import FindingRow, Job, utcnow
from serving.records import stored_bytes
from tests.serving.conftest import PLUGINS, ROOT, SAMPLES, make_settings, open_api

REDIS_URL = os.environ.get("LEXRISK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _set(settings, job_id: str, **values) -> None:
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        session.exec(delete(FindingRow).where(col(FindingRow.job_id) == job_id))
        session.exec(update(Job).where(col(Job.id) == job_id).values(**values))
        session.commit()
    engine.dispose()


def test_api_restart_requeues_what_the_dead_process_held(tmp_path) -> None:
    settings = make_settings(tmp_path, job_stale_after_s=1, job_max_attempts=2)
    for api in open_api(settings):
        jobs = [api.upload(data=f"{i}. Customer shall purchase exclusively from Provider.".encode(),
                           name=f"{i}.txt").json()["job_id"] for i in range(3)]
        for job in jobs:
            api.wait(job)
        keys = api.keys
    # what a killed API process leaves behind: a job mid-run, a job still in its memory queue, and a
    # job that has already used its last attempt
    stale = utcnow() - timedelta(seconds=30)
    _set(settings, jobs[0], status="running", heartbeat_at=stale, chunks_done=0, finished_at=None)
    _set(settings, jobs[1], status="queued", enqueued_at=utcnow(), finished_at=None)
    _set(settings, jobs[2], status="running", heartbeat_at=stale, attempts=2, finished_at=None)
    for api in open_api(settings):
        api.keys = keys
        first, second, third = (api.wait(j) for j in jobs)
        assert (first["status"], first["attempts"]) == ("done", 2)
        assert (second["status"], second["attempts"]) == ("done", 1)
        assert third["status"] == "failed" and third["error"]["code"] == "worker_lost"
        assert "2 attempt" in third["error"]["message"]
        findings = api.client.get(f"/v1/contracts/{first['contract_id']}/findings", headers=api.h()).json()
        assert findings["job_id"] == jobs[0] and findings["count"] > 0


def test_stale_attempt_cannot_overwrite_a_newer_one(tmp_path) -> None:
    from serving.jobs.runner import AnalyzerCache, run_job

    settings = make_settings(tmp_path)
    for api in open_api(settings):
        job_id = api.upload().json()["job_id"]
        api.wait(job_id)
    _set(settings, job_id, status="queued", attempts=3)
    engine = make_engine(settings.database_url)
    assert run_job(engine, settings, AnalyzerCache(settings), job_id, 2) == "skipped"  # an old delivery
    assert run_job(engine, settings, AnalyzerCache(settings), job_id, 3) == "done"
    engine.dispose()


def _worker(settings, **env) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "LEXRISK_DATABASE_URL": settings.database_url,
                   "LEXRISK_REDIS_URL": REDIS_URL, "LEXRISK_ANALYZER_PLUGINS": json.dumps(PLUGINS),
                   "LEXRISK_JOB_STALE_AFTER_S": str(settings.job_stale_after_s), "LEXRISK_JOB_HEARTBEAT_S": "0.2",
                   "LEXRISK_JOB_MAX_ATTEMPTS": str(settings.job_max_attempts), **env}
    return subprocess.Popen([sys.executable, "-m", "lexrisk", "worker"], cwd=ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    client.flushdb()
    return client


def _wait_running(api, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.client.get(f"/v1/jobs/{job_id}", headers=api.h()).json()
        if job["status"] == "running" and job["progress"]["chunks_done"] >= 1:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job never ran: {job}")


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.parametrize("max_attempts", [2, 1])
def test_killed_rq_worker_and_restarted_api_lose_no_job(tmp_path, max_attempts: int) -> None:
    redis = _redis()
    settings = make_settings(tmp_path, redis_url=REDIS_URL, job_stale_after_s=2, job_max_attempts=max_attempts)
    data = (SAMPLES / "master_services_agreement.txt").read_bytes()
    worker = _worker(settings, LEXRISK_TEST_CHUNK_DELAY="0.4")
    replacement = None
    try:
        for api in open_api(settings):
            keys = api.keys
            job_id = api.upload(data=data, name="msa.txt").json()["job_id"]
            _wait_running(api, job_id)
            os.killpg(worker.pid, signal.SIGKILL)  # the worker dies mid-job
            worker.wait(10)
        # the API restarts while the job is orphaned; a new worker comes up
        replacement = _worker(settings, LEXRISK_TEST_CHUNK_DELAY="0")
        for api in open_api(settings):
            api.keys = keys
            job = api.wait(job_id, timeout=60)
            if max_attempts == 2:
                assert (job["status"], job["attempts"]) == ("done", 2), job
                findings = api.client.get(f"/v1/contracts/{job['contract_id']}/findings", headers=api.h()).json()
                assert findings["count"] > 0
            else:
                assert job["status"] == "failed" and job["error"]["code"] == "worker_lost", job
            assert api.upload(data=data, name="msa.txt").json()["contract_id"] == job["contract_id"]
        engine = make_engine(settings.database_url)
        with Session(engine) as session:
            stored = stored_bytes(session, job["contract_id"])
            assert stored is not None and hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest()
        engine.dispose()
    finally:
        for process in (worker, replacement):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)
        redis.flushdb()


@pytest.mark.redis
def test_upload_is_kept_while_redis_is_down_and_queued_once_it_is_back(tmp_path) -> None:
    from serving.jobs.queue import RQQueue

    settings = make_settings(tmp_path, redis_url="redis://127.0.0.1:1/0")  # nothing listens there
    for api in open_api(settings):
        response = api.upload()
        assert response.status_code == 202  # stored; the queue is retried later
        job = api.client.get(response.headers["location"], headers=api.h()).json()
        assert job["status"] == "queued"
        ready = api.client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["queue"] == "unreachable"
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        assert session.get(Job, job["id"]).enqueued_at is None
    # Redis is back: the reaper hands the waiting job to it
    redis = _redis()
    try:
        queue = RQQueue(engine, make_settings(tmp_path, redis_url=REDIS_URL))
        queue.start()
        assert [i for lane in queue.lanes.values() for i in lane.job_ids] == [f"{job['id']}-1"]
        with Session(engine) as session:
            assert session.get(Job, job["id"]).enqueued_at is not None
    finally:
        redis.flushdb()
        engine.dispose()


def test_rate_limit_is_shared_by_api_processes_through_redis(tmp_path) -> None:
    """Two apps (two API processes' worth of state) on one Redis: the key's budget is one."""
    from fastapi.testclient import TestClient

    from serving.api.app import build_app
    from serving.db import migrate
    from serving.keys import create_key

    settings = make_settings(tmp_path, redis_url=REDIS_URL, rate_limit_reads_per_minute=4)
    engine = make_engine(settings.database_url)
    migrate(engine)
    key = create_key(engine, "acme")[0]
    engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(build_app(settings)) as one, TestClient(build_app(settings)) as two:
        codes = [client.get("/v1/contracts", headers=headers).status_code for client in (one, two) * 3]
    assert codes == [200, 200, 200, 200, 429, 429]


@pytest.mark.redis
def test_rq_lanes_let_a_second_tenant_pass_a_burst(tmp_path) -> None:
    """Two tenants in different lanes: one uploads five contracts, then the other one; an RQ worker
    taking the lanes in turn runs the second tenant's job second, not sixth."""
    from serving.jobs.queue import lane_of
    from serving.keys import create_key
    from serving.models import Tenant

    redis = _redis()
    settings = make_settings(tmp_path, redis_url=REDIS_URL, queue_lanes=2)
    engine = make_engine(settings.database_url)
    from serving.db import migrate

    migrate(engine)
    keys: dict[str, str] = {}
    with Session(engine) as session:
        while len(keys) < 2:  # tenant ids are random: make tenants until two lanes are taken
            key, tenant = create_key(engine, f"firm{len(session.exec(select(Tenant)).all())}")
            lane = lane_of(tenant.id, settings)
            keys.setdefault(lane, key)
    burst_key, other_key = keys.values()
    try:
        for api in open_api(settings):
            def upload(key: str, i: int, api=api) -> str:
                return api.client.post("/v1/contracts", headers={"Authorization": f"Bearer {key}"},
                                       files={"file": (f"{i}.txt", f"{i}. Customer shall not assign.".encode())}
                                       ).json()["job_id"]

            burst = [upload(burst_key, i) for i in range(5)]
            other = upload(other_key, 99)
        worker = subprocess.run([sys.executable, "-m", "lexrisk", "worker", "--burst"], cwd=ROOT, timeout=120,
                                env={**os.environ, "PYTHONPATH": str(ROOT), "LEXRISK_DATABASE_URL": settings.database_url,
                                     "LEXRISK_REDIS_URL": REDIS_URL, "LEXRISK_ANALYZER_PLUGINS": json.dumps(PLUGINS),
                                     "LEXRISK_QUEUE_LANES": "2"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert worker.returncode == 0
        with Session(engine) as session:
            started = {job.id: job.started_at for job in session.exec(select(Job)).all()}
        order = sorted(started, key=lambda j: started[j])
        assert set(order) == {*burst, other} and order.index(other) <= 1, order
    finally:
        redis.flushdb()
        engine.dispose()


def test_the_gate_awaits_redis_and_shares_the_budget_with_blocking_callers() -> None:
    """`Limits.take_async` (the gate on the event loop, for a cached key) takes from the same Redis bucket as
    the blocking `take` and reads the revocation epoch in that round trip; with Redis unreachable it limits
    per process and reports no epoch (so the cached key is checked in the database)."""
    import asyncio

    from redis import Redis
    from redis.asyncio import Redis as AsyncRedis

    from serving.api.ratelimit import Limits, RedisRateLimiter

    def limits(url: str) -> Limits:
        sync = Redis.from_url(url, socket_connect_timeout=1)
        return Limits(RedisRateLimiter(sync, 60, "t:w:"), RedisRateLimiter(sync, 2, "t:r:"),
                      RedisRateLimiter(sync, 2, "t:auth:"), AsyncRedis.from_url(url, socket_connect_timeout=1))

    async def three_reads(shared: Limits) -> list[tuple[float, str | None]]:
        try:
            return [await shared.take_async("key", reads=True) for _ in range(3)]
        finally:
            await shared.aclose()

    client = _redis()
    try:
        shared = limits(REDIS_URL)
        first, second, third = asyncio.run(three_reads(shared))
        assert first == second == (0.0, "0") and 25 < third[0] <= 30 and third[1] == "0"  # 2 reads a minute
        assert 25 < shared.reads.take("key") <= 30  # the blocking path sees the same bucket
        assert client.exists("t:r:key")
        shared.bump_epoch()
        assert asyncio.run(three_reads(limits(REDIS_URL)))[0][1] == "1" and shared.epoch() == "1"
    finally:
        client.flushdb()
    first, second, third = asyncio.run(three_reads(limits("redis://127.0.0.1:1/0")))  # nothing listens there
    assert first == second == (0.0, None) and third[0] > 25  # this process's own bucket of 2 a minute


def test_keys_that_authenticated_are_vouched_for_in_redis() -> None:
    """What exempts a key from its address's lockout is shared by every API process."""
    from serving.api.ratelimit import Limits, RedisRateLimiter

    client = _redis()
    try:
        one, two = (Limits(RedisRateLimiter(client, 60, "t:w:"), RedisRateLimiter(client, 2, "t:r:"),
                           RedisRateLimiter(client, 2, "t:auth:")) for _ in range(2))
        assert not two.vouched("digest")
        one.vouch("digest")
        assert two.vouched("digest") and not two.vouched("other")
    finally:
        client.flushdb()
