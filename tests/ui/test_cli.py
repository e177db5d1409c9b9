"""`lexrisk ui` and `lexrisk up` fail with one line, not a traceback; the app's uploader limit follows the
API's. (A whole `lexrisk up` run, stopped by SIGTERM, is tests/ui/test_browser.py's fixture.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from lexrisk.commands.ui import streamlit_command
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
