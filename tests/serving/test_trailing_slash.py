"""A trailing slash is served in place (serving/api/slashes.py): no redirect that names the internal host a
proxy forwarded to, no upload to send twice, and the gate's limits for the path without the slash."""

from __future__ import annotations

from tests.serving.conftest import SAMPLES, Api, make_settings, open_api


def test_a_trailing_slash_is_the_same_route_without_a_redirect(api: Api) -> None:
    sample = SAMPLES / "master_services_agreement.txt"
    uploaded = api.client.post("/v1/contracts/", headers=api.h(), files={"file": (sample.name, sample.read_bytes())},
                               follow_redirects=False)
    assert uploaded.status_code == 202, uploaded.text
    cid = uploaded.json()["contract_id"]
    listed = api.client.get("/v1/contracts/", headers=api.h(), follow_redirects=False)
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["data"]] == [cid]
    one = api.client.get(f"/v1/contracts/{cid}//", headers=api.h(), follow_redirects=False)
    assert one.status_code == 200 and one.json()["id"] == cid
    health = api.client.get("/healthz/", headers={"Host": "api.example.com"}, follow_redirects=False)
    assert health.status_code == 200 and "location" not in health.headers
    assert api.client.get("/v1/contracts/", follow_redirects=False).status_code == 401  # still behind the gate


def test_an_upload_with_a_trailing_slash_meets_the_upload_limit(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path, max_upload_mb=0.01)):
        refused = api.client.post("/v1/contracts/", headers=api.h(), files={"file": ("big.txt", b"x" * 200_000)},
                                  follow_redirects=False)
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "too_large"
