"""Signed-in sessions of the app, kept on the app's server, keyed by an HttpOnly cookie.

Why this way: a Streamlit script cannot set a cookie (`st.context.cookies` is read-only) and anything a
script puts in the page or in browser storage can be read by scripts. So the API key stays in this
process's memory; the browser holds only a random session id in an HttpOnly, SameSite=Lax cookie that the
app's own HTTP routes (ui/server.py) set and clear. Sign-in happens in a Streamlit form; the script then
sends the browser once to `/lexrisk/session?claim=…` with a one-time claim token (valid seconds, not the
key), whose response sets the cookie. A session ends after `ui_idle_minutes` without a page run, or on
Sign out. Only the SHA-256 of a session id or claim is kept, so the store's keys are not usable cookies.

The cost: sessions live in the app process, so restarting the app signs everyone out, and several app
processes behind one address would need sticky routing."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

COOKIE = "lexrisk_session"
CLAIM_SECONDS = 60.0
SESSION_PATH, SIGNOUT_PATH = "/lexrisk/session", "/lexrisk/signout"  # the app's routes (ui/server.py)


@dataclass
class Session:
    key: str
    reviewer: str
    last_seen: float


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """Sessions and pending claims by the hash of their token; thread-safe (Streamlit runs each browser
    session's script on its own thread, the routes on the event loop)."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds, self._clock = idle_seconds, clock
        self._sessions: dict[str, Session] = {}
        self._claims: dict[str, tuple[str, float]] = {}  # claim hash -> (session id, issued at)
        self._lock = threading.Lock()

    def offer(self, key: str, reviewer: str) -> tuple[str, str]:
        """A new session for a checked key: its id and the one-time claim token that turns into its cookie."""
        session_id, claim = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._prune(now)
            self._sessions[_hash(session_id)] = Session(key, reviewer, now)
            self._claims[_hash(claim)] = (session_id, now)
        return session_id, claim

    def claim(self, claim: str) -> str | None:
        """The session id a claim stands for, once and within CLAIM_SECONDS; None otherwise."""
        with self._lock:
            entry = self._claims.pop(_hash(claim), None)
        if entry is None or self._clock() - entry[1] > CLAIM_SECONDS:
            return None
        return entry[0]

    def get(self, session_id: str) -> Session | None:
        """The live session of this id, its idle clock restarted; None when unknown or idle too long."""
        now = self._clock()
        with self._lock:
            session = self._sessions.get(_hash(session_id))
            if session is None:
                return None
            if now - session.last_seen > self.idle_seconds:
                del self._sessions[_hash(session_id)]
                return None
            session.last_seen = now
            return session

    def close(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(_hash(session_id), None)

    def _prune(self, now: float) -> None:
        self._sessions = {h: s for h, s in self._sessions.items() if now - s.last_seen <= self.idle_seconds}
        self._claims = {h: c for h, c in self._claims.items() if now - c[1] <= CLAIM_SECONDS}


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this app only (no scheme, host or `//`), else `/`."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


_store: SessionStore | None = None
_store_lock = threading.Lock()


def store() -> SessionStore:
    """This process's store (the routes and the scripts share it), its idle limit from the settings."""
    global _store
    with _store_lock:
        if _store is None:
            from contracts.settings import load_settings
            from ui.settings import ClientSettings

            _store = SessionStore(load_settings(ClientSettings).ui_idle_minutes * 60)
        return _store
