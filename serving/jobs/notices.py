"""The `contract.notice_deadline` webhook: sent `LEXRISK_NOTICE_WEBHOOK_DAYS` days before a contract's
last day to give notice of non-renewal, to the callback URL its upload named, exactly once per deadline.

Once-ness lives in the database, not in any process: before sending, a scan inserts the
(contract, deadline) row of `serving_notice_deliveries`, whose unique constraint lets exactly one of
any number of scanning processes (API, RQ workers, `lexrisk notices` from cron) win it; the losers skip
that deadline, and so does every later scan, after a restart too. A process that dies between its claim
and the delivery's end leaves the row `pending`; a later scan takes it over (a compare-and-set on
`claimed_at`) once the longest delivery could have ended, and sends it again with the same message id,
so a receiver that did get the first copy drops the second (Standard Webhooks). A corrected deadline is a
new deadline, and is announced once more."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from contracts.key_terms import KeyTerms
from serving.jobs.runner import delivery_grace_s
from serving.models import ContractTermsRow, Job, NoticeDelivery, utcnow
from serving.records import record_of
from serving.settings import ServiceSettings
from serving.webhooks import deliver

log = logging.getLogger(__name__)
Send = Callable[..., str]  # serving.webhooks.deliver's signature
EVENT = "contract.notice_deadline"


def message_id(contract_id: str, deadline: str) -> str:
    return f"msg_notice_{contract_id}_{deadline.replace('-', '')}"


def scan(engine: Engine, settings: ServiceSettings, *, today: date | None = None, send: Send = deliver) -> list[str]:
    """Send every notice webhook now due that no process has claimed yet, and take over those a dead
    process left pending; returns the (contract id, deadline) pairs this call sent, as 'id:deadline'."""
    today = today or utcnow().date()
    horizon = today + timedelta(days=settings.notice_webhook_days)
    with Session(engine) as session:
        due = session.exec(
            select(ContractTermsRow.contract_id, ContractTermsRow.tenant_id, ContractTermsRow.notice_deadline)
            .where(col(ContractTermsRow.notice_deadline) >= today.isoformat(),
                   col(ContractTermsRow.notice_deadline) <= horizon.isoformat())
            .where(~select(NoticeDelivery.id).where(NoticeDelivery.contract_id == ContractTermsRow.contract_id,
                                                    NoticeDelivery.deadline == ContractTermsRow.notice_deadline)
                   .exists())
            .order_by(col(ContractTermsRow.notice_deadline))).all()
    sent = []
    for contract_id, tenant_id, deadline in due:
        assert deadline is not None  # selected by its range
        if _claim(engine, tenant_id, contract_id, deadline):
            _send(engine, settings, contract_id, deadline, today, send)
            sent.append(f"{contract_id}:{deadline}")
    for contract_id, deadline in _take_over_lost(engine, settings):
        _send(engine, settings, contract_id, deadline, today, send)
        sent.append(f"{contract_id}:{deadline}")
    return sent


def _claim(engine: Engine, tenant_id: str, contract_id: str, deadline: str) -> bool:
    try:
        with Session(engine) as session:
            session.add(NoticeDelivery(tenant_id=tenant_id, contract_id=contract_id, deadline=deadline))
            session.commit()
        return True
    except IntegrityError:  # another process claimed it first
        return False


def _take_over_lost(engine: Engine, settings: ServiceSettings) -> list[tuple[str, str]]:
    cutoff = utcnow() - timedelta(seconds=delivery_grace_s(settings))
    taken = []
    with Session(engine) as session:
        lost = session.exec(select(NoticeDelivery).where(NoticeDelivery.status == "pending",
                                                         col(NoticeDelivery.claimed_at) < cutoff)).all()
        for row in lost:
            result = session.exec(update(NoticeDelivery).where(col(NoticeDelivery.id) == row.id,
                                                               col(NoticeDelivery.claimed_at) == row.claimed_at,
                                                               col(NoticeDelivery.status) == "pending")
                                  .values(claimed_at=utcnow()))
            session.commit()
            if result.rowcount == 1:
                taken.append((row.contract_id, row.deadline))
    if taken:
        log.warning("resending %d notice webhook(s) left pending by a stopped process", len(taken))
    return taken


def _send(engine: Engine, settings: ServiceSettings, contract_id: str, deadline: str, today: date, send: Send) -> None:
    with Session(engine) as session:
        contract = record_of(session, contract_id)  # its record: the contract's name
        row = session.get(ContractTermsRow, contract_id)
        url = session.exec(select(Job.callback_url).where(Job.contract_id == contract_id,
                                                          col(Job.callback_url).is_not(None))
                           .order_by(col(Job.created_at).desc())).first()
    if contract is None or row is None:
        outcome = "contract_deleted"
    elif not url:
        outcome = "no_callback"
    else:
        terms = KeyTerms.model_validate(row.terms)
        notice = terms.notice_period_to_terminate_renewal
        payload = {"type": EVENT, "timestamp": utcnow().isoformat(),
                   "data": {"contract_id": contract_id, "name": contract.name, "deadline": deadline,
                            "days_left": (date.fromisoformat(deadline) - today).days,
                            "notice_period": notice.value if notice else None,
                            "expiration_date": terms.expiration_date.value if terms.expiration_date else None,
                            "renewal_term": terms.renewal_term.value if terms.renewal_term else None,
                            "quote": notice.quote if notice else None}}
        try:
            outcome = send(url, message_id(contract_id, deadline), payload, settings)
        except Exception as exc:  # an allow-list changed since upload, a missing secret: say so on the row
            outcome = f"failed: {exc}"[:500]
    with Session(engine) as session:
        session.exec(update(NoticeDelivery).where(col(NoticeDelivery.contract_id) == contract_id,
                                                  col(NoticeDelivery.deadline) == deadline)
                     .values(status=outcome, finished_at=utcnow()))
        session.commit()


class NoticeScanner:
    """Runs `scan` at most once per `notice_scan_interval_s`, from a loop that ticks more often (the
    job reaper's); the first tick scans at once."""

    def __init__(self, engine: Engine, settings: ServiceSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock
        self._next = 0.0
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            if self.clock() < self._next:
                return
            self._next = self.clock() + self.settings.notice_scan_interval_s
        try:
            scan(self.engine, self.settings)
        except Exception:
            log.exception("notice deadline scan failed")
