"""A path with a trailing slash is served as the path without it (`/v1/contracts/` is `/v1/contracts`), in
place, with no redirect: Starlette's redirect named an absolute URL built from the Host header and scheme
the server saw, which behind a proxy is the internal host (http://api:8000/...), and a client that follows a
307 for a POST has to send the upload again. No route's path ends in a slash, so nothing is shadowed."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class TrailingSlash:
    """ASGI middleware, outermost, so that the gate, the metrics and the router all see the one path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and len(scope["path"]) > 1 and scope["path"].endswith("/"):
            path = scope["path"].rstrip("/") or "/"
            raw = scope.get("raw_path")
            scope = {**scope, "path": path,
                     "raw_path": raw.rstrip(b"/") or b"/" if isinstance(raw, bytes) else raw}
        await self.app(scope, receive, send)
