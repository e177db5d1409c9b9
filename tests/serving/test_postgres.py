"""The same API on PostgreSQL (production's database), in a schema of its own that is dropped after."""

from __future__ import annotations

import pytest

from tests.serving.conftest import PG_URL, make_settings, open_api


@pytest.mark.postgres
def test_api_on_postgres(tmp_path, pg_schema: str) -> None:
    settings = make_settings(tmp_path, database_url=PG_URL)
    for api in open_api(settings, schema=pg_schema):
        accepted = api.upload().json()
        job = api.wait(accepted["job_id"])
        assert job["status"] == "done" and job["stats"]["ungrounded_dropped"] == 1
        findings = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()
        assert findings["count"] > 0
        reviewed = api.client.patch(f"/v1/findings/{findings['data'][0]['id']}", headers=api.h(),
                                    json={"action": "accept", "reviewer": "pg"})
        assert reviewed.status_code == 200
        assert api.upload().json()["reused"] is True
        assert api.client.get(f"/v1/contracts/{accepted['contract_id']}", headers=api.h("globex")).status_code == 404
        assert api.client.delete(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).status_code == 204
        assert api.client.get("/readyz").json()["checks"]["database"] == "ok"
