"""Routes take the app's objects through serving.api.deps, so a test swaps one with
`app.dependency_overrides`; the labels routes get a database session that lives for one request."""

from __future__ import annotations

from sqlalchemy.pool import QueuePool

from serving.api.deps import app_engine, app_settings
from serving.db import make_engine
from tests.serving.conftest import Api


def test_routes_read_settings_through_the_dependency(api: Api) -> None:
    app = api.client.app
    before = api.client.get("/v1/model", headers=api.h()).json()
    settings = api.resolve(app_settings)
    app.dependency_overrides[app_settings] = lambda: settings.model_copy(update={"max_pages": 7})  # type: ignore[attr-defined]
    try:
        assert api.client.get("/v1/model", headers=api.h()).json()["max_pages"] == 7 != before["max_pages"]
    finally:
        app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert api.client.get("/v1/model", headers=api.h()).json() == before


def test_the_request_session_comes_from_the_engine_dependency_and_is_closed(api: Api) -> None:
    """Every label request borrows a connection of the (overridden) engine and gives it back by the
    time the response is out: a session left open would keep it checked out of the pool."""
    accepted = api.upload().json()
    api.wait(accepted["job_id"])
    cid = accepted["contract_id"]
    engine = make_engine(str(api.resolve(app_settings).database_url))
    app = api.client.app
    app.dependency_overrides[app_engine] = lambda: engine  # type: ignore[attr-defined]
    try:
        label = {"annotator": "ann", "category": "Governing Law", "severity": "low", "start": 0, "end": 20}
        assert api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json=label).status_code == 201
        bad = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json={**label, "category": "Nope"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_label"
        listed = api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()
        assert [x["annotator"] for x in listed["data"]] == ["ann"]
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedout() == 0 and pool.checkedin() >= 1  # used, then given back
    finally:
        app.dependency_overrides.clear()  # type: ignore[attr-defined]
        engine.dispose()


def test_the_heap_built_at_start_up_is_frozen_while_the_app_runs(settings) -> None:
    """Full garbage collections skip what the lifespan built (their pauses were the slowest polls under
    load); shutdown unfreezes it, so that an app stopped in a longer-lived process leaks nothing."""
    import gc

    from tests.serving.conftest import open_api

    gc.unfreeze()
    for api in open_api(settings):
        assert gc.get_freeze_count() > 10_000
        assert api.client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
