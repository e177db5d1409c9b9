"""What a command says about its failures and the files it writes, worded once for every command: an error
is one line `lexrisk: error: ...` (docs/cli.md), and each file written is named on stderr as `wrote PATH`, so
that stdout carries only the data a pipe reads (a table, JSON, a page) and a folder's reports are never
written in silence. Writing is guarded here too: a folder the OS will not create or a file it will not
write (`--out /proc/x`) is a CommandError naming it and the OS's reason, not a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

from contracts.errors import CommandError

PREFIX = "lexrisk: error: "


def error_line(message: str) -> str:
    """The one line a user error prints on stderr (the command root's and `analyze`'s per-file refusals)."""
    return f"{PREFIX}{message}"


def make_folder(folder: Path) -> None:
    """`folder` and its parents, made if missing. argparse's `folder_to_write` has checked the nearest existing
    folder, but the OS may still refuse (a pseudo-filesystem such as /proc, a read-only mount, a full disk)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None


def write_file(path: Path, body: str | bytes) -> None:
    """Write `body` (text as UTF-8) to `path` and say so on stderr; the OS's refusal is a CommandError."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}", file=sys.stderr)
