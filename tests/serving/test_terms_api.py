"""Key terms through the API: stored by the job runner from whatever the analyzer returns (a fake that
reads a few patterns, tests/serving/terms_fakes.py), served on the contract and the portfolio,
corrected by a lawyer (kept across a new analysis, stored as a label), walled per tenant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from annotation.store.models import Annotation
from lexrisk.settings import Settings
from serving.api.deps import app_engine
from serving.models import ContractTermsRow, FindingRow
from tests.serving.conftest import PLUGINS, SAMPLES, Api, make_settings, open_api
from tests.serving.fakes import KeywordAnalyzer

SAMPLE = (SAMPLES / "master_services_agreement.txt").read_text("utf-8")


def terms_settings(tmp_path: Path, **overrides) -> Settings:
    return make_settings(tmp_path, analyzer="terms",
                         analyzer_plugins=PLUGINS | {"terms": "tests.serving.terms_fakes:factory"}, **overrides)


@pytest.fixture
def tapi(tmp_path: Path) -> Iterator[Api]:
    yield from open_api(terms_settings(tmp_path))


def contract_text(expires: str = "2027-06-30", law: str = "Delaware", customer: str = "Harbor Freight Logistics LLC",
                  extra: str = "") -> bytes:
    text = SAMPLE.replace("State of Delaware", f"State of {law}").replace("Harbor Freight Logistics LLC", customer)
    return f"{text}\nExpires: {expires}\n{extra}".encode()


def analyzed(api: Api, data: bytes, name: str = "msa.txt", tenant: str = "acme", **form) -> str:
    accepted = api.upload(data=data, name=name, tenant=tenant, **form).json()
    assert api.wait(accepted["job_id"], tenant)["status"] == "done"
    return accepted["contract_id"]


def stored_text(api: Api, contract_id: str) -> str:
    """The normalised text every offset indexes into."""
    return api.client.get(f"/v1/contracts/{contract_id}/text", headers=api.h()).json()["text"]


def test_contract_carries_the_analyzers_terms_and_keeps_its_fields(tapi: Api) -> None:
    cid = analyzed(tapi, contract_text())
    body = tapi.client.get(f"/v1/contracts/{cid}", headers=tapi.h()).json()
    listed = next(c for c in tapi.client.get("/v1/contracts", headers=tapi.h()).json()["data"] if c["id"] == cid)
    assert {k: v for k, v in body.items() if k != "terms"} == listed  # every existing field unchanged
    terms = body["terms"]
    assert terms["expiration_date"]["value"] == "2027-06-30"
    assert terms["notice_period_to_terminate_renewal"] == {
        **terms["notice_period_to_terminate_renewal"], "value": "P180D", "deadline": "2027-01-01"}
    assert [p["name"] for p in terms["parties"]] == ["Northwind Analytics, Inc.", "Harbor Freight Logistics LLC"]
    text = stored_text(tapi, cid)
    law = terms["governing_law"]
    assert text[law["start"]:law["end"]] == law["quote"] == "Delaware"  # grounded
    assert tapi.client.get(f"/v1/contracts/{cid}/terms", headers=tapi.h()).json()["terms"] == terms


def test_the_contract_and_its_terms_are_read_in_one_tenant_scoped_lookup(tapi: Api) -> None:
    """GET /v1/contracts/{id} reads the contract (scoped to the tenant) and its terms row in one statement,
    and the job in another: no second lookup of the contract for the terms."""
    cid = analyzed(tapi, contract_text())
    expected = tapi.client.get(f"/v1/contracts/{cid}/terms", headers=tapi.h()).json()["terms"]
    statements: list[str] = []  # the reads of this contract's rows (the notice scan runs beside the request)

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if statement.lstrip().startswith("SELECT") and cid in values and "serving_contract" in statement:
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        body = tapi.client.get(f"/v1/contracts/{cid}", headers=tapi.h()).json()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert body["terms"] == expected and body["latest_job"]["status"] == "done"
    assert len(statements) == 1, statements
    assert "FROM serving_contracts" in statements[0] and "JOIN serving_contract_terms" in statements[0]


def test_an_analyzer_that_reads_no_terms_gives_null(api: Api, monkeypatch) -> None:
    """Every shipped backend reads terms (analyzers.base.Analyzer.terms); a plug-in's result may carry none."""
    monkeypatch.setattr(KeywordAnalyzer, "terms", lambda self, document: None)
    accepted = api.upload().json()
    api.wait(accepted["job_id"])
    assert api.client.get(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).json()["terms"] is None
    empty = api.client.get(f"/v1/contracts/{accepted['contract_id']}/terms", headers=api.h()).json()
    assert empty["job_id"] is None and empty["terms"]["parties"] == [] and empty["terms"]["governing_law"] is None


def test_portfolio_pages_filters_and_counts_risks(tapi: Api) -> None:
    a = analyzed(tapi, contract_text("2027-06-30", "Delaware"), "a.txt")
    b = analyzed(tapi, contract_text("2031-12-31", "New York", "Acme Widgets LLC"), "b.txt")
    c = analyzed(tapi, contract_text("2026", "New York", extra="Customer shall not assign this Agreement."), "c.txt")
    page = tapi.client.get("/v1/portfolio", headers=tapi.h(), params={"limit": 2}).json()
    assert page["count"] == 3 and [i["id"] for i in page["data"]] == [c, b]  # newest first
    rest = tapi.client.get("/v1/portfolio", headers=tapi.h(), params={"limit": 2, "offset": 2}).json()
    assert [i["id"] for i in rest["data"]] == [a]
    findings = tapi.client.get(f"/v1/contracts/{a}/findings", headers=tapi.h()).json()["data"]
    expected = {s: sum(f["severity"] == s for f in findings) for s in ("high", "medium", "low", "info")}
    assert rest["data"][0]["risks"] == expected and sum(expected.values()) > 0
    # a rejected finding is no longer counted as a risk
    tapi.client.patch(f"/v1/findings/{findings[0]['id']}", headers=tapi.h(), json={"action": "reject"})
    after = tapi.client.get("/v1/portfolio", headers=tapi.h(), params={"party": "harbor"}).json()
    counted = next(i for i in after["data"] if i["id"] == a)["risks"]
    assert counted[findings[0]["severity"]] == expected[findings[0]["severity"]] - 1

    def ids(**params) -> set[str]:
        return {i["id"] for i in tapi.client.get("/v1/portfolio", headers=tapi.h(), params=params).json()["data"]}

    assert ids(governing_law="new york") == {b, c}
    assert ids(party="acme widgets") == {b} and ids(party="northwind") == {a, b, c} and ids(party="100%_") == set()
    assert ids(expires_before="2028-01-01") == {a, c}  # "2026" ends by 2026-12-31 at the latest
    assert ids(expires_before="2026-12-31") == set()  # ...but may run to that day
    assert ids(expires_before="2032-01-01", governing_law="New York") == {b, c}


def test_portfolio_counts_a_possible_finding_only_once_a_reviewer_accepts_it(tapi: Api) -> None:
    """A possible finding is a passage to check, not a risk found (docs/app.md; exports leave them out)."""
    cid = analyzed(tapi, contract_text())

    def risks() -> int:
        items = tapi.client.get("/v1/portfolio", headers=tapi.h()).json()["data"]
        return sum(next(i for i in items if i["id"] == cid)["risks"].values())

    findings = tapi.client.get(f"/v1/contracts/{cid}/findings", headers=tapi.h()).json()["data"]
    assert risks() == len(findings) >= 2
    with Session(tapi.resolve(app_engine)) as session:  # two of them as the baseline returns a possible one
        for row in session.exec(select(FindingRow).where(col(FindingRow.id).in_([f["id"] for f in findings[:2]]))):
            row.possible = True
            session.add(row)
        session.commit()
    assert risks() == len(findings) - 2
    for finding, action in zip(findings[:2], ("accept", "reject"), strict=True):
        assert tapi.client.patch(f"/v1/findings/{finding['id']}", headers=tapi.h(),
                                 json={"action": action}).status_code == 200
    assert risks() == len(findings) - 1  # the accepted one counts, the rejected one does not


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"},
                                    {"expires_before": "2027-02-31"}, {"expires_before": "soon"},
                                    {"party": "x" * 201}, {"governing_law": "a\x00b"},
                                    {"expires_before": "0"}, {"expires_before": "1700000000"}])
def test_portfolio_refuses_bad_paging_and_filters(tapi: Api, params: dict) -> None:
    r = tapi.client.get("/v1/portfolio", headers=tapi.h(), params=params)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_a_lawyers_correction_is_kept_and_becomes_a_label(tapi: Api) -> None:
    data = contract_text()
    cid = analyzed(tapi, data)
    text = stored_text(tapi, cid)
    start = text.index("Expires: ") + len("Expires: ")
    r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(),
                          json={"field": "expiration_date", "value": "2027-07-31", "start": start, "end": start + 10,
                                "reviewer": "A. Lawyer", "comment": "amended by the side letter"})
    assert r.status_code == 200, r.text
    corrected = r.json()["terms"]
    assert corrected["expiration_date"]["value"] == "2027-07-31"
    assert corrected["expiration_date"]["source"] == "lawyer"
    assert corrected["expiration_date"]["quote"] == "2027-06-30"
    assert corrected["notice_period_to_terminate_renewal"]["deadline"] == "2027-02-01"  # recomputed: - 180 days
    # a new analysis of the contract (another analyzer, so a new job) keeps the lawyer's value
    again = tapi.upload(data=data, name="msa.txt", analyzer="fake").json()
    assert not again["reused"]
    tapi.wait(again["job_id"])
    kept = tapi.client.get(f"/v1/contracts/{cid}", headers=tapi.h()).json()["terms"]
    assert kept["expiration_date"]["value"] == "2027-07-31"
    # stored as the tenant's labels: the lawyer's span accepted, the analyzer's (moved) span rejected
    with Session(tapi.resolve(app_engine)) as session:
        labels = session.exec(select(Annotation).where(Annotation.category == "Expiration Date")).all()
    assert {(a.tenant, a.status, a.quote, a.explanation) for a in labels} == {
        ("acme", "accepted", "2027-06-30", "expiration_date: 2027-07-31"),
        ("acme", "rejected", "Expires: 2027-06-30", "expiration_date: 2027-06-30")}


def test_a_corrected_value_drops_what_the_analyzer_derived_from_its_own(tapi: Api) -> None:
    """A governing law corrected from Delaware to England and Wales is not in the US; an expiration corrected by a
    lawyer was not counted by the analyzer's rule."""
    cid = analyzed(tapi, contract_text())
    read = tapi.client.get(f"/v1/contracts/{cid}/terms", headers=tapi.h()).json()["terms"]
    assert read["governing_law"]["country"] == "US"

    def corrected(body: dict) -> dict:
        r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(), json=body)
        assert r.status_code == 200, r.text
        return r.json()["terms"]

    assert corrected({"field": "governing_law", "value": "England and Wales"})["governing_law"]["country"] == "GB"
    assert corrected({"field": "governing_law", "value": None})["governing_law"]["country"] is None
    assert corrected({"field": "governing_law", "value": "Ruritania"})["governing_law"]["country"] is None
    assert corrected({"field": "governing_law", "value": "Texas", "country": "US"})["governing_law"]["country"] == "US"
    with Session(tapi.resolve(app_engine)) as session:  # as the analyzer leaves an end it counted
        row = session.get(ContractTermsRow, cid)
        assert row is not None
        row.terms = {**row.terms, "expiration_date": {**row.terms["expiration_date"], "rule": "12 months after launch"}}
        session.add(row)
        session.commit()
    assert corrected({"field": "expiration_date", "value": "2030-01-31"})["expiration_date"]["rule"] is None


def test_a_value_corrected_without_its_words_is_not_quoted_nor_a_label(tapi: Api) -> None:
    """The app's "Correct a value" form sends no span. Such a correction kept the analyzer's quote beside
    the lawyer's value ("Expires: 2027-06-30" for 2030-06-30) and stored that pairing as an accepted label:
    training data grounded on words that do not say the value. Now the value is the lawyer's, unquoted, and
    no label; a value the analyzer did not read at all is taken the same way (it was a 400 the form could not
    answer); a value that confirms the analyzer's keeps its words, which do say it, and is a label."""
    cid = analyzed(tapi, contract_text("2027-06-30"))
    text = stored_text(tapi, cid)

    def corrected(body: dict) -> dict:
        r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(), json=body)
        assert r.status_code == 200, r.text
        return r.json()["terms"]

    def labels() -> set[tuple[str, str, str, str | None]]:
        with Session(tapi.resolve(app_engine)) as session:
            return {(a.category, a.status, a.quote, a.explanation) for a in session.exec(select(Annotation)).all()}

    expiration = corrected({"field": "expiration_date", "value": "2030-06-30"})["expiration_date"]
    assert {k: expiration[k] for k in ("value", "source", "confidence", "quote", "start", "end")} == {
        "value": "2030-06-30", "source": "lawyer", "confidence": 1.0, "quote": "", "start": 0, "end": 0}
    assert labels() == set()  # neither the lawyer's value over the analyzer's words, nor those words rejected
    assert corrected({"field": "agreement_date", "value": "2020-01-01"})["agreement_date"]["quote"] == ""
    assert labels() == set()
    law = corrected({"field": "governing_law", "value": "Delaware"})["governing_law"]  # what the analyzer read
    assert (law["source"], law["quote"], text[law["start"]:law["end"]]) == ("lawyer", "Delaware", "Delaware")
    assert labels() == {("Governing Law", "accepted", "Delaware", "governing_law: Delaware")}
    # the calendar and the portfolio follow the lawyer's value all the same
    assert "DTSTART;VALUE=DATE:20300630" in tapi.client.get("/v1/calendar.ics", headers=tapi.h()).text
    def expiring_before(day: str) -> list[str]:
        return [c["id"] for c in tapi.client.get("/v1/portfolio", headers=tapi.h(),
                                                 params={"expires_before": day}).json()["data"]]

    assert expiring_before("2028-01-01") == [] and expiring_before("2030-07-01") == [cid]


def test_parties_are_corrected_as_a_list(tapi: Api) -> None:
    data = contract_text()
    cid = analyzed(tapi, data)
    start = stored_text(tapi, cid).index("Northwind Analytics, Inc.")
    r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(), json={
        "field": "parties", "parties": [{"name": "Northwind Analytics, Inc.", "short_name": "Provider",
                                         "start": start, "end": start + 25}]})
    assert r.status_code == 200, r.text
    assert [(p["name"], p["source"]) for p in r.json()["terms"]["parties"]] == [("Northwind Analytics, Inc.", "lawyer")]


@pytest.mark.parametrize(("body", "needle"), [
    ({"field": "expiration_date", "value": "2027-02-31"}, "not an ISO 8601 date"),
    ({"field": "renewal_term", "value": "one year"}, "not an ISO 8601 period"),
    ({"field": "governing_law", "value": "Texas", "start": 50, "end": 10}, "start < end"),
    ({"field": "governing_law", "value": "Texas", "start": 0, "end": 10**7}, "start < end"),
    ({"field": "parties"}, "whole list"),
    # year 0 (no calendar has it: it gave a 500), digits that are not ASCII, a trailing newline
    ({"field": "expiration_date", "value": "0000"}, "not an ISO 8601 date"),
    ({"field": "agreement_date", "value": "0000-01"}, "not an ISO 8601 date"),
    ({"field": "expiration_date", "value": "\uff12\uff10\uff13\uff10-\uff10\uff11-\uff13\uff11"}, "not an ISO 8601 date"),
    ({"field": "expiration_date", "value": "2030-06-30\n"}, "not an ISO 8601 date"),
    ({"field": "renewal_term", "value": "P1Y\n"}, "not an ISO 8601 period"),
    ({"field": "notice_period_to_terminate_renewal", "value": "P\u0663D"}, "not an ISO 8601 period"),
    ({"field": "notice_period_to_terminate_renewal", "value": "P30D", "deadline": "\u0662\u0660\u0663\u0660-01-01"},
     "deadline"),
])
def test_bad_corrections_are_refused_with_the_reason(tapi: Api, body: dict, needle: str) -> None:
    cid = analyzed(tapi, contract_text())
    r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(), json=body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_correction" and needle in r.text
    bad = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(), json={"field": "price", "value": "1"})
    assert bad.status_code == 422


def test_another_tenant_sees_none_of_it(tapi: Api) -> None:
    cid = analyzed(tapi, contract_text())
    other = tapi.h("globex")
    assert tapi.client.get(f"/v1/contracts/{cid}", headers=other).status_code == 404
    assert tapi.client.get(f"/v1/contracts/{cid}/terms", headers=other).status_code == 404
    r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=other, json={"field": "governing_law", "value": "X"})
    assert r.status_code == 404
    assert tapi.client.get("/v1/portfolio", headers=other).json() == {"data": [], "count": 0}
    assert "BEGIN:VEVENT" not in tapi.client.get("/v1/calendar.ics", headers=other).text
    assert "BEGIN:VEVENT" in tapi.client.get("/v1/calendar.ics", headers=tapi.h()).text


def test_deleting_a_contract_deletes_its_terms(tapi: Api) -> None:
    cid = analyzed(tapi, contract_text())
    assert tapi.client.delete(f"/v1/contracts/{cid}", headers=tapi.h()).status_code == 204
    assert tapi.client.get("/v1/portfolio", headers=tapi.h()).json()["count"] == 0


def test_a_new_analysis_keeps_the_lawyers_field_and_recomputes_the_deadline(tapi: Api) -> None:
    """The runner's store: the analyzer's new expiration meets the lawyer's notice period."""
    from serving.models import ContractTermsRow
    from serving.terms import store
    from tests.serving.terms_fakes import read_terms

    cid = analyzed(tapi, contract_text("2027-06-30"))
    tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(),
                      json={"field": "notice_period_to_terminate_renewal", "value": "P3M"})
    engine = tapi.resolve(app_engine)
    with Session(engine) as session:
        row = session.get(ContractTermsRow, cid)
        assert row is not None
        reread = read_terms(contract_text("2028-06-30").decode())  # as if the analyzer now read another date
        store(session, tenant_id=row.tenant_id, contract_id=cid, job_id=row.job_id or "", terms=reread)
        session.commit()
    terms = tapi.client.get(f"/v1/contracts/{cid}/terms", headers=tapi.h()).json()["terms"]
    notice = terms["notice_period_to_terminate_renewal"]
    assert terms["expiration_date"]["value"] == "2028-06-30" and terms["expiration_date"]["source"] == "analyzer"
    assert (notice["value"], notice["source"], notice["deadline"]) == ("P3M", "lawyer", "2028-03-30")
    portfolio = tapi.client.get("/v1/portfolio", headers=tapi.h(), params={"expires_before": "2028-07-01"}).json()
    assert [i["id"] for i in portfolio["data"]] == [cid]  # the filter columns follow the terms


def test_a_country_that_is_no_code_is_named_as_such(tapi: Api) -> None:
    """Every pattern's mismatch was reported as a NUL character."""
    cid = analyzed(tapi, contract_text())
    r = tapi.client.patch(f"/v1/contracts/{cid}/terms", headers=tapi.h(),
                          json={"field": "governing_law", "value": "Texas", "country": "usa"})
    assert r.status_code == 422 and "country" in r.text and "NUL" not in r.text
