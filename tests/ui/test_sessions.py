"""The app's sign-in sessions (ui/sessions.py) and the routes that set and clear their HttpOnly cookie
(ui/session_routes.py), without a browser: the browser flow is in test_browser.py."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from ui import sessions
from ui.session_routes import ROUTES
from ui.sessions import CLAIM_SECONDS, COOKIE, SessionStore, safe_next


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_claim_opens_its_session_once_and_only_while_fresh():
    clock = Clock()
    store = SessionStore(idle_seconds=600, clock=clock)
    session_id, claim = store.offer("lxk_secret", "A. Lawyer")
    assert store.claim(claim) == session_id
    assert store.claim(claim) is None  # one time only
    _, late = store.offer("lxk_secret", "A. Lawyer")
    clock.now += CLAIM_SECONDS + 1
    assert store.claim(late) is None
    assert "lxk_secret" not in repr(store._sessions.keys()) and session_id not in store._sessions


def test_a_session_ends_after_idle_time_or_sign_out_and_each_use_restarts_its_clock():
    clock = Clock()
    store = SessionStore(idle_seconds=600, clock=clock)
    session_id, _ = store.offer("lxk_secret", "A. Lawyer")
    clock.now += 599
    assert store.get(session_id).key == "lxk_secret"
    clock.now += 599  # 1198 s after sign-in, 599 s after the last use
    assert store.get(session_id) is not None
    clock.now += 601
    assert store.get(session_id) is None
    other, _ = store.offer("lxk_other", "B")
    store.close(other)
    assert store.get(other) is None


@pytest.mark.parametrize(("target", "expected"), [
    ("/review?contract=abc", "/review?contract=abc"), ("https://evil.example/", "/"), ("//evil.example", "/"),
    ("/\\evil", "/"), ("review", "/"), (None, "/"), ("/compare?contract=a&template=b", "/compare?contract=a&template=b")])
def test_only_this_apps_paths_are_followed_after_sign_in(target, expected):
    assert safe_next(target) == expected


def test_the_routes_set_an_httponly_cookie_and_clear_it(monkeypatch):
    store = SessionStore(idle_seconds=600)
    monkeypatch.setattr(sessions, "_store", store)
    session_id, claim = store.offer("lxk_secret", "A. Lawyer")
    client = TestClient(Starlette(routes=ROUTES), follow_redirects=False)
    answer = client.get("/lexrisk/session", params={"claim": claim, "next": "/review?contract=abc"})
    assert answer.status_code == 303 and answer.headers["location"] == "/review?contract=abc"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={session_id};") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "lxk_secret" not in cookie
    again = client.get("/lexrisk/session", params={"claim": claim, "next": "/review"})
    assert again.headers["location"] == "/" and "set-cookie" not in again.headers  # a used claim opens nothing
    client.cookies.set(COOKIE, session_id)
    out = client.get("/lexrisk/signout")
    assert out.status_code == 303 and f'{COOKIE}=""' in out.headers["set-cookie"]
    assert store.get(session_id) is None
