"""Status reads on PostgreSQL, straight through psycopg's async connection pool.

Pollers send most of the API's requests: `GET /v1/jobs/{id}`, one indexed query, and the dashboard's
`GET /v1/contracts`, three. Through SQLAlchemy's asyncio layer each query cost several times the CPU of
the query itself (a pool checkout with its events, every driver call bridged through a greenlet, the
ORM loading rows). Here the same statements go to a pooled psycopg connection on the event loop and
the rows become the same models (benchmarks/status_latency.py: the server's CPU per request against
the code before). The statements are SQLAlchemy's (serving/service.py), compiled once for psycopg, so
tables and columns come from the models and nothing here spells SQL by hand."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.sql import Select
from sqlmodel import SQLModel

T = TypeVar("T", bound=SQLModel)
_DIALECT = psycopg_dialect()


@cache
def compiled(statement: Select) -> str:
    """The statement's SQL for psycopg, its bindparams as `%(name)s`. Statements are module constants,
    so each is compiled once per process."""
    return str(statement.compile(dialect=_DIALECT))


def status_reads(database_url: str, *, schema: str | None = None, size: int = 32) -> PgReads | None:
    """The pool for PostgreSQL; None for a database without an async driver (SQLite), where the
    caller reads on a worker thread."""
    if make_url(database_url).get_backend_name() != "postgresql":
        return None
    return PgReads(database_url, schema=schema, size=size)


class PgReads:
    """A pool of autocommit connections (no BEGIN/ROLLBACK around a read), all opened at start-up: a
    poll never waits for a connection to open (a pool grown on demand under 32 pollers had the slowest
    polls). `open` and `close` run on the server's event loop (the app's lifespan)."""

    def __init__(self, database_url: str, *, schema: str | None = None, size: int = 32) -> None:
        configure_mappers()  # the models' instrumentation, complete before rows are loaded into them
        url = make_url(database_url).set(drivername="postgresql")
        kwargs: dict[str, Any] = {"autocommit": True}
        if schema:
            kwargs["options"] = f"-csearch_path={schema}"
        self.pool = AsyncConnectionPool(url.render_as_string(hide_password=False), min_size=size, max_size=size,
                                        kwargs=kwargs, open=False, name="lexrisk-status-reads")

    async def open(self) -> None:
        await self.pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        await self.pool.close()

    async def rows(self, statement: Select, **params: Any) -> list[dict[str, Any]]:
        async with self.pool.connection() as connection, connection.cursor(row_factory=dict_row) as cursor:
            await cursor.execute(compiled(statement), params)
            return await cursor.fetchall()

    async def all(self, model: type[T], statement: Select, **params: Any) -> list[T]:
        """Rows as instances of a table model, made as SQLAlchemy's ORM loads a row: a new instance from
        the class's manager with the row as its state, not validated (the database's own values, typed
        by the driver). Validating a table model costs some 100 µs a row, most of a listing's time."""
        manager = manager_of_class(model)
        loaded = []
        for row in await self.rows(statement, **params):
            instance = manager.new_instance()
            instance.__dict__.update(row)
            loaded.append(instance)
        return loaded

    async def one(self, model: type[T], statement: Select, **params: Any) -> T | None:
        found = await self.all(model, statement, **params)
        return found[0] if found else None

    async def scalar(self, statement: Select, **params: Any) -> Any:
        (row,) = await self.rows(statement, **params)
        (value,) = row.values()
        return value
