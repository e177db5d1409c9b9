"""Jobs: a tenant's job (the status poll), the queue's room for one more (backpressure), and the
service-wide counts /metrics reads."""

from __future__ import annotations

from anyio import to_thread
from sqlalchemy import bindparam, case, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from serving.errors import QueueFull
from serving.models import Job, JobStatus
from serving.pg_reads import PgReads
from serving.service.scope import found
from serving.settings import ServiceSettings

# the status read, its parameters bound at execution: run by the ORM on SQLite (a worker thread) and,
# compiled once, on psycopg's pool on PostgreSQL (serving/pg_reads.py)
JOB_BY_ID = select(Job).where(Job.id == bindparam("job_id"), Job.tenant_id == bindparam("tenant_id"))


def get(session: Session, *, tenant_id: str, job_id: str) -> Job:
    job = session.exec(JOB_BY_ID, params={"job_id": job_id, "tenant_id": tenant_id}).first()
    return found(job, noun="job", row_id=job_id)


async def status(*, tenant_id: str, job_id: str, reads: PgReads | None, engine: Engine) -> Job:
    """`get` for a coroutine, on the status poll's path. Pollers send most of the API's requests; on a
    worker thread each one pays a hand-off to the thread and back and, while other requests hold the
    interpreter, waits its turn for it, which is most of a poll's latency under load. On PostgreSQL the
    query runs on the event loop (`reads`); SQLite has no async driver, so there it goes to a thread, on
    `engine` (the read engine: no transaction around a single statement)."""
    if reads is None:
        def read_job() -> Job:
            with Session(engine) as session:
                return get(session, tenant_id=tenant_id, job_id=job_id)

        return await to_thread.run_sync(read_job)
    return found(await reads.one(Job, JOB_BY_ID, job_id=job_id, tenant_id=tenant_id), noun="job", row_id=job_id)


def check_queue_room(session: Session, *, tenant_id: str, settings: ServiceSettings) -> None:
    """Backpressure: refuse a new job while the tenant's queue (429) or everyone's (503) is full, with
    `Retry-After`. Counted from the jobs table, so the bound holds across API processes; it is soft by
    the few uploads that pass the check at the same moment."""
    total, mine = session.exec(
        select(func.count(), func.coalesce(func.sum(case((col(Job.tenant_id) == tenant_id, 1), else_=0)), 0))
        .where(Job.status == JobStatus.queued)).one()
    if int(mine) >= settings.queue_max_per_tenant:
        raise QueueFull(f"{mine} of your jobs are waiting (LEXRISK_QUEUE_MAX_PER_TENANT); retry later",
                        status=429, retry_after=settings.queue_retry_after_s)
    if int(total) >= settings.queue_max:
        raise QueueFull(f"the analysis queue is full ({total} jobs waiting); retry later",
                        status=503, retry_after=settings.queue_retry_after_s)


def queue_depth(session: Session) -> dict[str, int]:
    """Queued jobs per tenant, for /metrics (tenants by id only: no names, no totals of work)."""
    rows = session.exec(select(Job.tenant_id, func.count()).where(Job.status == JobStatus.queued)
                        .group_by(Job.tenant_id)).all()
    return {tenant: int(n) for tenant, n in rows}


def by_state(session: Session) -> dict[str, int]:
    rows = session.exec(select(Job.status, func.count()).group_by(Job.status)).all()
    return {state: int(n) for state, n in rows}


def analyzer_totals(session: Session) -> list[tuple[str, int, float, int, int]]:
    """(analyzer, jobs, seconds, prompt tokens, completion tokens) over finished jobs, for /metrics: read
    from the database so that work done on RQ workers is counted too."""
    rows = session.exec(select(Job.analyzer, Job.stats).where(Job.status == JobStatus.done)).all()
    totals: dict[str, list[float]] = {}
    for analyzer, stats in rows:
        t = totals.setdefault(analyzer, [0, 0.0, 0, 0])
        t[0] += 1
        t[1] += float(stats.get("seconds", 0.0))
        t[2] += int(stats.get("prompt_tokens", 0))
        t[3] += int(stats.get("completion_tokens", 0))
    return [(a, int(t[0]), t[1], int(t[2]), int(t[3])) for a, t in sorted(totals.items())]
