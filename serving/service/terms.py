"""A tenant's key terms: a contract's terms, the portfolio with risk counts, a lawyer's correction and
the calendar feed. (Reading and storing the terms a job extracted is serving/terms.py.)"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, col, func, select

from annotation.store import StoreConflict, StoreError
from annotation.store.models import Contract as Record
from annotation.store.repository import contract_document
from contracts.key_terms import KeyTerms
from contracts.playbook import load_playbook
from contracts.wire import TermCorrection
from serving import calendar_feed, terms
from serving.errors import Conflict, InvalidInput
from serving.models import COUNTED, Contract, ContractTermsRow, FindingRow, Job, JobStatus, Tenant
from serving.records import record_of
from serving.service import scope
from serving.service.retry import once_more_on_conflict
from serving.settings import ServiceSettings

# a contract, its name (its record's), terms, latest job and risk counts
PortfolioRow = tuple[Contract, str, ContractTermsRow | None, Job | None, Counter[str]]


def get(session: Session, *, tenant_id: str, contract_id: str) -> ContractTermsRow | None:
    """The contract's terms row (None while none was read); NotFound for another tenant's contract."""
    scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    return session.get(ContractTermsRow, contract_id)


def portfolio(session: Session, *, tenant_id: str, offset: int, limit: int, expires_before: date | None = None,
              governing_law: str | None = None, party: str | None = None) -> tuple[list[PortfolioRow], int]:
    """A page of the tenant's contracts, newest first, each with its terms, latest job and the risk counts
    of its latest finished job; filtered on the terms' columns. A filter on a term leaves out contracts
    whose terms do not state it."""
    query = (select(Contract, Record.name, ContractTermsRow)
             .join(Record, col(Record.id) == Contract.record_id)
             .join(ContractTermsRow, col(ContractTermsRow.contract_id) == Contract.id, isouter=True)
             .where(Contract.tenant_id == tenant_id))
    if expires_before is not None:
        query = query.where(col(ContractTermsRow.expires_on) < expires_before.isoformat())
    if governing_law:
        query = query.where(ContractTermsRow.governing_law == governing_law.strip().lower())
    if party:
        query = query.where(col(ContractTermsRow.parties).contains(party.strip().lower(), autoescape=True))
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Contract.created_at).desc(), col(Contract.id))
                        .offset(offset).limit(limit)).all()
    ids = [c.id for c, _, _ in rows]
    jobs = session.exec(select(Job).where(col(Job.contract_id).in_(ids))
                        .order_by(col(Job.created_at).desc())).all() if ids else []
    latest: dict[str, Job] = {}
    done: dict[str, Job] = {}
    for job in jobs:  # newest first
        latest.setdefault(job.contract_id, job)
        if job.status == JobStatus.done:
            done.setdefault(job.contract_id, job)
    counts: dict[str, Counter[str]] = {}
    if done:
        found = session.exec(
            select(FindingRow.job_id, FindingRow.severity, func.count())
            .where(col(FindingRow.job_id).in_([j.id for j in done.values()]), FindingRow.tenant_id == tenant_id,
                   COUNTED)
            .group_by(col(FindingRow.job_id), col(FindingRow.severity))).all()
        for job_id, severity, n in found:
            counts.setdefault(job_id, Counter())[severity] = int(n)
    return [(c, name, t, latest.get(c.id), counts.get(done[c.id].id, Counter()) if c.id in done else Counter())
            for c, name, t in rows], int(count)


def correct(session: Session, *, tenant: Tenant, contract_id: str, correction: TermCorrection,
            settings: ServiceSettings) -> ContractTermsRow:
    """Apply a lawyer's correction and store it as the tenant's label, in one transaction; run once more
    when a concurrent write to the label store won the race for the contract's row."""
    return once_more_on_conflict(session, "the correction", lambda: _correct(
        session, tenant=tenant, contract_id=contract_id, correction=correction, settings=settings))


def _correct(session: Session, *, tenant: Tenant, contract_id: str, correction: TermCorrection,
             settings: ServiceSettings) -> ContractTermsRow:
    scope.contract(session, tenant_id=tenant.id, contract_id=contract_id)
    record = record_of(session, contract_id)
    assert record is not None  # a service contract always has its record
    row = session.exec(select(ContractTermsRow).where(ContractTermsRow.contract_id == contract_id)
                       .with_for_update()).first()
    try:
        row = terms.correct(session, row, tenant_id=tenant.id, contract_id=contract_id, correction=correction,
                            document=contract_document(record), data=record.source_bytes,
                            store_tenant=tenant.name, reviewer=correction.reviewer or f"tenant:{tenant.name}",
                            playbook=load_playbook(settings.playbook))
    except StoreConflict as exc:
        raise Conflict(f"the correction cannot be stored as a label: {exc}", code="label_conflict") from None
    except StoreError as exc:
        raise InvalidInput(f"the correction cannot be stored as a label: {exc}", code="invalid_label") from None
    session.commit()
    session.refresh(row)
    return row


def calendar(session: Session, *, tenant: Tenant) -> bytes:
    """The tenant's feed: every contract's dated deadlines."""
    rows = session.exec(select(Contract.id, Record.name, ContractTermsRow.terms, ContractTermsRow.updated_at)
                        .join(Record, col(Record.id) == Contract.record_id)
                        .join(ContractTermsRow, col(ContractTermsRow.contract_id) == Contract.id)
                        .where(Contract.tenant_id == tenant.id,
                               col(ContractTermsRow.expires_on).is_not(None)
                               | col(ContractTermsRow.notice_deadline).is_not(None))
                        .order_by(col(Contract.created_at), col(Contract.id))).all()
    return calendar_feed.render(tenant.name, ((cid, cname, KeyTerms.model_validate(t), changed)
                                              for cid, cname, t, changed in rows))
