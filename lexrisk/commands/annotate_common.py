"""What every `lexrisk annotate` command shares: opening the store, a progress bar, the import report.
Kept apart from `lexrisk.commands.annotate` so the sub-command modules and the root module do not import each other."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotation.store import Store


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


def add_tenant_argument(parser: argparse.ArgumentParser) -> None:
    """`--tenant NAME`: whose contracts and labels the command reads or writes (one tenant never sees
    another's); `public`, the tenant of public data sets such as CUAD, by default."""
    parser.add_argument("--tenant", default="public", metavar="NAME",
                        help="the tenant whose contracts and labels to use (default: public)")


def progress_bar(label: str):
    """A rich progress bar as a (done, total) callback, plus the context that shows it; off when stderr is not
    a terminal, where a transient bar leaves only a blank line before the command's own warning or error."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    bar = Progress(console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


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
