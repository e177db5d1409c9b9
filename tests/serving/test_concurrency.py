"""Correctness under concurrency: atomic deduplication, backpressure, fairness between tenants,
recovered jobs at the front of the queue."""

from __future__ import annotations

import base64
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from annotation.store import get_or_create_contract
from contracts.documents import Document
from serving.api.deps import app_engine
from serving.db import make_engine
from serving.jobs.fair import FairQueue
from serving.jobs.runner import reap
from serving.models import Contract, Job, Tenant, utcnow
from tests.serving.conftest import PG_URL, SAMPLES, Api, make_settings, open_api

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_api(request, tmp_path):
    if request.param == "sqlite":
        yield from open_api(make_settings(tmp_path))
    else:
        schema = request.getfixturevalue("pg_schema")
        yield from open_api(make_settings(tmp_path, database_url=PG_URL), schema)


def _count(api: Api, model) -> int:
    with Session(api.resolve(app_engine)) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_concurrent_uploads_of_the_same_bytes_make_one_contract_and_one_job(db_api: Api) -> None:
    data = (SAMPLES / "master_services_agreement.txt").read_bytes()
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda i: db_api.upload(data=data, name=f"copy{i}.txt"), range(8)))
    assert [r.status_code for r in replies] == [202] * 8, [r.text for r in replies]
    bodies = [r.json() for r in replies]
    assert len({b["job_id"] for b in bodies}) == 1 and len({b["contract_id"] for b in bodies}) == 1
    assert sorted(b["reused"] for b in bodies) == [False] + [True] * 7
    assert _count(db_api, Contract) == 1 and _count(db_api, Job) == 1


def test_known_bytes_with_a_new_callback_url_are_refused(tmp_path) -> None:
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["hooks.example.com"])
    for api in open_api(settings):
        first = api.upload()
        assert first.status_code == 202
        refused = api.upload(callback_url="https://hooks.example.com/lexrisk")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "callback_conflict"
        assert first.json()["job_id"] in refused.json()["error"]["message"]
        # the same request again (a client's retry) is simply the same job
        data = b"The Customer shall purchase exclusively from Provider."
        with_hook = api.upload(data=data, name="a.txt", callback_url="https://hooks.example.com/lexrisk").json()
        again = api.upload(data=data, name="a.txt", callback_url="https://hooks.example.com/lexrisk").json()
        assert again["job_id"] == with_hook["job_id"] and again["reused"] is True


def test_full_queues_refuse_with_retry_after(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LEXRISK_TEST_CHUNK_DELAY", "5")  # the first job holds the one worker meanwhile
    settings = make_settings(tmp_path, job_workers=1, queue_max_per_tenant=2, queue_max=3)
    for api in open_api(settings):
        def upload(i: int, tenant: str = "acme", api: Api = api):
            return api.upload(data=f"{i}. The Customer shall not assign.".encode(), name=f"{i}.txt", tenant=tenant)

        running = upload(0).json()["job_id"]
        while api.client.get(f"/v1/jobs/{running}", headers=api.h()).json()["status"] != "running":
            time.sleep(0.02)
        assert [upload(i).status_code for i in (1, 2)] == [202, 202]
        mine = upload(3)
        assert mine.status_code == 429 and mine.json()["error"]["code"] == "queue_full"
        assert int(mine.headers["retry-after"]) == settings.queue_retry_after_s
        assert upload(4, "globex").status_code == 202  # its own queue had room, and the global one
        everyone = upload(5, "globex")
        assert everyone.status_code == 503 and everyone.json()["error"]["code"] == "queue_full"
        assert "retry-after" in everyone.headers
        metrics = api.client.get("/metrics").text
        assert "lexrisk_queue_depth 3.0" in metrics and "lexrisk_queue_depth_deepest_tenant 2.0" in metrics


def test_tenants_take_turns_in_the_in_process_queue(tmp_path, monkeypatch) -> None:
    """Judged by the jobs' own timestamps, not by how fast the uploads went: of the burst's jobs still waiting
    when the other tenant's job was queued, at most one (the next turn) may start before it; FIFO would start
    them all first."""
    monkeypatch.setenv("LEXRISK_TEST_CHUNK_DELAY", "0.5")
    for api in open_api(make_settings(tmp_path, job_workers=1)):
        burst = [api.upload(data=f"{i}. The Customer shall not assign.".encode(), name=f"{i}.txt").json()["job_id"]
                 for i in range(5)]
        other = api.upload(data=b"Globex shall not assign.", name="g.txt", tenant="globex").json()["job_id"]
        jobs = {job_id: api.wait(job_id) for job_id in burst}
        theirs = api.wait(other, tenant="globex")
        waiting = [j for j in burst if jobs[j]["started_at"] > theirs["created_at"]]
        assert len(waiting) >= 2, "the burst ran out before the other job was queued: nothing to take turns with"
        ahead = [j for j in waiting if jobs[j]["started_at"] < theirs["started_at"]]
        assert len(ahead) <= 1, (ahead, waiting)


def test_fair_queue_alternates_tenants_and_puts_recovered_jobs_first() -> None:
    queue: FairQueue[str] = FairQueue()
    for item in ("a1", "a2", "a3"):
        queue.put("a", item)
    queue.put("b", "b1")
    queue.put("b", "b2")
    queue.put("b", "b0", front=True)
    assert [queue.get(0) for _ in range(6)] == ["b0", "a1", "b1", "a2", "b2", "a3"]
    assert queue.get(0) is None
    queue.close()


def test_reaper_hands_a_lost_job_back_at_the_front(tmp_path) -> None:
    settings = make_settings(tmp_path, job_stale_after_s=1)
    for _api in open_api(settings):
        pass  # migrated, tenants made
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        tenant = session.exec(select(Tenant)).first()
        record = get_or_create_contract(session, tenant.name, Document.from_text("c", "c"))
        contract = Contract(tenant_id=tenant.id, record_id=record.id)
        session.add(contract)
        session.flush()
        old = utcnow() - timedelta(minutes=5)
        waiting = [Job(tenant_id=tenant.id, contract_id=contract.id, analyzer="fake", created_at=old + timedelta(seconds=i))
                   for i in range(2)]
        lost = Job(tenant_id=tenant.id, contract_id=contract.id, analyzer="fake", status="running",
                   heartbeat_at=old, created_at=old + timedelta(seconds=10))
        session.add_all([*waiting, lost])
        session.commit()
        ids = [waiting[0].id, waiting[1].id, lost.id]
    calls: list[tuple[str, int, bool]] = []
    reap(engine, settings, lambda job_id, attempt, tenant_id, *, front: calls.append((job_id, attempt, front)),
         requeue_all_queued=False)
    engine.dispose()
    assert (ids[2], 2, True) in calls
    assert [c for c in calls if not c[2]] == [(ids[0], 1, False), (ids[1], 1, False)]
