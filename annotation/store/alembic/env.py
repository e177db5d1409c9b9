"""Alembic environment: runs on the connection the caller hands over (`Store` does), or on the URL
in the config when run by `alembic` itself. The metadata holds the tables of the parts imported so far
(serving.db registers the service's); to autogenerate a revision, import serving.db first."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from annotation.store.db import target_metadata

config = context.config
metadata = target_metadata()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: no connection given and no sqlalchemy.url set")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
