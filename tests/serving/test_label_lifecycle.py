"""An annotator's label over its life: stored once however often it is sent, the contract assigned to whoever
labels it, and withdrawn (a label, or a rejection of a suggestion) by its own annotator until an adjudicator
decides on it."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import Session, col, select

from annotation.store import add_annotation
from annotation.store.models import Annotation, ReviewEvent
from annotation.store.models import Contract as Record
from serving import annotator_labels
from serving.api.deps import app_engine
from serving.models import Contract
from tests.serving.conftest import Api

LAW = {"annotator": "dana", "category": "Governing Law", "severity": "low", "start": 10, "end": 60}


def _stored(api: Api, tenant: str = "acme") -> str:
    accepted = api.upload(tenant=tenant).json()
    api.wait(accepted["job_id"], tenant)
    return str(accepted["contract_id"])


def _post(api: Api, cid: str, tenant: str = "acme", **fields: Any) -> Any:
    return api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(tenant), json={**LAW, **fields})


def _withdraw(api: Api, label_id: int, annotator: str, tenant: str = "acme") -> Any:
    return api.client.delete(f"/v1/labels/{label_id}", params={"annotator": annotator}, headers=api.h(tenant))


def _labels(api: Api, cid: str) -> list[dict[str, Any]]:
    return list(api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()["data"])


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text
    return str(response.json()["error"]["message"])


def test_the_same_label_sent_again_is_the_one_stored(api: Api) -> None:
    """A retried request or a double submit made a second label, read as the annotator marking the place twice."""
    cid = _stored(api)
    first = _post(api, cid)
    assert first.status_code == 201, first.text
    again = _post(api, cid, explanation="sent again")
    assert again.status_code == 200 and again.json() == first.json()
    assert _post(api, cid, annotator=" dana ").json()["id"] == first.json()["id"]  # the name as the store keeps it
    other = _post(api, cid, severity="high")  # another severity is another label
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert [x["id"] for x in _labels(api, cid)] == [first.json()["id"], other.json()["id"]]


def test_the_same_label_sent_at_once_is_stored_once(both_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three requests that each look for the label before any stores it would each store one: each waits after
    its lookup (up to a second) for the others to look too, as it happens when they come at once."""
    api = both_api
    cid = _stored(api)
    assert _post(api, cid, start=0, end=9).status_code == 201  # dana and her assignment are stored: no other write
    looked, lookup = threading.Barrier(3), annotator_labels.same_label

    def at_once(*args: Any, **kwargs: Any) -> Any:
        found = lookup(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # the others wait on the first, which stores it
            looked.wait(timeout=1)
        return found

    monkeypatch.setattr(annotator_labels, "same_label", at_once)
    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: _post(api, cid), range(3)))
    assert sorted(r.status_code for r in replies) == [200, 200, 201], [r.text for r in replies]
    assert len({r.json()["id"] for r in replies}) == 1 and len(_labels(api, cid)) == 2


def test_labelling_a_contract_assigns_it_to_the_annotator(api: Api) -> None:
    """Dana labelled an unassigned contract, and the queue still showed it unassigned, her work in no progress."""
    cid = _stored(api)
    _post(api, cid)
    queue = api.client.get("/v1/annotation/queue", params={"annotator": "dana"}, headers=api.h()).json()
    assert [(x["contract_id"], x["status"], x["labels"]) for x in queue["data"]] == [(cid, "to_label", 1)]
    assert queue["progress"] == [{"annotator": "dana", "assigned": 1, "to_label": 1, "in_review": 0, "done": 0,
                                  "labels": 1}]
    # a status she set stays; another annotator's label gives them the contract too, beside hers
    assert api.client.put(f"/v1/annotation/queue/{cid}", headers=api.h(),
                          json={"annotator": "dana", "status": "in_review"}).status_code == 200
    _post(api, cid, start=100, end=150)
    _post(api, cid, annotator="eli")
    rows = api.client.get("/v1/annotation/queue", headers=api.h()).json()["data"]
    assert sorted((x["annotator"], x["status"], x["labels"]) for x in rows) == [("dana", "in_review", 2),
                                                                                ("eli", "to_label", 1)]


def test_an_annotator_withdraws_their_own_label_until_it_is_adjudicated(api: Api) -> None:
    cid = _stored(api)
    mine = _post(api, cid).json()
    assert "dana's, not eli's" in _error(_withdraw(api, mine["id"], "eli"), 403, "not_your_label")
    _error(_withdraw(api, mine["id"], "dana", tenant="globex"), 404, "not_found")  # another firm's: not there
    assert _withdraw(api, mine["id"], " dana ").status_code == 204
    assert _labels(api, cid) == []
    with Session(api.resolve(app_engine)) as session:
        assert session.get(Annotation, mine["id"]) is None  # nothing of it left to export or count
    _error(_withdraw(api, mine["id"], "dana"), 404, "not_found")
    # once an adjudicator decided, the label is the record of that decision, accepted or rejected
    kept, other = _post(api, cid).json(), _post(api, cid, annotator="eli", severity="high").json()
    decided = api.client.post("/v1/annotation/adjudications", headers=api.h(),
                              json={"adjudicator": "judge", "accept": [kept["id"]]})
    assert decided.status_code == 200, decided.text
    for label in (kept, other):
        assert "adjudicated" in _error(_withdraw(api, label["id"], label["annotator"]), 409, "label_decided")
    assert {x["status"] for x in _labels(api, cid)} == {"accepted", "rejected"}


def test_two_withdrawals_at_once_withdraw_it_once(both_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both find the label, then both delete it: the second deleted nothing and was a 500."""
    api = both_api
    cid = _stored(api)
    label = _post(api, cid).json()
    from serving import label_withdrawal  # here: the other tests run against code without it too

    found, delete = threading.Barrier(2), label_withdrawal.delete_undecided

    def together(*args: Any) -> bool:
        with contextlib.suppress(threading.BrokenBarrierError):
            found.wait(timeout=2)
        return delete(*args)

    monkeypatch.setattr(label_withdrawal, "delete_undecided", together)
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda _: _withdraw(api, label["id"], "dana"), range(2)))
    assert sorted(r.status_code for r in replies) == [204, 404], [r.text for r in replies]
    assert "withdrawn meanwhile" in next(r for r in replies if r.status_code == 404).json()["error"]["message"]


def test_labels_imported_on_the_command_line_are_not_withdrawn_here(api: Api) -> None:
    cid = _stored(api)
    with Session(api.resolve(app_engine)) as session:
        record = session.exec(select(Record).join(Contract, col(Contract.record_id) == Record.id)
                              .where(Contract.id == cid)).one()
        imported = add_annotation(session, record, "dana", category="Governing Law", severity="low", start=0, end=9,
                                  source="labelstudio")
        session.commit()
        label_id = imported.id
    assert label_id is not None
    assert "labelstudio" in _error(_withdraw(api, label_id, "dana"), 409, "label_not_withdrawable")
    assert [x["id"] for x in _labels(api, cid)] == [label_id]  # an annotator's vote all the same: listed


def _events(api: Api, label_id: int) -> list[tuple[str, str, str]]:
    with Session(api.resolve(app_engine)) as session:
        return [(e.kind, e.decision, e.previous_status) for e in session.exec(
            select(ReviewEvent).where(ReviewEvent.annotation_id == label_id).order_by(col(ReviewEvent.id)))]


def _status(api: Api, label_id: int) -> str:
    with Session(api.resolve(app_engine)) as session:
        row = session.get(Annotation, label_id)
        assert row is not None
        return row.status


def test_a_rejected_suggestion_is_withdrawn_and_offered_again(api: Api) -> None:
    """x on the Annotate page rejects the finding: taking it back makes the suggestion open again, and the store
    keeps both the rejection and its withdrawal."""
    cid = _stored(api)
    finding = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"][0]
    rejected = api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(),
                                json={"action": "reject", "reviewer": "dana", "comment": "rejected while annotating"})
    label_id = rejected.json()["review"]["label_id"]
    assert rejected.status_code == 200 and isinstance(label_id, int)
    assert "dana's" in _error(_withdraw(api, label_id, "eli"), 403, "not_your_label")
    assert _withdraw(api, label_id, "dana").status_code == 204
    again = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"][0]
    assert again["id"] == finding["id"] and again["review"] is None
    assert _status(api, label_id) == "pending"
    assert _events(api, label_id) == [("review", "rejected", "pending"), ("withdrawal", "withdrawn", "rejected")]
    assert api.client.get("/v1/annotation/suggestions/stats", headers=api.h()).json()["suggestions_rejected"] == 0
    _error(_withdraw(api, label_id, "dana"), 409, "label_not_withdrawable")  # nothing stands to withdraw
    # rejected again it is the same label; a decision that replaced another is changed by deciding again
    assert api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(), json={
        "action": "accept", "reviewer": "dana"}).json()["review"]["label_id"] == label_id
    api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(), json={"action": "reject", "reviewer": "dana"})
    assert "decide again" in _error(_withdraw(api, label_id, "dana"), 409, "label_decided")
    assert _status(api, label_id) == "rejected"


def test_an_edited_finding_is_changed_by_editing_it(api: Api) -> None:
    cid = _stored(api)
    finding = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"][0]
    edited = api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(), json={
        "action": "edit", "severity": "high" if finding["severity"] != "high" else "low", "reviewer": "dana"}).json()
    _error(_withdraw(api, edited["review"]["label_id"], "dana"), 409, "label_not_withdrawable")


def test_a_bad_label_id_or_name_is_a_clear_422(api: Api) -> None:
    for path, params in (("/v1/labels/0", {"annotator": "dana"}), ("/v1/labels/x", {"annotator": "dana"}),
                         (f"/v1/labels/{2**31}", {"annotator": "dana"}), ("/v1/labels/1", {}),
                         ("/v1/labels/1", {"annotator": ""})):
        r = api.client.delete(path, params=params, headers=api.h())
        _error(r, 422, "invalid_request")
