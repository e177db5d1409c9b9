"""Session plumbing shared by the pages: the cached HTTP client, the signed-in tenant's `Api`, and the
one way an API error is shown. The key lives only in the app server's session store (ui/sessions.py), found
by the HttpOnly cookie of this browser or, in the tab that just signed in, by the session id in
`st.session_state` (server memory too): never in the URL, the page, browser storage or logs."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TypeVar

import httpx
import streamlit as st

from contracts.settings import load_settings
from contracts.wire import ContractPublic, ModelInfo
from ui.client import Api, ApiError, make_http
from ui.plain import plain
from ui.sessions import COOKIE, Session, store
from ui.settings import ClientSettings

T = TypeVar("T")
SESSION = "lexrisk_session"


@st.cache_resource(show_spinner=False)
def _http(base_url: str) -> httpx.Client:
    """One connection pool per API address, shared by every session of this app process."""
    return make_http(base_url)


def api_url() -> str:
    return load_settings(ClientSettings).api_url


def api_for(key: str) -> Api:
    return Api(_http(api_url()), key)


def current_session() -> Session | None:
    """This browser's live session: by its cookie (a reload, a new tab), else by the id this tab kept at
    sign-in (before the browser has come back with the cookie). Each call restarts its idle clock."""
    for session_id in (st.context.cookies.get(COOKIE), st.session_state.get(SESSION)):
        session = store().get(session_id) if isinstance(session_id, str) and session_id else None
        if session is not None:
            return session
    return None


def api() -> Api:
    """The signed-in tenant's API; pages only run when signed in (the entry file sees to that)."""
    session = current_session()
    if session is None:  # idle too long since the page was drawn: back to sign-in
        st.rerun()
    return api_for(session.key)


def signed_in() -> bool:
    return current_session() is not None


def sign_out() -> None:
    """Ends the session in the store (the cookie then opens nothing) and forgets this tab's state; the
    caller sends the browser to SIGNOUT_PATH, which clears the cookie too."""
    for session_id in (st.context.cookies.get(COOKIE), st.session_state.get(SESSION)):
        if isinstance(session_id, str) and session_id:
            store().close(session_id)
    for name in list(st.session_state):
        del st.session_state[name]


def go_to(path: str) -> None:
    """Send the browser to one of the app's own HTTP routes (a full page load, so cookies are set)."""
    st.html(f"<script>window.location.assign({json.dumps(path)});</script>", unsafe_allow_javascript=True)



def oidc_configured() -> bool:
    """`[auth]` in .streamlit/secrets.toml: then the firm's identity provider comes before the key."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def reviewer() -> str:
    """The name reviews and labels are stored under: the OIDC identity when there is one, else what the
    person typed at sign-in."""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        return str(st.user.get("email") or st.user.get("name") or "")
    session = current_session()
    return session.reviewer if session else ""


def show_error(exc: ApiError, advice: Mapping[str, str] | None = None) -> None:
    """The API's message and what to do about it: `advice` by error code where the page knows better than the
    client's advice for every page (which speaks of contracts and of the firm's API key)."""
    said = (advice or {}).get(exc.code, exc.advice)
    st.error(f"**{plain(exc.message)}**  \n{said}", icon=":material/error:")


def attempt(call: Callable[[], T], advice: Mapping[str, str] | None = None) -> T | None:
    """Run an API call; on failure show the readable message (with `advice`, see show_error) and return None."""
    try:
        return call()
    except ApiError as exc:
        show_error(exc, advice)
        return None


def linked_contract(linked: str, *, instead: str) -> ContractPublic | None:
    """The contract a link names (`?contract=ID`, from a reload, a shared link or sign-in's way back), from
    the API. An id the API does not show this firm reads as its "not found" (another firm's included), with
    `instead` saying where to find one; then, as on any other error, the link is dropped from the address so
    that a reload does not show the message again."""
    try:
        return api().contract(linked)
    except ApiError as exc:
        if exc.status == 404:
            st.error(f"**The contract of this link was not found.**  \nIt may be another firm's, or it was deleted: "
                     f"{instead}", icon=":material/error:")
        else:
            show_error(exc)
        del st.query_params["contract"]
        return None


def model_info() -> ModelInfo | None:
    """The API's analyzer and limits, fetched once per session."""
    if "lexrisk_model" not in st.session_state:
        info = attempt(api().model)
        if info is None:
            return None
        st.session_state["lexrisk_model"] = info
    return st.session_state["lexrisk_model"]


def check_size(name: str, size: int) -> bool:
    """The API's own upload limit, checked before sending; the API checks again."""
    info = model_info()
    if info and size > info.max_upload_mb * 1024 * 1024:
        show_error(ApiError(413, "too_large", f"{name} is {size / 2**20:.1f} MiB; the limit is "
                                              f"{info.max_upload_mb:.0f} MiB"))
        return False
    return True
