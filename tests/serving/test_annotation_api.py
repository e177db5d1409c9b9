"""The annotators' workspace routes: labels' origin, the queue (assignment, status, progress, order by the
model's uncertainty, tenant walls), how often suggestions are kept, disagreements and adjudication, guidelines."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from annotation.store import add_annotation
from annotation.store.models import Annotation, Annotator
from annotation.store.models import Contract as Record
from contracts.taxonomy import by_name
from serving.api.deps import app_engine
from serving.models import Contract, FindingRow, Job, JobStatus
from tests.serving.conftest import Api


def _stored(api: Api, tenant: str = "acme", **upload) -> str:
    accepted = api.upload(tenant=tenant, **upload).json()
    api.wait(accepted["job_id"], tenant)
    return accepted["contract_id"]


def _label(api: Api, cid: str, tenant: str = "acme", **fields) -> dict:
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(tenant), json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def _scored(api: Api, cid: str, scores: list[float]) -> None:
    """The contract's findings given these scores as an analyzer might: one each, or the one score to all."""
    with Session(api.resolve(app_engine)) as session:
        rows = session.exec(select(FindingRow).where(FindingRow.contract_id == cid).order_by(col(FindingRow.id))).all()
        for row, score in zip(rows, scores if len(scores) > 1 else scores * len(rows), strict=True):
            row.score = score
            session.add(row)
        session.commit()


def _clauses(i: int, words: str = "This Agreement is governed by the laws of New York.\n\nThe Customer may audit.") -> bytes:
    return f"Agreement {i}.\n\n{words}\n".encode()


def test_uncertainty_is_highest_at_a_coin_toss(both_api: Api) -> None:
    """The mean of 1 - |2s - 1| over the latest analysis' findings, computed by the database."""
    api = both_api
    cid = _stored(api, data=_clauses(0), name="a.txt")
    for scores, expected in (([0.5], 1.0), ([1.0, 0.0], 0.0), ([0.9, 0.5], (0.2 + 1.0) / 2)):
        _scored(api, cid, scores)
        [row] = api.client.get("/v1/annotation/queue", headers=api.h()).json()["data"]
        assert row["uncertainty"] == pytest.approx(expected)
    # a later analysis replaces the earlier one's findings, as on the Review page
    with Session(api.resolve(app_engine)) as session:
        job = session.exec(select(Job).where(Job.contract_id == cid)).one()
        later = Job(tenant_id=job.tenant_id, contract_id=cid, analyzer="fake", status=JobStatus.done,
                    finished_at=job.finished_at + timedelta(minutes=1))
        finding = session.exec(select(FindingRow).where(FindingRow.job_id == job.id)).first()
        assert finding is not None
        session.add(later)
        session.flush()  # no relationship orders the two inserts
        session.add(FindingRow(**finding.model_dump(exclude={"id", "job_id", "score"}), job_id=later.id, score=0.25))
        session.commit()
    [row] = api.client.get("/v1/annotation/queue", headers=api.h()).json()["data"]
    assert row["uncertainty"] == pytest.approx(0.5)


def test_label_origin_saved_listed_and_checked(api: Api) -> None:
    cid = _stored(api)
    finding = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"][0]
    base = {"annotator": "ann", "category": finding["category"], "severity": finding["severity"],
            "start": finding["start"], "end": finding["end"]}
    kept = _label(api, cid, **base, origin="suggested_accepted")
    edited = _label(api, cid, **{**base, "end": finding["end"] - 1, "origin": "suggested_edited"})
    drawn = _label(api, cid, **{**base, "start": 0, "end": 12})
    assert (kept["origin"], edited["origin"], drawn["origin"]) == ("suggested_accepted", "suggested_edited", "manual")
    listed = api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()["data"]
    assert [x["origin"] for x in listed] == ["suggested_accepted", "suggested_edited", "manual"]
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json={**base, "origin": "guessed"})
    assert r.status_code == 422 and "origin" in r.text


def test_queue_assignments_progress_order_and_tenant_walls(api: Api) -> None:
    msa = _stored(api)
    plain = _stored(api, data=b"The parties meet on Mondays.\n\nNothing else is agreed.\n", name="note.txt")
    newest = api.client.get("/v1/annotation/queue", headers=api.h()).json()
    assert [x["contract_id"] for x in newest["data"]] == [plain, msa]
    assert all(x["annotator"] is None and x["status"] is None for x in newest["data"])
    assert newest["data"][0]["uncertainty"] is None and newest["data"][1]["uncertainty"] == pytest.approx(0.2)
    by_doubt = api.client.get("/v1/annotation/queue", params={"order": "uncertainty"}, headers=api.h()).json()
    assert [x["contract_id"] for x in by_doubt["data"]] == [msa, plain]

    for who, cid in (("ann", msa), ("bob", msa), ("ann", plain)):
        r = api.client.put(f"/v1/annotation/queue/{cid}", headers=api.h(), json={"annotator": who})
        assert r.status_code == 200 and r.json()["status"] == "to_label", r.text
    r = api.client.put(f"/v1/annotation/queue/{msa}", headers=api.h(), json={"annotator": "ann", "status": "done"})
    assert r.json()["status"] == "done"
    _label(api, msa, annotator="ann", category="Governing Law", severity="low", start=0, end=10)
    mine = api.client.get("/v1/annotation/queue", params={"annotator": "ann"}, headers=api.h()).json()
    assert {(x["contract_id"], x["status"], x["labels"]) for x in mine["data"]} == {(msa, "done", 1),
                                                                                    (plain, "to_label", 0)}
    progress = {p["annotator"]: p for p in mine["progress"]}
    assert progress["ann"] == {"annotator": "ann", "assigned": 2, "to_label": 1, "in_review": 0, "done": 1,
                               "labels": 1}
    assert progress["bob"]["assigned"] == 1 and progress["bob"]["labels"] == 0

    bad = api.client.put(f"/v1/annotation/queue/{msa}", headers=api.h(), json={"annotator": "ann", "status": "x"})
    assert bad.status_code == 422
    # another firm sees none of it, and cannot assign the first firm's contract
    other = api.client.get("/v1/annotation/queue", headers=api.h("globex")).json()
    assert other["data"] == [] and other["progress"] == []
    r = api.client.put(f"/v1/annotation/queue/{msa}", headers=api.h("globex"), json={"annotator": "eve"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_queue_is_paged_after_its_order_with_count_and_progress_over_all(both_api: Api) -> None:
    """The queue was one answer with every row, whatever `limit` and `offset` said: now pages of it, ordered
    before they are cut (consecutive pages neither overlap nor skip a row), `count` all the rows and `progress`
    every annotator's assignments, on any page."""
    api = both_api
    ids = [_stored(api, data=_clauses(i) if i != 2 else b"Nothing to find here.\n", name=f"c{i}.txt")
           for i in range(5)]
    for cid, scores in zip(ids, ([0.9], [0.5], [], [0.7], [0.9]), strict=True):
        if scores:
            _scored(api, cid, scores)  # uncertainties 0.2, 1.0, none, 0.6, 0.2
    for who, cid, status in (("ann", ids[1], "to_label"), ("bob", ids[1], "done"), ("ann", ids[3], "in_review"),
                             ("ann", ids[0], "done")):
        r = api.client.put(f"/v1/annotation/queue/{cid}", headers=api.h(), json={"annotator": who, "status": status})
        assert r.status_code == 200, r.text
    _label(api, ids[1], annotator="bob", category="Governing Law", severity="low", start=0, end=9)
    rows = {"newest": [(ids[4], None), (ids[3], "ann"), (ids[2], None), (ids[1], "ann"), (ids[1], "bob"),
                       (ids[0], "ann")],
            "uncertainty": [(ids[1], "ann"), (ids[1], "bob"), (ids[3], "ann"), (ids[4], None), (ids[0], "ann"),
                            (ids[2], None)]}
    progress = [{"annotator": "ann", "assigned": 3, "to_label": 1, "in_review": 1, "done": 1, "labels": 0},
                {"annotator": "bob", "assigned": 1, "to_label": 0, "in_review": 0, "done": 1, "labels": 1}]
    for order, expected in rows.items():
        for size in (1, 2, 4):
            pages = [api.client.get("/v1/annotation/queue", headers=api.h(),
                                    params={"order": order, "offset": offset, "limit": size}).json()
                     for offset in range(0, 7, size)]
            assert [len(p["data"]) for p in pages] == [min(size, max(0, 6 - o)) for o in range(0, 7, size)]
            assert [(x["contract_id"], x["annotator"]) for p in pages for x in p["data"]] == expected
            assert all(p["count"] == 6 and p["progress"] == progress for p in pages)
    last = api.client.get("/v1/annotation/queue", headers=api.h(), params={"order": "uncertainty", "offset": 5}).json()
    assert [(x["contract_id"], x["uncertainty"], x["labels"]) for x in last["data"]] == [(ids[2], None, 0)]
    second = api.client.get("/v1/annotation/queue", headers=api.h(), params={"offset": 1, "limit": 1}).json()["data"]
    assert (second[0]["uncertainty"], second[0]["status"]) == (pytest.approx(0.6), "in_review")
    # one annotator's queue is paged too; the progress stays everyone's
    mine = api.client.get("/v1/annotation/queue", headers=api.h(), params={"annotator": "ann", "limit": 2}).json()
    assert [x["contract_id"] for x in mine["data"]] == [ids[3], ids[1]] and mine["count"] == 3
    assert mine["progress"] == progress
    assert api.client.get("/v1/annotation/queue", headers=api.h(), params={"offset": 6}).json()["data"] == []
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 2**31}, {"offset": "x"}):
        r = api.client.get("/v1/annotation/queue", headers=api.h(), params=bad)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", (bad, r.text)
    assert "at most 100" in api.client.get("/v1/annotation/queue", headers=api.h(),
                                           params={"limit": 101}).json()["error"]["message"]


def test_suggestion_stats_count_kept_edited_and_rejected(api: Api) -> None:
    cid = _stored(api)
    findings = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"]
    assert len(findings) >= 6
    for f, origin in zip(findings[:2], ("suggested_accepted", "suggested_accepted"), strict=True):
        _label(api, cid, annotator="ann", category=f["category"], severity=f["severity"], start=f["start"],
               end=f["end"], origin=origin)
    f = findings[2]
    _label(api, cid, annotator="ann", category=f["category"], severity="high", start=f["start"], end=f["end"],
           origin="suggested_edited")
    r = api.client.patch(f"/v1/findings/{findings[-1]['id']}", headers=api.h(),
                         json={"action": "reject", "reviewer": "ann"})
    assert r.status_code == 200, r.text
    _label(api, cid, annotator="bob", category="Governing Law", severity="low", start=0, end=5)
    stats = api.client.get("/v1/annotation/suggestions/stats", headers=api.h()).json()
    assert stats["suggested_accepted"] == 2 and stats["suggested_edited"] == 1
    assert stats["suggestions_rejected"] == 1 and stats["manual"] == 1
    assert stats["accepted_unchanged_rate"] == 0.5
    assert stats["per_annotator"]["bob"] == {"manual": 1}
    # on the Review page: one finding kept, one re-categorised (one edit, not also a rejection)
    r = api.client.patch(f"/v1/findings/{findings[-2]['id']}", headers=api.h(), json={"action": "accept",
                                                                                     "reviewer": "cy"})
    assert r.status_code == 200, r.text
    other = "Audit Rights" if findings[-3]["category"] != "Audit Rights" else "Governing Law"
    r = api.client.patch(f"/v1/findings/{findings[-3]['id']}", headers=api.h(),
                         json={"action": "edit", "category": other, "reviewer": "cy"})
    assert r.status_code == 200, r.text
    stats = api.client.get("/v1/annotation/suggestions/stats", headers=api.h()).json()
    assert stats["per_annotator"]["cy"] == {"suggested_accepted": 1, "suggested_edited": 1}
    assert stats["accepted_unchanged_rate"] == round(3 / 6, 4)
    assert api.client.get("/v1/annotation/suggestions/stats", headers=api.h("globex")).json()[
        "accepted_unchanged_rate"] is None


def test_disagreements_pick_and_merge(api: Api) -> None:
    cid = _stored(api)
    text = api.client.get(f"/v1/contracts/{cid}/text", headers=api.h()).json()["text"]
    a = _label(api, cid, annotator="ann", category="Governing Law", severity="low", start=10, end=60)
    b = _label(api, cid, annotator="bob", category="Governing Law", severity="high", start=20, end=70,
               origin="suggested_accepted")
    c = _label(api, cid, annotator="ann", category="Audit Rights", severity="low", start=200, end=240)
    d = _label(api, cid, annotator="bob", category="Audit Rights", severity="medium", start=200, end=240)
    found = api.client.get("/v1/annotation/disagreements", params={"contract_id": cid}, headers=api.h()).json()["data"]
    assert {x["category"] for x in found} == {"Governing Law", "Audit Rights"}
    law = next(x for x in found if x["category"] == "Governing Law")
    assert law["contract_id"] == cid and "offsets differ" in law["reasons"]
    assert [(x["id"], x["quote"], x["origin"]) for x in law["labels"]] == [
        (a["id"], text[10:60], "manual"), (b["id"], text[20:70], "suggested_accepted")]
    # pick: accepting ann's audit label rejects bob's, as `lexrisk annotate adjudicate --accept` does
    r = api.client.post("/v1/annotation/adjudications", headers=api.h(),
                        json={"adjudicator": "judge", "accept": [c["id"]], "comment": "ann is right"})
    assert r.json() == {"accepted": 1, "rejected": 1, "merged_label_id": None}
    # merge: the union of the two spans with the severity they settle on
    r = api.client.post("/v1/annotation/adjudications", headers=api.h(), json={
        "adjudicator": "judge", "reject": [a["id"], b["id"]], "contract_id": cid,
        "merged": {"category": "Governing Law", "severity": "medium", "start": 10, "end": 70}})
    assert r.status_code == 200, r.text
    merged = r.json()["merged_label_id"]
    assert r.json()["accepted"] == 1 and r.json()["rejected"] == 2 and merged
    assert api.client.get("/v1/annotation/disagreements", headers=api.h()).json()["data"] == []
    decided = api.client.get("/v1/annotation/disagreements", params={"include_decided": True},
                             headers=api.h()).json()["data"]
    assert len(decided) == 2 and all(x["decided"] for x in decided)
    statuses = {x["id"]: x["status"] for x in api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()["data"]}
    assert statuses == {a["id"]: "rejected", b["id"]: "rejected", c["id"]: "accepted", d["id"]: "rejected"}
    # bad decisions are one clear 400, and another firm cannot decide on these labels
    for body in ({"adjudicator": "judge"}, {"adjudicator": "judge", "reject": [a["id"]],
                                            "merged": {"category": "Governing Law", "severity": "low", "start": 0,
                                                       "end": 5}}):
        r = api.client.post("/v1/annotation/adjudications", headers=api.h(), json=body)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_adjudication"
    r = api.client.post("/v1/annotation/adjudications", headers=api.h("globex"),
                        json={"adjudicator": "eve", "accept": [a["id"]]})
    assert r.status_code == 400 and "no annotation" in r.json()["error"]["message"]


def test_disagreements_name_the_contract_however_many_the_firm_holds(both_api: Api) -> None:
    """The API's ids were looked up among the firm's 500 newest contracts only: a disagreement on an older
    contract came back with `contract_id: null`, and the app could neither link to it nor merge its labels.
    A contract only the label store holds (imported on the command line) has no API id; another firm's copy
    of the same file is its own."""
    api = both_api
    old = _stored(api)
    theirs = _stored(api, tenant="globex")  # the same file: globex's own record and id
    for tenant, cid in (("acme", old), ("globex", theirs)):
        for who, severity in (("ann", "low"), ("bob", "high")):
            _label(api, cid, tenant, annotator=who, category="Governing Law", severity=severity, start=10, end=60)
    with Session(api.resolve(app_engine)) as session:
        first = session.exec(select(Contract).where(Contract.id == old)).one()
        newer = [Record(tenant="acme", sha256=f"{i:064x}", name=f"n{i}.txt", source_type="txt",
                        text="The Customer may audit.", pages=[]) for i in range(501)]
        session.add_all(newer)
        session.flush()
        session.add_all(Contract(tenant_id=first.tenant_id, record_id=record.id,
                                 created_at=first.created_at + timedelta(seconds=i + 1))
                        for i, record in enumerate(newer[:500]))
        imported = newer[500]  # no service contract: only the label store holds it
        for who, severity in (("ann", "low"), ("bob", "medium")):
            add_annotation(session, imported, who, category="Audit Rights", severity=severity, start=4, end=22,
                           source="labelstudio")
        session.commit()
    found = api.client.get("/v1/annotation/disagreements", headers=api.h()).json()["data"]
    assert [(x["contract_id"], x["contract"], x["category"]) for x in found] == [  # by record, oldest first
        (old, "master_services_agreement.txt", "Governing Law"), (None, "n500.txt", "Audit Rights")]
    one = api.client.get("/v1/annotation/disagreements", headers=api.h(), params={"contract_id": old}).json()["data"]
    assert [(x["contract_id"], [y["annotator"] for y in x["labels"]]) for x in one] == [(old, ["ann", "bob"])]
    other = api.client.get("/v1/annotation/disagreements", headers=api.h("globex")).json()["data"]
    assert [x["contract_id"] for x in other] == [theirs]
    r = api.client.get("/v1/annotation/disagreements", headers=api.h("globex"), params={"contract_id": old})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_guidelines_have_cuad_descriptions_and_playbook_lines(api: Api) -> None:
    body = api.client.get("/v1/annotation/guidelines", headers=api.h()).json()["data"]
    law = next(g for g in body if g["category"] == "Governing Law")
    assert law["description"] == by_name()["Governing Law"].description
    assert law["playbook"] and law["severity"] in ("info", "low", "medium", "high")
    assert api.client.get("/v1/annotation/guidelines").status_code == 401


@pytest.mark.cuad
def test_guidelines_are_cuads_category_descriptions(api: Api, cuad_dir: Path) -> None:
    """The descriptions served are CUAD's category_descriptions.csv (shipped in the taxonomy with its
    runs of spaces and non-breaking spaces folded)."""
    with (cuad_dir / "category_descriptions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f)][1:]
    cuad = {r[0].removeprefix("Category: ").strip(): " ".join(r[1].removeprefix("Description: ").split())
            for r in rows if r}
    served = {g["category"]: g["description"]
              for g in api.client.get("/v1/annotation/guidelines", headers=api.h()).json()["data"]}
    assert served and all(cuad[name] == description for name, description in served.items())


def test_findings_reviewed_on_the_review_page_are_suggestions_in_the_store(api: Api) -> None:
    """A finding accepted as it was, or edited, becomes a stored label whose origin says so, so that the
    training set tells them from labels drawn by hand."""
    cid = _stored(api)
    first, second = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"][:2]
    assert api.client.patch(f"/v1/findings/{first['id']}", headers=api.h(), json={"action": "accept"}).status_code == 200
    edited = api.client.patch(f"/v1/findings/{second['id']}", headers=api.h(),
                              json={"action": "edit", "severity": "high" if second["severity"] != "high" else "low"})
    assert edited.status_code == 200, edited.text
    with Session(api.resolve(app_engine)) as session:
        rows = session.exec(select(Annotation).where(Annotation.source == "api", Annotation.status == "accepted")
                            .order_by(col(Annotation.id))).all()
    assert [(r.start, r.origin) for r in rows] == [(first["start"], "suggested_accepted"),
                                                   (second["start"], "suggested_edited")]


@pytest.mark.parametrize("route", ["label", "assignment"])
def test_a_new_annotator_stored_by_a_concurrent_request_first_is_found_on_the_retry(api: Api, route: str) -> None:
    """Two requests naming an annotator for the first time both find none and both insert it; the unique name
    lets one win, and the other was a 500. Here the other request's insert is made to land first, every time."""
    cid = _stored(api)
    _label(api, cid, annotator="ann", category="Governing Law", severity="low", start=10, end=60)
    engine = api.resolve(app_engine)
    stolen: list[str] = []

    def first_elsewhere(_mapper, _connection, target: Annotator) -> None:
        if not stolen:
            stolen.append(target.name)
            with Session(engine) as other:
                other.add(Annotator(name=target.name, kind=target.kind))
                other.commit()

    event.listen(Annotator, "before_insert", first_elsewhere)
    try:
        if route == "label":
            r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json={
                "annotator": "newcomer", "category": "Governing Law", "severity": "low", "start": 0, "end": 5})
        else:
            r = api.client.put(f"/v1/annotation/queue/{cid}", headers=api.h(), json={"annotator": "newcomer"})
    finally:
        event.remove(Annotator, "before_insert", first_elsewhere)
    assert stolen == ["newcomer"]
    assert r.status_code in (200, 201), r.text
    with Session(engine) as session:
        assert len(session.exec(select(Annotator).where(Annotator.name == "newcomer")).all()) == 1


def test_a_label_both_accepted_and_rejected_is_refused(api: Api) -> None:
    cid = _stored(api)
    a = _label(api, cid, annotator="ann", category="Governing Law", severity="low", start=10, end=60)
    _label(api, cid, annotator="bob", category="Governing Law", severity="high", start=20, end=70)
    r = api.client.post("/v1/annotation/adjudications", headers=api.h(),
                        json={"adjudicator": "judge", "accept": [a["id"]], "reject": [a["id"]]})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_adjudication"
    assert f"#{a['id']}" in r.json()["error"]["message"]
    statuses = {x["status"] for x in api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()["data"]}
    assert statuses == {"pending"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/v1/annotation/adjudications", {"adjudicator": "judge", "accept": [2**63]}),
    ("post", "/v1/annotation/adjudications", {"adjudicator": "judge", "reject": [0]}),
    ("post", "/v1/annotation/adjudications", {"adjudicator": "ju\x00dge", "accept": [1]}),
    ("put", "/v1/annotation/queue/CID", {"annotator": "a\x00b"}),
    ("post", "/v1/contracts/CID/labels", {"annotator": "a\x00b", "category": "Governing Law", "severity": "low",
                                          "start": 0, "end": 5}),
    ("get", "/v1/contracts/%00/text", None),
    ("get", "/v1/contracts/" + "a" * 5000 + "/labels", None),
    ("put", "/v1/annotation/queue/xyz", {"annotator": "ann"}),
    ("get", "/v1/comparisons/xyz", None),
    ("get", "/v1/comparisons/xyz/comparison.csv", None),
    ("get", "/v1/annotation/disagreements?contract_id=xyz", None),
    ("post", "/v1/contracts/CID/compare", {"template_id": "xyz"}),
])
def test_ids_names_and_label_ids_are_checked_where_they_enter(api: Api, method: str, path: str, body: dict | None) -> None:
    """A label id past the database's integer was a 500; malformed ids reached the database and came back in
    the 404's message; NUL was stored in an annotator's name."""
    cid = _stored(api)
    r = getattr(api.client, method)(path.replace("CID", cid), headers=api.h(), **({"json": body} if body else {}))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", r.text
    assert "\x00" not in r.json()["error"]["message"] and len(r.text) < 1000
