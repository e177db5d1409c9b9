"""The `contract.notice_deadline` webhook: sent once per deadline, N days before it, whoever scans and
however often — concurrent scanners, the worker's own tick, a restarted service, a process that died
after its claim — and signed like every webhook."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from contracts.settings import clear_settings
from lexrisk.settings import Settings
from serving.api.deps import app_engine
from serving.db import make_engine
from serving.jobs.notices import EVENT, message_id, scan
from serving.models import Contract, NoticeDelivery, utcnow
from serving.webhooks import verify
from tests.serving.test_terms_api import analyzed, contract_text, open_api, terms_settings
from tests.serving.test_webhooks import SECRET, _Receiver

TODAY = date.today()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver()
    yield r
    r.close()


def notice_settings(tmp_path: Path, **overrides) -> Settings:
    return terms_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["127.0.0.1:*"], webhook_allow_private=True,
                          notice_webhook_days=30, **overrides)


def notices(receiver: _Receiver) -> list[dict]:
    found = []
    for headers, body in receiver.received:
        payload = json.loads(body)
        if payload["type"] == EVENT:
            assert verify(SECRET, headers, body)
            found.append(payload | {"id": headers["webhook-id"]})
    return found


def expiring(days_to_deadline: int) -> bytes:
    """A contract whose last day to give notice (180 days before expiry) is this many days away."""
    return contract_text((TODAY + timedelta(days=days_to_deadline + 180)).isoformat())


def scan_at_once(engine: Engine, settings: Settings, n: int) -> list[list[str]]:
    """`n` scans started together on their own threads (as `n` worker processes would), their results."""
    start = threading.Barrier(n)
    results: list[list[str]] = []

    def scanner() -> None:
        start.wait()
        results.append(scan(engine, settings, today=TODAY))

    threads = [threading.Thread(target=scanner) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_sent_once_by_concurrent_scans_and_not_again_after_a_restart(tmp_path: Path, receiver: _Receiver) -> None:
    settings = notice_settings(tmp_path)
    for api in open_api(settings):
        due = analyzed(api, expiring(10), "due.txt", callback_url=receiver.url)
        analyzed(api, expiring(45), "later.txt", callback_url=receiver.url)  # outside the 30 days
        analyzed(api, expiring(-3), "missed.txt", callback_url=receiver.url)  # passed before anyone looked
        results = scan_at_once(api.resolve(app_engine), settings, 8)
    deadline = (TODAY + timedelta(days=10)).isoformat()
    assert sorted(x for r in results for x in r) in ([f"{due}:{deadline}"], [])  # the app's own tick may win
    sent = notices(receiver)
    assert len(sent) == 1
    assert sent[0]["data"] | {"contract_id": due} == {
        "contract_id": due, "name": "due.txt", "deadline": deadline, "days_left": 10, "notice_period": "P180D",
        "expiration_date": (TODAY + timedelta(days=190)).isoformat(), "renewal_term": "P1Y",
        "quote": "at least one hundred eighty (180) days before"}
    assert sent[0]["id"] == message_id(due, deadline)
    # a restarted service (a new app and engine on the same database) and a cron scan send nothing more
    for _ in open_api(settings):
        other = make_engine(settings.database_url)
        assert scan(other, settings, today=TODAY) == []
        other.dispose()
    assert len(notices(receiver)) == 1
    # 40 days on, the other contract's deadline is within reach: sent, once
    later = make_engine(settings.database_url)
    assert len(scan(later, settings, today=TODAY + timedelta(days=40))) == 1
    assert scan(later, settings, today=TODAY + timedelta(days=40)) == []
    with Session(later) as session:
        statuses = sorted(r.status for r in session.exec(select(NoticeDelivery)).all())
    later.dispose()
    assert statuses == ["delivered", "delivered"] and len(notices(receiver)) == 2


def test_the_workers_tick_sends_it(tmp_path: Path, receiver: _Receiver) -> None:
    settings = notice_settings(tmp_path, job_stale_after_s=0.6, notice_scan_interval_s=0.2)
    for api in open_api(settings):
        cid = analyzed(api, expiring(5), callback_url=receiver.url)
        end = time.monotonic() + 20
        while not notices(receiver) and time.monotonic() < end:
            time.sleep(0.1)
        time.sleep(1.0)  # several more ticks: still one
    sent = notices(receiver)
    assert [s["data"]["contract_id"] for s in sent] == [cid]


def test_a_claim_left_pending_by_a_dead_process_is_sent_again_with_its_id(tmp_path: Path,
                                                                            receiver: _Receiver) -> None:
    settings = notice_settings(tmp_path, notice_scan_interval_s=10**6)
    for api in open_api(settings):
        cid = analyzed(api, expiring(10), callback_url=receiver.url)
        engine = api.resolve(app_engine)
        deadline = (TODAY + timedelta(days=10)).isoformat()
        with Session(engine) as session:  # claimed an hour ago by a process that never finished
            contract = session.get(Contract, cid)
            assert contract is not None
            session.add(NoticeDelivery(tenant_id=contract.tenant_id, contract_id=cid, deadline=deadline,
                                       claimed_at=utcnow() - timedelta(hours=1)))
            session.commit()
        assert scan(engine, settings, today=TODAY) == [f"{cid}:{deadline}"]
        assert scan(engine, settings, today=TODAY) == []
    sent = notices(receiver)
    assert [s["id"] for s in sent] == [message_id(cid, deadline)]


def test_no_callback_is_recorded_not_sent(tmp_path: Path, receiver: _Receiver) -> None:
    settings = notice_settings(tmp_path, notice_scan_interval_s=10**6)
    for api in open_api(settings):
        analyzed(api, expiring(3))
        engine = api.resolve(app_engine)
        assert len(scan(engine, settings, today=TODAY)) == 1
        with Session(engine) as session:
            assert [r.status for r in session.exec(select(NoticeDelivery)).all()] == ["no_callback"]
    assert notices(receiver) == []


@pytest.mark.postgres
def test_on_postgresql_terms_portfolio_correction_and_one_notice(tmp_path: Path, pg_schema: str,
                                                                  receiver: _Receiver) -> None:
    from tests.serving.conftest import PG_URL

    settings = notice_settings(tmp_path, database_url=PG_URL, notice_scan_interval_s=10**6)
    for api in open_api(settings, schema=pg_schema):
        cid = analyzed(api, expiring(10), "due.txt", callback_url=receiver.url)
        items = api.client.get("/v1/portfolio", headers=api.h(), params={"party": "northwind",
                                                                         "governing_law": "DELAWARE"}).json()
        assert [i["id"] for i in items["data"]] == [cid] and sum(items["data"][0]["risks"].values()) > 0
        law = items["data"][0]["terms"]["governing_law"]
        fixed = api.client.patch(f"/v1/contracts/{cid}/terms", headers=api.h(), json={
            "field": "governing_law", "value": "State of Delaware", "start": law["start"], "end": law["end"]})
        assert fixed.status_code == 200 and fixed.json()["terms"]["governing_law"]["source"] == "lawyer"
        assert len([x for r in scan_at_once(api.resolve(app_engine), settings, 6) for x in r]) == 1
    for api in open_api(settings, schema=pg_schema):  # restarted
        assert scan(api.resolve(app_engine), settings, today=TODAY) == []
    assert len(notices(receiver)) == 1


def test_the_command_scans_once_and_refuses_a_bad_date(tmp_path: Path, receiver: _Receiver, monkeypatch,
                                                        capsys) -> None:
    from lexrisk.cli import main

    settings = notice_settings(tmp_path, notice_scan_interval_s=10**6)
    for api in open_api(settings):
        cid = analyzed(api, expiring(40), callback_url=receiver.url)  # 40 days off: due 10 days from now
    monkeypatch.setenv("LEXRISK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEXRISK_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("LEXRISK_WEBHOOK_ALLOWED_HOSTS", '["127.0.0.1:*"]')
    monkeypatch.setenv("LEXRISK_WEBHOOK_ALLOW_PRIVATE", "true")
    clear_settings()
    try:
        assert main(["notices"]) == 0
        assert capsys.readouterr().out == ""
        later = (TODAY + timedelta(days=10)).isoformat()
        assert main(["notices", "--today", later]) == 0
        assert capsys.readouterr().out.split() == [f"{cid}:{(TODAY + timedelta(days=40)).isoformat()}"]
        assert main(["notices", "--today", later]) == 0
        assert capsys.readouterr().out == ""
        with pytest.raises(SystemExit) as refused:  # argparse's one error line
            main(["notices", "--today", "2027-02-31"])
        assert refused.value.code == 2
        assert "argument --today: '2027-02-31' is not a date" in capsys.readouterr().err
    finally:
        clear_settings()
    assert len(notices(receiver)) == 1


def test_a_corrected_deadline_is_announced_once_more(tmp_path: Path, receiver: _Receiver) -> None:
    settings = notice_settings(tmp_path, notice_scan_interval_s=10**6)
    for api in open_api(settings):
        cid = analyzed(api, expiring(10), callback_url=receiver.url)
        engine = api.resolve(app_engine)
        assert len(scan(engine, settings, today=TODAY)) == 1
        # the lawyer reads the notice period as 170 days: the deadline moves 10 days later
        fixed = api.client.patch(f"/v1/contracts/{cid}/terms", headers=api.h(),
                                 json={"field": "notice_period_to_terminate_renewal", "value": "P170D"})
        assert fixed.json()["terms"]["notice_period_to_terminate_renewal"]["deadline"] == \
            (TODAY + timedelta(days=20)).isoformat()
        assert scan(engine, settings, today=TODAY) == [f"{cid}:{(TODAY + timedelta(days=20)).isoformat()}"]
        assert scan(engine, settings, today=TODAY) == []
    assert [n["data"]["deadline"] for n in notices(receiver)] == [
        (TODAY + timedelta(days=10)).isoformat(), (TODAY + timedelta(days=20)).isoformat()]
