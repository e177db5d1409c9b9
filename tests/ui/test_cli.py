"""`lexrisk ui` and `lexrisk up` fail with one line, not a traceback; the app's uploader limit follows the
API's. (A whole `lexrisk up` run, stopped by SIGTERM, is tests/ui/test_browser.py's fixture.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from lexrisk.commands.ui import streamlit_command
from lexrisk.commands.up import ready_message
from tests.ui.conftest import ROOT, free_port


def run_lexrisk(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lexrisk.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT)


def test_ui_rejects_a_bad_api_url() -> None:
    result = run_lexrisk("ui", "--api-url", "ftp://example.com")
    assert result.returncode == 2
    assert result.stderr.strip() == "lexrisk: error: --api-url 'ftp://example.com': give an http:// or https:// address"


def test_uploader_limit_is_the_apis_rounded_up() -> None:
    command = streamlit_command("http://api:8000", "127.0.0.1", 8600, 2.5)
    assert command[command.index("--server.maxUploadSize") + 1] == "3"
    assert command[command.index("--server.port") + 1] == "8600"
    assert "--browser.gatherUsageStats" in command


def test_up_says_when_the_api_port_is_taken(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_lexrisk("up", "--api-port", str(port), "--ui-port", str(free_port()),
                             LEXRISK_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert result.returncode == 2
    assert f"lexrisk: error: the API did not start on http://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_up_with_a_tenant_signs_in_with_the_key_it_printed(tmp_path) -> None:
    """`lexrisk up --tenant acme` printed the new key, then "Sign in with a key from `lexrisk keys create
    --tenant NAME`", as if no key had been made."""
    log = tmp_path / "up.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEXRISK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "LEXRISK_ANALYZER": "baseline"}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "up", "--tenant", "acme", "--api-port",
                                    str(free_port()), "--ui-port", str(free_port())],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 180
            while "lexrisk is up" not in log.read_text():
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    printed = log.read_text()
    assert "API key for 'acme' (shown once): " in printed
    assert "Sign in with the key above." in printed and "keys create" not in printed, printed
    assert ready_message("http://a", "http://b", made_key=False).splitlines()[-1].startswith(
        "Sign in with a key from `lexrisk keys create --tenant NAME`.")  # without --tenant, how to make one
