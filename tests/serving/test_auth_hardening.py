"""Issue 29's trial findings on authentication: revocation and expiry at once (one process and two), trusted
proxies explicit, the lockout keyed so one bad client does not lock a firm's NAT out, paging of /admin/keys."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest
from starlette.testclient import TestClient

from serving.api.client_address import client_address
from serving.api.deps import app_engine
from serving.keys import create_key
from serving.models import utcnow
from tests.serving.conftest import make_settings, open_api

ADMIN = {"Authorization": "Bearer admin-secret"}


def _scope(peer: str, *forwarded: str) -> dict:
    return {"type": "http", "client": (peer, 1234),
            "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}


def test_forwarded_for_is_believed_only_from_the_proxies_named() -> None:
    assert client_address(_scope("127.0.0.1", "6.6.6.6"), []) == "127.0.0.1"  # the default trusts no one
    assert client_address(_scope("10.0.0.5", "6.6.6.6"), ["10.0.0.5"]) == "6.6.6.6"
    # read from the right: what the client wrote left of the address the proxy saw does not count
    assert client_address(_scope("10.0.0.5", "1.1.1.1, 6.6.6.6"), ["10.0.0.5"]) == "6.6.6.6"
    assert client_address(_scope("10.0.0.5", "6.6.6.6", "10.1.2.3"), ["10.0.0.0/16", "10.1.0.0/16"]) == "6.6.6.6"
    assert client_address(_scope("192.0.2.1", "6.6.6.6"), ["10.0.0.0/8"]) == "192.0.2.1"  # not a proxy of ours
    assert client_address(_scope("10.0.0.5", "garbage"), ["10.0.0.5"]) == "10.0.0.5"


def test_a_bad_proxy_setting_is_refused() -> None:
    from pydantic import ValidationError

    from lexrisk.settings import Settings

    with pytest.raises(ValidationError, match="not an IP address or CIDR block"):
        Settings(trusted_proxies=["proxy.example"])


def test_rotating_forwarded_for_does_not_skip_the_lockout(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path, auth_failures_per_minute=3)):
        codes = [api.client.get("/v1/contracts", headers={"Authorization": f"Bearer lxk_guess{i}",
                                                           "X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(5)]
        assert codes == [401, 401, 401, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_lockout(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path, auth_failures_per_minute=3, trusted_proxies=["10.0.0.5"])):
        proxy = TestClient(api.client.app, client=("10.0.0.5", 4000))
        guesses = [proxy.get("/v1/contracts", headers={"Authorization": f"Bearer lxk_guess{i}",
                                                        "X-Forwarded-For": "203.0.113.7"}).status_code
                   for i in range(4)]
        assert guesses == [401, 401, 401, 429]
        other = proxy.get("/v1/contracts", headers={"Authorization": "Bearer lxk_guess9",
                                                     "X-Forwarded-For": "203.0.113.8"})
        assert other.status_code == 401  # another client behind the same proxy: not locked out


def test_one_bad_client_behind_a_nat_does_not_lock_out_its_colleagues(tmp_path) -> None:
    """The lockout stops keys that have not authenticated lately: the guesser meets the limit whatever it
    guesses, a colleague whose key authenticated before is served (even with the cache off, so the database
    is asked), and a colleague whose key never authenticated waits like the guesser."""
    settings = make_settings(tmp_path, auth_failures_per_minute=3, auth_cache_s=0)
    for api in open_api(settings):
        assert api.client.get("/v1/contracts", headers=api.h("acme")).status_code == 200
        guesses = [api.client.get("/v1/contracts", headers={"Authorization": f"Bearer lxk_guess{i}"}).status_code
                   for i in range(6)]
        assert guesses == [401, 401, 401, 429, 429, 429]
        assert api.client.get("/v1/contracts", headers=api.h("acme")).status_code == 200
        assert api.client.get("/v1/contracts", headers=api.h("globex")).status_code == 429



def test_a_calendar_app_behind_a_nat_keeps_its_feed(tmp_path) -> None:
    """A feed token that opened its feed is vouched for as a key is: served during its address's lockout
    (and still checked: revoked, it is refused), while a wrong token, or one never used, waits like the
    guesser. Before, every feed token got 429 while a guesser behind the same address was locked out."""
    for api in open_api(make_settings(tmp_path, auth_failures_per_minute=3, auth_cache_s=0)):
        made = [api.client.post("/v1/calendar/tokens", headers=api.h(), json={"name": n}).json() for n in "ab"]
        used, unused = made[0]["url"], made[1]["url"]
        assert api.client.get(used).status_code == 200
        guesses = [api.client.get("/v1/contracts", headers={"Authorization": f"Bearer lxk_guess{i}"}).status_code
                   for i in range(4)]
        assert guesses == [401, 401, 401, 429]
        served = api.client.get(used)
        assert served.status_code == 200 and served.headers["content-type"].startswith("text/calendar")
        assert api.client.head(used).status_code == 200
        for url in ("/v1/calendar.ics?token=lxf_guess", unused):
            refused = api.client.get(url)
            assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
        # the feed's vouch opens the feed only: the same token as a key is still stopped by the lockout
        token = used.partition("token=")[2]
        assert api.client.get("/v1/contracts", headers={"Authorization": f"Bearer {token}"}).status_code == 429
        assert api.client.delete(f"/v1/calendar/tokens/{made[0]['id']}", headers=api.h()).status_code == 204
        assert api.client.get(used).status_code == 401


def test_the_admin_token_is_not_locked_out_by_a_guesser_of_keys(tmp_path) -> None:
    """The admin token's failures have their own bucket per address: a key guesser behind the operator's
    NAT no longer locks the operator out of /admin (before: 429), a wrong admin token still meets the same
    limit, and guessing the admin token does not lock out keys."""
    settings = make_settings(tmp_path, admin_token="admin-secret", auth_failures_per_minute=3, auth_cache_s=0)
    for api in open_api(settings):
        guesses = [api.client.get("/v1/contracts", headers={"Authorization": f"Bearer lxk_guess{i}"}).status_code
                   for i in range(4)]
        assert guesses == [401, 401, 401, 429]
        assert api.client.get("/admin/keys", headers=ADMIN).status_code == 200
        wrong = [api.client.get("/admin/keys", headers={"Authorization": f"Bearer guess{i}"}).status_code
                 for i in range(4)]
        assert wrong == [401, 401, 401, 429]
        # locked out of /admin now, the right token too: the admin token is not vouched for (see admin_refusal)
        assert api.client.get("/admin/keys", headers=ADMIN).status_code == 429

        other = TestClient(api.client.app, client=("192.0.2.7", 4000))  # another address: keys, then admin
        assert [other.get("/admin/keys", headers={"Authorization": f"Bearer guess{i}"}).status_code
                for i in range(4)] == [401, 401, 401, 429]
        assert other.get("/v1/contracts", headers={"Authorization": "Bearer lxk_guess"}).status_code == 401
        assert other.get("/v1/contracts", headers=api.h("globex")).status_code == 200

def test_revocation_and_expiry_take_effect_at_once_despite_the_cache(tmp_path) -> None:
    settings = make_settings(tmp_path, admin_token="admin-secret", auth_cache_s=60)
    for api in open_api(settings):
        engine = api.resolve(app_engine)
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 200  # now cached for 60 s
        key_id = next(k["id"] for k in api.client.get("/admin/keys", headers=ADMIN).json()["data"]
                      if k["tenant"] == "acme")
        assert api.client.delete(f"/admin/keys/{key_id}", headers=ADMIN).status_code == 200
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 401
        assert api.client.get("/v1/contracts", headers=api.h("globex")).status_code == 200

        expires_at = utcnow() + timedelta(seconds=3)  # well within the cache's 60 s
        soon, _ = create_key(engine, "initech", expires_at=expires_at)
        assert api.client.get("/v1/contracts", headers={"Authorization": f"Bearer {soon}"}).status_code == 200
        time.sleep(max(0.0, (expires_at - utcnow()).total_seconds()) + 0.1)
        assert api.client.get("/v1/contracts", headers={"Authorization": f"Bearer {soon}"}).status_code == 401


def test_admin_key_paging_is_validated(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path, admin_token="admin-secret", page_size_max=100)):
        for query in ("offset=-1&limit=1", "limit=1000000", "limit=0", "offset=x"):
            response = api.client.get(f"/admin/keys?{query}", headers=ADMIN)
            assert response.status_code == 422, query
            assert response.json()["error"]["code"] in ("invalid_request", "validation_error"), response.json()
        first = api.client.get("/admin/keys?limit=1", headers=ADMIN).json()
        second = api.client.get("/admin/keys?limit=1&offset=1", headers=ADMIN).json()
        assert first["count"] == second["count"] == 2 and len(first["data"]) == len(second["data"]) == 1
        assert first["data"][0]["id"] != second["data"][0]["id"]


REDIS_URL = os.environ.get("LEXRISK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.slow
@pytest.mark.redis
def test_a_key_revoked_by_the_cli_is_refused_at_once_by_both_api_processes(tmp_path) -> None:
    """`lexrisk serve --workers 2` with a 60 s key cache: after `lexrisk keys revoke`, no request with the key
    succeeds, whichever process answers (the revocation epoch in Redis)."""
    from redis import Redis

    from tests.serving.test_cli import _serve, _stop

    Redis.from_url(REDIS_URL).flushdb()
    env = {"LEXRISK_REDIS_URL": REDIS_URL, "LEXRISK_AUTH_CACHE_S": "60"}
    process, url = _serve(tmp_path, "--workers", "2", **env)
    try:
        cli_env = {**os.environ, "LEXRISK_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", **env}
        created = subprocess.run([sys.executable, "-m", "lexrisk", "keys", "create", "--tenant", "acme"], env=cli_env,
                                 capture_output=True, text=True, check=True)
        key = created.stdout.strip()
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url) as http:
            # several connections, so that both processes answer and cache the key
            for _ in range(20):
                with httpx.Client(base_url=url) as fresh:
                    assert fresh.get("/v1/contracts", headers=headers).status_code == 200
            subprocess.run([sys.executable, "-m", "lexrisk", "keys", "revoke", key[:8]], env=cli_env,
                           capture_output=True, check=True)
            codes = [http.get("/v1/contracts", headers=headers).status_code for _ in range(5)]
            for _ in range(20):
                with httpx.Client(base_url=url) as fresh:
                    codes.append(fresh.get("/v1/contracts", headers=headers).status_code)
        assert set(codes) == {401}
    finally:
        _stop(process)
        Redis.from_url(REDIS_URL).flushdb()


def test_every_list_route_validates_its_paging(tmp_path) -> None:
    """The tenant routes, a contract's comparisons and /admin/keys: bad paging is a 422, never ignored."""
    for api in open_api(make_settings(tmp_path, admin_token="admin-secret", page_size_max=100)):
        contract_id = api.upload().json()["contract_id"]
        for route, headers in (("/v1/contracts", api.h()), ("/v1/templates", api.h()),
                               (f"/v1/contracts/{contract_id}/comparisons", api.h()), ("/admin/keys", ADMIN)):
            for query in ("offset=-1&limit=1", "limit=1000000", "limit=0"):
                assert api.client.get(f"{route}?{query}", headers=headers).status_code == 422, (route, query)
            page = api.client.get(f"{route}?offset=0&limit=1", headers=headers)
            assert page.status_code == 200 and len(page.json()["data"]) <= 1, route
