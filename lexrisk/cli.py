"""`lexrisk`: one command, a sub-command per job, each in its own module under `lexrisk.commands`
and registered from the one list there."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from contracts.errors import CommandError
from contracts.settings import settings_error
from lexrisk.commands import register_commands
from lexrisk.commands.output import error_line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lexrisk", description="Contract risk analysis.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register_commands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # the command as typed, for records that say how to reproduce them (an eval run's run.json)
    args.command_line = shlex.join(["lexrisk", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return 2
    except ValidationError as exc:
        if exc.title != "Settings":  # not the environment: a bug, keep its traceback
            raise
        print(error_line(settings_error(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lexrisk: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
