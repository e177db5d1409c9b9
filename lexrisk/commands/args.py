"""Command-line pieces that commands of several parts share: which database a command works on
(`--db URL`, else the LEXRISK_DATABASE_URL setting), a command group whose sub-commands all take it, and the
types of the folders and files a command writes (checked as the command line is read, before any work).
Declared once so that `lexrisk annotate`, `lexrisk tenants` and `lexrisk eval judge` spell and resolve
`--db` the same way. The types of the numbers and lists of names a command reads are here too, so that
`--limit 0`, `--bootstrap -1` or `--expires-in-days nan` is refused the same way, as the command line is
read, not after the work or with a traceback. Imports nothing heavy: the root builds every parser on `lexrisk --help`."""

from __future__ import annotations

import argparse
import math
import operator
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.errors import CommandError

if TYPE_CHECKING:
    from analyzers import Analyzer
    from lexrisk.settings import Settings

DB_HELP = "database URL (default: the LEXRISK_DATABASE_URL setting)"
# the files a contract may be, as contracts.ingest.SUPPORTED_SUFFIXES reads them (the API reads the same): a
# Markdown or .text file is plain text, analysed as a .txt is (tests/serving/test_cli_lawyer_files.py holds them equal)
CONTRACT_FILES = "PDF, DOCX or plain text: .txt, .text, .md"


def add_db_argument(parser: argparse.ArgumentParser, help: str = DB_HELP) -> None:
    parser.add_argument("--db", metavar="URL", help=help)


def add_db_command_group(subparsers: argparse._SubParsersAction, name: str, *, help: str, description: str,
                         dest: str, metavar: str) -> argparse._SubParsersAction:
    """The `name` command with `--db` and its (required) sub-commands, which the caller adds."""
    parser = subparsers.add_parser(name, help=help, description=description)
    add_db_argument(parser)
    return parser.add_subparsers(dest=dest, metavar=metavar, required=True)


def needs_existing_store(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Mark a command that only reads the store, or changes only what is already in it: `database_url` then
    refuses a SQLite file that does not exist. Opening one creates an empty store, so a mistyped path left a
    new file behind and the command answered as if the store were empty ("0 contracts", "no key ...")."""
    parser.set_defaults(store_must_exist=True)
    return parser


def database_url(args: argparse.Namespace, settings: Settings | None = None) -> str:
    """The URL `--db` named, else the setting's (of `settings`, default the current ones); for a command marked
    with `needs_existing_store`, a SQLite file that does not exist is a CommandError naming it."""
    from lexrisk.settings import get_settings

    url = getattr(args, "db", None) or (settings or get_settings()).database_url
    if getattr(args, "store_must_exist", False):
        _refuse_missing_sqlite_file(url)
    return url


def _refuse_missing_sqlite_file(url: str) -> None:
    """A SQLite URL whose file is not there; any other URL (PostgreSQL, in-memory, SQLite's own `file:` URIs,
    one that does not parse) is left to the opening, which says what is wrong with it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser().absolute()
    if not path.exists():
        raise CommandError(f"no database at {path}: this command works on an existing store and does not create "
                           "one (is the path right?)")


def add_subcommand(sub: argparse._SubParsersAction, name: str, handler: Callable[[argparse.Namespace], int], *,
                   help: str, description: str) -> argparse.ArgumentParser:
    """A sub-command's parser, its handler set (`args.handler(args)` runs it), for the caller's arguments."""
    parser = sub.add_parser(name, help=help, description=description)
    parser.set_defaults(handler=handler)
    return parser


def analyzer_named(name: str, settings: Settings | None = None) -> Analyzer:
    """The named analyzer on the given settings (default: the current ones) and their playbook; a bad
    name or setting is a CommandError. `lexrisk eval run` passes settings with its `--set` overrides."""
    from analyzers import get_analyzer
    from contracts.playbook import PlaybookError, load_playbook
    from lexrisk.settings import get_settings

    settings = settings or get_settings()
    try:
        return get_analyzer(name, settings, load_playbook(settings.playbook))
    except (ValueError, PlaybookError, ImportError) as exc:
        raise CommandError(f"analyzer {name!r}: {exc}") from None


def _writable_ancestor(path: Path, text: str) -> None:
    """The nearest existing folder above `path` must be a folder this user can write in, else the command
    would fail only after its work, with a traceback (`mkdir` on a file's name)."""
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text}: cannot write in {ancestor}")


def folder_to_write(text: str) -> Path:
    """An argparse type for a folder a command writes into (made if missing): not a file's name, and in a
    place that can be written."""
    path = Path(text)
    if path.exists():
        if not path.is_dir():
            raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(f"cannot write in {text}")
        return path
    _writable_ancestor(path, text)
    return path


def file_to_write(text: str) -> Path:
    """An argparse type for a file a command writes (its folder made if missing): not a folder's name, and in
    a place that can be written."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    if path.exists() and not os.access(path, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text}")
    if not path.exists():
        _writable_ancestor(path, text)
    return path


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type for a count of at least `minimum`: `--limit 0` or `--bootstrap -1` is refused as the
    command line is read, where it used to mean "all but the last" or crash after the whole run."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {text}")
        return value

    return parse


def real_number(*, minimum: float | None = None, above: float | None = None, below: float | None = None,
                maximum: float | None = None, maximum_is: str = "") -> Callable[[str], float]:
    """An argparse type for a finite number within the bounds given (`maximum_is` says what the maximum
    stands for, "100 years"): `float` alone takes "nan" and "inf", which slip through every comparison and
    fail later with a traceback."""
    bounds = [(minimum, operator.ge, "at least", ""), (above, operator.gt, "more than", ""),
              (below, operator.lt, "less than", ""), (maximum, operator.le, "at most", maximum_is)]

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        for bound, holds, words, meaning in bounds:
            if bound is not None and not holds(value, bound):
                shown = f"{bound:g} ({meaning})" if meaning else f"{bound:g}"
                raise argparse.ArgumentTypeError(f"must be {words} {shown}, not {text}")
        return value

    return parse


def lines_of_file(text: str) -> list[str]:
    """An argparse type for a UTF-8 text file the command reads as a list (one item a line): its lines, or
    one error line when it is missing, unreadable or not UTF-8, before any work."""
    try:
        return Path(text).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"{text} is not UTF-8 text") from None
