"""/openapi.json says what the API does, for generated clients: the bounds they validate before sending,
the fields a job's stats holds, the media types a download answers, the status a route answers."""

from __future__ import annotations

from tests.serving.conftest import Api


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_every_limit_declares_its_bounds(api: Api) -> None:
    """`limit` had no `maximum` (only its description said 100), so a generated client sent 500 and met a 422."""
    spec = api.client.get("/openapi.json").json()
    limits = {(path, method): p["schema"] for path, method, op in _operations(spec)
              for p in op.get("parameters", []) if p["name"] == "limit" and p["in"] == "query"}
    assert {("/v1/contracts", "get"), ("/v1/portfolio", "get"), ("/v1/templates", "get"),
            ("/v1/annotation/queue", "get")} <= limits.keys()
    for where, schema in limits.items():
        assert (schema.get("minimum"), schema.get("maximum")) == (1, api.client.app.state.settings.page_size_max), where
    # past the declared maximum: still the message that says how to get the other rows
    error = api.client.get("/v1/contracts", headers=api.h(), params={"limit": 101}).json()["error"]
    assert error["code"] == "invalid_request" and "at most 100 rows a page" in error["message"]
    assert "page with offset" in error["message"]


def test_a_jobs_stats_name_every_count_it_holds(api: Api) -> None:
    stats = api.client.get("/openapi.json").json()["components"]["schemas"]["JobPublic"]["properties"]["stats"]
    done = api.wait(api.upload().json()["job_id"])
    assert done["status"] == "done"
    for key in done["stats"]:  # what a finished job holds is described, `possible` and `model` among them
        assert key in stats["description"], key
    assert {"possible", "model"} <= done["stats"].keys()


def test_downloads_list_their_file_types_only(api: Api) -> None:
    """The contract exports' 200 listed `application/json`, with an empty schema, beside the real types."""
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/v1/contracts/{contract_id}/exports/{export}", "/v1/comparisons/{comparison_id}/{export}"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert "application/json" not in content and "text/csv" in content, path


def test_the_reference_has_the_routes_statuses_and_parameters_the_api_answers(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    assert "201" in paths["/v1/contracts/{contract_id}/compare"]["post"]["responses"]
    assert "get" in paths["/v1/templates/{template_id}"] and "get" in paths["/v1/calendar/tokens/{token_id}"]
    assert "204" in paths["/v1/calendar/tokens/{token_id}"]["delete"]["responses"]
    assert not paths["/v1/calendar/tokens"]["post"]["requestBody"].get("required")  # no body: `{}`
    findings = {p["name"]: p for p in paths["/v1/contracts/{contract_id}/findings"]["get"]["parameters"]}
    assert "possible" in findings and "stats.findings" in findings["possible"]["description"]
