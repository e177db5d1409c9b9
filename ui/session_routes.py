"""The app's two HTTP routes around a Streamlit session: the one that turns a sign-in's one-time claim into
the HttpOnly session cookie, and the one that ends the session and clears the cookie (ui/sessions.py says
why; ui/server.py mounts them beside the pages)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

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


ROUTES = [Route(SESSION_PATH, claim_session, methods=["GET"]), Route(SIGNOUT_PATH, sign_out, methods=["GET", "POST"])]
