"""`lexrisk`: one command, a sub-command per job. Each part of lexrisk registers its own sub-commands
from a small module that imports nothing heavy, so `lexrisk --help` and `lexrisk analyze` stay fast
and work with only the core installed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

# modules with `register(subparsers)`; a part whose extra is not installed still lists its commands
COMMAND_MODULES = [
    "serving.analyze_cli",
    "serving.analyzers.baseline.cli",
    "annotation.cli",
    "training.cli",
]


class CommandError(Exception):
    """A failure the user can fix; printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lexrisk", description="Contract risk analysis.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"lexrisk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lexrisk: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
