"""A tenant's contracts: one with its latest job, a page of them (the dashboard's poll), its document,
its findings, and deleting it with everything that hangs from it."""

from __future__ import annotations

from collections.abc import Sequence

from anyio import to_thread
from sqlalchemy import any_, bindparam, delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from contracts.documents import Document
from contracts.taxonomy import UnknownCategoryError, canonical
from serving.errors import InvalidInput, NotFound
from serving.models import ComparisonRow, Contract, ContractTermsRow, FindingRow, Job, JobStatus, NoticeDelivery, Upload
from serving.pg_reads import PgReads
from serving.service import scope

WithJob = tuple[Contract, Job | None]
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


def get(session: Session, *, tenant_id: str, contract_id: str) -> WithJob:
    contract = scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    return contract, scope.latest_job(session, contract_id=contract_id)


def page(session: Session, *, tenant_id: str, offset: int, limit: int) -> tuple[list[WithJob], int]:
    """A page of the tenant's contracts, newest first, each with its latest job, and their count."""
    params = {"tenant_id": tenant_id, "offset": offset, "limit": limit}
    count = session.exec(CONTRACT_COUNT, params=params).one()
    rows = session.exec(CONTRACT_PAGE, params=params).all()
    jobs = session.exec(JOBS_OF_CONTRACTS, params={"contract_ids": [c.id for c in rows]}).all() if rows else []
    return _with_latest_job(rows, jobs), int(count)


async def page_polled(*, tenant_id: str, offset: int, limit: int, reads: PgReads | None,
                      engine: Engine) -> tuple[list[WithJob], int]:
    """`page` for a coroutine, on the event loop on PostgreSQL, as `jobs.status`: a dashboard's listing
    is the other request pollers repeat."""
    if reads is None:
        def read_page() -> tuple[list[WithJob], int]:
            with Session(engine) as session:
                return page(session, tenant_id=tenant_id, offset=offset, limit=limit)

        return await to_thread.run_sync(read_page)
    count = await reads.scalar(CONTRACT_COUNT, tenant_id=tenant_id)
    rows = await reads.all(Contract, CONTRACT_PAGE, tenant_id=tenant_id, offset=offset, limit=limit)
    jobs = await reads.all(Job, JOBS_OF_CONTRACTS_PG, contract_ids=[c.id for c in rows]) if rows else []
    return _with_latest_job(rows, jobs), int(count)


def _with_latest_job(contracts: Sequence[Contract], jobs: Sequence[Job]) -> list[WithJob]:
    latest: dict[str, Job] = {}
    for job in jobs:  # newest first: the first seen is the latest
        latest.setdefault(job.contract_id, job)
    return [(c, latest.get(c.id)) for c in contracts]


def delete_contract(session: Session, *, tenant_id: str, contract_id: str) -> None:
    """The contract, its upload, jobs, findings, comparisons and terms (labels already given stay in the
    annotation store)."""
    contract = scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    for model in (FindingRow, ComparisonRow, ContractTermsRow, NoticeDelivery, Job):
        session.exec(delete(model).where(col(model.contract_id) == contract.id))
    session.exec(delete(Upload).where(col(Upload.id) == contract.id))
    session.delete(contract)
    session.commit()


def document(session: Session, *, tenant_id: str, contract_id: str) -> Document:
    contract = scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    upload = session.get(Upload, contract.id)
    assert upload is not None  # stored with its row
    return Document.model_validate(upload.document)


def findings(session: Session, *, tenant_id: str, contract_id: str, severity: Sequence[str] = (),
             category: Sequence[str] = (), job_id: str | None = None) -> tuple[Job | None, list[FindingRow]]:
    """Findings of the contract's latest finished job (or of `job_id`), filtered."""
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
    return job, list(session.exec(query.order_by(col(FindingRow.start), col(FindingRow.category))).all())
