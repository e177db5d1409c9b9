"""`lexrisk`: one command, a sub-command per job. Each part of lexrisk registers its own sub-commands
from a small module that imports nothing heavy, so `lexrisk --help` and `lexrisk analyze` stay fast
and work with only the core installed.

This root sits above every part (contracts <- annotation, training, eval <- serving <- ui, root), so it
is also where a part that needs another's capability gets it injected: the parts left of `serving`
take an analyzer factory through `args.analyzer_factory` instead of importing `serving`, and
`lexrisk train prepare` the annotation store through `args.training_store`."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING

from pydantic import ValidationError

from contracts.errors import CommandError
from contracts.findings import DocumentAnalyzer
from contracts.settings import settings_error

if TYPE_CHECKING:
    from annotation.prepare import StoreTrainingData
    from contracts.settings import Settings

# modules with `register(subparsers)`; a part whose extra is not installed still lists its commands
COMMAND_MODULES = [
    "serving.analyze_cli",
    "serving.compare_cli",
    "serving.analyzers.baseline.cli",
    "serving.serve_cli",
    "serving.worker_cli",
    "serving.keys_cli",
    "serving.models_cli",
    "serving.tenants_cli",
    "serving.batch_cli",
    "annotation.cli",
    "training.cli",
    "ui.cli",
    "lexrisk.up_cli",
    "lexrisk.eval_cli",
]


def analyzer_factory(name: str, settings: Settings | None = None) -> DocumentAnalyzer:
    """The named analyzer on the given settings (default: the current ones) and their playbook; a bad
    name or setting is a CommandError. `lexrisk eval run` passes settings with its `--set` overrides."""
    from contracts.playbook import PlaybookError, load_playbook
    from contracts.settings import get_settings
    from serving.analyzers import get_analyzer

    settings = settings or get_settings()
    try:
        return get_analyzer(name, settings, load_playbook(settings.playbook))
    except (ValueError, PlaybookError, ImportError) as exc:
        raise CommandError(f"analyzer {name!r}: {exc}") from None


def training_store(args: argparse.Namespace) -> StoreTrainingData:
    """The annotation store (`--db` or the setting) as `lexrisk train prepare` uses it: training may not
    import annotation, so the root hands it over, as it hands analyzers to the commands."""
    from annotation.cli_common import open_store
    from annotation.prepare import StoreTrainingData

    return StoreTrainingData(open_store(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lexrisk", description="Contract risk analysis.")
    parser.set_defaults(analyzer_factory=analyzer_factory, training_store=training_store)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # the command as typed, for records that say how to reproduce them (an eval run's run.json)
    args.command_line = shlex.join(["lexrisk", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"lexrisk: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        if exc.title != "Settings":  # not the environment: a bug, keep its traceback
            raise
        print(f"lexrisk: error: {settings_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lexrisk: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
