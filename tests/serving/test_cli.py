"""The serving commands: --help for each, keys create, and one-line errors."""

from __future__ import annotations

import pytest

from lexrisk.cli import main
from serving.db import make_engine
from serving.keys import tenant_for_key


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
    from contracts.settings import get_settings

    get_settings.cache_clear()
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
        get_settings.cache_clear()


@pytest.mark.parametrize("argv", [["keys", "list"], ["models", "list"], ["models", "rollback"],
                                  ["tenants", "--db", "postgresql://nobody:s3cret@127.0.0.1:1/none", "list"]])
def test_a_database_that_cannot_be_opened_is_a_one_line_error(argv, monkeypatch, capsys) -> None:
    """The database commands share one opening (serving.command_db): a dead server is one line, exit 2,
    and the password in the URL is not printed."""
    from contracts.settings import get_settings

    monkeypatch.setenv("LEXRISK_DATABASE_URL", "postgresql://nobody:s3cret@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        assert main(argv) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip()
    assert err.startswith("lexrisk: error: cannot open the database at postgresql://nobody:***@127.0.0.1:1/none")
    assert len(err.splitlines()) == 1 and "s3cret" not in err


def test_worker_without_redis_is_a_one_line_error(monkeypatch, capsys) -> None:
    monkeypatch.delenv("LEXRISK_REDIS_URL", raising=False)
    from contracts.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["worker"]) == 2
        assert "LEXRISK_REDIS_URL is not set" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


@pytest.mark.slow
def test_serve_starts_the_api_on_loopback(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from serving.vllm_server import ROOT, free_port

    port = free_port()
    env = {**os.environ, "LEXRISK_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "LEXRISK_ANALYZER": "fake",
           "LEXRISK_ANALYZER_PLUGINS": '{"fake": "tests.serving.fakes:factory"}', "PYTHONPATH": str(ROOT)}
    env.pop("LEXRISK_REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "lexrisk", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "lexrisk serve did not become ready"
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/v1/contracts").status_code == 401
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    # uvicorn shuts the app down (the lifespan stops the job queue), then re-raises SIGTERM
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in process.stderr.read().decode()
