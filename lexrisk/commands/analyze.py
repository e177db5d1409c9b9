"""`lexrisk analyze FILE...`: the lawyer's command.

Every file is read and analysed on its own, in a worker process under the file's budget
(LEXRISK_FILE_BUDGET_S, LEXRISK_FILE_MEMORY_MB; serving/file_worker.py) unless LEXRISK_INGEST_ISOLATION is
off: one bad file costs one line on stderr and at most its budget, never the batch. Exit status: 0 all analysed, 2 some file refused (unreadable, too large, ...: the user can
act on it), 1 something crashed (a bug: one line, the traceback with --debug)."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.documents import Document
from contracts.findings import AnalysisResult
from contracts.playbook import PlaybookError, load_playbook
from lexrisk.commands.args import CONTRACT_FILES, folder_to_write
from lexrisk.commands.file_budget import Loaded, crash_line, load, start_worker
from lexrisk.commands.output import error_line, make_folder, write_file

if TYPE_CHECKING:
    from serving.file_worker import FileWorker

EXIT_CRASH = 1
EXIT_REFUSED = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("analyze", help=f"find the risks in contracts ({CONTRACT_FILES})",
                              description="Analyze contracts and report every risk clause with its severity. "
                                          "Exit status: 0 all analyzed, 2 a file was refused, 1 a crash.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=f"contracts to analyze ({CONTRACT_FILES})")
    p.add_argument("--analyzer", default="baseline", help="analyzer backend (default: baseline, embedded)")
    p.add_argument("--format", choices=["table", "json", "html"], default="table",
                   help="table on the terminal (default), JSON (the AnalysisResult schema) or an HTML report")
    p.add_argument("--out", type=folder_to_write, help="write one report per input into this folder")
    p.add_argument("--playbook", type=Path, help="YAML severity playbook overriding the shipped one")
    p.add_argument("--debug", action="store_true", help="print the traceback of a crash")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape

    from analyzers import AnalyzerLoadError, UnknownAnalyzerError, get_analyzer
    from analyzers.openai import BackendError
    from contracts.errors import CommandError
    from contracts.proofing import proofread
    from lexrisk.settings import get_settings
    from serving.file_worker import process_memory

    caller_bytes = process_memory("self")  # what the interpreter held before this command loaded anything
    settings = get_settings()
    err = Console(stderr=True)
    try:
        playbook = load_playbook(args.playbook or settings.playbook)
        analyzer = get_analyzer(args.analyzer, settings, playbook)
    except (PlaybookError, UnknownAnalyzerError, AnalyzerLoadError) as exc:
        raise CommandError(str(exc)) from None
    # what is loaded by now (the parsers, sklearn, the model: some 300,000 objects) lives as long as this
    # command: out of the garbage collector's reach, the collections that a long contract's million
    # sentences trigger do not walk it again each time (about 1 s of a 10 MB text file's analysis)
    gc.freeze()
    if args.out:
        make_folder(args.out)
    elif args.format == "html" and len(args.files) > 1:
        raise CommandError("one HTML page per contract: give --out FOLDER to write a report for each")

    results: list[AnalysisResult] = []
    refused = crashed = 0
    worker = start_worker(analyzer, settings, caller_bytes)
    try:
        for loaded in _load_all(args.files, settings, err, worker):
            if isinstance(loaded.error, BackendError):  # the model server, not the file: every file would fail
                raise CommandError(f"the {args.analyzer} analyzer cannot run: {loaded.error}")
            if loaded.document is not None:
                try:
                    result = loaded.result or analyzer.analyze(loaded.document)
                    # proofing is no finding: it rides beside them and leaves the analyzer's result as it was
                    result = result.model_copy(update={"proofing": proofread(loaded.document, settings.proofing_kinds)})
                    _report(args, loaded.path, loaded.document, result, err)
                    results.append(result)
                except BackendError as exc:  # analysed here (no worker): as above
                    raise CommandError(f"the {args.analyzer} analyzer cannot run: {exc}") from None
                except CommandError:  # the report could not be written (the folder): every file's would fail
                    raise
                except Exception as exc:  # one file's crash must not cost the others their reports
                    loaded.crashed, loaded.trace = crash_line(loaded.path, exc), traceback.format_exc()
            if loaded.refused:
                refused += 1
                err.print(f"[red]{escape(error_line(loaded.refused))}[/red]", highlight=False, soft_wrap=True)
            if loaded.crashed:
                crashed += 1
                err.print(f"[red]lexrisk: crash: {escape(loaded.crashed)}[/red]", highlight=False, soft_wrap=True)
                if args.debug and loaded.trace:
                    err.print(loaded.trace, highlight=False, soft_wrap=True, markup=False)
    finally:
        if worker is not None:
            worker.close()

    if args.format == "json" and not args.out:
        payload = [r.model_dump(mode="json") for r in results]
        print(json.dumps(payload[0] if len(args.files) == 1 and payload else payload, indent=2, ensure_ascii=False))
    if crashed:
        err.print(f"lexrisk: {crashed} crash(es); run with --debug for the traceback" if not args.debug
                  else f"lexrisk: {crashed} crash(es)", highlight=False)
        return EXIT_CRASH
    return EXIT_REFUSED if refused else 0


def _report(args: argparse.Namespace, path: Path, document: Document, result: AnalysisResult, err: Any) -> None:
    from serving.render import console_on, render_html, render_table, risks_only

    # the table and the page list the risks found; JSON also carries the possible ones, flagged
    found, possible = risks_only(result)
    if args.format == "table":
        render_table(found, console_on(sys.stdout) if not args.out else err, possible=possible)
    if args.out:
        suffix = {"json": ".json", "html": ".html", "table": ".json"}[args.format]
        body = render_html(document, found) if args.format == "html" else _json(result)
        write_file(args.out / f"{_report_stem(path, args.files)}{suffix}", body)
    elif args.format == "html":
        sys.stdout.write(render_html(document, found))


def _report_stem(path: Path, inputs: list[Path]) -> str:
    """The input's stem; its whole name when another input shares the stem (contract.pdf and contract.docx);
    with its folder's name when another input has the same name in another folder (a/contract.pdf and
    b/contract.pdf), else its place among them: no report overwrites another's."""
    if sum(p.stem == path.stem for p in inputs) == 1:
        return path.stem
    namesakes = [p for p in inputs if p.name == path.name]
    if len({p.resolve() for p in namesakes}) == 1:  # one file (given once, or twice): one report
        return path.name
    if sum(p.parent.name == path.parent.name for p in namesakes) == 1:
        return f"{path.parent.name}-{path.name}"
    return f"{path.name}-{namesakes.index(path) + 1}"


def _json(result: AnalysisResult) -> str:
    return result.model_dump_json(indent=2)


def _load_all(paths: list[Path], settings: Any, console: Any, worker: FileWorker | None) -> Iterator[Loaded]:
    """Yield each input, read (and analysed, in the worker), with a progress bar when there are several."""
    from rich.progress import Progress

    if len(paths) == 1:
        yield load(paths[0], settings, worker)
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Analyzing", total=len(paths))
        for path in paths:
            yield load(path, settings, worker)
            progress.advance(task)
