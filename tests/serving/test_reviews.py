"""Reviews change the finding and land in the annotation store as lawyer labels."""

from __future__ import annotations

from sqlmodel import Session, select

from annotation.store import Annotation, Annotator, ReviewEvent
from serving.db import make_engine
from tests.serving.conftest import Api


def _finding(api: Api, category: str) -> dict:
    accepted = api.upload().json()
    api.wait(accepted["job_id"])
    findings = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()["data"]
    return next(f for f in findings if f["category"] == category)


def _labels(settings) -> list[tuple[Annotation, ReviewEvent, str]]:
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        rows = session.exec(select(Annotation, ReviewEvent, Annotator.name)
                            .join(ReviewEvent, ReviewEvent.annotation_id == Annotation.id)
                            .join(Annotator, Annotator.id == ReviewEvent.reviewer_id)
                            .order_by(ReviewEvent.id)).all()
    engine.dispose()
    return list(rows)


def test_accept_is_stored_as_lawyer_label(api: Api, settings) -> None:
    finding = _finding(api, "Exclusivity")
    response = api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(),
                                json={"action": "accept", "comment": "standard", "reviewer": "A. Lawyer"})
    assert response.status_code == 200, response.text
    assert response.json()["review"]["status"] == "accepted"
    [(annotation, event, reviewer)] = _labels(settings)
    assert (annotation.category, annotation.start, annotation.end) == ("Exclusivity", finding["start"], finding["end"])
    assert annotation.quote == finding["quote"] and annotation.status == "accepted" and annotation.source == "api"
    assert (event.decision, event.comment, reviewer) == ("accepted", "standard", "A. Lawyer")
    # a second decision on the same finding is another event on the same label
    api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(), json={"action": "reject", "reviewer": "B"})
    labels = _labels(settings)
    assert [e.decision for _, e, _ in labels] == ["accepted", "rejected"]
    assert labels[0][0].id == labels[1][0].id


def test_edit_category_rejects_original_and_accepts_edit(api: Api, settings) -> None:
    finding = _finding(api, "Audit Rights")
    response = api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(),
                                json={"action": "edit", "category": "Cap on Liability", "severity": "high",
                                      "comment": "really a cap"})
    body = response.json()
    assert response.status_code == 200
    assert (body["category"], body["severity"]) == ("Cap on Liability", "high")
    assert body["review"]["original_category"] == "Audit Rights"
    labels = _labels(settings)
    assert [(a.category, e.decision) for a, e, _ in labels] == [("Audit Rights", "rejected"),
                                                                 ("Cap on Liability", "accepted")]
    assert labels[1][0].severity == "high" and "really a cap" in labels[1][1].comment
    # the stored finding shows the edit
    url = f"/v1/contracts/{_contract_of(api)}/findings"
    assert any(f["id"] == finding["id"] and f["category"] == "Cap on Liability"
               for f in api.client.get(url, headers=api.h()).json()["data"])


def _contract_of(api: Api) -> str:
    return api.client.get("/v1/contracts", headers=api.h()).json()["data"][0]["id"]


def test_bad_reviews_are_refused(api: Api, settings) -> None:
    finding = _finding(api, "Exclusivity")
    url = f"/v1/findings/{finding['id']}"
    for body, status, code in [({"action": "edit"}, 400, "empty_edit"),
                               ({"action": "accept", "severity": "high"}, 400, "invalid_review"),
                               ({"action": "edit", "category": "Nope"}, 400, "unknown_category"),
                               ({"action": "maybe"}, 422, "invalid_request"),
                               ({"action": "accept", "extra": 1}, 422, "invalid_request"),
                               # what it is already ("Exclusivity" in another case): an edit that changes nothing
                               ({"action": "edit", "severity": finding["severity"], "category": "exclusivity"}, 400,
                                "empty_edit")]:
        response = api.client.patch(url, headers=api.h(), json=body)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
    assert api.client.patch(f"/v1/findings/{'0' * 32}", headers=api.h(), json={"action": "accept"}).status_code == 404
    bad = api.client.patch(url, headers={**api.h(), "Content-Type": "application/json"}, content=b"{bad")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "bad_request")  # docs/serving.md's table
    assert _labels(settings) == []
