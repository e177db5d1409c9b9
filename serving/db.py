"""The database: the same one as the annotation store (SQLite by default, PostgreSQL in production via
`LEXRISK_DATABASE_URL`), so that a review is a label in the same transaction; its Alembic history
(annotation/store/alembic) migrates the service's tables too."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

from annotation.store.db import make_engine as _store_engine
from annotation.store.db import register_model_module, upgrade

register_model_module("serving.models")  # the service's tables: one database, one Alembic history


def make_engine(url: str, *, schema: str | None = None, pool_size: int | None = None) -> Engine:
    engine = _store_engine(url, schema=schema, pool_size=pool_size)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_concurrency)
    return engine


def _sqlite_concurrency(dbapi_connection, _record) -> None:
    # WAL lets the API read while a job writes; waiting beats failing on a briefly locked database
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(engine: Engine) -> None:
    upgrade(engine)
