"""The RQ side: the function RQ workers call, and the worker loop `lexrisk worker` runs."""

from __future__ import annotations

import logging
from functools import cache

from sqlalchemy.engine import Engine

from contracts.settings import load_settings
from serving.db import make_engine, migrate
from serving.jobs.runner import AnalyzerCache, run_job
from serving.settings import ServiceSettings
from serving.webhooks import WebhookDispatcher

log = logging.getLogger(__name__)


@cache
def _context() -> tuple[Engine, ServiceSettings, AnalyzerCache, WebhookDispatcher]:
    settings = load_settings(ServiceSettings)
    engine = make_engine(settings.database_url)
    return engine, settings, AnalyzerCache(settings), WebhookDispatcher(settings.webhook_workers)


def execute(job_id: str, attempt: int) -> str:
    """Called by RQ with the job's id and attempt; all state is in the database. Webhooks go to the
    process's delivery threads, so the worker takes its next job while a receiver is slow."""
    engine, settings, analyzers, webhooks = _context()
    return run_job(engine, settings, analyzers, job_id, attempt, webhooks)


def work(*, burst: bool = False, name: str | None = None) -> None:
    from rq import SimpleWorker
    from rq.worker import DequeueStrategy

    from serving.jobs.queue import RQQueue, _Reaper, lane_names
    from serving.jobs.runner import resend_lost_webhooks

    engine, settings, analyzers, webhooks = _context()
    if not settings.redis_url:
        raise RuntimeError("LEXRISK_REDIS_URL is not set; without it the API runs jobs itself")
    migrate(engine)
    queue = RQQueue(engine, settings)
    reaper = _Reaper(engine, settings, queue, webhooks)
    reaper.start()
    resend_lost_webhooks(engine, settings, webhooks)
    try:
        # the lanes in turn: tenants in different lanes are served fairly (serving.jobs.queue)
        worker = SimpleWorker(lane_names(settings), connection=queue.redis, name=name)
        worker.work(burst=burst, logging_level="INFO", dequeue_strategy=DequeueStrategy.ROUND_ROBIN)
    finally:
        reaper.halt.set()
        analyzers.close()
        webhooks.pool.shutdown(wait=True)  # let deliveries under way finish
