from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from lexrisk.settings import Settings
from serving.api.app import build_app
from serving.db import make_engine, migrate
from serving.keys import create_key

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "contracts"
PLUGINS = {"fake": "tests.serving.fakes:factory", "broken": "tests.serving.fakes:broken",
           "flaky": "tests.serving.fakes:flaky", "stuck": "tests.serving.fakes:stuck"}
T = TypeVar("T")
PG_URL = os.environ.get("LEXRISK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
DROP_ATTEMPTS = 5  # a test schema's drop, retried when it is a deadlock's victim (pg_schema)


def make_settings(tmp_path: Path, **overrides) -> Settings:
    values = dict(database_url=f"sqlite:///{tmp_path / 'lexrisk.db'}", analyzer="fake", analyzer_plugins=PLUGINS,
                  job_workers=2, job_heartbeat_s=0.2, job_stale_after_s=30, webhook_backoff_s=0.01)
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


class Api:
    """A test client plus two tenants' keys."""

    def __init__(self, client: TestClient, keys: dict[str, str]) -> None:
        self.client, self.keys = client, keys

    def resolve(self, provider: Callable[[Request], Coroutine[object, object, T]]) -> T:
        """What a route gets from an app-state dependency of serving.api.deps (`app_engine`, ...), for
        assertions; a test that replaces one uses `client.app.dependency_overrides` instead."""
        return asyncio.run(provider(Request({"type": "http", "app": self.client.app})))

    def h(self, tenant: str = "acme") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[tenant]}"}

    def upload(self, path: Path | None = None, tenant: str = "acme", *, data: bytes | None = None,
               name: str | None = None, **form):
        path = path or SAMPLES / "master_services_agreement.txt"
        body = data if data is not None else path.read_bytes()
        return self.client.post("/v1/contracts", headers=self.h(tenant),
                                files={"file": (name or path.name, body)}, data=form)

    def wait(self, job_id: str, tenant: str = "acme", timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(f"/v1/jobs/{job_id}", headers=self.h(tenant)).json()
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} did not finish: {job}")


def open_api(settings: Settings, schema: str | None = None) -> Iterator[Api]:
    engine = make_engine(settings.database_url, schema=schema)
    migrate(engine)
    keys = {name: create_key(engine, name)[0] for name in ("acme", "globex")}
    engine.dispose()
    with TestClient(build_app(settings, engine_schema=schema)) as client:
        yield Api(client, keys)


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    yield from open_api(settings)


@pytest.fixture(params=["sqlite", "postgresql"])
def both_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """The API on SQLite and on PostgreSQL, for what the two stores must agree on (ordering and paging in SQL,
    locks under concurrent requests)."""
    if request.param == "sqlite":
        yield from open_api(make_settings(tmp_path))
    else:
        yield from open_api(make_settings(tmp_path, database_url=PG_URL), request.getfixturevalue("pg_schema"))


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        conn = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
    conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield name
    finally:
        for attempt in range(DROP_ATTEMPTS):
            try:
                conn.execute(f'DROP SCHEMA "{name}" CASCADE')
                break
            except psycopg.errors.DeadlockDetected:
                # a connection of the test's app, still ending its last query, holds a lock the drop needs and
                # PostgreSQL made the drop the deadlock's victim (CI saw it once): once that query ends, it goes through
                if attempt == DROP_ATTEMPTS - 1:
                    raise
                time.sleep(0.5)
        conn.close()
