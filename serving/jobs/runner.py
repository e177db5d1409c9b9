"""One analysis job, start to end, the same on the in-process worker and on RQ workers.

A job is claimed with a compare-and-set on (status='queued', attempts=N), so a duplicate delivery or
a stale retry never runs it twice; while it runs it writes a heartbeat, and `reap()` hands jobs whose
heartbeat stopped (a killed worker, a restarted API) back to the queue or fails them with the reason.
Everything a job needs — the upload and the parsed document — is in the database before it is queued."""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from analyzers import Analyzer, AnalyzerLoadError, UnknownAnalyzerError, get_analyzer
from analyzers.chunked import ChunkedAnalyzer
from contracts.compare import Comparison
from contracts.documents import Document
from contracts.findings import AnalysisResult, Finding
from contracts.key_terms import KeyTerms
from contracts.limits import IngestLimits
from contracts.playbook import Playbook, load_playbook
from serving.comparisons import compute, store
from serving.file_worker import BudgetExceeded, Call
from serving.jobs.budget import AnalysisWorkers
from serving.models import ComparisonRow, FindingRow, Job, JobStatus, Template, Tenant, Upload, utcnow
from serving.records import stored_document
from serving.registry import ServedAdapter, served_adapter
from serving.settings import ServiceSettings
from serving.terms import store as store_terms
from serving.webhooks import WebhookDispatcher, deliver

log = logging.getLogger(__name__)
Enqueue = Callable[..., None]  # (job_id, attempt, tenant_id, *, front)
Delivery = tuple[str, int, str]  # (job id, attempt, tenant id)
FindLost = Callable[[list[Delivery]], list[Delivery]]
LOST_CHECK_BATCH = 100


class AnalyzerCache:
    """Analyzers are built once per process and shared by its jobs (a model loads once), with the workers
    their analyses run in under the file budget (`workers`: None with LEXRISK_INGEST_ISOLATION off)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._analyzers: dict[str, Analyzer] = {}
        self.workers = AnalysisWorkers(IngestLimits.from_settings(settings)) if settings.ingest_isolation else None

    def close(self) -> None:
        """Stop the idle analysis workers."""
        if self.workers is not None:
            self.workers.close()

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
        result = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.attempts) == attempt,
                                                col(Job.status) == JobStatus.running)
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
        result = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.attempts) == attempt,
                                                col(Job.status) == JobStatus.queued)
                              .values(status=JobStatus.running, started_at=now, heartbeat_at=now,
                                      error=None, error_code=None))
        session.commit()
        return result.rowcount == 1


def run_job(engine: Engine, settings: ServiceSettings, analyzers: AnalyzerCache, job_id: str, attempt: int,
            webhooks: WebhookDispatcher | None = None) -> str:
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
            stored = stored_document(session, job.contract_id) if job else None
            if job is None or stored is None:
                return "skipped"  # the contract was deleted meanwhile
            analyzer_name = job.analyzer
            document = stored
            template_id = job.template_id
            tenant = session.get(Tenant, job.tenant_id)
            # resolved once, at the start: the job runs on this adapter even if another is promoted meanwhile
            adapter = served_adapter(session, tenant.name if tenant else "")
        started = time.perf_counter()
        try:
            result = _analyze_with_retries(analyzers, analyzer_name, document, observer, settings, adapter)
        except BudgetExceeded as exc:
            status = _fail(engine, job_id, attempt, exc.code, budget_reason(exc))
        except UnknownAnalyzerError as exc:
            status = _fail(engine, job_id, attempt, "unknown_analyzer", str(exc))
        except AnalyzerLoadError as exc:
            status = _fail(engine, job_id, attempt, "analyzer_unavailable", scrub(str(exc)))
        except _Unreachable as exc:
            status = _fail(engine, job_id, attempt, "analyzer_unavailable",
                           f"the analysis backend could not be reached ({exc.tries} tries); try again later")
        except Exception as exc:
            log.exception("job %s failed", job_id)
            # the exception's message, not its class: the name is in the log, for whoever fixes the bug
            status = _fail(engine, job_id, attempt, "analysis_failed",
                           scrub(str(exc).strip() or "the analysis failed unexpectedly")[:2000])
        else:
            comparison = (_compare(engine, settings, analyzers, template_id, document, result.findings,
                                   result.terms) if template_id else None)
            status = _finish(engine, job_id, attempt, result, observer, time.perf_counter() - started, comparison)
    finally:
        stop.set()
    if status in JobStatus.finished():
        notify(engine, settings, job_id, webhooks)
    return status


def budget_reason(exc: BudgetExceeded, what: str = "contract") -> str:
    """The error for an analysis stopped at the file budget (the contract's: the job's; a template's: its
    comparison's), naming the setting that bounds it."""
    setting = "LEXRISK_FILE_BUDGET_S" if exc.code == "analysis_timeout" else "LEXRISK_FILE_MEMORY_MB"
    return f"{exc.detail.replace('the file', f'the {what}', 1)} ({setting})"


class _Unreachable(Exception):
    def __init__(self, tries: int) -> None:
        super().__init__(f"unreachable after {tries} tries")
        self.tries = tries


def unreachable(exc: BaseException) -> bool:
    """The backend could not be reached (refused, reset, timed out): worth another try later, unlike
    an answer the backend gave. Wrapped errors (the openai analyzer's BackendError) count by cause."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


_ADDRESS = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|"
                      r"\blocalhost(?::\d+)?\b", re.IGNORECASE)


def scrub(message: str) -> str:
    """A failure reason as clients see it: internal addresses (the model server's URL) taken out."""
    return _ADDRESS.sub("<internal address>", message)


def _analyze_with_retries(analyzers: AnalyzerCache, name: str, document: Document, observer: _JobObserver,
                          settings: ServiceSettings, adapter: ServedAdapter | None = None) -> AnalysisResult:
    """A dead model server is retried with exponential backoff while the job keeps its heartbeat;
    after `analyzer_retries` tries the job fails as analyzer_unavailable. A backend that serves the
    registry's adapters asks for `adapter` (loaded into the server first) on every try."""
    for attempt in range(1, settings.analyzer_retries + 1):
        try:
            analyzer = analyzers.get(name)
            if adapter is not None and analyzer.serves_adapters:
                analyzer = analyzer.with_adapter(adapter.name, adapter.path, adapter.prompt)
            return _analyze(analyzer, document, observer, name, analyzers.workers)
        except Exception as exc:
            if not unreachable(exc):
                raise
            log.warning("analysis backend unreachable (try %d of %d): %s", attempt, settings.analyzer_retries, exc)
            if attempt < settings.analyzer_retries:
                time.sleep(settings.analyzer_retry_backoff_s * 2 ** (attempt - 1))
    raise _Unreachable(settings.analyzer_retries)


def _analyze(analyzer: Analyzer, document: Document, observer: _JobObserver | None, name: str = "",
             workers: AnalysisWorkers | None = None) -> AnalysisResult:
    """The analysis, in a worker under the file budget where the analyzer's time is this machine's
    (`Analyzer.file_budget`), else in this thread; a chunked analyzer reports its progress either way
    (`observer` None: a template's analysis, which is not the job's progress)."""
    if workers is None or not analyzer.file_budget:
        workers = None
    if isinstance(analyzer, ChunkedAnalyzer):
        return workers.analyze(name, analyzer, document, observer) if workers else analyzer.analyze(document, observer)
    if observer is not None:
        observer.progress(0, 1)
    result = workers.analyze(name, analyzer, document) if workers else analyzer.analyze(document)
    if observer is not None:
        observer.progress(1, 1)
    return result


def template_analysis(analyzers: AnalyzerCache, template: Document) -> tuple[list[Finding], KeyTerms | None]:
    """A template's categories (its findings and key terms), from the embedded baseline analyzer under the file
    budget, as a contract's analysis runs (a template is a file like any other: a huge or pathological one must
    not hold a job's worker or a request's thread without limit). Raises BudgetExceeded past the budget; any
    other failure leaves the comparison on text alone (categories only refine its alignment and severities)."""
    try:
        result = _analyze(analyzers.get("baseline"), template, None, "baseline", analyzers.workers)
    except BudgetExceeded:
        raise
    except Exception:
        log.exception("template categories unavailable")
        return [], None
    return list(result.findings), result.terms


def compare_within_budget(analyzers: AnalyzerCache, contract: Document, contract_findings: Sequence[Finding],
                          template: Document, playbook: Playbook,
                          contract_terms: KeyTerms | None) -> Comparison:
    """The comparison of the contract with the template, the template's categories read first: each step in
    a baseline worker under its own file budget (aligning and redlining grow faster than the texts: two
    4,000-clause documents take some 10 s, the longest texts the limits admit minutes). `contract_terms`: the
    contract's key terms, whose governing law and renewal are categories too (spans_of). Raises BudgetExceeded."""
    template_side, template_terms = template_analysis(analyzers, template)
    args = (contract, template, list(contract_findings), template_side, playbook, contract_terms, template_terms)
    comparison: Comparison = within_budget(analyzers, Call(compute, args, "comparing with"))
    return comparison


def within_budget(analyzers: AnalyzerCache, call: Call) -> Any:
    """`call`'s value, from a baseline worker under the file budget (a comparison, a download's Word file);
    in this thread where workers are not in use (LEXRISK_INGEST_ISOLATION off, a baseline without
    `file_budget`), as the analyses run. Raises BudgetExceeded past the budget."""
    baseline = analyzers.get("baseline")
    if analyzers.workers is None or not baseline.file_budget:
        return call.fn(*call.args)
    return analyzers.workers.call("baseline", baseline, call)


@dataclass
class _JobComparison:
    """The job's comparison, computed before its findings' transaction and stored with them, or why it could
    not be made."""

    template: Template | None
    comparison: Comparison | None
    error: str | None = None


def _compare(engine: Engine, settings: ServiceSettings, analyzers: AnalyzerCache, template_id: str,
             contract: Document, contract_findings: Sequence[Finding],
             contract_terms: KeyTerms | None) -> _JobComparison:
    """The job's comparison with the template (it may have been deleted since upload), as the synchronous
    route makes it: the contract's categories from this analysis's findings and key terms, the template's from
    the embedded baseline analyzer, both under the file budget."""
    with Session(engine) as session:
        template = session.get(Template, template_id)
        upload = session.get(Upload, template_id)
        if template is None or upload is None:
            return _JobComparison(None, None, error=f"template {template_id} was deleted before the job ran")
        template_document = Document.model_validate(upload.document)
    try:
        comparison = compare_within_budget(analyzers, contract, contract_findings, template_document,
                                           load_playbook(settings.playbook), contract_terms)
    except BudgetExceeded as exc:
        return _JobComparison(None, None, error=budget_reason(exc, "template"))
    except Exception as exc:
        log.exception("comparison with template %s", template_id)
        return _JobComparison(None, None, error=(str(exc).strip() or "the comparison failed unexpectedly")[:500])
    return _JobComparison(template, comparison)


def _finish(engine: Engine, job_id: str, attempt: int, result: AnalysisResult, observer: _JobObserver,
            seconds: float, comparison: _JobComparison | None = None) -> str:
    stats = result.stats.model_dump() | {"seconds": round(seconds, 4),
                                         "prompt_tokens": observer.prompt_tokens,
                                         "completion_tokens": observer.completion_tokens,
                                         "findings": sum(not f.possible for f in result.findings),
                                         "possible": sum(f.possible for f in result.findings),
                                         "model": result.analyzer.model,
                                         "invalid_answers": len(observer.errors),
                                         "invalid_answer_examples": observer.errors[:5]}
    with Session(engine) as session:
        job = session.exec(select(Job).where(Job.id == job_id).with_for_update()).first()
        if job is None or job.status != JobStatus.running or job.attempts != attempt:
            return "skipped"  # deleted, or taken as lost and handed on meanwhile: the newer attempt stands
        for old in session.exec(select(FindingRow).where(FindingRow.job_id == job_id)):
            session.delete(old)
        for finding in result.findings:
            session.add(FindingRow(tenant_id=job.tenant_id, contract_id=job.contract_id, job_id=job.id,
                                   **finding.model_dump()))
        if result.terms is not None:  # an analyzer that reads none leaves the stored terms as they were
            store_terms(session, tenant_id=job.tenant_id, contract_id=job.contract_id, job_id=job.id,
                        terms=result.terms)
        if comparison is not None:
            stats |= _store_comparison(session, job, comparison)
        job.status, job.stats, job.finished_at = JobStatus.done, stats, utcnow()
        session.add(job)
        session.commit()
    return JobStatus.done


def _store_comparison(session: Session, job: Job, comparison: _JobComparison) -> dict[str, Any]:
    """Add the job's comparison to its transaction; a comparison that could not be made is reported in the
    job's stats, never a failed analysis."""
    if comparison.template is None or comparison.comparison is None:
        return {"comparison_error": comparison.error}
    for old in session.exec(select(ComparisonRow).where(ComparisonRow.job_id == job.id)):
        session.delete(old)
    row = store(session, tenant_id=job.tenant_id, contract_id=job.contract_id, template=comparison.template,
                comparison=comparison.comparison, job_id=job.id)
    return {"comparison_id": row.id}


def _fail(engine: Engine, job_id: str, attempt: int, code: str, reason: str) -> str:
    with Session(engine) as session:
        result = session.exec(update(Job).where(col(Job.id) == job_id, col(Job.attempts) == attempt,
                                                col(Job.status) == JobStatus.running)
                              .values(status=JobStatus.failed, error_code=code, error=reason, finished_at=utcnow()))
        session.commit()
    return JobStatus.failed if result.rowcount == 1 else "skipped"


def notify(engine: Engine, settings: ServiceSettings, job_id: str, webhooks: WebhookDispatcher | None = None) -> None:
    """Send the job-end webhook, if the upload asked for one; the outcome is kept on the job. With a
    dispatcher the job is marked `pending` and the delivery (with its retries) runs on the
    dispatcher's threads, so the analysis worker is free at once."""
    if webhooks is not None:
        with Session(engine) as session:
            result = session.exec(update(Job).where(col(Job.id) == job_id,
                                                    col(Job.callback_url).is_not(None))
                                  .values(webhook_status="pending"))
            session.commit()
        if result.rowcount == 1:
            webhooks.submit(lambda: notify(engine, settings, job_id))
        return
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
        session.exec(update(Job).where(col(Job.id) == job_id).values(webhook_status=outcome))
        session.commit()


def delivery_grace_s(settings: ServiceSettings) -> float:
    """The longest one delivery with all its retries can take, plus a minute."""
    n = settings.webhook_max_attempts
    return n * settings.webhook_timeout_s + settings.webhook_backoff_s * (2 ** (n - 1) - 1) + 60


def resend_lost_webhooks(engine: Engine, settings: ServiceSettings, webhooks: WebhookDispatcher) -> list[str]:
    """At process start: deliveries still `pending` long after their job ended were lost with the
    process that held them; send them again. The message id is the same, so a receiver that did get
    the first one (Standard Webhooks) drops the copy."""
    cutoff = utcnow() - timedelta(seconds=delivery_grace_s(settings))
    with Session(engine) as session:
        lost = list(session.exec(select(Job.id).where(Job.webhook_status == "pending",
                                                      col(Job.finished_at) < cutoff)).all())
    for job_id in lost:
        webhooks.submit(functools.partial(notify, engine, settings, job_id))
    if lost:
        log.warning("resending %d webhook(s) lost with a stopped process", len(lost))
    return lost


def mark_enqueued(engine: Engine, job_id: str) -> None:
    with Session(engine) as session:
        session.exec(update(Job).where(col(Job.id) == job_id).values(enqueued_at=utcnow()))
        session.commit()


def reap(engine: Engine, settings: ServiceSettings, enqueue: Enqueue, *, requeue_all_queued: bool,
         webhooks: WebhookDispatcher | None = None, find_lost: FindLost | None = None) -> list[str]:
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
        stale = session.exec(select(Job).where(Job.status == JobStatus.running, col(Job.heartbeat_at) < cutoff)).all()
        for job in stale:
            if job.attempts >= settings.job_max_attempts:
                values: dict[str, Any] = {"status": JobStatus.failed, "error_code": "worker_lost", "finished_at": utcnow(),
                                          "error": f"the worker running this job stopped; gave up after "
                                                   f"{job.attempts} attempt(s)"}
            else:
                values = {"status": JobStatus.queued, "attempts": job.attempts + 1, "enqueued_at": None}
            result = session.exec(update(Job).where(col(Job.id) == job.id, col(Job.attempts) == job.attempts,
                                                    col(Job.status) == JobStatus.running).values(**values))
            if result.rowcount == 1:
                (failed if values["status"] == JobStatus.failed else touched).append(job.id)
        session.commit()
        query = select(Job.id, Job.attempts, Job.tenant_id).where(Job.status == JobStatus.queued)
        if not requeue_all_queued:
            query = query.where(col(Job.enqueued_at).is_(None))
        pending = list(session.exec(query.order_by(col(Job.created_at))).all())
        if find_lost is not None:
            waiting = session.exec(select(Job.id, Job.attempts, Job.tenant_id)
                                   .where(Job.status == JobStatus.queued, col(Job.enqueued_at) < cutoff)
                                   .order_by(col(Job.enqueued_at)).limit(LOST_CHECK_BATCH)).all()
            lost = find_lost([(job_id, attempts, tenant_id) for job_id, attempts, tenant_id in waiting])
            pending += lost
            touched += [job_id for job_id, _, _ in lost if job_id not in touched]
    recovered = set(touched)
    # jobs taken from a lost worker go to the front, put there newest first so that the oldest leads
    ordered = [row for row in pending if row[0] not in recovered] + [row for row in pending if row[0] in recovered][::-1]
    for job_id, attempts, tenant_id in ordered:
        enqueue(job_id, attempts, tenant_id, front=job_id in recovered)
        if job_id not in touched:
            touched.append(job_id)
    for job_id in failed:
        notify(engine, settings, job_id, webhooks)
    if touched or failed:
        log.warning("reaper: requeued %s, failed %s", touched, failed)
    return touched + failed
