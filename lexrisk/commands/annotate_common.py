"""What every `lexrisk annotate` command shares: opening the store, the tenant check, a progress bar, the import
report. Kept apart from `lexrisk.commands.annotate` so the sub-command modules and the root module do not import
each other."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from annotation.store import Store

PLAIN_PROGRESS_EVERY_S = 10.0  # off a terminal: a progress line at most this often, none for quicker work


def open_store(args: argparse.Namespace) -> Store:
    """The store named by --db or the settings, migrated to the current schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from annotation.store import Store
    from contracts.errors import CommandError
    from lexrisk.commands.args import database_url
    from serving.command_db import shown_url

    url = database_url(args)
    try:
        return Store(url)
    except (SQLAlchemyError, ValueError, OSError) as exc:  # OSError: a SQLite file under a file, say
        raise CommandError(f"cannot open the store at {shown_url(url)}: {str(exc).splitlines()[0]}") from None


def require_tenant(session: Session, name: str) -> None:
    """Refuse a tenant the store does not hold, in the one line every command gives (`tenants set`, and each
    `annotate` command that reads one tenant's labels): an unknown name would otherwise read as a tenant with
    nothing in it, an empty report and exit 0. The hint is a command to paste, the name quoted for the shell."""
    from annotation.store import tenant_named
    from contracts.errors import CommandError

    if tenant_named(session, name) is None:
        raise CommandError(f"no tenant {name!r}; `lexrisk tenants list` shows them "
                           f"(`lexrisk keys create --tenant {shlex.quote(name)}` makes one)")


def open_tenant_store(args: argparse.Namespace) -> Store:
    """The store (`open_store`), after checking that it holds the tenant `--tenant` names."""
    store = open_store(args)
    with store.session() as session:
        require_tenant(session, args.tenant)
    return store


def add_tenant_argument(parser: argparse.ArgumentParser) -> None:
    """`--tenant NAME`: whose contracts and labels the command reads or writes (one tenant never sees
    another's); `public`, the tenant of public data sets such as CUAD, by default."""
    parser.add_argument("--tenant", default="public", metavar="NAME",
                        help="the tenant whose contracts and labels to use (default: public)")


def progress_bar(label: str) -> tuple[AbstractContextManager, Callable[[int, int], None]]:
    """A progress display as a (done, total) callback, plus the context that shows it, on stderr. On a terminal,
    a transient rich bar. Elsewhere (a log, CI, a pipe), where a transient bar leaves only a blank line before the
    command's own warning or error, a plain `LABEL: done/total` line at most every PLAIN_PROGRESS_EVERY_S seconds,
    so work of minutes is not minutes of silence while quick work prints nothing."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if not console.is_terminal:
        return nullcontext(), _plain_progress(label)
    bar = Progress(console=console, transient=True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def _plain_progress(label: str) -> Callable[[int, int], None]:
    started = last = time.monotonic()

    def update(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PLAIN_PROGRESS_EVERY_S or (done == total and last > started):
            print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)
            last = now

    return update


def print_report(summary: dict, notes: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Import from {summary['source']}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in summary.items():
        if key != "source":
            table.add_row(key.replace("_", " "), str(value))
    console = Console()
    console.print(table)
    for note in notes[:20]:
        console.print(f"  {note}", highlight=False, soft_wrap=True)
