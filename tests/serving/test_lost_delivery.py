"""A delivery a worker took off the RQ list and died with before claiming its job is found and sent
again; deliveries still waiting, or taken moments ago, are left alone (no duplicate flood)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from serving.db import make_engine
from serving.jobs.runner import reap
from serving.models import Job, utcnow
from tests.serving.conftest import make_settings, open_api

REDIS_URL = os.environ.get("LEXRISK_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
pytestmark = pytest.mark.redis


def test_a_delivery_lost_before_the_claim_is_sent_again(tmp_path) -> None:
    redis = pytest.importorskip("redis")
    from rq.job import Job as RQJob
    from rq.utils import utcformat

    from serving.jobs.queue import RQQueue, lane_of

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    settings = make_settings(tmp_path, redis_url=REDIS_URL, job_stale_after_s=5)
    try:
        for api in open_api(settings):  # the API queues on Redis; no worker runs
            jobs = [api.upload(data=f"{i}. Customer shall purchase exclusively from Provider.".encode(),
                               name=f"{i}.txt").json()["job_id"] for i in range(4)]
        popped, waiting, started_long_ago, started_now = jobs
        engine = make_engine(settings.database_url)
        queue = RQQueue(engine, settings)
        with Session(engine) as session:
            (tenant,) = {j.tenant_id for j in session.exec(Job.__table__.select()).all()}  # type: ignore[attr-defined]
        lane = queue.lanes[lane_of(tenant, settings)]  # one tenant: one lane
        assert lane.job_ids == [f"{j}-1" for j in jobs]
        # what workers leave: one popped the delivery and died at once; one died after RQ marked the
        # delivery started a minute ago; one took its delivery a moment ago and is about to claim
        for job_id in (popped, started_long_ago, started_now):
            client.lrem(lane.key, 1, f"{job_id}-1")
        for job_id, when in ((started_long_ago, utcnow() - timedelta(minutes=1)), (started_now, utcnow())):
            client.hset(RQJob.key_for(f"{job_id}-1"), mapping={"status": "started", "started_at": utcformat(when)})
        with Session(engine) as session:
            session.exec(update(Job).values(enqueued_at=utcnow() - timedelta(minutes=2)))  # type: ignore[call-overload]
            session.commit()

        everything = [(j, 1, tenant) for j in jobs]
        assert queue.lost(everything) == [(popped, 1, tenant), (started_long_ago, 1, tenant)]
        assert queue.lost([("never-queued", 1, tenant)]) == [("never-queued", 1, tenant)]  # gone from Redis: lost too

        handed_on = reap(engine, settings, queue.enqueue, requeue_all_queued=False, find_lost=queue.lost)
        assert sorted(handed_on) == sorted([popped, started_long_ago])
        # lost deliveries go to the front of their lane, the longest-waiting first
        assert lane.job_ids == [f"{popped}-1", f"{started_long_ago}-1", f"{waiting}-1"]
        with Session(engine) as session:  # sent again at the same attempt; not rechecked until stale again
            rows = {j.id: j for j in session.exec(Job.__table__.select()).all()}  # type: ignore[attr-defined]
            assert {rows[j].attempts for j in jobs} == {1}
            assert rows[popped].enqueued_at > utcnow() - timedelta(seconds=30)
        assert reap(engine, settings, queue.enqueue, requeue_all_queued=False, find_lost=queue.lost) == []
        queue.stop()
        engine.dispose()
    finally:
        client.flushdb()
        client.close()
