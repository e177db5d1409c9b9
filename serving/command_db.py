"""The service's database as one `lexrisk` command uses it: opened at the URL the command names (else the
LEXRISK_DATABASE_URL setting), migrated to head, disposed afterwards. A database that cannot be opened, and
the errors a command declares as the user's to fix, end the command with one line and exit 2 (a
CommandError), never a traceback. Shared by `lexrisk keys`, `models`, `tenants`
and `serve --workers` (which migrates once before its processes start)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine


@contextmanager
def command_engine(url: str | None = None, *, refused: tuple[type[Exception], ...] = ()) -> Iterator[Engine]:
    """The migrated engine for the `with` block; an exception of a `refused` type raised in the block
    becomes a CommandError with its message."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from contracts.errors import CommandError
    from contracts.settings import load_settings
    from serving.db import make_engine, migrate
    from serving.settings import ServiceSettings

    url = url or load_settings(ServiceSettings).database_url
    engine = make_engine(url)
    try:
        try:
            migrate(engine)
        except (SQLAlchemyError, ValueError) as exc:
            where = make_url(url).render_as_string(hide_password=True)
            raise CommandError(f"cannot open the database at {where}: {str(exc).splitlines()[0]}") from None
        try:
            yield engine
        except refused as exc:
            raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
