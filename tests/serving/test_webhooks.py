"""Signed job-end webhooks: Standard Webhooks signature, retries with backoff, allow-list (no SSRF)."""

from __future__ import annotations

import base64
import ipaddress
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from serving.webhooks import check_callback_url, deliver, sign, verify
from tests.serving.conftest import make_settings, open_api

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


class _Receiver:
    """A loopback HTTP server that fails the first `failures` deliveries with 503."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.paths: list[str] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.paths.append(self.path)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                code = 503 if len(receiver.received) <= receiver.failures else 204
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def test_signature_matches_standard_webhooks_reference() -> None:
    # the example of the Standard Webhooks spec's reference implementations
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_job_end_webhook_is_signed_and_retried(tmp_path) -> None:
    receiver = _Receiver(failures=2)
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["127.0.0.1:*"], webhook_allow_private=True)
    try:
        for api in open_api(settings):
            accepted = api.upload(callback_url=receiver.url).json()
            job = api.wait(accepted["job_id"])
            for _ in range(100):
                job = api.client.get(f"/v1/jobs/{accepted['job_id']}", headers=api.h()).json()
                if job["webhook_status"] not in (None, "pending"):
                    break
                threading.Event().wait(0.05)
            assert job["webhook_status"] == "delivered"
    finally:
        receiver.close()
    assert len(receiver.received) == 3  # two 503s, then delivered
    headers, body = receiver.received[-1]
    assert verify(SECRET, headers, body)
    assert not verify(SECRET, headers, body.replace(b"done", b"fail"))
    event = json.loads(body)
    assert event["type"] == "job.done" and event["data"]["job_id"] == accepted["job_id"]
    assert len({h["webhook-id"] for h, _ in receiver.received}) == 1  # one message id across retries


def test_white_space_around_a_callback_url_is_dropped(tmp_path) -> None:
    """A pasted URL kept its surrounding spaces: the job called `/hook%20`, and the same file sent again with
    the URL as typed was refused as a new callback (409 callback_conflict)."""
    receiver = _Receiver()
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["127.0.0.1:*"],
                             webhook_allow_private=True)
    try:
        for api in open_api(settings):
            accepted = api.upload(callback_url=f"  {receiver.url} ").json()
            api.wait(accepted["job_id"])
            again = api.upload(callback_url=receiver.url)
            assert again.status_code == 202 and again.json()["reused"] is True, again.text
            for _ in range(100):
                job = api.client.get(f"/v1/jobs/{accepted['job_id']}", headers=api.h()).json()
                if job["webhook_status"] not in (None, "pending"):
                    break
                threading.Event().wait(0.05)
            assert job["webhook_status"] == "delivered"
            blank = api.upload(data=b"Other. The Customer shall not assign.", name="b.txt", callback_url="   ")
            assert blank.status_code == 400 and blank.json()["error"]["code"] == "invalid_callback_url"
    finally:
        receiver.close()
    assert receiver.paths == ["/hook"]


def test_callback_hosts_outside_allow_list_are_refused(tmp_path) -> None:
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["hooks.example.com", "*.corp.test"])
    check_callback_url("https://hooks.example.com/x", settings)
    check_callback_url("https://dms.corp.test/x", settings)
    for url, code in [("http://169.254.169.254/latest/meta-data", "callback_not_allowed"),
                      ("http://localhost:8000/", "callback_not_allowed"),
                      ("https://hooks.example.com.evil.io/", "callback_not_allowed"),
                      ("ftp://hooks.example.com/", "invalid_callback_url"),
                      ("https://user:pw@hooks.example.com/", "invalid_callback_url")]:
        with pytest.raises(Exception) as info:
            check_callback_url(url, settings)
        assert info.value.code == code, url
    for api in open_api(settings):
        response = api.upload(callback_url="http://127.0.0.1:9/")
        assert response.status_code == 400 and response.json()["error"]["code"] == "callback_not_allowed"
        assert api.client.get("/v1/contracts", headers=api.h()).json()["count"] == 0


def test_webhooks_need_a_secret(tmp_path) -> None:
    for api in open_api(make_settings(tmp_path, webhook_allowed_hosts=["127.0.0.1:*"], webhook_allow_private=True)):
        response = api.upload(callback_url="http://127.0.0.1:9/")
        assert response.status_code == 400 and response.json()["error"]["code"] == "webhooks_disabled"


def test_delivery_gives_up_with_backoff_and_never_follows_redirects(tmp_path) -> None:
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["dms.test"],
                             webhook_max_attempts=4, webhook_backoff_s=0.5)
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://10.0.0.1/"}) if len(calls) == 1 else httpx.Response(500)

    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=False)
    public = lambda host, port: [ipaddress.ip_address("93.184.216.34")]  # noqa: E731 - dms.test's address
    assert deliver("http://dms.test/hook", "msg_1", {"a": 1}, settings, sleep=sleeps.append, client=client,
                   resolver=public) == "rejected"
    assert calls == ["http://93.184.216.34/hook"]  # the redirect was not followed (the checked address, pinned)
    calls.clear()
    calls.append("skip-redirect")
    assert deliver("http://dms.test/hook", "msg_2", {"a": 1}, settings, sleep=sleeps.append, client=client,
                   resolver=public) == "failed"
    assert sleeps == [0.5, 1.0, 2.0]


def test_allow_list_checks_ports_too(tmp_path) -> None:
    settings = make_settings(tmp_path, webhook_secret=SECRET,
                             webhook_allowed_hosts=["hooks.example.com", "dms.example.com:8443", "*.corp.test:*"])
    for url in ("https://hooks.example.com/x", "http://hooks.example.com/x", "https://hooks.example.com:443/x",
                "https://dms.example.com:8443/x", "http://a.corp.test:9000/x"):
        check_callback_url(url, settings)
    for url in ("https://hooks.example.com:6379/x", "http://hooks.example.com:22/x", "https://dms.example.com/x",
                "https://dms.example.com:8444/x"):
        with pytest.raises(Exception) as info:
            check_callback_url(url, settings)
        assert info.value.code == "callback_not_allowed", url
    with pytest.raises(Exception) as info:
        check_callback_url("https://hooks.example.com:99999/x", settings)
    assert info.value.code == "invalid_callback_url"



def test_malformed_hosts_and_port_zero_are_the_clients_400(tmp_path) -> None:
    """A host in brackets that is no IPv6 address made urlsplit raise: the upload answered 500 (and the
    keep-alive connection was dropped). Port 0 passed the allow-list as the default port."""
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["hooks.example.com", "*:*"])
    for api in open_api(settings):
        for i, url in enumerate(("https://[zz]/x", "http://[::1/x", "https://hooks.example.com:0/x")):
            r = api.upload(data=f"{i}. The Customer shall not assign.".encode(), name="a.txt", callback_url=url)
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_callback_url", (url, r.text)
            assert ("brackets" if "[" in url else "invalid port") in r.json()["error"]["message"]

def test_a_slow_receiver_does_not_hold_up_analysis(tmp_path) -> None:
    """One analysis worker, a receiver that answers 503 after 1 s each time: the next contract is
    analyzed while the first job's webhook is still being retried."""
    receiver = _Receiver(failures=100)
    handler = receiver.server.RequestHandlerClass
    original = handler.do_POST

    def slow_post(self) -> None:
        threading.Event().wait(1.0)
        original(self)

    handler.do_POST = slow_post
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["127.0.0.1:*"], webhook_allow_private=True, job_workers=1,
                             webhook_max_attempts=3, webhook_backoff_s=0.5)
    try:
        for api in open_api(settings):
            first = api.upload(callback_url=receiver.url).json()["job_id"]
            api.wait(first)
            second = api.upload(data=b"The Customer shall not assign.", name="b.txt").json()["job_id"]
            assert api.wait(second, timeout=2.5)["status"] == "done"
            hooked = api.client.get(f"/v1/jobs/{first}", headers=api.h()).json()
            assert hooked["webhook_status"] == "pending"  # still retrying, on its own thread
            for _ in range(200):
                hooked = api.client.get(f"/v1/jobs/{first}", headers=api.h()).json()
                if hooked["webhook_status"] != "pending":
                    break
                threading.Event().wait(0.05)
            assert hooked["webhook_status"] == "failed" and len(receiver.received) == 3
    finally:
        receiver.close()


def test_a_delivery_lost_with_its_process_is_sent_at_the_next_start(tmp_path) -> None:
    from datetime import timedelta

    from sqlalchemy import update
    from sqlmodel import Session, col

    from serving.db import make_engine
    from serving.jobs.runner import delivery_grace_s
    from serving.models import Job, utcnow

    receiver = _Receiver()
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["127.0.0.1:*"], webhook_allow_private=True)
    try:
        for api in open_api(settings):
            job_id = api.upload().json()["job_id"]
            api.wait(job_id)
        # what a process killed mid-delivery leaves: the job ended long ago, its webhook still pending
        engine = make_engine(settings.database_url)
        with Session(engine) as session:
            session.exec(update(Job).where(col(Job.id) == job_id).values(
                callback_url=receiver.url, webhook_status="pending",
                finished_at=utcnow() - timedelta(seconds=delivery_grace_s(settings) + 1)))
            session.commit()
        engine.dispose()
        for api in open_api(settings):
            for _ in range(100):
                job = api.client.get(f"/v1/jobs/{job_id}", headers=api.h()).json()
                if job["webhook_status"] != "pending":
                    break
                threading.Event().wait(0.05)
            assert job["webhook_status"] == "delivered"
    finally:
        receiver.close()
    assert len(receiver.received) == 1 and json.loads(receiver.received[0][1])["data"]["job_id"] == job_id


def test_allowed_hosts_that_resolve_to_private_addresses_are_refused(tmp_path) -> None:
    """An allow-listed name is checked by the addresses it resolves to: localhost resolves to 127.0.0.1."""
    settings = make_settings(tmp_path, webhook_secret=SECRET, webhook_allowed_hosts=["localhost:*", "127.0.0.1:*"])
    for url in ("http://localhost:8000/hook", "http://127.0.0.1:8000/hook"):
        with pytest.raises(Exception, match="loopback address") as info:
            check_callback_url(url, settings)
        assert info.value.code == "callback_not_allowed"
    receiver = _Receiver()
    try:
        hook = receiver.url.replace("127.0.0.1", "localhost")
        with pytest.raises(Exception, match="loopback address"):  # the job records why, as for the allow-list
            deliver(hook, "msg_1", {"a": 1}, settings, sleep=lambda s: None)
        assert receiver.received == []  # never called
        allowed = settings.model_copy(update={"webhook_allow_private": True})
        assert deliver(hook, "msg_2", {"a": 1}, allowed, sleep=lambda s: None) == "delivered"
        assert receiver.received[0][0]["host"].startswith("localhost:")  # the name it was given, as Host
    finally:
        receiver.close()
    for api in open_api(settings):
        response = api.upload(callback_url="http://localhost:9/hook")
        assert response.status_code == 400 and response.json()["error"]["code"] == "callback_not_allowed"


def test_link_local_and_private_addresses_are_refused(tmp_path) -> None:
    from serving.webhook_targets import check_addresses

    for address in ("169.254.169.254", "10.1.2.3", "192.168.0.10", "100.64.0.1", "::1", "fe80::1", "::ffff:127.0.0.1"):
        with pytest.raises(Exception, match="public addresses only"):
            check_addresses("dms.test", [ipaddress.ip_address(address)], allow_private=False)
    check_addresses("dms.test", [ipaddress.ip_address("93.184.216.34")], allow_private=False)
