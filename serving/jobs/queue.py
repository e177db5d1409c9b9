"""Where jobs run. Without a Redis URL: threads in the API process. With one: RQ workers
(`lexrisk worker`).

Why RQ: the job is one Python call by import path over Redis, which the deployment already runs; no
broker or result-backend configuration (Celery) and no actor/middleware layer (Dramatiq) to learn for
a queue with one kind of job. Its weak spot — a killed worker's job is noticed only after a long TTL —
is covered by our own heartbeat reaper (serving.jobs.runner.reap), which works the same for both
queues. Workers are RQ `SimpleWorker`s: jobs run in the worker process, so an analyzer's model loads
once per worker rather than once per job in a forked child."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.engine import Engine

from contracts.settings import Settings
from serving.jobs.runner import AnalyzerCache, mark_enqueued, reap, run_job

log = logging.getLogger(__name__)
QUEUE_NAME = "lexrisk"


class JobQueue(Protocol):
    def enqueue(self, job_id: str, attempt: int) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def ready(self) -> bool: ...


class _Reaper(threading.Thread):
    def __init__(self, engine: Engine, settings: Settings, queue: JobQueue) -> None:
        super().__init__(daemon=True, name="lexrisk-reaper")
        self.engine, self.settings, self.queue = engine, settings, queue
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(max(self.settings.job_stale_after_s / 3, 0.5)):
            try:
                reap(self.engine, self.settings, self.queue.enqueue, requeue_all_queued=False,
                     find_lost=getattr(self.queue, "lost", None))
            except Exception:
                log.exception("reaper pass failed")


class InProcessQueue:
    def __init__(self, engine: Engine, settings: Settings, analyzers: AnalyzerCache | None = None) -> None:
        self.engine, self.settings = engine, settings
        self.analyzers = analyzers or AnalyzerCache(settings)
        self.pool = ThreadPoolExecutor(max_workers=settings.job_workers, thread_name_prefix="lexrisk-job")
        self.reaper = _Reaper(engine, settings, self)

    def enqueue(self, job_id: str, attempt: int) -> None:
        mark_enqueued(self.engine, job_id)
        self.pool.submit(self._run, job_id, attempt)

    def _run(self, job_id: str, attempt: int) -> None:
        try:
            run_job(self.engine, self.settings, self.analyzers, job_id, attempt)
        except Exception:
            log.exception("job %s crashed", job_id)

    def start(self) -> None:
        # queued jobs of a previous process lived in its memory only: queue them again
        reap(self.engine, self.settings, self.enqueue, requeue_all_queued=True)
        self.reaper.start()

    def stop(self) -> None:
        self.reaper.halt.set()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def ready(self) -> bool:
        return True


class RQQueue:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        from redis import Redis
        from rq import Queue

        assert settings.redis_url
        self.engine, self.settings = engine, settings
        self.redis = Redis.from_url(settings.redis_url)
        self.queue = Queue(QUEUE_NAME, connection=self.redis)

    def enqueue(self, job_id: str, attempt: int) -> None:
        self.queue.enqueue("serving.jobs.worker.execute", job_id, attempt, job_id=f"{job_id}-{attempt}",
                           job_timeout=self.settings.job_timeout_s, result_ttl=3600, failure_ttl=7 * 24 * 3600)
        mark_enqueued(self.engine, job_id)

    def lost(self, deliveries: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Of these (job id, attempt) pairs, queued in the database for longer than `job_stale_after_s`,
        the ones no worker will run: a worker took the delivery off the list and died before it claimed
        the job (the job's heartbeat, which covers a claimed job, never started). Such a delivery is
        no longer in RQ's list, or RQ says it started long ago, or it is gone or ended in Redis."""
        from rq.job import Job as RQJob
        from rq.job import JobStatus

        started_before = datetime.now(UTC) - timedelta(seconds=self.settings.job_stale_after_s)
        ids = [f"{job_id}-{attempt}" for job_id, attempt in deliveries]
        found: list[tuple[str, int]] = []
        for delivery, rq_id, job in zip(deliveries, ids, RQJob.fetch_many(ids, connection=self.redis), strict=True):
            status = job.get_status(refresh=False) if job is not None else None
            if status in (JobStatus.DEFERRED, JobStatus.SCHEDULED):
                continue
            if status == JobStatus.QUEUED and self.redis.lpos(self.queue.key, rq_id) is not None:
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


def make_queue(engine: Engine, settings: Settings) -> JobQueue:
    return RQQueue(engine, settings) if settings.redis_url else InProcessQueue(engine, settings)
