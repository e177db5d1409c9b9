"""Job-end callbacks, signed the Standard Webhooks way (https://www.standardwebhooks.com):
`webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the secret's bytes.

Callback URLs are checked against an allow-list of hosts and ports twice — when the upload names one
and again before each delivery — the addresses the host resolves to must be public (serving/webhook_targets.py;
each delivery connects to the address it checked), and redirects are never followed, so a client cannot make
the service call into the private network (SSRF). An entry `host` allows the scheme's default port only
(443, 80); `host:8443` allows that port, `host:*` any.

Deliveries run on their own threads (`WebhookDispatcher`), apart from analysis: a slow or failing
receiver, with its retries and backoff, never holds a worker that could analyze the next contract."""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import httpx

from serving.errors import InvalidInput
from serving.settings import WebhookSettings
from serving.webhook_targets import Resolver, Target, UnresolvableHost, check_addresses, pinned, resolve

log = logging.getLogger(__name__)


def check_callback_url(url: str, settings: WebhookSettings) -> str:
    """The URL to store and call, once it passes the checks in the module's docstring (else InvalidInput
    naming the problem), without the white space around it: URL parsers drop it (urlsplit checked the URL
    without its leading space while the job stored it with it), and a trailing one was sent as `%20`."""
    url = url.strip()
    if any(ord(c) < 32 or c == "\x7f" for c in url):
        raise InvalidInput("callback_url holds control characters", code="invalid_callback_url")
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[zz]/", "http://[::1": urlsplit refuses them (they were a 500)
        raise InvalidInput(f"callback_url {url!r} has an invalid host: brackets must hold an IPv6 address",
                           code="invalid_callback_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"callback_url {url!r} is not an http(s) URL", code="invalid_callback_url")
    if parts.username or parts.password:
        raise InvalidInput("callback_url must not carry credentials", code="invalid_callback_url")
    if settings.webhook_secret is None:
        raise InvalidInput("this server sends no webhooks (LEXRISK_WEBHOOK_SECRET is unset)",
                           code="webhooks_disabled")
    host = parts.hostname.lower()
    try:
        port = parts.port
    except ValueError:  # out of range or not a number
        port = 0
    if port == 0:  # 0 too: the delivery would have gone to the default port
        raise InvalidInput(f"callback_url {url!r} has an invalid port", code="invalid_callback_url")
    port = port or (443 if parts.scheme == "https" else 80)
    if not any(_allows(entry, host, port, parts.scheme) for entry in settings.webhook_allowed_hosts):
        raise InvalidInput(f"callback host and port {host}:{port} are not in the allow-list "
                           "(LEXRISK_WEBHOOK_ALLOWED_HOSTS)", code="callback_not_allowed")
    with contextlib.suppress(UnresolvableHost):  # a name that does not resolve yet is left to the delivery's tries
        check_addresses(host, resolve(host, port), settings.webhook_allow_private)
    return url


def _allows(entry: str, host: str, port: int, scheme: str) -> bool:
    entry = entry.strip().lower()
    if entry.startswith("["):  # [IPv6]:port
        pattern, _, rest = entry[1:].partition("]")
        allowed_port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        pattern, _, allowed_port = entry.partition(":")
    else:
        pattern, allowed_port = entry, ""
    if allowed_port == "":
        allowed_port = "443" if scheme == "https" else "80"
    return fnmatch.fnmatchcase(host, pattern) and (allowed_port == "*" or allowed_port == str(port))


def secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance_s: int = 300) -> bool:
    """What a receiver runs; used by the tests and documented for integrators."""
    msg_id, ts = headers["webhook-id"], int(headers["webhook-timestamp"])
    if abs(time.time() - ts) > tolerance_s:
        return False
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
    return any(hmac.compare_digest(expected, s.split(",", 1)[1])
               for s in headers["webhook-signature"].split() if s.startswith("v1,"))


def deliver(url: str, msg_id: str, payload: dict[str, Any], settings: WebhookSettings, *,
            sleep: Callable[[float], None] = time.sleep, client: httpx.Client | None = None,
            resolver: Resolver = resolve) -> str:
    """POST the event, retrying with exponential backoff on network errors, 5xx and 429.
    Returns "delivered", "rejected" (a 4xx, or a host that resolves to a private address: retrying will not
    help) or "failed"."""
    check_callback_url(url, settings)
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    body = json.dumps(payload, separators=(",", ":")).encode()
    own = client is None
    client = client or httpx.Client(timeout=settings.webhook_timeout_s, follow_redirects=False)
    try:
        for attempt in range(settings.webhook_max_attempts):
            if attempt:
                sleep(settings.webhook_backoff_s * 2 ** (attempt - 1))
            ts = int(time.time())
            headers = {"content-type": "application/json", "webhook-id": msg_id,
                       "webhook-timestamp": str(ts), "webhook-signature": sign(secret, msg_id, ts, body)}
            try:
                response = _post(client, pinned(url, settings.webhook_allow_private, resolver), body, headers)
            except InvalidInput as exc:
                log.warning("webhook %s to %s refused: %s", msg_id, url, exc)
                return "rejected"
            except (httpx.HTTPError, UnresolvableHost) as exc:
                log.warning("webhook %s to %s: %s", msg_id, url, exc)
                continue
            if response.is_success:
                return "delivered"
            if response.status_code < 500 and response.status_code != 429:
                return "rejected"
        return "failed"
    finally:
        if own:
            client.close()


def _post(client: httpx.Client, targets: list[Target], body: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST to the first of the host's checked addresses that takes the connection."""
    for target in targets[:-1]:
        try:
            return _post_to(client, target, body, headers)
        except httpx.ConnectError:
            continue
    return _post_to(client, targets[-1], body, headers)


def _post_to(client: httpx.Client, target: Target, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post(target.url, content=body, headers={**headers, "host": target.host},
                       extensions={"sni_hostname": target.server_name})


class WebhookDispatcher:
    """A pool of delivery threads apart from the analysis workers; one per process that runs jobs."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lexrisk-webhook")

    def submit(self, send: Callable[[], None]) -> None:
        self.pool.submit(_logged, send)

    def stop(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _logged(send: Callable[[], None]) -> None:
    try:
        send()
    except Exception:
        log.exception("webhook delivery crashed")
