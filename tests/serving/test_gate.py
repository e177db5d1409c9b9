"""The gate before the body: authentication, body limits and rate budgets, checked against a real
uvicorn server with a raw socket, since what matters is what the server reads before it answers."""

from __future__ import annotations

import contextlib
import json
import socket
import time

import httpx

from serving.api.deps import app_engine
from tests.serving.conftest import make_settings
from tests.serving.live import live_server

BOUNDARY = "lexriskboundary"


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _chunked_upload(base: str, key: str | None, chunks: int, chunk_size: int = 64 * 1024,
                    timeout: float = 10.0, path: str = "/v1/contracts") -> tuple[int, dict, int]:
    """Send a chunked multipart upload of up to `chunks` chunks, stopping as soon as the server answers;
    never sends the final chunk. Returns (status, body, chunks sent)."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    sock.sendall((f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{auth}"
                  f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n").encode())
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    sock.sendall(_chunk(head))
    sent = 0
    sock.setblocking(False)
    reply = b""
    try:
        for _ in range(chunks):
            with contextlib.suppress(BlockingIOError):
                reply += sock.recv(65536)
            if reply:
                break
            try:
                sock.sendall(_chunk(b"a" * chunk_size))
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
            sent += 1
        sock.settimeout(timeout)
        status, body = _read_response(sock, reply)
    finally:
        sock.close()
    return status, body, sent


def _read_response(sock: socket.socket, reply: bytes = b"") -> tuple[int, dict]:
    """Status and JSON body of one response with a Content-Length."""
    while True:
        head, sep, body = reply.partition(b"\r\n\r\n")
        if sep:
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            if len(body) >= length:
                return int(head.split(b" ")[1]), json.loads(body[:length])
        more = sock.recv(65536)
        assert more, f"connection closed before a full response: {reply!r}"
        reply += more


def test_no_key_gets_401_before_the_body_is_read(tmp_path) -> None:
    with live_server(make_settings(tmp_path)) as (base, _keys):
        started = time.monotonic()
        status, body, sent = _chunked_upload(base, None, chunks=3200)  # up to 200 MB
        assert status == 401 and body["error"]["code"] == "unauthorized"
        assert sent * 64 * 1024 < 20e6 and time.monotonic() - started < 10


def test_wrong_key_gets_401_before_the_body_is_read(tmp_path) -> None:
    with live_server(make_settings(tmp_path)) as (base, _keys):
        status, _body, sent = _chunked_upload(base, "lxk_wrong", chunks=3200)
        assert status == 401 and sent * 64 * 1024 < 20e6


def test_admin_routes_refuse_a_wrong_token_before_the_body_is_read(tmp_path) -> None:
    """/admin is outside /v1 but gated the same way: 300 MB sent to /admin/models/rollback without the admin
    token once filled the server's memory before FastAPI's dependency answered (422, not even 401)."""
    with live_server(make_settings(tmp_path, admin_token="admin-secret")) as (base, _keys):
        for key in (None, "not-the-token"):
            status, body, sent = _chunked_upload(base, key, chunks=3200, path="/admin/models/rollback")
            assert status == 401 and body["error"]["code"] == "unauthorized", body
            assert sent * 64 * 1024 < 20e6


def test_an_admin_body_past_the_limit_is_cut_off_with_413(tmp_path) -> None:
    with live_server(make_settings(tmp_path, admin_token="admin-secret")) as (base, _keys):
        status, body, sent = _chunked_upload(base, "admin-secret", chunks=3200, path="/admin/models/rollback")
        assert status == 413 and body["error"]["code"] == "too_large", body
        assert sent * 64 * 1024 < 20e6
    with live_server(make_settings(tmp_path)) as (base, _keys):  # admin routes off: 404 before the body too
        status, body, sent = _chunked_upload(base, None, chunks=3200, path="/admin/keys")
        assert status == 404 and sent * 64 * 1024 < 20e6


def test_chunked_body_past_the_limit_is_cut_off_with_413(tmp_path) -> None:
    with live_server(make_settings(tmp_path, max_upload_mb=1)) as (base, keys):
        status, body, sent = _chunked_upload(base, keys["acme"], chunks=3200)
        assert status == 413 and body["error"]["code"] == "too_large", body
        assert sent * 64 * 1024 < 20e6  # answered near the 1 MB limit, not after 200 MB
        # the server is fine afterwards
        listing = httpx.get(f"{base}/v1/contracts", headers={"Authorization": f"Bearer {keys['acme']}"})
        assert listing.status_code == 200


def test_declared_length_past_the_limit_is_refused_up_front(tmp_path) -> None:
    with live_server(make_settings(tmp_path, max_upload_mb=1)) as (base, keys):
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall((f"POST /v1/contracts HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {keys['acme']}\r\n"
                          f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                          "Content-Length: 200000000\r\n\r\n").encode())
            status, body = _read_response(sock)
        assert status == 413 and body["error"]["code"] == "too_large"


def test_small_chunked_upload_still_works(tmp_path) -> None:
    with live_server(make_settings(tmp_path)) as (base, keys):
        body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.txt\"\r\n"
                "Content-Type: text/plain\r\n\r\nThe Customer shall purchase exclusively from Provider.\r\n"
                f"--{BOUNDARY}--\r\n").encode()
        response = httpx.post(f"{base}/v1/contracts", content=iter([body[:40], body[40:]]),
                              headers={"Authorization": f"Bearer {keys['acme']}",
                                       "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                              timeout=60)  # the first upload warms the server up: seconds on a busy CI machine
        assert response.status_code == 202, response.text


def test_polls_and_uploads_have_separate_budgets(tmp_path) -> None:
    from tests.serving.conftest import open_api

    for api in open_api(make_settings(tmp_path, rate_limit_per_minute=2, rate_limit_reads_per_minute=30)):
        polls = [api.client.get("/v1/contracts", headers=api.h()).status_code for _ in range(20)]
        assert set(polls) == {200}
        uploads = [api.upload(data=f"{i}. The Customer shall not assign.".encode(), name=f"{i}.txt").status_code
                   for i in range(3)]
        assert uploads == [202, 202, 429]
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 200


def test_failed_authentication_is_limited_per_address(tmp_path) -> None:
    from tests.serving.conftest import open_api

    for api in open_api(make_settings(tmp_path, auth_failures_per_minute=3)):
        codes = [api.client.get("/v1/contracts", headers={"Authorization": f"Bearer lxk_guess{i}"}).status_code
                 for i in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        limited = api.client.get("/v1/contracts", headers={"Authorization": "Bearer lxk_guess9"})
        assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1


def test_metrics_can_be_closed_with_a_token_and_name_no_tenant(tmp_path) -> None:
    from tests.serving.conftest import open_api

    for api in open_api(make_settings(tmp_path, metrics_token="scrape-secret")):
        api.wait(api.upload().json()["job_id"])
        closed = api.client.get("/metrics")
        assert closed.status_code == 401 and closed.json()["error"]["code"] == "unauthorized"
        assert api.client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        text = api.client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).text
        assert 'lexrisk_jobs{state="done"} 1.0' in text
        from sqlmodel import Session, select

        from serving.models import Tenant

        with Session(api.resolve(app_engine)) as session:
            tenants = session.exec(select(Tenant)).all()
        assert not any(t.id in text or t.name in text for t in tenants)



def test_the_metrics_token_meets_the_lockout_of_its_own(tmp_path) -> None:
    """Wrong metrics tokens were answered 401 at any rate, so the token (perhaps the admin token's twin) could
    be guessed without limit. Now they count against the address, in a bucket apart from keys' and admin's."""
    from starlette.testclient import TestClient

    from tests.serving.conftest import open_api

    settings = make_settings(tmp_path, metrics_token="scrape-secret", admin_token="admin-secret",
                             auth_failures_per_minute=3)
    for api in open_api(settings):
        codes = [api.client.get("/metrics", headers={"Authorization": f"Bearer guess{i}"}).status_code
                 for i in range(4)]
        assert codes == [401, 401, 401, 429]
        locked = api.client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "rate_limited"
        assert int(locked.headers["retry-after"]) >= 1
        assert api.client.get("/v1/contracts", headers=api.h()).status_code == 200  # keys: another bucket
        assert api.client.get("/admin/keys", headers={"Authorization": "Bearer admin-secret"}).status_code == 200
        scraper = TestClient(api.client.app, client=("192.0.2.9", 4000))  # the scraper's own address
        assert scraper.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200

def test_a_damaged_docx_keeps_the_keep_alive_connection(tmp_path) -> None:
    """The malformed-XML DOCX used to escape as a 500 that reset the connection; now it is a 422 and
    the same connection serves the next request."""
    from tests.serving.test_edges import malformed_docx

    with live_server(make_settings(tmp_path)) as (base, keys):
        host, port = base.removeprefix("http://").split(":")
        part = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bad.docx\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + malformed_docx() + \
            f"\r\n--{BOUNDARY}--\r\n".encode()
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall((f"POST /v1/contracts HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {keys['acme']}\r\n"
                          f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                          f"Content-Length: {len(part)}\r\n\r\n").encode() + part)
            status, body = _read_response(sock)
            assert status == 422 and body["error"]["code"] == "corrupt_file"
            sock.sendall((f"GET /v1/contracts HTTP/1.1\r\nHost: {host}\r\n"
                          f"Authorization: Bearer {keys['acme']}\r\n\r\n").encode())
            status, body = _read_response(sock)
            assert status == 200 and body["count"] == 0
