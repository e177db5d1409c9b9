"""Every `lexrisk` sub-command, one module each, registered from this one list (datasette's
`register_commands`). Each module has `register(subparsers)` and imports nothing heavy at module level,
so `lexrisk --help` and `lexrisk analyze` stay fast and a part whose extra is not installed still lists
its commands."""

from __future__ import annotations

import argparse
from importlib import import_module

COMMAND_MODULES = [
    "lexrisk.commands.analyze",
    "lexrisk.commands.compare",
    "lexrisk.commands.baseline",
    "lexrisk.commands.serve",
    "lexrisk.commands.worker",
    "lexrisk.commands.keys",
    "lexrisk.commands.models",
    "lexrisk.commands.tenants",
    "lexrisk.commands.batch",
    "lexrisk.commands.notices",
    "lexrisk.commands.annotate",
    "lexrisk.commands.train",
    "lexrisk.commands.ui",
    "lexrisk.commands.up",
    "lexrisk.commands.eval",
]


def register_commands(subparsers: argparse._SubParsersAction) -> None:
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
