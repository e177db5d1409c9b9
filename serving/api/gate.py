"""The request gate, an ASGI middleware in front of every /v1 route. It runs before FastAPI reads a
body (FastAPI parses the body before it resolves dependencies), so that

- a request without a valid key gets its 401 without the server reading the upload;
- failed authentications are limited per client address, and requests per key and budget (reads
  apart from writes);
- a body is refused once it passes its limit: `Content-Length` is checked up front, and a chunked
  body is counted as it streams in and cut off one chunk past the limit, so no body fills memory or
  ties the server up for longer than the limit takes to send.

The tenant it authenticated is left in the request state for the `TenantDep` dependency."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving.api.deps import error_response
from serving.feed_tokens import tenant_for_token
from serving.keys import hash_key, tenant_for_key

UPLOAD_PATHS = ("/v1/contracts", "/v1/templates")
FEED_PATH = "/v1/calendar.ics"
MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers around the file
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


class _BodyTooLarge(Exception):
    pass


def bearer_key(headers: Headers) -> str | None:
    scheme, _, key = headers.get("authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def body_limit(scope: Scope, settings) -> int:
    if scope["method"] == "POST" and scope["path"].rstrip("/") in UPLOAD_PATHS:
        return settings.max_upload_bytes + MULTIPART_OVERHEAD
    return settings.max_body_kb * 1024


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


class KeyCache:
    """Valid keys' tenants for `LEXRISK_AUTH_CACHE_S` seconds, so that a status poll does not pay a
    database round trip for its key; a revoked or expired key is refused at most that much later.
    Unknown keys are never cached (a guess costs a lookup and counts as a failure)."""

    def __init__(self, ttl_s: float, clock=time.monotonic) -> None:
        self.ttl_s, self.clock = ttl_s, clock
        self._tenants: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        if self.ttl_s <= 0:
            return None
        digest = hash_key(key)
        with self._lock:
            found = self._tenants.get(digest)
            if found is None or found[1] < self.clock():
                self._tenants.pop(digest, None)
                return None
            return found[0]

    def put(self, key: str, tenant_id: str) -> None:
        if self.ttl_s > 0:
            with self._lock:
                if len(self._tenants) > 10_000:  # bounded: expired entries go first, else all
                    now = self.clock()
                    self._tenants = {k: v for k, v in self._tenants.items() if v[1] >= now} \
                        if len(self._tenants) < 20_000 else {}
                self._tenants[hash_key(key)] = (tenant_id, self.clock() + self.ttl_s)


class RequestGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        headers = Headers(scope=scope)
        admitted = await self._admit(scope, headers, state)
        if not isinstance(admitted, str):
            await admitted(scope, receive, send)
            return
        scope.setdefault("state", {})["tenant_id"] = admitted

        limit = body_limit(scope, state.settings)
        declared = headers.get("content-length")
        if declared is not None and not declared.isdigit():
            await error_response(400, "bad_request", "Content-Length is not a number")(scope, receive, send)
            return
        if declared is not None and int(declared) > limit:
            await error_response(413, "too_large", f"the request is {_mb(int(declared))}; the limit is "
                                                   f"{_mb(limit)}")(scope, receive, send)
            return

        received = 0
        over = False

        async def limited_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if over:  # whatever the app answered to the cut-off body, the client gets the 413
                if message["type"] == "http.response.start":
                    await _too_large(limit)(scope, receive, send)
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            await _too_large(limit)(scope, receive, send)

    @staticmethod
    async def _admit(scope: Scope, headers: Headers, state):
        """The tenant's id, or the response that refuses the request. A key checked lately (the usual
        poll) is admitted on the event loop: the rate limit is one awaited Redis round trip, or
        arithmetic without Redis. Only a key not in the cache goes to a worker thread, for its
        database lookup."""
        key = bearer_key(headers)
        client = (scope.get("client") or ("unknown", 0))[0]
        if key is None and (token := feed_token(scope)) is not None:
            return await run_in_threadpool(RequestGate._authenticate_feed, token, client, state)
        if key is None:
            return error_response(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>'",
                                  _UNAUTHORIZED)
        reads = scope["method"] in ("GET", "HEAD")
        tenant_id = state.key_cache.get(key)
        if tenant_id is None:
            return await run_in_threadpool(RequestGate._authenticate, key, client, reads, state)
        locked, wait = await state.limits.admit_async(client, hash_key(key), reads)
        return _refusal(locked, wait, reads) or tenant_id

    @staticmethod
    def _authenticate(key: str, client: str, reads: bool, state):
        """A key not checked lately: the lockout first, so that a locked-out guesser costs no query,
        then the database (blocking: runs on a worker thread)."""
        limits = state.limits
        locked = limits.auth_failures.peek(client)
        if locked > 0:
            return _locked_out(locked)
        tenant_id = tenant_for_key(state.engine, key)
        if tenant_id is None:
            limits.auth_failures.take(client)
            return error_response(401, "unauthorized", "the API key is not valid", _UNAUTHORIZED)
        state.key_cache.put(key, tenant_id)
        wait = (limits.reads if reads else limits.writes).take(hash_key(key))
        return _refusal(0.0, wait, reads) or tenant_id

    @staticmethod
    def _authenticate_feed(token: str, client: str, state):
        """A calendar feed token (`?token=`): checked in the database on every request, so a revoked
        token is refused at once; failures count against the address as a bad key's do."""
        limits = state.limits
        locked = limits.auth_failures.peek(client)
        if locked > 0:
            return _locked_out(locked)
        tenant_id = tenant_for_token(state.engine, token)
        if tenant_id is None:
            limits.auth_failures.take(client)
            return error_response(401, "unauthorized", "the feed token is not valid (unknown or revoked)")
        return _refusal(0.0, limits.reads.take(hash_key(token)), True) or tenant_id


def feed_token(scope: Scope) -> str | None:
    """The `token` query parameter of a calendar feed request; no other route takes a credential in its URL."""
    if scope["path"] != FEED_PATH or scope["method"] not in ("GET", "HEAD"):
        return None
    token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return token[0] if token and token[0] else None


def _refusal(locked: float, wait: float, reads: bool):
    """The 429 for a locked-out address or a spent budget, else None."""
    if locked > 0:
        return _locked_out(locked)
    if wait > 0:
        kind = "reads" if reads else "writes"
        return error_response(429, "rate_limited", f"too many {kind} for this key; retry in {wait:.1f} s",
                              {"Retry-After": str(max(1, round(wait)))})
    return None


def _locked_out(wait: float):
    return error_response(429, "rate_limited", f"too many failed authentications from this address; "
                                               f"retry in {wait:.0f} s", {"Retry-After": str(max(1, round(wait)))})


def _too_large(limit: int):
    return error_response(413, "too_large", f"the request body passed the limit of {_mb(limit)}",
                          {"Connection": "close"})
