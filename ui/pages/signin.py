"""Sign in: the firm's identity provider first when OIDC is configured, then the tenant's API key, which
is checked against the API before it is kept (in the session only)."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiError
from ui.state import KEY, api_for, api_url, oidc_configured, show_error


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
        show_error(exc)
        return
    st.session_state[KEY] = key.strip()
    st.session_state["lexrisk_reviewer"] = name.strip()
    st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
