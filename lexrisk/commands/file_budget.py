"""Reading (and analysing) one input file of a command in the file worker, under the file budget
(LEXRISK_FILE_BUDGET_S, LEXRISK_FILE_MEMORY_MB; serving/file_worker.py), or in the command itself with
LEXRISK_INGEST_ISOLATION off. One module for the commands that read contracts, so that each starts the
worker, reads a file and words its refusal or crash the same way."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.documents import Document
from contracts.errors import CommandError, IngestError
from contracts.findings import AnalysisResult

if TYPE_CHECKING:
    from serving.file_worker import FileWorker


@dataclass
class Loaded:
    path: Path
    document: Document | None = None
    result: AnalysisResult | None = None  # analysed already, within the file's budget
    refused: str | None = None  # the file's fault: one line
    crashed: str | None = None  # lexrisk's fault: one line
    trace: str | None = None
    error: BaseException | None = None  # the crash's exception, where it crossed from the worker


def crash_line(path: Path | str, exc: BaseException) -> str:
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{path}: {type(exc).__name__}{': ' + first if first else ''}"


def start_worker(analyzer: Any, settings: Any, caller_bytes: int) -> FileWorker | None:
    """The worker each file is read and analysed in, under the file budget; None with isolation off.
    `analyzer` None: the worker only reads. `caller_bytes`: the process's memory before the command began,
    left out of the group's budget."""
    from contracts.limits import IngestLimits
    from serving.file_worker import FileWorker

    if not settings.ingest_isolation:
        return None
    worker = FileWorker(analyzer, IngestLimits.from_settings(settings), settings.pdf_extractor,
                        caller_bytes=caller_bytes)
    try:
        worker.start()
    except OSError as exc:
        raise CommandError(f"the analysis worker could not start ({exc})") from None
    return worker


def load(path: Path, settings: Any, worker: FileWorker | None) -> Loaded:
    """`path` read, and analysed when there is a worker with an analyzer; never raises for the file's sake.
    Without a worker the document is read here and its analysis is the caller's."""
    from contracts.ingest import load_bytes, read_file
    from contracts.limits import IngestLimits

    limits = IngestLimits.from_settings(settings)
    try:
        data = read_file(path, limits.max_bytes)
        if worker is None:
            return Loaded(path, load_bytes(data, path.name, pdf_extractor=settings.pdf_extractor, limits=limits))
        outcome = worker.process(data, path.name)
    except IngestError as exc:
        return Loaded(path, refused=str(exc))
    except Exception as exc:
        return Loaded(path, crashed=crash_line(path, exc), trace=traceback.format_exc())
    if outcome.crash is not None:
        return Loaded(path, crashed=outcome.crash, trace=outcome.trace, error=outcome.exception)
    if outcome.refusal is not None:
        return Loaded(path, refused=str(outcome.refusal))
    return Loaded(path, outcome.document, outcome.result)
