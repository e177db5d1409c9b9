"""/admin/models: the registry's adapters, gated promotion and rollback over HTTP, behind the admin token."""

from __future__ import annotations

from serving.db import make_engine
from serving.registry import register
from tests.serving.conftest import make_settings, open_api
from tests.serving.test_registry import training_run

ADMIN = {"Authorization": "Bearer admin-secret"}


def test_list_promote_refuse_and_roll_back(tmp_path) -> None:
    settings = make_settings(tmp_path, admin_token="admin-secret", auth_failures_per_minute=100)
    for api in open_api(settings):
        engine = make_engine(settings.database_url)
        for name, p, r in [("first", 0.30, 0.20), ("better", 0.32, 0.35), ("worse", 0.50, 0.10)]:
            run, evaluation = training_run(tmp_path, name, p, r)
            register(engine, name, run / "adapter", evaluation)
        engine.dispose()
        assert api.client.get("/admin/models").status_code == 401
        assert api.client.get("/admin/models", headers=api.h()).status_code == 401  # a tenant's key is not enough
        listed = api.client.get("/admin/models", headers=ADMIN).json()["data"]
        assert {v["name"] for v in listed} == {"first", "better", "worse"} and not any(v["served"] for v in listed)
        assert api.client.post("/admin/models/first/promote", headers=ADMIN, json={"gate": "f1"}).status_code == 200
        assert api.client.post("/admin/models/better/promote", headers=ADMIN, json={"gate": "f1"}).json()["served"] \
            == "better"
        refused = api.client.post("/admin/models/worse/promote", headers=ADMIN, json={"gate": "f1"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "registry_conflict"
        served = {v["name"]: v["served"] for v in api.client.get("/admin/models", headers=ADMIN).json()["data"]}
        assert served == {"first": False, "better": True, "worse": False}
        back = api.client.post("/admin/models/rollback", headers=ADMIN, json={})
        assert back.status_code == 200 and back.json()["served"] == "first"
        missing = api.client.post("/admin/models/nobody/promote", headers=ADMIN, json={"gate": "f1"})
        assert missing.status_code == 404
