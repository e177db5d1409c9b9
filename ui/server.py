"""The app as an ASGI application (Streamlit's `st.App`): the pages of ui/app.py plus two HTTP routes of
its own that set and clear the HttpOnly session cookie, which a Streamlit script cannot do (ui/sessions.py
says why the session lives on the server). `lexrisk ui` runs this file with `streamlit run`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from ui.sessions import COOKIE, SESSION_PATH, SIGNOUT_PATH, safe_next, store


def claim_session(request: Request) -> Response:
    """The sign-in form's second step: a valid one-time claim becomes the session cookie, then the page the
    person asked for; a used or stale claim goes back to sign-in."""
    target = safe_next(request.query_params.get("next"))
    session_id = store().claim(request.query_params.get("claim", ""))
    if session_id is None:
        return RedirectResponse("/", status_code=303)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")
    return response


def sign_out(request: Request) -> Response:
    """Ends the session on the server and clears the cookie."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
        store().close(session_id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


# ui/pages/ sits beside ui/app.py, so Streamlit would treat it as a version-1 pages folder until the first run
# of app.py calls st.navigation: the first visitor of /review would then run ui/pages/review.py alone, signed
# out. The pages are declared with st.navigation only, so switch that legacy discovery off from the start.
PagesManager.uses_pages_directory = False

app = st.App(str(Path(__file__).resolve().parent / "app.py"),
             routes=[Route(SESSION_PATH, claim_session, methods=["GET"]),
                     Route(SIGNOUT_PATH, sign_out, methods=["GET", "POST"])])
