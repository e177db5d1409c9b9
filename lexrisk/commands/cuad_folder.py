"""The CUAD folder argument, its check and the progress bars that the `lexrisk baseline` training sub-commands
share."""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from pathlib import Path


def cuad_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cuad", type=Path, help="CUAD folder (default: settings.cuad_dir)")


def cuad_dir(args: argparse.Namespace) -> Path:
    """The folder `--cuad` names (else the setting), checked: a missing or foreign one is one CLI line."""
    from contracts.errors import CommandError
    from lexrisk.settings import get_settings
    from training.baseline.corpus import CuadError, check_cuad_dir

    folder = args.cuad or get_settings().cuad_dir
    try:
        check_cuad_dir(folder)
    except CuadError as exc:
        raise CommandError(str(exc)) from None
    return folder


@contextmanager
def progress_bars():
    """`start(description, total) -> advance`: a transient bar per step of a long training run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        def start(description: str, total: int):
            task = bar.add_task(description, total=total)
            return lambda: bar.advance(task)

        yield start


def write_figures(path: Path, figures: dict) -> None:
    """A training run's figures as JSON at `path`, with the commit measured and the command that measured it."""
    import json
    import shlex
    import sys

    from contracts.portable_paths import portable
    from eval.runner import source_commit

    command = shlex.join(["lexrisk", *sys.argv[1:]]) if sys.argv[0].endswith("lexrisk") else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(portable({**figures, "commit": source_commit(), "command": command}), indent=1) + "\n",
                    encoding="utf-8")
