"""The API end to end on SQLite with the in-process worker and a fake analyzer."""

from __future__ import annotations

from sqlmodel import Session

from analyzers import AnalyzerLoadError
from contracts.findings import Finding
from serving.keys import tenant_for_key
from serving.service import contracts
from tests.serving.conftest import PLUGINS, SAMPLES, Api, make_settings, open_api


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_upload_runs_job_and_returns_grounded_findings(api: Api) -> None:
    response = api.upload()
    assert response.status_code == 202
    accepted = response.json()
    assert response.headers["location"] == f"/v1/jobs/{accepted['job_id']}"
    job = api.wait(accepted["job_id"])
    assert job["status"] == "done", job
    assert job["progress"]["chunks_total"] > 1
    assert job["progress"]["chunks_done"] == job["progress"]["chunks_total"]
    assert job["stats"]["ungrounded_dropped"] == 1  # the fake's made-up quote
    assert job["stats"]["prompt_tokens"] > 0

    body = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()
    assert body["job_id"] == accepted["job_id"] and body["count"] == len(body["data"]) > 0
    text = (SAMPLES / "master_services_agreement.txt").read_text()
    for item in body["data"]:
        finding = Finding.model_validate({k: v for k, v in item.items() if k not in ("id", "review")})
        assert text[finding.start:finding.end] == finding.quote
    assert {f["category"] for f in body["data"]} >= {"Exclusivity", "Minimum Commitment", "Audit Rights"}


def test_job_reports_retry_after_while_running_and_contract_is_readable(api: Api) -> None:
    accepted = api.upload().json()
    first = api.client.get(f"/v1/jobs/{accepted['job_id']}", headers=api.h())
    if first.json()["status"] in ("queued", "running"):
        assert first.headers["retry-after"] == "2"
    api.wait(accepted["job_id"])
    done = api.client.get(f"/v1/jobs/{accepted['job_id']}", headers=api.h())
    assert "retry-after" not in done.headers
    contract = api.client.get(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).json()
    assert contract["name"] == "master_services_agreement.txt" and contract["source_type"] == "txt"
    assert contract["latest_job"]["status"] == "done"


def test_same_bytes_reuse_contract_and_finished_findings(api: Api) -> None:
    first = api.upload().json()
    api.wait(first["job_id"])
    again = api.upload(name="renamed.txt").json()
    assert again == {**first, "reused": True, "status": "done"}
    listing = api.client.get("/v1/contracts", headers=api.h()).json()
    assert listing["count"] == 1


def test_filters_on_severity_and_category(api: Api) -> None:
    accepted = api.upload().json()
    api.wait(accepted["job_id"])
    url = f"/v1/contracts/{accepted['contract_id']}/findings"
    everything = api.client.get(url, headers=api.h()).json()["data"]
    only = api.client.get(url, params={"category": "exclusivity"}, headers=api.h()).json()["data"]
    assert only and {f["category"] for f in only} == {"Exclusivity"}
    severity = everything[0]["severity"]
    by_severity = api.client.get(url, params={"severity": severity}, headers=api.h()).json()["data"]
    assert by_severity == [f for f in everything if f["severity"] == severity]
    _error(api.client.get(url, params={"severity": "catastrophic"}, headers=api.h()), 422, "invalid_request")
    _error(api.client.get(url, params={"category": "Nonsense"}, headers=api.h()), 400, "unknown_category")


def test_paging_and_delete(api: Api) -> None:
    ids = [api.upload(data=f"Clause {i}. The Customer shall not assign this Agreement.".encode(),
                      name=f"c{i}.txt").json()["contract_id"] for i in range(3)]
    page = api.client.get("/v1/contracts", params={"offset": 1, "limit": 1}, headers=api.h()).json()
    assert page["count"] == 3 and len(page["data"]) == 1 and page["data"][0]["id"] in ids
    assert api.client.delete(f"/v1/contracts/{ids[0]}", headers=api.h()).status_code == 204
    _error(api.client.get(f"/v1/contracts/{ids[0]}", headers=api.h()), 404, "not_found")
    assert api.client.get("/v1/contracts", headers=api.h()).json()["count"] == 2
    _error(api.client.get("/v1/contracts", params={"limit": 0}, headers=api.h()), 422, "invalid_request")


def test_tenants_never_see_each_other(api: Api) -> None:
    accepted = api.upload().json()
    api.wait(accepted["job_id"])
    finding = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()["data"][0]
    other = api.h("globex")
    for method, url in [("get", f"/v1/contracts/{accepted['contract_id']}"),
                        ("get", f"/v1/contracts/{accepted['contract_id']}/findings"),
                        ("get", f"/v1/jobs/{accepted['job_id']}"),
                        ("delete", f"/v1/contracts/{accepted['contract_id']}")]:
        _error(getattr(api.client, method)(url, headers=other), 404, "not_found")
    _error(api.client.patch(f"/v1/findings/{finding['id']}", json={"action": "reject"}, headers=other),
           404, "not_found")
    assert api.client.get("/v1/contracts", headers=other).json() == {"data": [], "count": 0}
    # the same bytes from another tenant are that tenant's own contract
    theirs = api.upload(tenant="globex").json()
    assert theirs["contract_id"] != accepted["contract_id"] and theirs["reused"] is False
    assert api.client.get(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).status_code == 200


def test_auth_is_required_except_health_and_metrics(api: Api) -> None:
    _error(api.client.get("/v1/contracts"), 401, "unauthorized")
    _error(api.client.get("/v1/contracts", headers={"Authorization": "Bearer lxk_wrong"}), 401, "unauthorized")
    _error(api.client.get("/v1/contracts", headers={"Authorization": "Basic abc"}), 401, "unauthorized")
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "queue": "ok", "analyzer": "ok"}
    assert api.client.get("/metrics").status_code == 200


def test_bad_uploads_get_clear_errors(tmp_path) -> None:
    settings = make_settings(tmp_path, max_upload_mb=0.01, max_pages=1)
    for api in open_api(settings):
        _error(api.upload(data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, name="scan.png"), 415, "unsupported_type")
        _error(api.upload(data=b"%PDF-1.7 garbage that is not a pdf", name="broken.pdf"), 422, "corrupt_file")
        _error(api.upload(data=b"PK\x03\x04 not a zip", name="broken.docx"), 422, "corrupt_file")
        _error(api.upload(data=b"   ", name="empty.txt"), 422, "empty_file")
        _error(api.upload(data=b"a" * 20_000, name="big.txt"), 413, "too_large")
        _error(api.upload(data=b"x" * 200_000, name="huge.txt"), 413, "too_large")  # refused on Content-Length
        _error(api.upload(SAMPLES / "master_services_agreement.pdf"), 413, "too_many_pages")
        _error(api.upload(analyzer="nope"), 400, "unknown_analyzer")
        _error(api.upload(template_id="0" * 32), 404, "not_found")
        # a form without a file: url-encoded it cannot hold one (415, test_request_checks); multipart, it lacks it
        _error(api.client.post("/v1/contracts", headers=api.h(), data={"analyzer": "fake"}), 415,
               "unsupported_media_type")
        _error(api.client.post("/v1/contracts", headers=api.h(), data={"analyzer": "fake"},
                               files={"other": ("a.txt", b"x")}), 422, "invalid_request")
        _error(api.client.get(f"/v1/jobs/{'f' * 32}", headers=api.h()), 404, "not_found")
        _error(api.client.get("/v1/nowhere", headers=api.h()), 404, "not_found")
        _error(api.client.put("/v1/contracts", headers=api.h()), 405, "method_not_allowed")
        assert api.client.get("/v1/contracts", headers=api.h()).json()["count"] == 0


def test_pdf_and_docx_uploads_are_analyzed(api: Api) -> None:
    for name in ("master_services_agreement.pdf", "master_services_agreement.docx"):
        accepted = api.upload(SAMPLES / name).json()
        job = api.wait(accepted["job_id"])
        assert job["status"] == "done" and job["stats"]["findings"] > 0


def test_failed_analysis_says_why(api: Api) -> None:
    accepted = api.upload(analyzer="broken").json()
    job = api.wait(accepted["job_id"])
    assert job["status"] == "failed"
    assert job["error"]["code"] == "analysis_failed" and "model backend exploded" in job["error"]["message"]
    # a failed job is not reused: the same upload starts a new one
    again = api.upload(analyzer="broken").json()
    assert again["job_id"] != accepted["job_id"] and again["contract_id"] == accepted["contract_id"]


def test_rate_limit_per_key(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path, rate_limit_reads_per_minute=3)):
        codes = [api.client.get("/v1/contracts", headers=api.h()).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = api.client.get("/v1/contracts", headers=api.h())
        _error(limited, 429, "rate_limited")
        assert int(limited.headers["retry-after"]) >= 1
        assert api.client.get("/v1/contracts", headers=api.h("globex")).status_code == 200


def test_metrics_expose_latency_jobs_and_analyzer_usage(api: Api) -> None:
    api.wait(api.upload().json()["job_id"])
    text = api.client.get("/metrics").text
    assert 'lexrisk_http_request_duration_seconds_count{method="POST",route="/v1/contracts",status="202"} 1.0' in text
    assert 'lexrisk_jobs{state="done"} 1.0' in text
    assert 'lexrisk_analyzer_jobs_total{analyzer="fake"} 1.0' in text
    assert 'lexrisk_analyzer_tokens_total{analyzer="fake",kind="prompt"}' in text


def test_openapi_documents_every_route_with_error_shape(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert {"/v1/contracts", "/v1/jobs/{job_id}", "/v1/findings/{finding_id}", "/v1/templates",
            "/v1/contracts/{contract_id}/compare"} <= set(spec["paths"])
    upload = spec["paths"]["/v1/contracts"]["post"]["responses"]
    assert upload["415"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    assert spec["components"]["schemas"]["UploadAccepted"]["examples"]


def test_templates_upload_list_delete(api: Api) -> None:
    created = api.client.post("/v1/templates", headers=api.h(), data={"name": "Our MSA"},
                              files={"file": ("t.txt", b"1. Governing Law. This Agreement is governed by New York law.")})
    assert created.status_code == 201
    template = created.json()
    assert template["name"] == "Our MSA" and created.headers["location"] == f"/v1/templates/{template['id']}"
    assert api.client.get("/v1/templates", headers=api.h()).json()["count"] == 1
    assert api.client.get("/v1/templates", headers=api.h("globex")).json()["count"] == 0
    _error(api.client.delete(f"/v1/templates/{template['id']}", headers=api.h("globex")), 404, "not_found")
    assert api.client.delete(f"/v1/templates/{template['id']}", headers=api.h()).status_code == 204
    assert api.client.get("/v1/templates", headers=api.h()).json()["count"] == 0


def test_readyz_reports_an_unreachable_analyzer_backend(tmp_path) -> None:
    settings = make_settings(tmp_path, analyzer="openai", openai_base_url="http://127.0.0.1:1/v1")
    for api in open_api(settings):
        ready = api.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "unready",
                                "checks": {"database": "ok", "queue": "ok", "analyzer": "unreachable"}}
        assert api.client.get("/healthz").status_code == 200


def test_default_baseline_analyzer_through_the_api(tmp_path) -> None:
    settings = make_settings(tmp_path, analyzer="baseline")
    for api in open_api(settings):
        accepted = api.upload(SAMPLES / "master_services_agreement.pdf").json()
        job = api.wait(accepted["job_id"], timeout=120)
        assert job["status"] == "done" and job["analyzer"] == "baseline", job
        findings = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()
        assert findings["count"] > 0
        engine = api.client.app.state.engine
        tenant = tenant_for_key(engine, api.keys["acme"])
        assert tenant is not None
        with Session(engine) as session:
            document = contracts.document(session, tenant_id=tenant.id, contract_id=accepted["contract_id"])
        for item in findings["data"]:
            assert document.text[item["start"]:item["end"]] == item["quote"]


def unloadable(settings, playbook):
    """A configured analyzer that still cannot start (a model folder gone since the settings were written)."""
    raise AnalyzerLoadError("the unloadable analyzer needs its model folder, /models/gone")


def test_an_analyzer_that_cannot_load_fails_the_job_with_the_reason(tmp_path) -> None:
    settings = make_settings(tmp_path, analyzer_plugins=PLUGINS | {"unloadable": "tests.serving.test_api:unloadable"})
    for api in open_api(settings):
        job = api.wait(api.upload(analyzer="unloadable").json()["job_id"])
        assert job["status"] == "failed" and job["error"]["code"] == "analyzer_unavailable"
        assert "/models/gone" in job["error"]["message"]


def test_an_analyzer_this_server_has_not_configured_is_refused_at_once(tmp_path) -> None:
    """/v1/model listed baseline, hf and openai on a server with only the baseline set up, and an upload
    naming openai was accepted (202), to fail as `analyzer_unavailable` some 15 s later after three tries.
    Now /v1/model lists the analyzers an upload may name and, apart, those it cannot run with the setting
    each lacks; an upload naming one of those is a 400 naming that setting, and nothing is stored."""
    for api in open_api(make_settings(tmp_path)):
        info = api.client.get("/v1/model", headers=api.h()).json()
        assert "baseline" in info["analyzers"] and not {"openai", "hf"} & set(info["analyzers"])
        assert info["unconfigured"].keys() == {"openai", "hf"}
        assert "LEXRISK_OPENAI_BASE_URL" in info["unconfigured"]["openai"]
        assert "LEXRISK_HF_MODEL" in info["unconfigured"]["hf"]
        for name, setting in (("openai", "LEXRISK_OPENAI_BASE_URL"), ("hf", "LEXRISK_HF_MODEL")):
            error = _error(api.upload(analyzer=name), 400, "analyzer_not_configured")
            assert setting in error["message"] and "baseline" in error["message"], error
        assert api.client.get("/v1/contracts", headers=api.h()).json()["count"] == 0
    configured = make_settings(tmp_path, openai_base_url="http://127.0.0.1:1/v1", hf_model="/models/base")
    for api in open_api(configured):  # named: usable (whether its server answers is the job's, and /readyz's)
        info = api.client.get("/v1/model", headers=api.h()).json()
        assert {"openai", "hf", "baseline"} <= set(info["analyzers"]) and info["unconfigured"] == {}
    for api in open_api(make_settings(tmp_path, analyzer="openai")):  # the default analyzer: its server is the default
        assert "openai" in api.client.get("/v1/model", headers=api.h()).json()["analyzers"]


def test_the_same_template_bytes_again_are_the_stored_template(api: Api) -> None:
    body = b"1. Governing Law. This Agreement is governed by New York law."
    first = api.client.post("/v1/templates", headers=api.h(), data={"name": "Our MSA"}, files={"file": ("t.txt", body)})
    again = api.client.post("/v1/templates", headers=api.h(), data={"name": "MSA copy"}, files={"file": ("u.txt", body)})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert api.client.get("/v1/templates", headers=api.h()).json()["count"] == 1
    other = api.client.post("/v1/templates", headers=api.h(), files={"file": ("t.txt", body + b" Amended.")})
    theirs = api.client.post("/v1/templates", headers=api.h("globex"), files={"file": ("t.txt", body)})
    assert (other.status_code, theirs.status_code) == (201, 201)  # other bytes, or another firm: a template of its own
    assert other.json()["id"] != first.json()["id"] != theirs.json()["id"]
    assert api.client.get("/v1/templates", headers=api.h()).json()["count"] == 2
