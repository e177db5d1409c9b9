"""API replicas, workers and the migration Job all migrate at start: on PostgreSQL the upgrades must
serialize (advisory lock), so that a cold start of many pods on an empty database succeeds everywhere."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from annotation.store.db import current_revision, make_engine, upgrade

PG_URL = os.environ.get("LEXRISK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
pytestmark = pytest.mark.postgres


def _lock_timeout(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '60s'")
    dbapi_connection.commit()


def test_concurrent_upgrades_of_an_empty_database_all_succeed() -> None:
    psycopg = pytest.importorskip("psycopg")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable: {exc}")
    admin.execute(f'CREATE SCHEMA "{schema}"')
    engines = [make_engine(PG_URL, schema=schema) for _ in range(4)]
    for engine in engines:  # without the lock the upgrades block one another: fail, never hang
        event.listen(engine, "connect", _lock_timeout)
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(upgrade, engines))  # raises if any upgrade failed
        heads = {current_revision(engine) for engine in engines}
        assert len(heads) == 1 and None not in heads
    finally:
        for engine in engines:
            engine.dispose()
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()
