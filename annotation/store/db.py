"""Engines, sessions and migrations. Alembic's revisions are the schema's source; the models only
describe it, and a test checks that upgrading an empty database gives exactly the models' schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session, SQLModel

# Modules whose tables share the one metadata. A part above annotation adds its own with
# `register_model_module` when it is imported (serving.db does), so this part never names it.
MODEL_MODULES = ["annotation.store.models"]
ALEMBIC_DIR = Path(__file__).with_name("alembic")
MIGRATION_LOCK_KEY = 0x6C657872  # "lexr": the advisory lock every upgrade of one database takes
# Revisions renumbered so that each file's number is unique and the numbers rise along the one history:
# a database last migrated to one of these carries the old identifier, read here as the new one (the
# files' contents did not change). 0004 and 0005 are retired numbers: only old databases name them.
RENUMBERED_REVISIONS = {"0003_keys": "0006", "0004": "0007", "0005": "0008"}


def register_model_module(name: str) -> None:
    """Add a module whose SQLModel tables the one Alembic history also migrates (and autogenerate compares)."""
    if name not in MODEL_MODULES:
        MODEL_MODULES.append(name)


def target_metadata() -> MetaData:
    for name in MODEL_MODULES:
        import_module(name)
    return SQLModel.metadata


def make_engine(url: str, *, schema: str | None = None, pool_size: int | None = None) -> Engine:
    """An engine for `url`. SQLite gets foreign keys enforced and its folder created; `schema` puts
    every PostgreSQL table in that schema (tests isolate themselves this way). `pool_size`: PostgreSQL
    connections kept open, for a server with that many threads (SQLAlchemy's default keeps 5 and opens
    and closes the others per use, a new connection per request under load)."""
    parsed, connect_args, pool = _engine_arguments(url, schema, pool_size)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args=connect_args, **pool)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _engine_arguments(url: str, schema: str | None, pool_size: int | None) -> tuple[URL, dict[str, object], dict[str, int]]:
    parsed = make_url(url)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() != "sqlite" and schema:
        connect_args["options"] = f"-csearch_path={schema}"
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    pool: dict[str, int] = {}
    if pool_size is not None and parsed.get_backend_name() == "postgresql":
        pool = {"pool_size": pool_size, "max_overflow": 10}
    return parsed, connect_args, pool


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (Alembic `upgrade`), inside one transaction. On PostgreSQL a
    transaction-scoped advisory lock serializes concurrent upgrades: API replicas, workers and the
    migration Job all migrate at start, and the second one in must find the work done, not race it."""
    from alembic import command

    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision` (Alembic `downgrade`), inside one transaction."""
    from alembic import command

    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step, revision: str) -> None:
    """Run an Alembic command on one connection. On SQLite, batch migrations rebuild a table by copying
    it, which foreign keys would refuse while rows point at it: they are off during the migration (a
    pragma that only takes effect outside a transaction) and checked before it commits."""
    config = alembic_config(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":  # API, workers and the migration Job start together
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                config.attributes["connection"] = connection
                _renumber(connection)
                step(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration to {revision} left rows pointing nowhere: {broken[:3]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _renumber(connection) -> None:
    """Give a database stamped with a renumbered revision its new identifier, before Alembic reads it."""
    from sqlalchemy import inspect

    if not inspect(connection).has_table("alembic_version"):
        return
    for old, new in RENUMBERED_REVISIONS.items():
        connection.execute(text("UPDATE alembic_version SET version_num = :new WHERE version_num = :old"),
                           {"new": new, "old": old})


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class Store:
    """The annotation store at a URL: an engine, migrated on open, and a transactional session."""

    def __init__(self, url: str, *, migrate: bool = True, schema: str | None = None) -> None:
        self.url = url
        self.engine = make_engine(url, schema=schema)
        if migrate:
            upgrade(self.engine)

    @classmethod
    def from_settings(cls, settings=None) -> Store:
        from contracts.settings import CommonSettings, load_settings

        return cls((settings or load_settings(CommonSettings)).database_url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends and rolled back if it raises, so a
        failed import leaves the store as it was."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
