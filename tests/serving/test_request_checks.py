"""The framework's own refusals, said in the client's terms (serving/api/request_checks.py): a body of the
wrong media type is a 415 saying what to send (and named in OpenAPI), a missing body a 422 saying so, an
unknown query parameter a 422 naming it, a bad choice without a list index, and a 405's `Allow` every method of the path.
Each is checked on every route the OpenAPI reference lists, so that a new route is covered by itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest

from contracts.playbook import Severity
from tests.serving.conftest import Api, make_settings, open_api
from ui.client import Api as AppClient

ADMIN = {"Authorization": "Bearer admin-secret"}
SOME_ID = "0" * 32
PROBE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def admin_api(tmp_path: Path) -> Iterator[Api]:
    yield from open_api(make_settings(tmp_path, admin_token="admin-secret"))


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]["message"]


def _operations(api: Api) -> Iterator[tuple[str, str, str, dict[str, Any], dict[str, str]]]:
    """(method, path template, a path to send, the operation, the headers it needs) for every documented
    operation, with every path parameter a well-formed id (the checks run before any lookup)."""
    for template, methods in api.client.get("/openapi.json").json()["paths"].items():
        headers = ADMIN if template.startswith("/admin") else api.h()
        for method, operation in methods.items():
            yield method.upper(), template, re.sub(r"\{[^}]+\}", SOME_ID, template), operation, headers


def _body_routes(api: Api, media: str, *, required: bool = False) -> list[tuple[str, str, dict[str, str]]]:
    """The operations whose body is of `media` (only those that must have one, when `required`)."""
    found = [(method, path, headers) for method, _, path, op, headers in _operations(api)
             if media in op.get("requestBody", {}).get("content", {})
             and (op["requestBody"].get("required") or not required)]
    assert found, media
    return found


def test_a_json_body_of_another_media_type_is_415_saying_what_to_send(admin_api: Api) -> None:
    sent = [({"Content-Type": "text/plain"}, b'{"action": "accept"}'), ({}, b'{"action": "accept"}'),
            ({"Content-Type": "application/x-www-form-urlencoded"}, b"action=accept")]
    for method, path, auth in _body_routes(admin_api, "application/json"):
        for headers, body in sent:
            message = _error(admin_api.client.request(method, path, content=body, headers=auth | headers),
                             415, "unsupported_media_type")
            assert "send a JSON object with Content-Type: application/json" in message, (method, path)


def test_a_missing_json_body_is_422_saying_so(admin_api: Api) -> None:
    for method, path, auth in _body_routes(admin_api, "application/json", required=True):
        for headers in ({}, {"Content-Type": "application/json"}, {"Content-Type": "text/plain"}):
            message = _error(admin_api.client.request(method, path, headers=auth | headers), 422, "invalid_request")
            assert message.startswith("the request needs a JSON body"), (method, path, message)
    not_an_object = admin_api.client.patch(f"/v1/findings/{SOME_ID}", json=["accept"], headers=admin_api.h())
    assert _error(not_an_object, 422, "invalid_request") == "the body must be a JSON object"


def test_an_upload_that_is_not_multipart_is_415_naming_the_file_part(api: Api) -> None:
    sent: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({"Content-Type": "application/pdf"}, {"content": b"%PDF-1.4 raw bytes"}),
        ({}, {"json": {"file": "contract.txt"}}), ({}, {"data": {"name": "x"}})]
    for method, path, auth in _body_routes(api, "multipart/form-data"):
        for headers, kwargs in sent:
            message = _error(api.client.request(method, path, headers=auth | headers, **kwargs),
                             415, "unsupported_media_type")
            assert "send multipart/form-data" in message and "'file'" in message, (method, path)
    # multipart without the file part is still the field's 422, and a real upload still works
    no_file = api.client.post("/v1/contracts", files={"other": ("a.txt", b"x")}, headers=api.h())
    assert _error(no_file, 422, "invalid_request").startswith("file: ")
    assert api.upload().status_code == 202


def test_an_unknown_query_parameter_of_any_method_is_422_naming_it_and_the_accepted_ones(admin_api: Api) -> None:
    operations = list(_operations(admin_api))
    assert any(p["in"] == "query" for _, _, _, op, _ in operations for p in op.get("parameters", []))
    assert {method for method, *_ in operations} >= {"GET", "POST", "PATCH", "DELETE"}
    for method, template, path, op, headers in operations:
        accepted = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        message = _error(admin_api.client.request(method, path, params={"nonsense": "1"}, headers=headers),
                         422, "invalid_request")
        assert "'nonsense'" in message and f"{method} {template}" in message, message
        assert all(f" {name}" in message for name in accepted) if accepted else "no query parameters" in message


def test_every_route_that_reads_a_body_names_the_415_in_openapi(api: Api) -> None:
    bodies = [(method, template, op) for method, template, _, op, _ in _operations(api) if "requestBody" in op]
    assert len(bodies) > 5
    for method, template, op in bodies:
        assert "`unsupported_media_type`" in op["responses"]["415"]["description"], (method, template)
        assert op["responses"]["415"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    upload = api.client.get("/openapi.json").json()["paths"]["/v1/contracts"]["post"]["responses"]["415"]
    assert upload["description"] == "error codes: `unsupported_type`, `unsupported_media_type`"
    without = [op for _, _, _, op, _ in _operations(api) if "requestBody" not in op]
    assert without and all("415" not in op["responses"] for op in without)


def test_a_filter_typo_or_a_page_on_an_unpaged_list_is_refused_not_ignored(api: Api) -> None:
    typo = _error(api.client.get("/v1/portfolio", params={"governing-law": "Delaware"}, headers=api.h()),
                  422, "invalid_request")
    assert "'governing-law' (did you mean 'governing_law'?)" in typo
    cid = api.upload().json()["contract_id"]
    paged = _error(api.client.get(f"/v1/contracts/{cid}/findings", params={"limit": 1}, headers=api.h()),
                   422, "invalid_request")
    assert "'limit'" in paged
    two = _error(api.client.get("/v1/portfolio?foo=1&bar=2&foo=3", headers=api.h()), 422, "invalid_request")
    assert "parameters 'foo', 'bar';" in two


def test_the_query_parameters_the_app_and_a_calendar_send_still_work(api: Api) -> None:
    app = AppClient(api.client, api.keys["acme"])
    cid = api.upload().json()["contract_id"]
    assert [c.id for c in app.contracts()] == [cid] and app.templates() == []
    assert app.portfolio(governing_law="Nowhere", party="nobody", expires_before="2000-01-01") == []
    assert app.queue(annotator="ann", order="uncertainty").count == 0
    assert app.disagreements(contract_id=cid, include_decided=True).data == []
    token = api.client.post("/v1/calendar/tokens", json={"name": "Outlook"}, headers=api.h()).json()["token"]
    assert api.client.get("/v1/calendar.ics", params={"token": token}).status_code == 200
    assert api.client.head("/v1/calendar.ics", params={"token": token}).status_code == 200
    # a POST's query is checked too: the compare route reads its template id from the body only
    compared = api.client.post(f"/v1/contracts/{cid}/compare", params={"template_id": SOME_ID},
                               json={"template_id": SOME_ID}, headers=api.h())
    message = _error(compared, 422, "invalid_request")
    assert "'template_id'" in message and "POST /v1/contracts/{contract_id}/compare takes no query parameters" in message
    assert _error(api.client.post(f"/v1/contracts/{cid}/compare", json={"template_id": SOME_ID}, headers=api.h()),
                  404, "not_found")


def test_a_bad_choice_is_named_without_a_list_index_and_quotes_the_value(api: Api) -> None:
    url = f"/v1/contracts/{SOME_ID}/findings"
    for params in ({"severity": "critical"}, [("severity", "low"), ("severity", "critical")]):
        message = _error(api.client.get(url, params=params, headers=api.h()), 422, "invalid_request")
        assert message.startswith("severity: ") and "severity." not in message and "'critical'" in message
        assert all(f"'{s}'" in message for s in get_args(Severity)), message


def test_405_allows_every_method_the_path_takes(admin_api: Api) -> None:
    documented: dict[str, tuple[str, set[str], dict[str, str]]] = {}
    for method, template, path, _, headers in _operations(admin_api):
        documented.setdefault(template, (path, set(), headers))[1].add(method)
    for template, (path, methods, headers) in documented.items():
        refused = [m for m in PROBE_METHODS if m not in methods]
        assert refused, template
        response = admin_api.client.request(refused[0], path, headers=headers)
        message = _error(response, 405, "method_not_allowed")
        allowed = set(response.headers["allow"].split(", "))
        assert methods <= allowed, (template, allowed)
        assert refused[0] in message and template.split("{")[0] in message
        for method in allowed - methods:  # one the reference leaves out (the feed's HEAD) is answered too
            assert admin_api.client.request(method, path, headers=headers).status_code != 405, (template, method)
