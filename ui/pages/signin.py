"""Sign in: the firm's identity provider first when OIDC is configured, then the tenant's API key, which
is checked against the API before a session is opened for it on the app's server (ui/sessions.py). The
browser then fetches the session cookie once and comes back to the page it asked for (a shared link's
contract included)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import streamlit as st

from ui.client import ApiError
from ui.sessions import SESSION_PATH, store
from ui.state import SESSION, api_for, api_url, go_to, oidc_configured, show_error

ASKED = "signin_asked_path"  # the page whose address opened sign-in (ui/app.py sets it)
# the client's advice for a refused key tells a signed-in user to sign out and in again; here nobody is signed in
KEY_ADVICE = {"unauthorized": "Check the key and enter it again, or ask your administrator for a new one (they create "
                              "one with `lexrisk keys create --tenant NAME`)."}


def asked_for() -> str:
    """The address this sign-in stands in front of (path and query), where the browser goes after it."""
    path = "/" + st.session_state.get(ASKED, "")
    params = st.query_params.to_dict()
    return path + (f"?{urlencode(params)}" if params else "")


def page() -> None:
    st.title("lexrisk")
    st.caption("Contract risk review. Sign in with your firm's API key.")
    if oidc_configured() and not st.user.is_logged_in:
        st.button("Log in with your firm's account", on_click=st.login, type="primary")
        return
    with st.form("signin"):
        key = st.text_input("API key", type="password", help="Your administrator creates one with "
                                                              "`lexrisk keys create --tenant NAME`.")
        name = st.text_input("Your name", help="Stored with your reviews and labels.",
                             value=str(st.user.get("name") or "") if oidc_configured() else "")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        st.caption(f"API: {api_url()}")
        return
    if not key.strip():
        st.error("Enter the API key.")
        return
    try:
        api_for(key.strip()).contracts(limit=1)
    except ApiError as exc:
        show_error(exc, KEY_ADVICE)
        return
    session_id, claim = store().offer(key.strip(), name.strip())
    st.session_state[SESSION] = session_id
    st.info("Signing in…")
    go_to(f"{SESSION_PATH}?claim={claim}&next={quote(asked_for(), safe='')}")


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
