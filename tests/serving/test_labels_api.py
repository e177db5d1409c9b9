"""The app's support routes: contract text, annotators' labels with agreement (tenant-scoped), model info."""

from __future__ import annotations

from tests.serving.conftest import Api


def _stored(api: Api, tenant: str = "acme") -> str:
    accepted = api.upload(tenant=tenant).json()
    api.wait(accepted["job_id"], tenant)
    return accepted["contract_id"]


def test_text_is_what_findings_index_into(api: Api) -> None:
    cid = _stored(api)
    body = api.client.get(f"/v1/contracts/{cid}/text", headers=api.h()).json()
    findings = api.client.get(f"/v1/contracts/{cid}/findings", headers=api.h()).json()["data"]
    assert findings
    for f in findings:
        assert body["text"][f["start"]:f["end"]] == f["quote"]
    assert body["pages"][-1]["end"] == len(body["text"])
    assert api.client.get(f"/v1/contracts/{cid}/text", headers=api.h("globex")).status_code == 404


def test_labels_saved_listed_and_agreement(api: Api) -> None:
    cid = _stored(api)
    text = api.client.get(f"/v1/contracts/{cid}/text", headers=api.h()).json()["text"]
    start = text.index("Governing") if "Governing" in text else 0
    label = {"annotator": "ann", "category": "Governing Law", "severity": "low", "start": start, "end": start + 40,
             "explanation": "choice of law"}
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json=label)
    assert r.status_code == 201, r.text
    assert r.json()["quote"] == text[start:start + 40] and r.json()["status"] == "pending"
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(),
                        json={**label, "annotator": "bob", "end": start + 38, "severity": "medium"})
    assert r.status_code == 201
    body = api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()
    assert [x["annotator"] for x in body["data"]] == ["ann", "bob"]
    pair = body["agreement"]["pairs"]["ann | bob"]
    assert pair == {"span_f1": 1.0, "matched": 1, "spans": [1, 1], "severity_agreement": 0.0}
    # another firm never sees these labels, even on the same file
    other = _stored(api, "globex")
    assert api.client.get(f"/v1/contracts/{other}/labels", headers=api.h("globex")).json()["data"] == []


def test_bad_label_is_a_clear_422(api: Api) -> None:
    cid = _stored(api)
    base = {"annotator": "ann", "severity": "low", "start": 0, "end": 10}
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json={**base, "category": "Nonsense"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_label"
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(),
                        json={**base, "category": "Governing Law", "end": 10**9})
    assert r.status_code == 400 and "outside the text" in r.json()["error"]["message"]
    # an empty span is inside the text; its fault is that it holds nothing
    r = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(),
                        json={**base, "category": "Governing Law", "start": 3, "end": 3})
    assert r.status_code == 400 and r.json()["error"] == {
        "code": "invalid_label", "message": "the span 3..3 is empty: its end must come after its start"}


def test_model_info(api: Api) -> None:
    body = api.client.get("/v1/model", headers=api.h()).json()
    assert body["analyzer"] == "fake" and "baseline" in body["analyzers"]
    assert body["max_upload_mb"] == 25.0
    baseline = [e for e in body["evaluation"] if e["file"] == "baseline_holdout.json" and e["system"] == "baseline"]
    assert len(baseline) == 1 and 0 < baseline[0]["f1"] < 1
    assert api.client.get("/v1/model").status_code == 401
