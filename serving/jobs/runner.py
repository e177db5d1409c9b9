"""One analysis job, start to end, the same on the in-process worker and on RQ workers.

A job is claimed with a compare-and-set on (status='queued', attempts=N), so a duplicate delivery or
a stale retry never runs it twice; while it runs it writes a heartbeat, and `reap()` hands jobs whose
heartbeat stopped (a killed worker, a restarted API) back to the queue or fails them with the reason.
Everything a job needs — the upload and the parsed document — is in the database before it is queued."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from contracts.documents import Document
from contracts.findings import AnalysisResult
from contracts.playbook import load_playbook
from contracts.settings import Settings
from serving.analyzers import Analyzer, AnalyzerLoadError, UnknownAnalyzerError, get_analyzer
from serving.analyzers.chunked import ChunkedAnalyzer
from serving.models import FindingRow, Job, Upload, utcnow
from serving.webhooks import deliver

log = logging.getLogger(__name__)
Enqueue = Callable[[str, int], None]
FindLost = Callable[[list[tuple[str, int]]], list[tuple[str, int]]]
LOST_CHECK_BATCH = 100


class AnalyzerCache:
    """Analyzers are built once per process and shared by its jobs (a model loads once)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._analyzers: dict[str, Analyzer] = {}

    def get(self, name: str) -> Analyzer:
        with self._lock:
            if name not in self._analyzers:
                playbook = load_playbook(self.settings.playbook)
                self._analyzers[name] = get_analyzer(name, self.settings, playbook)
            return self._analyzers[name]


class _JobObserver:
    """Records progress and token usage of a running job; progress writes double as heartbeats."""

    def __init__(self, engine: Engine, job_id: str, attempt: int) -> None:
        self.engine, self.job_id, self.attempt = engine, job_id, attempt
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def progress(self, done: int, total: int) -> None:
        _touch(self.engine, self.job_id, self.attempt, chunks_done=done, chunks_total=total)

    def tokens(self, prompt: int, completion: int) -> None:
        with self._lock:
            self.prompt_tokens += prompt
            self.completion_tokens += completion

    def answer_errors(self, errors: list[str]) -> None:
        with self._lock:
            self.errors.extend(errors)


def _touch(engine: Engine, job_id: str, attempt: int, **values: Any) -> bool:
    with Session(engine) as session:
        result = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.attempts) == attempt,  # type: ignore[call-overload]
                                                col(Job.status) == "running")
                              .values(heartbeat_at=utcnow(), **values))
        session.commit()
        return result.rowcount == 1


def _heartbeat(engine: Engine, job_id: str, attempt: int, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            _touch(engine, job_id, attempt)
        except Exception:  # a missed beat is not fatal; a run of them makes the job look lost
            log.exception("heartbeat of job %s", job_id)


def claim(engine: Engine, job_id: str, attempt: int) -> bool:
    now = utcnow()
    with Session(engine) as session:
        result = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.attempts) == attempt,  # type: ignore[call-overload]
                                                col(Job.status) == "queued")
                              .values(status="running", started_at=now, heartbeat_at=now,
                                      error=None, error_code=None))
        session.commit()
        return result.rowcount == 1


def run_job(engine: Engine, settings: Settings, analyzers: AnalyzerCache, job_id: str, attempt: int) -> str:
    """Run the job if it is still queued at this attempt; returns its final status or 'skipped'."""
    if not claim(engine, job_id, attempt):
        log.info("job %s attempt %d: not queued at this attempt, skipped", job_id, attempt)
        return "skipped"
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(engine, job_id, attempt, settings.job_heartbeat_s, stop),
                            daemon=True, name=f"heartbeat-{job_id[:8]}")
    beat.start()
    observer = _JobObserver(engine, job_id, attempt)
    try:
        with Session(engine) as session:
            job = session.get(Job, job_id)
            upload = session.get(Upload, job.contract_id) if job else None
            if job is None or upload is None:
                return "skipped"  # the contract was deleted meanwhile
            analyzer_name = job.analyzer
            document = Document.model_validate(upload.document)
        started = time.perf_counter()
        try:
            result = _analyze(analyzers.get(analyzer_name), document, observer)
        except UnknownAnalyzerError as exc:
            status = _fail(engine, job_id, attempt, "unknown_analyzer", str(exc))
        except AnalyzerLoadError as exc:
            status = _fail(engine, job_id, attempt, "analyzer_unavailable", str(exc))
        except Exception as exc:
            log.exception("job %s failed", job_id)
            status = _fail(engine, job_id, attempt, "analysis_failed", f"{type(exc).__name__}: {exc}"[:2000])
        else:
            status = _finish(engine, job_id, attempt, result, observer, time.perf_counter() - started)
    finally:
        stop.set()
    if status in ("done", "failed"):
        notify(engine, settings, job_id)
    return status


def _analyze(analyzer: Analyzer, document: Document, observer: _JobObserver) -> AnalysisResult:
    if isinstance(analyzer, ChunkedAnalyzer):
        return analyzer.analyze(document, observer)
    observer.progress(0, 1)
    result = analyzer.analyze(document)
    observer.progress(1, 1)
    return result


def _finish(engine: Engine, job_id: str, attempt: int, result: AnalysisResult, observer: _JobObserver,
            seconds: float) -> str:
    stats = result.stats.model_dump() | {"seconds": round(seconds, 4),
                                         "prompt_tokens": observer.prompt_tokens,
                                         "completion_tokens": observer.completion_tokens,
                                         "findings": len(result.findings),
                                         "invalid_answers": len(observer.errors),
                                         "invalid_answer_examples": observer.errors[:5]}
    with Session(engine) as session:
        job = session.exec(select(Job).where(Job.id == job_id).with_for_update()).first()
        if job is None or job.status != "running" or job.attempts != attempt:
            return "skipped"  # deleted, or taken as lost and handed on meanwhile: the newer attempt stands
        for old in session.exec(select(FindingRow).where(FindingRow.job_id == job_id)):
            session.delete(old)
        for finding in result.findings:
            session.add(FindingRow(tenant_id=job.tenant_id, contract_id=job.contract_id, job_id=job.id,
                                   **finding.model_dump()))
        job.status, job.stats, job.finished_at = "done", stats, utcnow()
        session.add(job)
        session.commit()
    return "done"


def _fail(engine: Engine, job_id: str, attempt: int, code: str, reason: str) -> str:
    with Session(engine) as session:
        result = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.attempts) == attempt,  # type: ignore[call-overload]
                                                col(Job.status) == "running")
                              .values(status="failed", error_code=code, error=reason, finished_at=utcnow()))
        session.commit()
    return "failed" if result.rowcount == 1 else "skipped"


def notify(engine: Engine, settings: Settings, job_id: str) -> None:
    """Send the job-end webhook, if the upload asked for one; the outcome is kept on the job."""
    with Session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or not job.callback_url:
            return
        payload = {"type": f"job.{job.status}", "timestamp": utcnow().isoformat(),
                   "data": {"job_id": job.id, "contract_id": job.contract_id, "status": job.status,
                            "error": job.error, "error_code": job.error_code}}
        url = job.callback_url
    try:
        outcome = deliver(url, f"msg_{job_id}_{job.attempts}", payload, settings)
    except Exception as exc:  # an allow-list changed since upload, a missing secret: say so on the job
        outcome = f"failed: {exc}"
    with Session(engine) as session:
        session.exec(update(Job).where(col(Job.id) == job_id).values(webhook_status=outcome))  # type: ignore[call-overload]
        session.commit()


def mark_enqueued(engine: Engine, job_id: str) -> None:
    with Session(engine) as session:
        session.exec(update(Job).where(col(Job.id) == job_id).values(enqueued_at=utcnow()))  # type: ignore[call-overload]
        session.commit()


def reap(engine: Engine, settings: Settings, enqueue: Enqueue, *, requeue_all_queued: bool,
         find_lost: FindLost | None = None) -> list[str]:
    """Hand lost jobs on: a running job without a heartbeat for `job_stale_after_s` is queued again
    (or failed with the reason after `job_max_attempts`); a queued job that never reached the queue —
    or, for the in-process worker after a restart, any queued job — is queued again. With `find_lost`
    (the RQ queue's), the longest-waiting queued jobs are also checked against the queue: a delivery a
    worker took and died with before claiming it is sent again (the claim's compare-and-set makes a
    duplicate delivery harmless). The queue is FIFO, so such a job is among the oldest; checking
    `LOST_CHECK_BATCH` of them per pass keeps the cost flat however deep the queue is."""
    cutoff = utcnow() - timedelta(seconds=settings.job_stale_after_s)
    touched: list[str] = []
    failed: list[str] = []
    with Session(engine) as session:
        stale = session.exec(select(Job).where(Job.status == "running", col(Job.heartbeat_at) < cutoff)).all()
        for job in stale:
            if job.attempts >= settings.job_max_attempts:
                values: dict[str, Any] = {"status": "failed", "error_code": "worker_lost", "finished_at": utcnow(),
                                          "error": f"the worker running this job stopped; gave up after "
                                                   f"{job.attempts} attempt(s)"}
            else:
                values = {"status": "queued", "attempts": job.attempts + 1, "enqueued_at": None}
            result = session.exec(update(Job).where(col(Job.id) == job.id, col(Job.attempts) == job.attempts,  # type: ignore[call-overload]
                                                    col(Job.status) == "running").values(**values))
            if result.rowcount == 1:
                (failed if values["status"] == "failed" else touched).append(job.id)
        session.commit()
        query = select(Job.id, Job.attempts).where(Job.status == "queued")
        if not requeue_all_queued:
            query = query.where(col(Job.enqueued_at).is_(None))
        pending = list(session.exec(query).all())
        if find_lost is not None:
            waiting = session.exec(select(Job.id, Job.attempts)
                                   .where(Job.status == "queued", col(Job.enqueued_at) < cutoff)
                                   .order_by(col(Job.enqueued_at)).limit(LOST_CHECK_BATCH)).all()
            pending += find_lost([(job_id, attempts) for job_id, attempts in waiting])
    for job_id, attempts in pending:
        enqueue(job_id, attempts)
        if job_id not in touched:
            touched.append(job_id)
    for job_id in failed:
        notify(engine, settings, job_id)
    if touched or failed:
        log.warning("reaper: requeued %s, failed %s", touched, failed)
    return touched + failed
