"""The request gate, an ASGI middleware in front of every /v1 and /admin route. It runs before FastAPI reads
a body (FastAPI parses the body before it resolves dependencies), so that

- a request without a valid key (on /admin: the admin token) gets its 401 without the server reading the
  upload;
- failed authentications are limited per client address (the peer, or what a proxy named in
  `LEXRISK_TRUSTED_PROXIES` forwards), and requests per key and budget (reads apart from writes);
- a body is refused once it passes its limit: `Content-Length` is checked up front, and a chunked
  body is counted as it streams in and cut off one chunk past the limit, so no body fills memory or
  ties the server up for longer than the limit takes to send.

The tenant it authenticated is left in the request state for the `TenantDep` dependency."""

from __future__ import annotations

import hmac
import threading
import time
from datetime import datetime
from urllib.parse import parse_qs

from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving.api.client_address import client_address
from serving.api.deps import error_response
from serving.feed_tokens import tenant_for_token
from serving.keys import grant_for_key, hash_key
from serving.models import Tenant

UPLOAD_PATHS = ("/v1/contracts", "/v1/templates")
FEED_PATH = "/v1/calendar.ics"
ADMIN_PATH = "/admin"
FEED_VOUCHED = "feed:"  # a feed token's vouch, apart from keys': it exempts the feed only
ADMIN_FAILURES = "admin:"  # the admin token's failures per address, apart from keys' (see token_refusal)
METRICS_FAILURES = "metrics:"  # the metrics token's, likewise
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
    database round trip for its key. An entry holds the revocation epoch it was checked at and is used only
    while the epoch is unchanged (every revocation bumps it, in Redis for all processes), and never past the
    key's own expiry: a revoked or expired key is refused at once. Unknown keys are never cached (a guess
    costs a lookup and counts as a failure)."""

    def __init__(self, ttl_s: float, clock=time.monotonic, wall=time.time) -> None:
        self.ttl_s, self.clock, self.wall = ttl_s, clock, wall
        self._tenants: dict[str, tuple[Tenant, float, str]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Tenant, str] | None:
        """(tenant, the epoch it was checked at), while the entry is fresh."""
        if self.ttl_s <= 0:
            return None
        digest = hash_key(key)
        with self._lock:
            found = self._tenants.get(digest)
            if found is None or found[1] < self.clock():
                self._tenants.pop(digest, None)
                return None
            return found[0], found[2]

    def put(self, key: str, tenant: Tenant, epoch: str | None, expires_at: datetime | None = None) -> None:
        if self.ttl_s <= 0 or epoch is None:
            return
        until = self.clock() + self.ttl_s
        if expires_at is not None:
            until = min(until, self.clock() + (expires_at.timestamp() - self.wall()))
        with self._lock:
            if len(self._tenants) > 10_000:  # bounded: expired entries go first, else all
                now = self.clock()
                self._tenants = {k: v for k, v in self._tenants.items() if v[1] >= now} \
                    if len(self._tenants) < 20_000 else {}
            self._tenants[hash_key(key)] = (tenant, until, epoch)

    def clear(self) -> None:
        with self._lock:
            self._tenants.clear()


class RequestGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        admin = path == ADMIN_PATH or path.startswith(ADMIN_PATH + "/")
        if not (path.startswith("/v1/") or admin):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        headers = Headers(scope=scope)
        if admin:
            refused = await run_in_threadpool(admin_refusal, scope, headers, state)
            if refused is not None:
                await refused(scope, receive, send)
                return
        else:
            admitted = await self._admit(scope, headers, state)
            if not isinstance(admitted, Tenant):
                await admitted(scope, receive, send)
                return
            scope.setdefault("state", {})["tenant"] = admitted
        await self._limited(scope, receive, send, headers, state)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, headers: Headers, state) -> None:
        """The app, with the body cut off at its limit (413)."""
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
        """The tenant, or the response that refuses the request. A key checked lately (the usual
        poll) is admitted on the event loop, if no key was revoked since: its budget and the revocation
        epoch are one awaited Redis round trip, or arithmetic without Redis. Other keys go to a worker
        thread, for their database lookup."""
        key = bearer_key(headers)
        client = client_address(scope, state.settings.trusted_proxies)
        if key is None and (token := feed_token(scope)) is not None:
            return await run_in_threadpool(RequestGate._authenticate_feed, token, client, state)
        if key is None:
            return error_response(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>'",
                                  _UNAUTHORIZED)
        reads = scope["method"] in ("GET", "HEAD")
        cached = state.key_cache.get(key)
        if cached is None:
            return await run_in_threadpool(RequestGate._authenticate, key, client, reads, state, None)
        # a key that authenticated is not stopped by its address's lockout (see _authenticate)
        wait, epoch = await state.limits.take_async(hash_key(key), reads)
        if epoch is not None and epoch == cached[1]:
            return _refusal(0.0, wait, reads) or cached[0]
        return await run_in_threadpool(RequestGate._authenticate, key, client, reads, state, wait)

    @staticmethod
    def _authenticate(key: str, client: str, reads: bool, state, charged: float | None):
        """A key not checked lately, or checked before a revocation: the database (blocking: runs on a
        worker thread). `charged`: the budget's wait when the budget was already taken from.

        The lockout is keyed by address, and stops only keys that have not authenticated lately: after
        `auth_failures_per_minute` failures from one address, a key it has not vouched for gets 429 without
        a lookup (so a guesser behind it meets the limit however it rotates its guesses), while a key that
        authenticated within the last day (a colleague behind the same NAT) is still checked and served."""
        limits = state.limits
        digest = hash_key(key)
        locked = limits.auth_failures.peek(client)
        if locked > 0 and not limits.vouched(digest):
            return _locked_out(locked)
        epoch = limits.epoch()  # before the lookup: a revocation after it bumps the epoch past this one
        grant = grant_for_key(state.engine, key)
        if grant is None:
            limits.auth_failures.take(client)
            return error_response(401, "unauthorized", "the API key is not valid", _UNAUTHORIZED)
        state.key_cache.put(key, grant.tenant, epoch, grant.expires_at)
        limits.vouch(digest)
        wait = charged if charged is not None else (limits.reads if reads else limits.writes).take(digest)
        return _refusal(0.0, wait, reads) or grant.tenant

    @staticmethod
    def _authenticate_feed(token: str, client: str, state):
        """A calendar feed token (`?token=`): checked in the database on every request, so a revoked
        token is refused at once; failures count against the address as a bad key's do.

        A token that opened its feed within the last day is vouched for as a key is (see _authenticate): a
        calendar app behind the same NAT as a guesser keeps its feed. As safe as for keys: a token is 256
        random bits, so that a guess is among those vouched for is never something a guesser learns, and
        the database is asked during a lockout only for a token vouched for, never per guess."""
        limits = state.limits
        digest = hash_key(token)
        locked = limits.auth_failures.peek(client)
        if locked > 0 and not limits.vouched(FEED_VOUCHED + digest):
            return _locked_out(locked)
        tenant = tenant_for_token(state.engine, token)
        if tenant is None:
            limits.auth_failures.take(client)
            return error_response(401, "unauthorized", "the feed token is not valid (unknown or revoked)")
        limits.vouch(FEED_VOUCHED + digest)
        return _refusal(0.0, limits.reads.take(digest), True) or tenant


def admin_refusal(scope: Scope, headers: Headers, state):
    """The response that refuses an /admin request, else None: 404 while `LEXRISK_ADMIN_TOKEN` is unset, else
    as `token_refusal`. Blocking (a Redis round trip where limits live there): run on a worker thread.

    The admin token is not vouched for as keys are: it is whatever the operator chose, and answering a
    vouched-for guess during the lockout would answer, at no limit, whether a guess is right."""
    token = state.settings.admin_token
    if token is None:
        return error_response(404, "not_found", "admin routes are off (LEXRISK_ADMIN_TOKEN is unset)")
    return token_refusal(scope, headers, state, token, ADMIN_FAILURES, "admin token")


def token_refusal(scope: Scope, headers: Headers, state, token: SecretStr, bucket: str, what: str):
    """For a route behind an operator's token (admin, metrics): 429 while the address is locked out of it, 401
    for a wrong token (a failure counted against the address), else None. Blocking: run on a worker thread.

    Each token's failures have a bucket of their own per address (`bucket` + the address), apart from keys'
    and feed tokens': a guesser of keys behind the operator's NAT does not lock the operator out, and each
    secret still meets the same limit (`LEXRISK_AUTH_FAILURES_PER_MINUTE`)."""
    bucket += client_address(scope, state.settings.trusted_proxies)
    locked = state.limits.auth_failures.peek(bucket)
    if locked > 0:
        return _locked_out(locked)
    sent = bearer_key(headers) or ""
    if not hmac.compare_digest(sent.encode(), token.get_secret_value().encode()):
        state.limits.auth_failures.take(bucket)
        return error_response(401, "unauthorized", f"send the {what} as 'Authorization: Bearer <token>'",
                              _UNAUTHORIZED)
    return None


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
