"""A real API process for the app's tests: `lexrisk serve` on a free port with the embedded analyzer and a
temporary SQLite database, and two tenants' keys made by `lexrisk keys create`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytest.importorskip("streamlit")
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "contracts"
ADMIN_TOKEN = "admin-secret"  # the API's LEXRISK_ADMIN_TOKEN: the Model page's registry actions


@pytest.fixture(autouse=True)
def _keep_main_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put back sys.modules["__main__"] after each test. Streamlit's script runner, AppTest's included, installs
    the script it runs there (a fake module whose __file__ is the script; for `from_function`, a temporary file
    that calls the function with `__args` only AppTest supplies) and never restores it. A `spawn` child re-runs
    the parent's __main__ before its target, so the isolated reader (serving/isolation.py) that a later test in
    this process starts would run that script, die of a NameError before it is ready, and fail every upload."""
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@dataclass
class LiveApi:
    url: str
    keys: dict[str, str]
    env: dict[str, str]


def lexrisk(*args: str, env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-m", "lexrisk.cli", *args], env=env, check=True, capture_output=True,
                          text=True, timeout=120).stdout.strip()


@pytest.fixture(scope="session")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    folder = tmp_path_factory.mktemp("api")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEXRISK_DATABASE_URL": f"sqlite:///{folder / 'lexrisk.db'}",
           "LEXRISK_ANALYZER": "baseline", "LEXRISK_REDIS_URL": "", "LEXRISK_MAX_UPLOAD_MB": "1",
           "LEXRISK_RATE_LIMIT_PER_MINUTE": "10000", "LEXRISK_ADMIN_TOKEN": ADMIN_TOKEN,
           "LEXRISK_PROOFING_KINDS": '["redaction", "unused_definition"]'}  # the Proofing tab's test
    env.pop("LEXRISK_REDIS_URL")
    keys = {name: lexrisk("keys", "create", "--tenant", name, env=env) for name in ("acme", "globex")}
    log = (folder / "api.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "serve", "--port", str(port),
                                "--log-level", "warning"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz", process=process)
        yield LiveApi(url, keys, env)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def read(markdown: str) -> str:
    """What a person reads of Markdown whose marks ui/plain.py escaped: each escaped mark as itself."""
    return re.sub(r"\\([!-/:-@[-`{-~])", r"\1", markdown)
