"""A tenant's contracts: one with its latest job, a page of them (the dashboard's poll), its document,
its findings, and deleting it with everything that hangs from it. What a contract is (name, file hash,
sizes) is its record's; the listings select those columns only, never the text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from anyio import to_thread
from sqlalchemy import any_, bindparam, delete, func, literal_column
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from annotation.store.models import Annotation, Assignment
from annotation.store.models import Contract as Record
from annotation.store.repository import contract_document
from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.taxonomy import UnknownCategoryError, canonical
from contracts.wire import ContractDetail, ContractPublic, JobSummary
from serving.errors import InvalidInput, NotFound
from serving.models import ComparisonRow, Contract, ContractTermsRow, FindingRow, Job, JobStatus, NoticeDelivery
from serving.pg_reads import PgReads
from serving.records import record_of
from serving.service import scope

# ContractPublic's fields: the service row's id and time, the record's name, hash and sizes (no bound
# literals: the statements are compiled once for PostgreSQL's pool, with only the named parameters)
PUBLIC_COLUMNS: tuple[Any, ...] = (Contract.id, Record.name, Record.sha256, Record.source_type,
                  func.coalesce(Record.size_bytes, literal_column("0")).label("size_bytes"), col(Record.page_count).label("pages"),
                  Record.chars, Contract.created_at)
CONTRACT_COUNT = select(func.count()).select_from(Contract).where(Contract.tenant_id == bindparam("tenant_id"))
CONTRACT_PAGE = (select_columns(*PUBLIC_COLUMNS).join(Record, col(Record.id) == Contract.record_id)
                 .where(col(Contract.tenant_id) == bindparam("tenant_id"))
                 .order_by(col(Contract.created_at).desc(), col(Contract.id))
                 .offset(bindparam("offset")).limit(bindparam("limit")))
CONTRACT_BY_ID = (select_columns(*PUBLIC_COLUMNS).join(Record, col(Record.id) == Contract.record_id)
                  .where(col(Contract.id) == bindparam("contract_id"), col(Contract.tenant_id) == bindparam("tenant_id")))
# GET /v1/contracts/{id}: the same tenant-scoped row with its key terms, in one lookup (the terms row, if any,
# is the contract's own: joined on its id and its tenant)
CONTRACT_DETAIL = (select_columns(*PUBLIC_COLUMNS, col(ContractTermsRow.terms).label("terms"))
                   .join(Record, col(Record.id) == Contract.record_id)
                   .outerjoin(ContractTermsRow, (col(ContractTermsRow.contract_id) == Contract.id)
                              & (col(ContractTermsRow.tenant_id) == Contract.tenant_id))
                   .where(col(Contract.id) == bindparam("contract_id"), col(Contract.tenant_id) == bindparam("tenant_id")))
# the jobs of a page of contracts, newest first: one query, not one per contract. An expanding IN is
# rendered per call, so PostgreSQL's precompiled form takes the ids as one array instead.
JOBS_OF_CONTRACTS = (select(Job).where(col(Job.contract_id).in_(bindparam("contract_ids", expanding=True)))
                     .order_by(col(Job.created_at).desc()))
JOBS_OF_CONTRACTS_PG = (select(Job).where(col(Job.contract_id) == any_(bindparam("contract_ids")))
                        .order_by(col(Job.created_at).desc()))


def get(session: Session, *, tenant_id: str, contract_id: str) -> ContractPublic:
    """The contract with its latest job; NotFound for another tenant's."""
    row = session.execute(CONTRACT_BY_ID, {"contract_id": contract_id, "tenant_id": tenant_id}).first()
    if row is None:
        raise NotFound(f"no contract {contract_id}")
    return _public(row._mapping, scope.latest_job(session, contract_id=contract_id))


def detail(session: Session, *, tenant_id: str, contract_id: str) -> ContractDetail:
    """The contract with its latest job and key terms (None while no analysis has read them); NotFound for
    another tenant's. One tenant-scoped lookup for the contract and its terms, one for the job."""
    row = session.execute(CONTRACT_DETAIL, {"contract_id": contract_id, "tenant_id": tenant_id}).first()
    if row is None:
        raise NotFound(f"no contract {contract_id}")
    fields = dict(row._mapping)
    terms = fields.pop("terms")
    public = _public(fields, scope.latest_job(session, contract_id=contract_id))
    return ContractDetail(**public.model_dump(), terms=KeyTerms.model_validate(terms) if terms is not None else None)


def page(session: Session, *, tenant_id: str, offset: int, limit: int) -> tuple[list[ContractPublic], int]:
    """A page of the tenant's contracts, newest first, each with its latest job, and their count."""
    params = {"tenant_id": tenant_id, "offset": offset, "limit": limit}
    count = session.exec(CONTRACT_COUNT, params=params).one()
    rows = [row._mapping for row in session.execute(CONTRACT_PAGE, params).all()]
    jobs = session.exec(JOBS_OF_CONTRACTS, params={"contract_ids": [r["id"] for r in rows]}).all() if rows else []
    return _with_latest_job(rows, jobs), int(count)


async def page_polled(*, tenant_id: str, offset: int, limit: int, reads: PgReads | None,
                      engine: Engine) -> tuple[list[ContractPublic], int]:
    """`page` for a coroutine, on the event loop on PostgreSQL, as `jobs.status`: a dashboard's listing
    is the other request pollers repeat."""
    if reads is None:
        def read_page() -> tuple[list[ContractPublic], int]:
            with Session(engine) as session:
                return page(session, tenant_id=tenant_id, offset=offset, limit=limit)

        return await to_thread.run_sync(read_page)
    count = await reads.scalar(CONTRACT_COUNT, tenant_id=tenant_id)
    rows = await reads.rows(CONTRACT_PAGE, tenant_id=tenant_id, offset=offset, limit=limit)
    jobs = await reads.all(Job, JOBS_OF_CONTRACTS_PG, contract_ids=[r["id"] for r in rows]) if rows else []
    return _with_latest_job(rows, jobs), int(count)


def _public(row: Any, job: Job | None) -> ContractPublic:
    return ContractPublic(**row, latest_job=JobSummary(id=job.id, status=job.status, analyzer=job.analyzer)
                          if job else None)


def _with_latest_job(rows: Sequence[Any], jobs: Sequence[Job]) -> list[ContractPublic]:
    latest: dict[str, Job] = {}
    for job in jobs:  # newest first: the first seen is the latest
        latest.setdefault(job.contract_id, job)
    return [_public(row, latest.get(row["id"])) for row in rows]


def delete_contract(session: Session, *, tenant_id: str, contract_id: str) -> None:
    """The contract, its jobs, findings, comparisons and terms, and its record (text and file) unless
    labels or assignments were made on it: those stay in the annotation store, with the text they index."""
    contract = scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    record = session.get(Record, contract.record_id)
    for model in (FindingRow, ComparisonRow, ContractTermsRow, NoticeDelivery, Job):
        session.exec(delete(model).where(col(model.contract_id) == contract.id))
    session.delete(contract)
    session.flush()
    if record is not None and not any(session.exec(select(model.id).where(model.contract_id == record.id)).first()
                                      for model in (Annotation, Assignment)):
        session.delete(record)
    session.commit()


def document(session: Session, *, tenant_id: str, contract_id: str) -> Document:
    scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    record = record_of(session, contract_id)
    assert record is not None  # a service contract always has its record
    return contract_document(record)


def findings(session: Session, *, tenant_id: str, contract_id: str, severity: Sequence[str] = (),
             category: Sequence[str] = (), job_id: str | None = None,
             possible: bool | None = None) -> tuple[Job | None, list[FindingRow]]:
    """Findings of the contract's latest finished job (or of `job_id`), filtered; `possible` False keeps the
    risks found (what the job's `stats.findings` counts), True the passages to check (`stats.possible`)."""
    scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    job: Job | None
    if job_id:
        job = scope.job(session, tenant_id=tenant_id, job_id=job_id)
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
    if possible is not None:  # a row stored before `possible` existed is NULL: a risk found
        query = query.where(col(FindingRow.possible).is_(True) if possible else col(FindingRow.possible).is_not(True))
    return job, list(session.exec(query.order_by(col(FindingRow.start), col(FindingRow.category))).all())
