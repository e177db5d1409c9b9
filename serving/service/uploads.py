"""Uploads: bytes to a stored contract and its queued analysis, or what the same bytes already have."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from analyzers import analyzer_names, missing_setting, usable_analyzers
from annotation.store import StoreConflict, get_or_create_contract
from annotation.store.models import Contract as Record
from annotation.store.repository import contract_document, owned
from contracts.documents import Document
from contracts.errors import IngestError, TooLargeError, UnsupportedTypeError
from serving.errors import Conflict, InvalidInput, TooLarge, UnprocessableUpload, UnsupportedMedia
from serving.isolation import load
from serving.jobs.queue import JobQueue
from serving.models import Contract, Job, JobStatus, Tenant
from serving.service import scope
from serving.service.jobs import check_queue_room
from serving.settings import ServiceSettings
from serving.webhooks import check_callback_url

log = logging.getLogger(__name__)


@dataclass
class Accepted:
    contract: Contract
    job: Job
    reused: bool


def parse(data: bytes, filename: str, *, settings: ServiceSettings) -> Document:
    """Bytes -> Document, or the client's error: too big, too many pages, wrong type, corrupt. A parser
    failing in a way ingestion did not foresee (a malformed XML part, a broken PDF object) is still the
    file's fault, so it is a 422 `corrupt_file`, never a 500."""
    try:  # in a child process under the time and memory budget (`ingest_isolation`), after the guards
        return load(data, filename or "upload", max_bytes=settings.max_upload_bytes, settings=settings)
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


def upload(session: Session, *, tenant: Tenant, data: bytes, filename: str, settings: ServiceSettings,
           queue: JobQueue, analyzer: str | None = None, template_id: str | None = None,
           callback_url: str | None = None) -> Accepted:
    """Store the upload and queue its analysis, or return what the same bytes already have.

    Deduplication is atomic: the contract's record (text and file), its service row and its first job
    are committed together under the record's (tenant, sha256) unique constraint, so of concurrent
    uploads of the same bytes one wins and the others find its contract and job (`reused`); a new job
    for a known contract is decided under a lock on the contract's row. A file the tenant's label store
    already holds (imported, or labelled before its contract was deleted) keeps that record's text, the
    one its labels' offsets index, and is not read again."""
    tenant_id = tenant.id
    analyzer = analyzer or settings.analyzer
    usable = ", ".join(usable_analyzers(settings))
    if analyzer not in analyzer_names(settings):
        raise InvalidInput(f"unknown analyzer {analyzer!r}; choose one of: {usable}", code="unknown_analyzer")
    if (missing := missing_setting(analyzer, settings)) is not None:
        raise InvalidInput(f"the {analyzer} analyzer is not configured on this server: {missing}; choose one of: "
                           f"{usable}", code="analyzer_not_configured")
    if callback_url:
        callback_url = check_callback_url(callback_url, settings)
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(f"{filename}: the file is {len(data) / 2**20:.1f} MiB; the limit is "
                       f"{settings.max_upload_bytes / 2**20:.1f} MiB")
    if template_id:
        scope.template(session, tenant_id=tenant_id, template_id=template_id)
    digest = hashlib.sha256(data).hexdigest()

    def new_job() -> Job:
        return Job(tenant_id=tenant_id, contract_id="", analyzer=analyzer, template_id=template_id,
                   callback_url=callback_url)

    parsed: Document | None = None
    for _attempt in range(3):  # a concurrent writer of the same bytes wins at most once or twice
        accepted = _reuse_or_add_job(session, tenant_id=tenant_id, digest=digest, job=new_job(), settings=settings)
        if accepted is not None:
            break
        check_queue_room(session, tenant_id=tenant_id, settings=settings)
        known = owned(session, Record, tenant.name, sha256=digest)
        document = contract_document(known) if known is not None else parsed
        session.rollback()  # no transaction stays open while the file is read (up to the file budget)
        if document is None:
            document = parsed = parse(data, filename, settings=settings)
        job = new_job()
        try:
            record = get_or_create_contract(session, tenant.name, document, source_bytes=data)
            assert record.id is not None  # flushed
            contract = Contract(tenant_id=tenant_id, record_id=record.id)
            session.add(contract)
            session.flush()
            job.contract_id = contract.id
            session.add(job)
            session.commit()
            session.refresh(contract)
            session.refresh(job)
            accepted = Accepted(contract, job, reused=False)
            break
        except (IntegrityError, StoreConflict):  # the same bytes were stored concurrently: look again
            session.rollback()
    else:
        raise Conflict(f"{filename}: other uploads of the same file kept colliding with this one; try again",
                       code="upload_conflict")
    if not accepted.reused:
        try:
            queue.enqueue(accepted.job.id, accepted.job.attempts, tenant_id)
        except Exception:  # the job is stored; the reaper hands it on once the queue is back
            log.exception("could not enqueue job %s", accepted.job.id)
    return accepted


def _reuse_or_add_job(session: Session, *, tenant_id: str, digest: str, job: Job,
                      settings: ServiceSettings) -> Accepted | None:
    """None when the tenant has no contract with these bytes; else its live or finished job for the
    analyzer (reused), or `job` added to it. A different callback_url than the reused job's is refused:
    that callback would never be called for a job that exists already."""
    contract = session.exec(select(Contract).join(Record, col(Record.id) == Contract.record_id)
                            .where(Contract.tenant_id == tenant_id, Record.sha256 == digest)).first()
    if contract is None:
        return None
    # a no-op write takes the row's lock (PostgreSQL) or the database's (SQLite) until commit, so
    # concurrent uploaders decide one after the other and see each other's job
    session.exec(update(Contract).where(col(Contract.id) == contract.id).values(record_id=Contract.record_id))
    reusable = session.exec(
        select(Job).where(Job.contract_id == contract.id, Job.analyzer == job.analyzer,
                          col(Job.template_id).is_(None) if job.template_id is None
                          else Job.template_id == job.template_id,  # a new template: a new comparison
                          col(Job.status).in_((*JobStatus.active(), JobStatus.done)))
        .order_by(col(Job.created_at).desc())).first()
    if reusable is not None:
        session.commit()
        session.refresh(contract)
        session.refresh(reusable)
        if job.callback_url and job.callback_url != reusable.callback_url:
            raise Conflict(f"these bytes were uploaded before: job {reusable.id} ({reusable.status}) exists "
                           "without this callback_url, so it would never be called; poll "
                           f"/v1/jobs/{reusable.id}, or delete the contract and upload again",
                           code="callback_conflict")
        return Accepted(contract, reusable, reused=True)
    check_queue_room(session, tenant_id=tenant_id, settings=settings)
    job.contract_id = contract.id
    session.add(job)
    session.commit()
    session.refresh(contract)
    session.refresh(job)
    return Accepted(contract, job, reused=False)
