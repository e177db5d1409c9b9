"""The service's logic, free of FastAPI so that the API, the CLI and tests share it. Every method takes
the caller's tenant and every query filters on it; another tenant's id is simply not found."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from anyio import to_thread
from sqlalchemy import any_, bindparam, case, delete, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from analyzers import analyzer_names
from annotation.store import StoreConflict, StoreError
from contracts.documents import Document
from contracts.errors import IngestError, TooLargeError, UnsupportedTypeError
from contracts.findings import DocumentAnalyzer, Finding
from contracts.playbook import Playbook, Severity, load_playbook
from contracts.taxonomy import UnknownCategoryError, canonical
from serving import review_labels
from serving.comparisons import Download, compare_stored, render_export, stored_bytes, stored_document
from serving.errors import (
    Conflict,
    InvalidInput,
    NotAvailable,
    NotFound,
    QueueFull,
    TooLarge,
    UnprocessableUpload,
    UnsupportedMedia,
)
from serving.exports import render_contract_export
from serving.isolation import load
from serving.jobs.queue import JobQueue
from serving.models import (
    ComparisonRow,
    Contract,
    ContractTermsRow,
    FindingRow,
    Job,
    JobStatus,
    NoticeDelivery,
    ReviewStatus,
    Template,
    Tenant,
    Upload,
    utcnow,
)
from serving.pg_reads import PgReads
from serving.settings import ServiceSettings
from serving.terms_service import TermsService
from serving.webhooks import check_callback_url

T = TypeVar("T", Contract, Template, Job, ComparisonRow)

# the status reads, with their parameters bound at execution: run by the ORM on SQLite (a worker thread)
# and, compiled once, on psycopg's pool on PostgreSQL (serving/pg_reads.py)
JOB_BY_ID = select(Job).where(Job.id == bindparam("job_id"), Job.tenant_id == bindparam("tenant_id"))
CONTRACT_COUNT = select(func.count()).select_from(Contract).where(Contract.tenant_id == bindparam("tenant_id"))
CONTRACT_PAGE = (select(Contract).where(Contract.tenant_id == bindparam("tenant_id"))
                 .order_by(col(Contract.created_at).desc(), col(Contract.id))
                 .offset(bindparam("offset")).limit(bindparam("limit")))
# the jobs of a page of contracts, newest first: one query, not one per contract. An expanding IN is
# rendered per call, so PostgreSQL's precompiled form takes the ids as one array instead.
JOBS_OF_CONTRACTS = (select(Job).where(col(Job.contract_id).in_(bindparam("contract_ids", expanding=True)))
                     .order_by(col(Job.created_at).desc()))
JOBS_OF_CONTRACTS_PG = (select(Job).where(col(Job.contract_id) == any_(bindparam("contract_ids")))
                        .order_by(col(Job.created_at).desc()))

log = logging.getLogger(__name__)
ReviewAction = Literal["accept", "reject", "edit"]
REVIEWED: dict[ReviewAction, ReviewStatus] = {"accept": "accepted", "reject": "rejected", "edit": "edited"}


@dataclass
class Accepted:
    contract: Contract
    job: Job
    reused: bool


class ContractService:
    def __init__(self, engine: Engine, settings: ServiceSettings, queue: JobQueue, status_reads: PgReads | None = None) -> None:
        self.engine, self.settings, self.queue = engine, settings, queue
        # status reads (a job, a contract, the contract list) need no transaction: on this engine they
        # are sent as single statements, without the BEGIN and ROLLBACK round trips around each poll
        self._reads = engine.execution_options(isolation_level="AUTOCOMMIT")
        # on PostgreSQL the polls' reads run on the event loop, on psycopg's pool (see job_status)
        self._status_reads = status_reads
        self._baseline: DocumentAnalyzer | None = None
        self.terms = TermsService(engine, settings)  # key terms: portfolio, corrections, calendar

    # -- uploads -----------------------------------------------------------------------------------
    def parse(self, data: bytes, filename: str) -> Document:
        """Bytes -> Document, or the client's error: too big, too many pages, wrong type, corrupt. A
        parser failing in a way ingestion did not foresee (a malformed XML part, a broken PDF object)
        is still the file's fault, so it is a 422 `corrupt_file`, never a 500."""
        try:  # in a child process under the time and memory budget (`ingest_isolation`), after the guards
            document = load(data, filename or "upload", max_bytes=self.settings.max_upload_bytes,
                            settings=self.settings)
        except TooLargeError as exc:
            raise TooLarge(str(exc), code=exc.code) from None
        except UnsupportedTypeError as exc:
            raise UnsupportedMedia(str(exc), code=exc.code) from None
        except IngestError as exc:
            raise UnprocessableUpload(str(exc), code=exc.code) from None
        except Exception as exc:
            log.warning("%s: unexpected parser failure: %s: %s", filename, type(exc).__name__, exc)
            raise UnprocessableUpload(f"{filename}: the file is damaged and could not be read",
                                      code="corrupt_file") from None
        return document

    def upload(self, tenant_id: str, data: bytes, filename: str, *, analyzer: str | None = None,
               template_id: str | None = None, callback_url: str | None = None) -> Accepted:
        """Store the upload and queue its analysis, or return what the same bytes already have.

        Deduplication is atomic: the contract, its upload and its first job are committed together
        under the (tenant, sha256) unique constraint, so of concurrent uploads of the same bytes one
        wins and the others find its contract and job (`reused`); a new job for a known contract is
        decided under a lock on the contract's row."""
        analyzer = analyzer or self.settings.analyzer
        if analyzer not in analyzer_names(self.settings):
            raise InvalidInput(f"unknown analyzer {analyzer!r}; choose one of: "
                               f"{', '.join(analyzer_names(self.settings))}", code="unknown_analyzer")
        if callback_url:
            check_callback_url(callback_url, self.settings)
        if len(data) > self.settings.max_upload_bytes:
            raise TooLarge(f"{filename}: the file is {len(data) / 2**20:.1f} MiB; the limit is "
                           f"{self.settings.max_upload_bytes / 2**20:.1f} MiB")
        if template_id:
            with Session(self.engine) as session:
                self._template(session, tenant_id, template_id)
        digest = hashlib.sha256(data).hexdigest()
        job = Job(tenant_id=tenant_id, contract_id="", analyzer=analyzer, template_id=template_id,
                  callback_url=callback_url)
        accepted = self._reuse_or_add_job(tenant_id, digest, job)
        if accepted is None:
            self.check_queue_room(tenant_id)
            document = self.parse(data, filename)
            contract = Contract(tenant_id=tenant_id, name=document.name, sha256=digest,
                                source_type=document.source_type, size_bytes=len(data),
                                pages=len(document.pages), chars=len(document.text))
            try:
                with Session(self.engine) as session:
                    session.add(contract)
                    session.flush()
                    session.add(Upload(id=contract.id, data=data, document=document.model_dump(mode="json")))
                    job.contract_id = contract.id
                    session.add(job)
                    session.commit()
                    session.refresh(contract)
                    session.refresh(job)
                accepted = Accepted(contract, job, reused=False)
            except IntegrityError:  # the same bytes won concurrently: theirs is the contract (and job)
                job = Job(tenant_id=tenant_id, contract_id="", analyzer=analyzer, template_id=template_id,
                          callback_url=callback_url)
                accepted = self._reuse_or_add_job(tenant_id, digest, job)
                assert accepted is not None
        if not accepted.reused:
            try:
                self.queue.enqueue(accepted.job.id, accepted.job.attempts, tenant_id)
            except Exception:  # the job is stored; the reaper hands it on once the queue is back
                log.exception("could not enqueue job %s", accepted.job.id)
        return accepted

    def _reuse_or_add_job(self, tenant_id: str, digest: str, job: Job) -> Accepted | None:
        """None when the tenant has no contract with these bytes; else its live or finished job for
        the analyzer (reused), or `job` added to it. A different callback_url than the reused job's
        is refused: that callback would never be called for a job that exists already."""
        with Session(self.engine, expire_on_commit=False) as session:
            contract = session.exec(select(Contract).where(Contract.tenant_id == tenant_id,
                                                           Contract.sha256 == digest)).first()
            if contract is None:
                return None
            # a no-op write takes the row's lock (PostgreSQL) or the database's (SQLite) until commit,
            # so concurrent uploaders decide one after the other and see each other's job
            session.exec(update(Contract).where(col(Contract.id) == contract.id)
                         .values(name=Contract.name))
            reusable = session.exec(
                select(Job).where(Job.contract_id == contract.id, Job.analyzer == job.analyzer,
                                  col(Job.template_id).is_(None) if job.template_id is None
                                  else Job.template_id == job.template_id,  # a new template: a new comparison
                                  col(Job.status).in_((*JobStatus.active(), JobStatus.done)))
                .order_by(col(Job.created_at).desc())).first()
            if reusable is not None:
                session.commit()
                if job.callback_url and job.callback_url != reusable.callback_url:
                    raise Conflict(f"these bytes were uploaded before: job {reusable.id} ({reusable.status}) exists "
                                   "without this callback_url, so it would never be called; poll "
                                   f"/v1/jobs/{reusable.id}, or delete the contract and upload again",
                                   code="callback_conflict")
                return Accepted(contract, reusable, reused=True)
            self.check_queue_room(tenant_id, session)
            job.contract_id = contract.id
            session.add(job)
            session.commit()
            return Accepted(contract, job, reused=False)

    def check_queue_room(self, tenant_id: str, session: Session | None = None) -> None:
        """Backpressure: refuse a new job while the tenant's queue (429) or everyone's (503) is full,
        with `Retry-After`. Counted from the jobs table, so the bound holds across API processes; it is
        soft by the few uploads that pass the check at the same moment."""
        if session is None:
            with Session(self.engine) as own:
                return self.check_queue_room(tenant_id, own)
        total, mine = session.exec(
            select(func.count(), func.coalesce(func.sum(case((col(Job.tenant_id) == tenant_id, 1), else_=0)), 0))
            .where(Job.status == JobStatus.queued)).one()
        if int(mine) >= self.settings.queue_max_per_tenant:
            raise QueueFull(f"{mine} of your jobs are waiting (LEXRISK_QUEUE_MAX_PER_TENANT); retry later",
                            status=429, retry_after=self.settings.queue_retry_after_s)
        if int(total) >= self.settings.queue_max:
            raise QueueFull(f"the analysis queue is full ({total} jobs waiting); retry later",
                            status=503, retry_after=self.settings.queue_retry_after_s)

    def queue_depth(self) -> dict[str, int]:
        """Queued jobs per tenant, for /metrics (tenants by id only: no names, no totals of work)."""
        with Session(self.engine) as session:
            rows = session.exec(select(Job.tenant_id, func.count()).where(Job.status == JobStatus.queued)
                                .group_by(Job.tenant_id)).all()
        return {tenant: int(n) for tenant, n in rows}

    # -- contracts ---------------------------------------------------------------------------------
    def contract(self, tenant_id: str, contract_id: str) -> tuple[Contract, Job | None]:
        with Session(self._reads) as session:
            contract = self._contract(session, tenant_id, contract_id)
            return contract, self._latest_job(session, contract_id)

    def contracts(self, tenant_id: str, offset: int, limit: int) -> tuple[list[tuple[Contract, Job | None]], int]:
        """A page of the tenant's contracts, newest first, each with its latest job, and their count."""
        page = {"tenant_id": tenant_id, "offset": offset, "limit": limit}
        with Session(self._reads) as session:
            count = session.exec(CONTRACT_COUNT, params=page).one()
            rows = session.exec(CONTRACT_PAGE, params=page).all()
            jobs = session.exec(JOBS_OF_CONTRACTS, params={"contract_ids": [c.id for c in rows]}).all() if rows else []
        return self._with_latest_job(rows, jobs), int(count)

    async def contracts_page(self, tenant_id: str, offset: int,
                             limit: int) -> tuple[list[tuple[Contract, Job | None]], int]:
        """`contracts` for a coroutine, on the event loop on PostgreSQL, as `job_status`: a dashboard's
        listing is the other request pollers repeat."""
        if self._status_reads is None:
            return await to_thread.run_sync(self.contracts, tenant_id, offset, limit)
        reads = self._status_reads
        count = await reads.scalar(CONTRACT_COUNT, tenant_id=tenant_id)
        rows = await reads.all(Contract, CONTRACT_PAGE, tenant_id=tenant_id, offset=offset, limit=limit)
        jobs = await reads.all(Job, JOBS_OF_CONTRACTS_PG, contract_ids=[c.id for c in rows]) if rows else []
        return self._with_latest_job(rows, jobs), int(count)

    @staticmethod
    def _with_latest_job(contracts: Sequence[Contract], jobs: Sequence[Job]) -> list[tuple[Contract, Job | None]]:
        latest: dict[str, Job] = {}
        for job in jobs:  # newest first: the first seen is the latest
            latest.setdefault(job.contract_id, job)
        return [(c, latest.get(c.id)) for c in contracts]

    def delete_contract(self, tenant_id: str, contract_id: str) -> None:
        with Session(self.engine) as session:
            contract = self._contract(session, tenant_id, contract_id)
            for model in (FindingRow, ComparisonRow, ContractTermsRow, NoticeDelivery, Job):
                session.exec(delete(model).where(col(model.contract_id) == contract.id))
            session.exec(delete(Upload).where(col(Upload.id) == contract.id))
            session.delete(contract)
            session.commit()

    def document(self, tenant_id: str, contract_id: str) -> Document:
        with Session(self.engine) as session:
            contract = self._contract(session, tenant_id, contract_id)
            upload = session.get(Upload, contract.id)
            assert upload is not None
            return Document.model_validate(upload.document)

    def findings(self, tenant_id: str, contract_id: str, *, severity: Sequence[str] = (),
                 category: Sequence[str] = (), job_id: str | None = None) -> tuple[Job | None, list[FindingRow]]:
        """Findings of the contract's latest finished job (or of `job_id`), filtered."""
        with Session(self.engine) as session:
            self._contract(session, tenant_id, contract_id)
            job: Job | None
            if job_id:
                job = self._job(session, tenant_id, job_id)
                if job.contract_id != contract_id:
                    raise NotFound(f"job {job_id} is not a job of contract {contract_id}")
            else:
                job = session.exec(select(Job).where(Job.contract_id == contract_id, Job.status == JobStatus.done)
                                   .order_by(col(Job.finished_at).desc())).first()
            if job is None:
                return None, []
            query = select(FindingRow).where(FindingRow.job_id == job.id, FindingRow.tenant_id == tenant_id)
            if severity:
                query = query.where(col(FindingRow.severity).in_(list(severity)))
            if category:
                try:
                    names = [canonical(c) for c in category]
                except UnknownCategoryError as exc:
                    raise InvalidInput(str(exc), code="unknown_category") from None
                query = query.where(col(FindingRow.category).in_(names))
            return job, list(session.exec(query.order_by(col(FindingRow.start), col(FindingRow.category))).all())

    # -- jobs --------------------------------------------------------------------------------------
    def job(self, tenant_id: str, job_id: str) -> Job:
        with Session(self._reads) as session:
            job = session.exec(JOB_BY_ID, params={"job_id": job_id, "tenant_id": tenant_id}).first()
        return self._found(job, "job", job_id)

    async def job_status(self, tenant_id: str, job_id: str) -> Job:
        """`job` for a coroutine. Pollers send most of the API's requests; on a worker thread each one
        pays a hand-off to the thread and back and, while other requests hold the interpreter, waits
        its turn for it, which is most of a poll's latency under load. On PostgreSQL the query runs on
        the event loop; SQLite has no async driver, so there it goes to a thread as before."""
        if self._status_reads is None:
            return await to_thread.run_sync(self.job, tenant_id, job_id)
        return self._found(await self._status_reads.one(Job, JOB_BY_ID, job_id=job_id, tenant_id=tenant_id), "job",
                           job_id)

    def jobs_by_state(self) -> dict[str, int]:
        with Session(self.engine) as session:
            rows = session.exec(select(Job.status, func.count()).group_by(Job.status)).all()
        return {status: int(n) for status, n in rows}

    def analyzer_totals(self) -> list[tuple[str, int, float, int, int]]:
        """(analyzer, jobs, seconds, prompt tokens, completion tokens) over finished jobs, for /metrics:
        read from the database so that work done on RQ workers is counted too."""
        with Session(self.engine) as session:
            rows = session.exec(select(Job.analyzer, Job.stats).where(Job.status == JobStatus.done)).all()
        totals: dict[str, list[float]] = {}
        for analyzer, stats in rows:
            t = totals.setdefault(analyzer, [0, 0.0, 0, 0])
            t[0] += 1
            t[1] += float(stats.get("seconds", 0.0))
            t[2] += int(stats.get("prompt_tokens", 0))
            t[3] += int(stats.get("completion_tokens", 0))
        return [(a, int(t[0]), t[1], int(t[2]), int(t[3])) for a, t in sorted(totals.items())]

    # -- reviews -----------------------------------------------------------------------------------
    def review(self, tenant_id: str, finding_id: str, action: ReviewAction, *, severity: Severity | None = None,
               category: str | None = None, comment: str | None = None, reviewer: str | None = None) -> FindingRow:
        """Apply the review and store it as the tenant's label, in one transaction. Two reviews of a file
        new to the label store can race to store its contract; the loser's transaction is rolled back
        and run once more, when it finds the contract the winner stored."""
        def once() -> FindingRow:
            return self._review(tenant_id, finding_id, action, severity=severity, category=category,
                                comment=comment, reviewer=reviewer)

        try:
            return once()
        except IntegrityError:
            log.info("review of finding %s raced another write to the label store; retrying", finding_id)
        try:
            return once()
        except IntegrityError:
            raise Conflict("the review collided with another write to the label store; try again",
                           code="label_conflict") from None

    def _review(self, tenant_id: str, finding_id: str, action: ReviewAction, *, severity: Severity | None,
                category: str | None, comment: str | None, reviewer: str | None) -> FindingRow:
        with Session(self.engine) as session:
            finding = session.exec(select(FindingRow).where(FindingRow.id == finding_id,
                                                            FindingRow.tenant_id == tenant_id)).first()
            if finding is None:
                raise NotFound(f"no finding {finding_id}")
            if action == "edit" and not (severity or category):
                raise InvalidInput("an edit changes severity or category; give one", code="empty_edit")
            if action != "edit" and (severity or category):
                raise InvalidInput("severity and category can only be changed with action 'edit'",
                                   code="invalid_review")
            previous = Finding.model_validate(finding, from_attributes=True) if action == "edit" else None
            if finding.original_category is None:
                finding.original_category, finding.original_severity = finding.category, finding.severity
            if category:
                try:
                    finding.category = canonical(category)
                except UnknownCategoryError as exc:
                    raise InvalidInput(str(exc), code="unknown_category") from None
            if severity:
                finding.severity = severity
            finding.review = REVIEWED[action]
            finding.review_comment, finding.reviewed_at = comment, utcnow()
            upload = session.get(Upload, finding.contract_id)
            job = session.get(Job, finding.job_id)
            tenant = session.get(Tenant, tenant_id)
            assert upload is not None and job is not None and tenant is not None
            try:
                finding.annotation_id = review_labels.record(
                    session, tenant.name, Document.model_validate(upload.document), upload.data, finding,
                    analyzer=job.analyzer, reviewer=reviewer or f"tenant:{tenant.name}", previous=previous)
            except StoreConflict as exc:
                raise Conflict(f"the review cannot be stored as a label: {exc}", code="label_conflict") from None
            except StoreError as exc:
                raise InvalidInput(f"the review cannot be stored as a label: {exc}", code="invalid_label") from None
            session.add(finding)
            session.commit()
            session.refresh(finding)
            return finding

    # -- templates ---------------------------------------------------------------------------------
    def add_template(self, tenant_id: str, data: bytes, filename: str, name: str | None) -> Template:
        document = self.parse(data, filename)
        template = Template(tenant_id=tenant_id, name=name or document.name, sha256=document.sha256,
                            source_type=document.source_type, size_bytes=len(data), pages=len(document.pages))
        with Session(self.engine) as session:
            session.add(template)
            session.flush()
            session.add(Upload(id=template.id, data=data, document=document.model_dump(mode="json")))
            session.commit()
            session.refresh(template)
        return template

    def templates(self, tenant_id: str, offset: int, limit: int) -> tuple[list[Template], int]:
        with Session(self.engine) as session:
            count = session.exec(select(func.count()).select_from(Template)
                                 .where(Template.tenant_id == tenant_id)).one()
            rows = session.exec(select(Template).where(Template.tenant_id == tenant_id)
                                .order_by(col(Template.created_at).desc(), col(Template.id))
                                .offset(offset).limit(limit)).all()
            return list(rows), int(count)

    def delete_template(self, tenant_id: str, template_id: str) -> None:
        with Session(self.engine) as session:
            template = self._template(session, tenant_id, template_id)
            session.exec(delete(Upload).where(col(Upload.id) == template.id))
            session.delete(template)
            session.commit()

    # -- comparisons -------------------------------------------------------------------------------
    def compare(self, tenant_id: str, contract_id: str, template_id: str) -> ComparisonRow:
        """Compare the contract with the template and store the result. The contract's categories are
        its latest finished analysis's findings; the template's come from the embedded baseline
        analyzer (cheap, local), since templates are not analyzed on upload."""
        with Session(self.engine) as session:
            self._contract(session, tenant_id, contract_id)
            template = self._template(session, tenant_id, template_id)
            contract_doc = stored_document(session, contract_id)
            template_doc = stored_document(session, template_id)
            assert contract_doc is not None and template_doc is not None  # stored with their rows
        _, rows = self.findings(tenant_id, contract_id)
        findings = [Finding.model_validate(r, from_attributes=True) for r in rows]
        playbook = load_playbook(self.settings.playbook)
        template_findings = self._template_findings(template_doc, playbook)
        with Session(self.engine) as session:
            row = compare_stored(session, tenant_id=tenant_id, contract_id=contract_id, template=template,
                                 contract=contract_doc, template_document=template_doc, contract_findings=findings,
                                 template_findings=template_findings, playbook=playbook)
            session.commit()
            session.refresh(row)
            return row

    def _template_findings(self, document: Document, playbook: Playbook) -> list[Finding]:
        try:
            if self._baseline is None:
                from analyzers import get_analyzer

                self._baseline = get_analyzer("baseline", self.settings, playbook)
            return list(self._baseline.analyze(document).findings)
        except Exception:  # categories only refine alignment and severity; compare on text alone
            log.exception("baseline analyzer unavailable for template categories")
            return []

    def comparisons(self, tenant_id: str, contract_id: str, offset: int = 0,
                    limit: int | None = None) -> tuple[list[ComparisonRow], int]:
        """A page of the contract's comparisons, newest first, and how many it has in all."""
        with Session(self.engine) as session:
            self._contract(session, tenant_id, contract_id)
            mine = (ComparisonRow.tenant_id == tenant_id, ComparisonRow.contract_id == contract_id)
            query = (select(ComparisonRow).where(*mine)
                     .order_by(col(ComparisonRow.created_at).desc(), col(ComparisonRow.id)).offset(offset))
            rows = list(session.exec(query.limit(limit) if limit is not None else query).all())
            count = session.exec(select(func.count()).select_from(ComparisonRow).where(*mine)).one()
            return rows, count

    def comparison(self, tenant_id: str, comparison_id: str) -> ComparisonRow:
        with Session(self.engine) as session:
            return self._owned(session, ComparisonRow, tenant_id, comparison_id, "comparison")

    def export(self, tenant_id: str, comparison_id: str, kind: str) -> Download:
        """A download of a stored comparison; the review copy carries the findings of the job that ran
        the comparison (or the contract's latest), the redline needs the template still stored."""
        with Session(self.engine) as session:
            row = self._owned(session, ComparisonRow, tenant_id, comparison_id, "comparison")
            contract = stored_document(session, row.contract_id)
            template = stored_document(session, row.template_id)
            assert contract is not None  # deleting a contract deletes its comparisons
            word = kind.endswith(".docx")
            contract_data = stored_bytes(session, row.contract_id) if word else None
            template_data = stored_bytes(session, row.template_id) if word else None
        _, rows = self.findings(tenant_id, row.contract_id, job_id=row.job_id)
        findings = [Finding.model_validate(r, from_attributes=True) for r in rows]
        try:
            return render_export(kind, row, contract, template, findings, contract_data=contract_data,
                                 template_data=template_data)
        except ImportError as exc:
            raise NotAvailable(str(exc), code="export_unavailable") from None

    def contract_export(self, tenant_id: str, contract_id: str, kind: str) -> Download:
        """A download of the contract's latest finished analysis, every finding with its review (404
        `not_analyzed` while none has finished: an export of nothing would read as "no risks")."""
        job, rows = self.findings(tenant_id, contract_id)
        if job is None:
            raise NotFound(f"contract {contract_id} has no finished analysis yet; export it once its job is done",
                           code="not_analyzed")
        document = self.document(tenant_id, contract_id)
        data = None
        if kind == "review.docx":
            with Session(self.engine) as session:
                data = stored_bytes(session, contract_id)
        try:
            return render_contract_export(kind, document, job, rows, data=data)
        except ImportError as exc:
            raise NotAvailable(str(exc), code="export_unavailable") from None

    def store_tenant(self, tenant_id: str) -> str:
        """The label store's tenant for a service tenant: the one of the same name, as reviews use."""
        with Session(self.engine) as session:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                raise NotFound("no such tenant")
            return tenant.name

    # -- scoped lookups ----------------------------------------------------------------------------
    @staticmethod
    def _owned(session: Session, model: type[T], tenant_id: str, row_id: str, noun: str) -> T:
        """The tenant's row or NotFound: with `_owned_query`, the one place tenant scoping of lookups by id lives."""
        return ContractService._found(session.exec(ContractService._owned_query(model, tenant_id, row_id)).first(),
                                      noun, row_id)

    @staticmethod
    def _found(row: T | None, noun: str, row_id: str) -> T:
        if row is None:
            raise NotFound(f"no {noun} {row_id}")
        return row

    @staticmethod
    def _owned_query(model: type[T], tenant_id: str, row_id: str):
        return select(model).where(model.id == row_id, model.tenant_id == tenant_id)

    def _contract(self, session: Session, tenant_id: str, contract_id: str) -> Contract:
        return self._owned(session, Contract, tenant_id, contract_id, "contract")

    def _template(self, session: Session, tenant_id: str, template_id: str) -> Template:
        return self._owned(session, Template, tenant_id, template_id, "template")

    def _job(self, session: Session, tenant_id: str, job_id: str) -> Job:
        return self._owned(session, Job, tenant_id, job_id, "job")

    @staticmethod
    def _latest_job(session: Session, contract_id: str) -> Job | None:
        return session.exec(select(Job).where(Job.contract_id == contract_id)
                            .order_by(col(Job.created_at).desc())).first()

