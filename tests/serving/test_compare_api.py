"""Template comparison through the API: synchronous compare, comparison in the upload's job, listing,
downloads, tenant scoping and errors."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import docx
import pytest
from sqlmodel import Session, col, select

from contracts.documents import Document
from serving.api.deps import app_analyzers, app_engine, app_settings
from serving.models import FindingRow
from tests.serving.conftest import PG_URL, PLUGINS, Api, make_settings, open_api

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
# the keyword analyzer as the template's baseline: quick on long texts, and it spins on a text saying STUCK
STUCK_BASELINE = PLUGINS | {"baseline": "tests.serving.fakes:stuck"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def _template(api: Api, tenant: str = "acme", *, note: bytes = b"") -> dict:
    """The firm's MSA as a template; a `note` appended makes it another template (the same bytes are one)."""
    path = TEMPLATES / "master_services_agreement.txt"
    response = api.client.post("/v1/templates", headers=api.h(tenant), data={"name": "Our MSA"},
                               files={"file": (path.name, path.read_bytes() + note)})
    assert response.status_code == 201, response.text
    return response.json()


def _draft() -> bytes:
    text = (TEMPLATES / "master_services_agreement.txt").read_text()
    text = text.replace("twelve (12) months preceding", "three (3) months preceding")
    text = text.replace("7.4 Notices. Notices must be in writing and delivered by hand, courier or email to the "
                        "addresses set out in the signature page.\n", "")
    return text.encode()


def test_compare_returns_the_comparison_and_stores_it(api: Api) -> None:
    template = _template(api)
    contract = api.upload(data=_draft(), name="draft.txt").json()
    api.wait(contract["job_id"])
    url = f"/v1/contracts/{contract['contract_id']}/compare"
    response = api.client.post(url, json={"template_id": template["id"]}, headers=api.h())
    assert response.status_code == 201, response.text  # stored: created, where GET reads it back (was 200)
    body = response.json()
    assert response.headers["location"] == f"/v1/comparisons/{body['id']}"
    assert api.client.get(response.headers["location"], headers=api.h()).json() == body
    assert {"contract", "template", "aligned", "pairs", "summary"} <= set(body)
    assert body["aligned"] is True and body["template"]["name"] == "master_services_agreement.txt"
    assert body["summary"]["missing"] == 1 and body["summary"]["modified"] == 1 and body["summary"]["extra"] == 0
    pair = next(p for p in body["pairs"] if p["status"] == "modified")
    assert set(pair) >= {"status", "template_clause", "contract_clause", "similarity", "category", "severity",
                         "verdict", "explanation", "suggestion", "redline"}
    assert "three (3) months" in pair["explanation"] and pair["severity"] in ("medium", "high")
    assert {"op": "insert", "text": "three"} in pair["redline"]
    draft = _draft().decode()
    clause = pair["contract_clause"]
    assert draft[clause["start"]:clause["end"]] == clause["text"]

    listed = api.client.get(f"/v1/contracts/{contract['contract_id']}/comparisons", headers=api.h()).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == body["id"]
    assert listed["data"][0]["summary"] == body["summary"]
    again = api.client.get(f"/v1/comparisons/{body['id']}", headers=api.h()).json()
    assert again["pairs"] == body["pairs"]

    redline = api.client.get(body["downloads"]["redline.docx"], headers=api.h())
    assert redline.status_code == 200 and "redline.docx" in redline.headers["content-disposition"]
    xml = zipfile.ZipFile(io.BytesIO(redline.content)).read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and "twelve" in xml
    review = docx.Document(io.BytesIO(api.client.get(body["downloads"]["review.docx"], headers=api.h()).content))
    texts = [c.text for c in review.comments]
    assert any("three (3) months" in t for t in texts) and any("missing clause" in t for t in texts)
    rows = list(csv.DictReader(io.StringIO(api.client.get(body["downloads"]["comparison.csv"], headers=api.h()).text)))
    assert len(rows) == len(body["pairs"]) and {r["status"] for r in rows} == {"matched", "modified", "missing"}
    xlsx = api.client.get(body["downloads"]["comparison.xlsx"], headers=api.h())
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_comparisons_findings_export_holds_the_risks_found_only(api: Api) -> None:
    """Possible findings nobody accepted, and rejected ones, were in the comparison's findings CSV and review copy
    as risks, unmarked: the Review page and the contract's own exports leave them out."""
    template = _template(api)
    contract = api.upload(data=_draft(), name="draft.txt").json()
    api.wait(contract["job_id"])
    cid = contract["contract_id"]
    body = api.client.post(f"/v1/contracts/{cid}/compare", json={"template_id": template["id"]}, headers=api.h()).json()
    findings = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"]
    assert len(findings) >= 3

    def exported() -> list[str]:
        text = api.client.get(body["downloads"]["findings.csv"], headers=api.h()).text
        return sorted(r["quote"] for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))

    assert exported() == sorted(f["quote"] for f in findings)
    with Session(api.resolve(app_engine)) as session:  # as the baseline returns passages below its threshold
        for row in session.exec(select(FindingRow).where(col(FindingRow.id).in_([f["id"] for f in findings[:2]]))):
            row.possible = True
            session.add(row)
        session.commit()
    api.client.patch(f"/v1/findings/{findings[1]['id']}", headers=api.h(), json={"action": "accept"})
    api.client.patch(f"/v1/findings/{findings[2]['id']}", headers=api.h(), json={"action": "reject"})
    assert exported() == sorted(f["quote"] for f in [findings[1], *findings[3:]])


def test_upload_with_template_runs_the_comparison_in_its_job(api: Api) -> None:
    template = _template(api)
    accepted = api.upload(data=_draft(), name="draft.txt", template_id=template["id"]).json()
    job = api.wait(accepted["job_id"])
    assert job["status"] == "done" and job["comparison_id"], job
    comparison = api.client.get(f"/v1/comparisons/{job['comparison_id']}", headers=api.h()).json()
    assert comparison["job_id"] == accepted["job_id"] and comparison["summary"]["missing"] == 1
    listed = api.client.get(f"/v1/contracts/{accepted['contract_id']}/comparisons", headers=api.h()).json()
    assert [c["id"] for c in listed["data"]] == [job["comparison_id"]]
    # the same bytes with the same template reuse the job; without one, or with another, they do not
    assert api.upload(data=_draft(), name="draft.txt", template_id=template["id"]).json()["reused"] is True
    plain = api.upload(data=_draft(), name="draft.txt").json()
    assert plain["reused"] is False and api.wait(plain["job_id"])["comparison_id"] is None
    other = _template(api, note=b"\n\nAmended form.")
    again = api.upload(data=_draft(), name="draft.txt", template_id=other["id"]).json()
    assert again["reused"] is False and again["contract_id"] == accepted["contract_id"]
    assert api.wait(again["job_id"])["comparison_id"]


def test_governing_law_is_a_category_from_the_key_terms_in_both_paths(api: Api) -> None:
    """No finding of the baseline names Governing Law (a key term, not a clause category): a draft that dropped the
    template's clause showed a missing clause with no category. The template's key terms name it, and the
    contract's stored ones find it where the draft moved it."""
    template = _template(api)
    law = "7.3 Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    dropped = (TEMPLATES / "master_services_agreement.txt").read_text().replace(law, "").encode()
    moved = dropped.replace(b"on their subject matter.", b"on their subject matter. " + law.split(". ", 1)[1].encode())
    job = api.wait(api.upload(data=dropped, name="dropped.txt", template_id=template["id"]).json()["job_id"])
    by_job = api.client.get(f"/v1/comparisons/{job['comparison_id']}", headers=api.h()).json()
    accepted = api.upload(data=moved, name="moved.txt").json()
    api.wait(accepted["job_id"])
    with Session(api.resolve(app_engine)) as session:  # as the baseline finds: no finding names Governing Law
        for row in session.exec(select(FindingRow).where(FindingRow.category == "Governing Law")):
            session.delete(row)
        session.commit()
    by_request = api.client.post(f"/v1/contracts/{accepted['contract_id']}/compare", json={"template_id": template["id"]},
                                 headers=api.h()).json()
    [gone] = [p for p in by_job["pairs"] if p["status"] == "missing"]
    assert (gone["category"], gone["verdict"]) == ("Governing Law", "not_acceptable")
    [elsewhere] = [p for p in by_request["pairs"] if p["status"] == "missing"]
    assert (elsewhere["category"], elsewhere["verdict"]) == ("Governing Law", "needs_review")
    assert "covers Governing Law in clause 7.5 instead" in elsewhere["explanation"]


def test_comparisons_are_tenant_scoped_and_errors_have_one_shape(api: Api) -> None:
    template = _template(api)
    contract = api.upload(data=_draft(), name="draft.txt").json()
    url = f"/v1/contracts/{contract['contract_id']}/compare"
    _error(api.client.post(url, json={"template_id": template["id"]}, headers=api.h("globex")), 404, "not_found")
    other = _template(api, "globex")
    _error(api.client.post(url, json={"template_id": other["id"]}, headers=api.h()), 404, "not_found")
    _error(api.client.post(url, json={}, headers=api.h()), 422, "invalid_request")
    body = api.client.post(url, json={"template_id": template["id"]}, headers=api.h()).json()
    _error(api.client.get(f"/v1/comparisons/{body['id']}", headers=api.h("globex")), 404, "not_found")
    _error(api.client.get(f"/v1/comparisons/{body['id']}/redline.docx", headers=api.h("globex")), 404, "not_found")
    _error(api.client.get(f"/v1/comparisons/{body['id']}/secrets.exe", headers=api.h()), 422, "invalid_request")
    _error(api.client.get(f"/v1/contracts/{contract['contract_id']}/comparisons", headers=api.h("globex")),
           404, "not_found")
    # the template deleted: the stored comparison stays readable, its redline cannot be rebuilt
    assert api.client.delete(f"/v1/templates/{template['id']}", headers=api.h()).status_code == 204
    assert api.client.get(f"/v1/comparisons/{body['id']}", headers=api.h()).status_code == 200
    _error(api.client.get(f"/v1/comparisons/{body['id']}/redline.docx", headers=api.h()), 404, "template_deleted")
    assert api.client.get(f"/v1/comparisons/{body['id']}/review.docx", headers=api.h()).status_code == 200
    # deleting the contract deletes its comparisons
    assert api.client.delete(f"/v1/contracts/{contract['contract_id']}", headers=api.h()).status_code == 204
    _error(api.client.get(f"/v1/comparisons/{body['id']}", headers=api.h()), 404, "not_found")


def test_a_template_reads_back_at_its_location(api: Api) -> None:
    """POST /v1/templates answered `Location: /v1/templates/{id}`, where only DELETE was routed (a 405):
    GET reads the template as the list shows it, within the tenant's wall."""
    path = TEMPLATES / "master_services_agreement.txt"
    created = api.client.post("/v1/templates", headers=api.h(), data={"name": "Our MSA"},
                              files={"file": (path.name, path.read_bytes())})
    location = created.headers["location"]
    assert location == f"/v1/templates/{created.json()['id']}"
    read = api.client.get(location, headers=api.h())
    assert read.status_code == 200, read.text
    listed = api.client.get("/v1/templates", headers=api.h()).json()["data"]
    assert read.json() == created.json() == listed[0]
    _error(api.client.get(location, headers=api.h("globex")), 404, "not_found")
    assert api.client.delete(location, headers=api.h()).status_code == 204
    _error(api.client.get(location, headers=api.h()), 404, "not_found")


@pytest.mark.postgres
def test_comparisons_on_postgres(tmp_path, pg_schema: str) -> None:
    """Migration 0004 and the JSON result column on PostgreSQL, through the job and the route."""
    settings = make_settings(tmp_path, database_url=PG_URL)
    for api in open_api(settings, schema=pg_schema):
        template = _template(api)
        accepted = api.upload(data=_draft(), name="draft.txt", template_id=template["id"]).json()
        job = api.wait(accepted["job_id"])
        assert job["status"] == "done" and job["comparison_id"], job
        body = api.client.post(f"/v1/contracts/{accepted['contract_id']}/compare",
                               json={"template_id": template["id"]}, headers=api.h()).json()
        listed = api.client.get(f"/v1/contracts/{accepted['contract_id']}/comparisons", headers=api.h()).json()
        assert listed["count"] == 2 and listed["data"][0]["id"] == body["id"]
        assert api.client.delete(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).status_code == 204


def test_a_template_deleted_before_the_job_runs_is_reported_not_fatal(api: Api) -> None:
    """The job's comparison step finds the template gone: it says so (stored in the job's stats as
    `comparison_error`) instead of failing the analysis."""
    from serving.jobs.runner import _compare

    template = _template(api)
    assert api.client.delete(f"/v1/templates/{template['id']}", headers=api.h()).status_code == 204
    gathered = _compare(api.resolve(app_engine), api.resolve(app_settings), api.resolve(app_analyzers), template["id"],
                        Document.from_text("draft.txt", _draft().decode()), [], None)
    assert gathered.comparison is None and gathered.error == f"template {template['id']} was deleted before the job ran"



def test_a_contract_deleted_while_it_is_compared_is_a_404(api: Api, monkeypatch) -> None:
    """A comparison takes seconds; the contract deleted meanwhile made storing it break the foreign key: 500."""
    from serving.service import comparisons

    template = _template(api)
    contract = api.upload(data=_draft(), name="draft.txt").json()
    api.wait(contract["job_id"])
    compare = comparisons.compare_within_budget

    def deleted_meanwhile(*args, **kwargs):
        result = compare(*args, **kwargs)
        assert api.client.delete(f"/v1/contracts/{contract['contract_id']}", headers=api.h()).status_code == 204
        return result

    monkeypatch.setattr(comparisons, "compare_within_budget", deleted_meanwhile)
    response = api.client.post(f"/v1/contracts/{contract['contract_id']}/compare", headers=api.h(),
                               json={"template_id": template["id"]})
    assert _error(response, 404, "not_found")["message"] == f"no contract {contract['contract_id']}"

def test_word_downloads_of_docx_uploads_are_the_uploaded_documents(api: Api) -> None:
    """redline.docx is the template's own file with tracked changes; review.docx the contract's own
    file with comments: Reject All / Accept All / the body without comments give the uploads back."""
    from tests.word.docx_pairs import pair
    from word.revisions import package_form

    template_bytes, contract_bytes = pair("headings_lists")
    response = api.client.post("/v1/templates", headers=api.h(), data={"name": "Supply"},
                               files={"file": ("supply.docx", template_bytes)})
    assert response.status_code == 201, response.text
    contract = api.upload(data=contract_bytes, name="supply-draft.docx").json()
    api.wait(contract["job_id"])
    body = api.client.post(f"/v1/contracts/{contract['contract_id']}/compare", json={"template_id": response.json()["id"]},
                           headers=api.h()).json()
    redline = api.client.get(body["downloads"]["redline.docx"], headers=api.h()).content
    assert package_form(redline, False) == package_form(template_bytes, False)
    assert package_form(redline, True) == package_form(contract_bytes, True)
    assert docx.Document(io.BytesIO(redline)).core_properties.title.startswith("Redline: supply.docx")
    review = api.client.get(body["downloads"]["review.docx"], headers=api.h()).content
    assert package_form(review, None)["word/document.xml"] == package_form(contract_bytes, None)["word/document.xml"]
    reopened = docx.Document(io.BytesIO(review))
    assert any("modified clause" in c.text for c in reopened.comments)
    assert [p.style.name for p in reopened.paragraphs][:3] == ["Title", "Normal", "Heading 1"]


def test_a_template_past_the_file_budget_is_a_comparison_error_not_a_stuck_worker(tmp_path) -> None:
    """The template's analysis runs under the file budget, as the contract's does: a template whose analysis
    spins (the `stuck` analyzer standing in for the baseline) leaves the job done, its findings stored and
    `comparison_error` naming LEXRISK_FILE_BUDGET_S; the synchronous route answers 422 with the same reason.
    A template within the budget is still compared in the job."""
    settings = make_settings(tmp_path, analyzer_plugins=STUCK_BASELINE,
                             file_budget_s=5.0)  # room for the contract's own analysis on a busy machine
    for api in open_api(settings):
        text = (TEMPLATES / "master_services_agreement.txt").read_bytes()
        stuck = api.client.post("/v1/templates", headers=api.h(), data={"name": "Stuck"},
                                files={"file": ("stuck.txt", b"STUCK\n" + text)}).json()
        accepted = api.upload(data=_draft(), name="draft.txt", template_id=stuck["id"]).json()
        job = api.wait(accepted["job_id"], timeout=60)
        assert (job["status"], job["error"], job["comparison_id"]) == ("done", None, None), job
        assert job["stats"]["comparison_error"] == ("analysing the template took longer than 5 s, the budget of one "
                                                    "file; it was stopped (LEXRISK_FILE_BUDGET_S)")
        findings = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()
        assert findings["job_id"] == accepted["job_id"] and findings["count"] > 0
        url = f"/v1/contracts/{accepted['contract_id']}/compare"
        error = _error(api.client.post(url, json={"template_id": stuck["id"]}, headers=api.h()), 422, "analysis_timeout")
        assert error["message"] == job["stats"]["comparison_error"]

        template = _template(api)
        again = api.upload(data=_draft(), name="draft.txt", template_id=template["id"]).json()
        done = api.wait(again["job_id"], timeout=60)
        assert done["status"] == "done" and done["comparison_id"] and "comparison_error" not in done["stats"], done
        comparison = api.client.get(f"/v1/comparisons/{done['comparison_id']}", headers=api.h()).json()
        assert comparison["job_id"] == again["job_id"] and comparison["summary"]["missing"] == 1


def test_a_comparison_past_the_file_budget_is_a_comparison_error(tmp_path) -> None:
    """Aligning and redlining grow faster than the texts: two 4,000-clause documents that share no clause take
    some 10 s to compare, while each one's analysis takes under a second. The comparison runs under the file
    budget too: past it the job is done with `comparison_error` naming LEXRISK_FILE_BUDGET_S, and the
    synchronous route answers 422."""
    settings = make_settings(tmp_path, analyzer="stuck", analyzer_plugins=STUCK_BASELINE, file_budget_s=4.0)
    template = "\n\n".join(f"{i}. The Supplier shall deliver the goods." for i in range(4000)).encode()
    contract = "\n\n".join(f"{i}. The Buyer shall pay the price." for i in range(4000)).encode()
    for api in open_api(settings):
        stored = api.client.post("/v1/templates", headers=api.h(), data={"name": "Long"},
                                 files={"file": ("long.txt", template)}).json()
        accepted = api.upload(data=contract, name="long-draft.txt", template_id=stored["id"]).json()
        job = api.wait(accepted["job_id"], timeout=90)
        assert (job["status"], job["error"], job["comparison_id"]) == ("done", None, None), job
        assert job["stats"]["comparison_error"] == ("comparing with the template took longer than 4 s, the budget "
                                                    "of one file; it was stopped (LEXRISK_FILE_BUDGET_S)")
        url = f"/v1/contracts/{accepted['contract_id']}/compare"
        error = _error(api.client.post(url, json={"template_id": stored["id"]}, headers=api.h()), 422, "analysis_timeout")
        assert error["message"] == job["stats"]["comparison_error"]


def test_a_redline_download_past_the_file_budget_is_a_422_not_a_held_request(tmp_path) -> None:
    """The Word redline is built at download time, and diffing paired paragraphs word by word grows with the
    square of their length (two one-paragraph documents of 116k characters: some 4 s, of 234k: 14 s, while
    comparing them takes 1 s and 3 s). The download builds it under the file budget: a comparison stored under a
    wide budget, downloaded from a service whose budget is 1 s, is a 422 naming LEXRISK_FILE_BUDGET_S; the
    comparison and its tables stay readable."""
    template = " ".join(f"Clause {i}: the Supplier shall deliver goods number {i}." for i in range(2000))
    contract = " ".join(f"Clause {i}: the {'Buyer shall pay for' if i % 7 == 0 else 'Supplier shall deliver'} "
                        f"goods number {i}." for i in range(2000))
    wide = make_settings(tmp_path, analyzer="stuck", analyzer_plugins=STUCK_BASELINE, file_budget_s=120.0)
    for api in open_api(wide):
        stored = api.client.post("/v1/templates", headers=api.h(), data={"name": "Long"},
                                 files={"file": ("long.txt", template.encode())}).json()
        accepted = api.upload(data=contract.encode(), name="long-draft.txt").json()
        api.wait(accepted["job_id"], timeout=60)
        url = f"/v1/contracts/{accepted['contract_id']}/compare"
        compared = api.client.post(url, json={"template_id": stored["id"]}, headers=api.h())
        assert compared.status_code == 201 and compared.json()["summary"]["modified"] == 1, compared.text
        downloads = compared.json()["downloads"]
    for api in open_api(wide.model_copy(update={"file_budget_s": 1.0})):  # the same database, keys and tenant
        error = _error(api.client.get(downloads["redline.docx"], headers=api.h()), 422, "analysis_timeout")
        assert error["message"] == ("building the redline took longer than 1 s, the budget of one file; it was "
                                    "stopped (LEXRISK_FILE_BUDGET_S)")
        table = api.client.get(downloads["comparison.csv"], headers=api.h())
        assert table.status_code == 200 and "modified" in table.text
