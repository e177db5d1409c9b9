"""Where jobs run. Without a Redis URL: threads in the API process. With one: RQ workers
(`lexrisk worker`).

Why RQ: the job is one Python call by import path over Redis, which the deployment already runs; no
broker or result-backend configuration (Celery) and no actor/middleware layer (Dramatiq) to learn for
a queue with one kind of job. Its weak spot — a killed worker's job is noticed only after a long TTL —
is covered by our own heartbeat reaper (serving.jobs.runner.reap), which works the same for both
queues. Workers are RQ `SimpleWorker`s: jobs run in the worker process, so an analyzer's model loads
once per worker rather than once per job in a forked child.

Fairness between tenants: the in-process queue takes tenants in turn (serving.jobs.fair). On RQ each
tenant's jobs go to one of `LEXRISK_QUEUE_LANES` queues (by a hash of the tenant) and workers take the
lanes round robin, so tenants in different lanes are served in turn (tenants sharing a lane, FIFO).
A job handed back after its worker was lost goes to the front, not behind everything queued since."""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.engine import Engine

from serving.jobs.fair import FairQueue
from serving.jobs.notices import NoticeScanner
from serving.jobs.runner import AnalyzerCache, Delivery, mark_enqueued, reap, resend_lost_webhooks, run_job
from serving.settings import ServiceSettings
from serving.webhooks import WebhookDispatcher

log = logging.getLogger(__name__)
QUEUE_NAME = "lexrisk"


def lane_names(settings: ServiceSettings) -> list[str]:
    return [f"{QUEUE_NAME}-{i}" for i in range(settings.queue_lanes)]


def lane_of(tenant_id: str, settings: ServiceSettings) -> str:
    return lane_names(settings)[int(hashlib.sha256(tenant_id.encode()).hexdigest()[:8], 16) % settings.queue_lanes]


class JobQueue(Protocol):
    def enqueue(self, job_id: str, attempt: int, tenant_id: str, *, front: bool = False) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def ready(self) -> bool: ...


class _Reaper(threading.Thread):
    def __init__(self, engine: Engine, settings: ServiceSettings, queue: JobQueue,
                 webhooks: WebhookDispatcher | None = None) -> None:
        super().__init__(daemon=True, name="lexrisk-reaper")
        self.engine, self.settings, self.queue, self.webhooks = engine, settings, queue, webhooks
        self.halt = threading.Event()
        self.notices = NoticeScanner(engine, settings)  # notice-deadline webhooks ride on the reaper's ticks

    def run(self) -> None:
        while not self.halt.wait(max(self.settings.job_stale_after_s / 3, 0.5)):
            try:
                reap(self.engine, self.settings, self.queue.enqueue, requeue_all_queued=False, webhooks=self.webhooks,
                     find_lost=getattr(self.queue, "lost", None))
            except Exception:
                log.exception("reaper pass failed")
            self.notices.tick()


class InProcessQueue:
    def __init__(self, engine: Engine, settings: ServiceSettings, analyzers: AnalyzerCache | None = None) -> None:
        self.engine, self.settings = engine, settings
        self.analyzers = analyzers or AnalyzerCache(settings)
        self.waiting: FairQueue[tuple[str, int]] = FairQueue()
        self.workers = [threading.Thread(target=self._work, daemon=True, name=f"lexrisk-job-{i}")
                        for i in range(settings.job_workers)]
        self.webhooks = WebhookDispatcher(settings.webhook_workers)
        self.reaper = _Reaper(engine, settings, self, self.webhooks)

    def enqueue(self, job_id: str, attempt: int, tenant_id: str, *, front: bool = False) -> None:
        mark_enqueued(self.engine, job_id)
        self.waiting.put(tenant_id, (job_id, attempt), front=front)

    def _work(self) -> None:
        while (item := self.waiting.get()) is not None:
            job_id, attempt = item
            try:
                run_job(self.engine, self.settings, self.analyzers, job_id, attempt, self.webhooks)
            except Exception:
                log.exception("job %s crashed", job_id)

    def start(self) -> None:
        # queued jobs of a previous process lived in its memory only: queue them again
        reap(self.engine, self.settings, self.enqueue, requeue_all_queued=True, webhooks=self.webhooks)
        resend_lost_webhooks(self.engine, self.settings, self.webhooks)
        for worker in self.workers:
            worker.start()
        self.reaper.start()

    def stop(self) -> None:
        self.reaper.halt.set()
        self.waiting.close()
        self.webhooks.stop()
        self.analyzers.close()

    def ready(self) -> bool:
        return True


class RQQueue:
    def __init__(self, engine: Engine, settings: ServiceSettings) -> None:
        from redis import Redis
        from rq import Queue

        assert settings.redis_url
        self.engine, self.settings = engine, settings
        self.redis = Redis.from_url(settings.redis_url)
        self.lanes = {name: Queue(name, connection=self.redis) for name in lane_names(settings)}

    def enqueue(self, job_id: str, attempt: int, tenant_id: str, *, front: bool = False) -> None:
        self.lanes[lane_of(tenant_id, self.settings)].enqueue(
            "serving.jobs.worker.execute", job_id, attempt, job_id=f"{job_id}-{attempt}", at_front=front,
            job_timeout=self.settings.job_timeout_s, result_ttl=3600, failure_ttl=7 * 24 * 3600)
        mark_enqueued(self.engine, job_id)

    def lost(self, deliveries: list[Delivery]) -> list[Delivery]:
        """Of these (job id, attempt, tenant id) deliveries, queued in the database for longer than `job_stale_after_s`,
        the ones no worker will run: a worker took the delivery off the list and died before it claimed
        the job (the job's heartbeat, which covers a claimed job, never started). Such a delivery is
        no longer in RQ's list, or RQ says it started long ago, or it is gone or ended in Redis."""
        from rq.job import Job as RQJob
        from rq.job import JobStatus

        started_before = datetime.now(UTC) - timedelta(seconds=self.settings.job_stale_after_s)
        ids = [f"{job_id}-{attempt}" for job_id, attempt, _ in deliveries]
        found: list[Delivery] = []
        for delivery, rq_id, job in zip(deliveries, ids, RQJob.fetch_many(ids, connection=self.redis), strict=True):
            status = job.get_status(refresh=False) if job is not None else None
            if status in (JobStatus.DEFERRED, JobStatus.SCHEDULED):
                continue
            lane = self.lanes[lane_of(delivery[2], self.settings)]
            if status == JobStatus.QUEUED and self.redis.lpos(lane.key, rq_id) is not None:
                continue
            if status == JobStatus.STARTED and job is not None and job.started_at and job.started_at > started_before:
                continue  # taken moments ago; the claim is on its way
            found.append(delivery)
        return found

    def start(self) -> None:
        try:
            reap(self.engine, self.settings, self.enqueue, requeue_all_queued=False, find_lost=self.lost)
        except Exception:  # Redis down at start: /readyz says so, and jobs wait in the database
            log.exception("could not hand waiting jobs to Redis")

    def stop(self) -> None:
        self.redis.close()

    def ready(self) -> bool:
        try:
            return bool(self.redis.ping())
        except Exception:
            return False


def make_queue(engine: Engine, settings: ServiceSettings) -> JobQueue:
    return RQQueue(engine, settings) if settings.redis_url else InProcessQueue(engine, settings)
