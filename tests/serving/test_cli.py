"""The serving commands: --help for each, keys create, and one-line errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from contracts.wire import ErrorBody
from lexrisk.cli import main
from lexrisk.testing.vllm_server import ROOT, free_port
from serving.db import make_engine
from serving.keys import tenant_for_key

REDIS_URL = os.environ.get("LEXRISK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.parametrize("argv", [["serve", "--help"], ["worker", "--help"], ["keys", "--help"],
                                  ["keys", "create", "--help"], ["tenants", "--help"], ["tenants", "list", "--help"],
                                  ["tenants", "set", "--help"]])
def test_help(argv, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage: lexrisk" in capsys.readouterr().out


def test_keys_create_prints_a_working_key_once(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    monkeypatch.setenv("LEXRISK_DATABASE_URL", url)
    from contracts.settings import clear_settings

    clear_settings()
    try:
        assert main(["keys", "create", "--tenant", "acme"]) == 0
        out = capsys.readouterr()
        key = out.out.strip()
        assert key.startswith("lxk_") and key not in out.err
        engine = make_engine(url)
        tenant = tenant_for_key(engine, key)
        assert tenant is not None
        with engine.connect() as connection:  # only the hash is stored
            assert key not in str(connection.exec_driver_sql("SELECT * FROM serving_api_keys").fetchall())
        engine.dispose()
        assert main(["keys", "create", "--tenant", "  "]) == 2
        assert "tenant name is empty" in capsys.readouterr().err
    finally:
        clear_settings()


def test_tenants_list_shows_a_name_that_looks_like_markup_as_written(tmp_path, monkeypatch, capsys) -> None:
    """Rich reads "[bold]" in a cell as a style and "[/i]" as a closing tag it cannot match (a crash)."""
    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{tmp_path / 't.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    from contracts.settings import clear_settings

    clear_settings()
    try:
        for name in ("[bold]Acme[/bold]", "Beta [/i] LLP"):
            assert main(["keys", "create", "--tenant", name]) == 0
        capsys.readouterr()
        assert main(["tenants", "list"]) == 0
        out = capsys.readouterr().out
        assert "[bold]Acme[/bold]" in out and "Beta [/i] LLP" in out
    finally:
        clear_settings()


@pytest.mark.parametrize("argv", [["keys", "list"], ["models", "list"], ["models", "rollback"],
                                  ["tenants", "--db", "postgresql://nobody:s3cret@127.0.0.1:1/none", "list"],
                                  ["serve", "--workers", "2"]])
def test_a_database_that_cannot_be_opened_is_a_one_line_error(argv, monkeypatch, capsys) -> None:
    """The database commands (and `serve --workers`) share one opening (serving.command_db): a dead server is one line, exit 2,
    and the password in the URL is not printed."""
    from contracts.settings import clear_settings

    monkeypatch.setenv("LEXRISK_DATABASE_URL", "postgresql://nobody:s3cret@127.0.0.1:1/none")
    monkeypatch.setenv("LEXRISK_REDIS_URL", REDIS_URL)  # serve --workers asks for it before the database
    clear_settings()
    try:
        assert main(argv) == 2
    finally:
        clear_settings()
    err = capsys.readouterr().err.strip()
    assert err.startswith("lexrisk: error: cannot open the database at postgresql://nobody:***@127.0.0.1:1/none")
    assert len(err.splitlines()) == 1 and "s3cret" not in err


def test_worker_without_redis_is_a_one_line_error(monkeypatch, capsys) -> None:
    monkeypatch.delenv("LEXRISK_REDIS_URL", raising=False)
    from contracts.settings import clear_settings

    clear_settings()
    try:
        assert main(["worker"]) == 2
        assert "LEXRISK_REDIS_URL is not set" in capsys.readouterr().err
    finally:
        clear_settings()


def _serve(tmp_path, *argv: str, **env: str) -> tuple[subprocess.Popen, str]:
    """`lexrisk serve` in a process group of its own on a free port, once /readyz answers 200."""
    port = free_port()
    environment = {**os.environ, "LEXRISK_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "LEXRISK_ANALYZER": "fake",
                   "LEXRISK_ANALYZER_PLUGINS": '{"fake": "tests.serving.fakes:factory"}', "PYTHONPATH": str(ROOT), **env}
    if "LEXRISK_REDIS_URL" not in env:
        environment.pop("LEXRISK_REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "lexrisk", "serve", "--port", str(port), *argv], cwd=ROOT,
                               env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"lexrisk serve exited: {process.stderr.read().decode()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("lexrisk serve did not become ready")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)
    # uvicorn shuts the app down (the lifespan stops the job queue), then re-raises SIGTERM
    assert process.returncode in (0, -signal.SIGTERM)
    return process.stderr.read().decode()


def _raw_exchange(url: str, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send `request` as bytes (no client library would send a malformed one) and read the whole answer:
    its status line, headers and body."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


MALFORMED = [b"GARBAGE\r\n\r\n", b"GET /v1/contracts HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
             b"POST /v1/contracts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]


def _assert_json_400(url: str) -> None:
    """Each request the HTTP parser refuses is answered with the API's one error body, as JSON, and the
    connection is closed; uvicorn's own answer was plain text ("Invalid HTTP request received.")."""
    for request in MALFORMED:
        status, headers, body = _raw_exchange(url, request)
        assert status == "HTTP/1.1 400 Bad Request", request
        assert headers["content-type"] == "application/json" and headers["connection"] == "close"
        assert int(headers["content-length"]) == len(body)
        error = ErrorBody.model_validate(json.loads(body)).error
        assert error.code == "malformed_request" and "not valid HTTP" in error.message


@pytest.mark.slow
def test_serve_starts_the_api_on_loopback(tmp_path) -> None:
    process, url = _serve(tmp_path)
    try:
        assert httpx.get(f"{url}/v1/contracts").status_code == 401
        _assert_json_400(url)
        assert httpx.get(f"{url}/v1/contracts").status_code == 401  # the server carries on
    finally:
        err = _stop(process)
    assert "Application shutdown complete" in err and "Traceback" not in err


def _spawned_children(pid: int) -> int:
    """Worker processes multiprocessing spawned under `pid` (not its resource tracker)."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rpartition(")")[2].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        count += ppid == pid and b"spawn_main" in cmdline
    return count


@pytest.mark.slow
def test_serve_with_two_workers_shares_one_port(tmp_path) -> None:
    """Two API processes on one socket, on a fresh SQLite file: the file is migrated once before they
    start (their own start-up migrations raced, and one failed: "table already exists")."""
    process, url = _serve(tmp_path, "--workers", "2", LEXRISK_REDIS_URL=REDIS_URL)
    try:
        assert _spawned_children(process.pid) == 2
        with httpx.Client(base_url=url) as http:
            assert all(http.get("/v1/contracts").status_code == 401 for _ in range(20))
        _assert_json_400(url)
    finally:
        err = _stop(process)
    assert err.count("Application shutdown complete") == 2 and "Traceback" not in err


def test_serve_with_workers_but_no_redis_is_a_one_line_error(monkeypatch, capsys) -> None:
    from contracts.settings import clear_settings

    monkeypatch.delenv("LEXRISK_REDIS_URL", raising=False)
    clear_settings()
    try:
        assert main(["serve", "--workers", "2"]) == 2
    finally:
        clear_settings()
    assert capsys.readouterr().err.strip() == ("lexrisk: error: --workers above 1 needs LEXRISK_REDIS_URL (jobs and "
                                               "rate limits shared through Redis)")
