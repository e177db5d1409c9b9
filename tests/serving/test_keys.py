"""Key lifecycle: list, revoke (CLI and admin route), expiry, last use."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from lexrisk.cli import main
from serving.api.deps import app_engine
from serving.models import ApiKey, utcnow
from tests.serving.conftest import make_settings, open_api


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """The API's settings with the CLI's environment pointing at the same database."""
    from contracts.settings import clear_settings

    settings = make_settings(tmp_path, admin_token="admin-secret", auth_failures_per_minute=100, auth_cache_s=0)
    monkeypatch.setenv("LEXRISK_DATABASE_URL", settings.database_url)
    clear_settings()
    yield settings
    clear_settings()


def _listed(capsys) -> list[dict]:
    assert main(["keys", "list", "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_cli_lists_and_revokes_keys_and_records_last_use(cli_db, capsys) -> None:
    for api in open_api(cli_db):
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 200
        keys = {k["tenant"]: k for k in _listed(capsys)}
        assert set(keys) == {"acme", "globex"} and {k["state"] for k in keys.values()} == {"active"}
        assert keys["acme"]["last_used_at"] is not None and keys["globex"]["last_used_at"] is None
        assert not any(api.keys[t] in json.dumps(k) for t, k in keys.items())  # never the key itself
        assert main(["keys", "revoke", keys["acme"]["prefix"]]) == 0
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 401
        assert api.client.get("/v1/contracts", headers=api.h("globex")).status_code == 200
        assert {k["tenant"]: k["state"] for k in _listed(capsys)} == {"acme": "revoked", "globex": "active"}
        assert main(["keys", "revoke", "lxk_nope"]) == 2
        assert "no key" in capsys.readouterr().err


def test_expired_keys_are_refused(cli_db, capsys) -> None:
    assert main(["keys", "create", "--tenant", "acme", "--expires-in-days", "1"]) == 0
    key = capsys.readouterr().out.strip()
    with pytest.raises(SystemExit) as refused:  # argparse's one error line
        main(["keys", "create", "--tenant", "acme", "--expires-in-days", "0"])
    assert refused.value.code == 2
    for api in open_api(cli_db):
        headers = {"Authorization": f"Bearer {key}"}
        assert api.client.get("/v1/contracts", headers=headers).status_code == 200
        with Session(api.resolve(app_engine)) as session:
            session.exec(update(ApiKey).where(col(ApiKey.prefix) == key[:8])
                         .values(expires_at=utcnow() - timedelta(seconds=1)))
            session.commit()
        response = api.client.get("/v1/contracts", headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
        assert "expired" in {k["state"] for k in _listed(capsys)}


def test_admin_route_lists_and_revokes_with_its_token(cli_db) -> None:
    for api in open_api(cli_db):
        admin = {"Authorization": "Bearer admin-secret"}
        assert api.client.get("/admin/keys").status_code == 401
        assert api.client.get("/admin/keys", headers={"Authorization": "Bearer nope"}).status_code == 401
        listed = api.client.get("/admin/keys", headers=admin, params={"tenant": "acme"}).json()["data"]
        assert [k["tenant"] for k in listed] == ["acme"]
        revoked = api.client.delete(f"/admin/keys/{listed[0]['id']}", headers=admin)
        assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 401
        assert api.client.delete(f"/admin/keys/{'0' * 32}", headers=admin).status_code == 404


def test_admin_routes_are_off_without_a_token(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path)):
        response = api.client.get("/admin/keys", headers={"Authorization": "Bearer anything"})
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_checked_keys_are_trusted_for_the_cache_time_only() -> None:
    from datetime import UTC, datetime

    from serving.api.gate import KeyCache

    now = [100.0]
    cache = KeyCache(5.0, clock=lambda: now[0], wall=lambda: 1_000_000.0 + now[0])
    assert cache.get("lxk_a") is None
    cache.put("lxk_a", "tenant-1", "7")
    now[0] += 4.9
    assert cache.get("lxk_a") == ("tenant-1", "7") and cache.get("lxk_b") is None
    now[0] += 0.2
    assert cache.get("lxk_a") is None  # past the TTL: the database is asked again (and sees a revocation)
    # a key that expires within the TTL is trusted until its expiry only
    cache.put("lxk_c", "tenant-1", "7", datetime.fromtimestamp(1_000_000.0 + now[0] + 1.0, UTC))
    now[0] += 0.9
    assert cache.get("lxk_c") == ("tenant-1", "7")
    now[0] += 0.2
    assert cache.get("lxk_c") is None
    cache.put("lxk_d", "tenant-1", None)  # the epoch could not be read: nothing is cached
    assert cache.get("lxk_d") is None
    off = KeyCache(0)
    off.put("lxk_a", "tenant-1", "7")
    assert off.get("lxk_a") is None
