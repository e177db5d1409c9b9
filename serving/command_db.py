"""The service's database as one `lexrisk` command uses it: opened at the URL the command names (else the
LEXRISK_DATABASE_URL setting), migrated to head, disposed afterwards. A database that cannot be opened, and
the errors a command declares as the user's to fix, end the command with one line and exit 2 (a
CommandError), never a traceback. Shared by `lexrisk keys`, `models`, `tenants`
and `serve --workers` (which migrates once before its processes start)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from contracts.errors import CommandError


def shown_url(url: str) -> str:
    """The URL for an error line, its password hidden; a URL SQLAlchemy cannot parse has it masked by hand."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


@contextmanager
def command_engine(url: str | None = None, *, refused: tuple[type[Exception], ...] = ()) -> Iterator[Engine]:
    """The migrated engine for the `with` block; an exception of a `refused` type raised in the block
    becomes a CommandError with its message. A URL that does not parse or names no installed driver, and a
    SQLite file whose folder cannot be made, are refused like a database that does not answer."""
    from sqlalchemy.exc import SQLAlchemyError

    from contracts.settings import load_settings
    from serving.db import make_engine, migrate
    from serving.settings import ServiceSettings

    url = url or load_settings(ServiceSettings).database_url
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ValueError, OSError) as exc:
        raise _cannot_open(url, exc) from None
    try:
        try:
            migrate(engine)
        except (SQLAlchemyError, ValueError) as exc:
            raise _cannot_open(url, exc) from None
        try:
            yield engine
        except refused as exc:
            raise CommandError(str(exc)) from None
    finally:
        engine.dispose()


def _cannot_open(url: str, exc: Exception) -> CommandError:
    return CommandError(f"cannot open the database at {shown_url(url)}: {str(exc).splitlines()[0]}")
