"""`lexrisk analyze`'s budget per file: reading, segmenting and analysing one file in a worker process,
stopped when the file runs past `file_budget_s` or the process group past `file_memory_mb`.

The reader alone ran isolated before (serving/isolation.py); the analysis ran in the command itself,
under no budget, so 10 MB of one-line items took a minute in `split_sentences` and a batch waited for it.
Now the whole of a file's work is in the worker, and a file that hits the budget costs the batch that
budget, then its one refusal line; the next file goes to a fresh worker.

The worker is forked from the command once its analyzer is loaded, so it inherits the model instead of
loading it again, and it is reused across files, so spaCy (through thinc, torch: seconds and some 250 MiB)
loads once per command, and only when a file needs it, not once per file. Its memory is bounded twice: the
command watches the whole group's proportional memory (PSS, so pages the two processes share count once)
every 50 ms while a file is worked on and stops the worker past `file_memory_mb`; and the worker's address
space is capped at what it maps when forked plus twice the budget, a hard stop for an allocation faster
than the watch (spaCy's import alone maps some 550 MiB that it never touches, so a cap of the budget itself
would refuse it)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from contracts.documents import Document
from contracts.errors import IngestError
from contracts.findings import AnalysisResult
from contracts.limits import IngestLimits, mib

log = logging.getLogger(__name__)

POLL_S = 0.05
_WARM_S = 120.0  # loading spaCy (and through thinc, torch) on a busy machine


class BudgetExceeded(Exception):
    """A file stopped at its budget: `code` is analysis_timeout or analysis_out_of_memory (its reading is
    counted too: the budget is the file's, and the phase it was stopped in is named)."""

    def __init__(self, name: str, code: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name, self.code, self.detail = name, code, detail


@dataclass(frozen=True)
class FileOutcome:
    """One file: its document and findings, or the refusal (an IngestError or BudgetExceeded), or a crash
    (an exception in lexrisk's own code: one line and its traceback). `peak_group_bytes` is the largest
    group memory the watch saw."""

    document: Document | None = None
    result: AnalysisResult | None = None
    refusal: Exception | None = None
    crash: str | None = None
    trace: str | None = None
    wall_s: float = 0.0
    peak_group_bytes: int = 0


def _status_kib(pid: int | str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def process_memory(pid: int | str) -> int:
    """A process's proportional resident memory (PSS: pages shared with its parent count half in each), or its
    RSS where smaps_rollup cannot be read. Summed over a group, PSS counts every page once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _status_kib(pid, "VmRSS")


def _serve(conn: Connection, analyzer: Any, memory_bytes: int) -> None:
    """The worker: bound its address space, then (data, name, extractor, limits) in, replies out:
    ("warming", None) before spaCy loads (the first file to need it), ("phase", "analysing") once the file is
    read, then ("ok", (document, result)) | ("error", IngestError) |
    ("memory", None) | ("crash", (summary, traceback))."""
    from contracts.ingest import load_bytes
    from contracts.segment import split_sentences

    warm = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    mapped = _status_kib("self", "VmSize")
    if mapped:
        resource.setrlimit(resource.RLIMIT_AS, (mapped + 2 * memory_bytes, mapped + 2 * memory_bytes))
    conn.send(("ready", None))
    while True:
        try:
            data, name, extractor, limits = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            document = load_bytes(data, name, pdf_extractor=extractor, limits=limits)
            del data
            if not warm:  # spaCy loads once per worker, outside any file's budget: the command pauses its clock
                conn.send(("warming", None))
                split_sentences("Warm up. The sentencizer loads once.")
                warm = True
            conn.send(("phase", "analysing"))
            reply = ("ok", (document, analyzer.analyze(document)))
        except IngestError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("memory", None)
        except Exception as exc:  # a bug: the command reports it as a crash, with the traceback on --debug
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            reply = ("crash", (f"{type(exc).__name__}{': ' + first if first else ''}", traceback.format_exc()))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
            return
        if reply[0] == "memory":
            return  # the heap may be in any state: a fresh worker takes the next file


class FileWorker:
    """The command's worker; `process` one file at a time. Forks at the first file and after a stop."""

    def __init__(self, analyzer: Any, limits: IngestLimits, pdf_extractor: str | None, *,
                 caller_bytes: int = 0) -> None:
        """`caller_bytes`: what the calling process held before the command began (the interpreter, or
        the whole test session when `lexrisk.cli.main` is called in-process), left out of the budget: the
        group's budget is for what the command and its worker take (the analyzer, the file's work)."""
        self.analyzer, self.limits, self.extractor = analyzer, limits, pdf_extractor
        self.caller_bytes = caller_bytes
        self._process: Any = None
        self._conn: Connection | None = None

    def start(self) -> Connection:
        """Fork the worker now (the command does so before its progress bar's thread starts)."""
        context = multiprocessing.get_context("fork")  # the point: the loaded analyzer is inherited
        conn, child_conn = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_conn, self.analyzer, self.limits.memory_bytes),
                                        daemon=True, name="lexrisk-file")
        self._process.start()
        child_conn.close()
        if not conn.poll(120) or conn.recv()[0] != "ready":
            raise OSError("the analysis worker did not start")
        self._conn = conn
        return conn

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                os.kill(self._process.pid, signal.SIGKILL)
            self._process.join(5)
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def process(self, data: bytes, name: str) -> FileOutcome:
        """Read and analyse `data` within the budget; never raises for the file's sake."""
        try:
            conn = self._conn or self.start()
            started = time.monotonic()
            conn.send((data, name, self.extractor, self.limits))
        except (OSError, EOFError, BrokenPipeError) as exc:
            self.close()
            return FileOutcome(crash=f"{name}: the analysis worker could not be used ({exc})")
        deadline = started + self.limits.timeout_s
        phase, peak = "reading", 0
        while True:
            peak = max(peak, self.group_memory())
            if peak > self.limits.memory_bytes:
                self.close()
                return self._stopped(name, "analysis_out_of_memory",
                                     f"{phase} the file needed more than {mib(self.limits.memory_bytes)} of memory "
                                     "(the whole process group); it was stopped", started, peak)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                return self._stopped(name, "analysis_timeout", f"{phase} the file took longer than "
                                     f"{self.limits.timeout_s:g} s, the budget of one file; it was stopped",
                                     started, peak)
            if not conn.poll(min(POLL_S, remaining)):
                continue
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                code = self._process.exitcode if self._process is not None else None
                self.close()
                return FileOutcome(crash=f"{name}: the analysis worker stopped unexpectedly (exit {code})",
                                   wall_s=time.monotonic() - started, peak_group_bytes=peak)
            if kind == "warming":
                paused = time.monotonic()
                if not conn.poll(_WARM_S):
                    self.close()
                    return FileOutcome(crash=f"{name}: the analysis worker did not load its sentencizer")
                deadline += time.monotonic() - paused
                continue
            if kind == "phase":
                phase = payload
                continue
            wall = time.monotonic() - started
            if kind == "ok":
                return FileOutcome(document=payload[0], result=payload[1], wall_s=wall, peak_group_bytes=peak)
            if kind == "error":
                return FileOutcome(refusal=payload, wall_s=wall, peak_group_bytes=peak)
            if kind == "memory":
                self.close()
                return self._stopped(name, "analysis_out_of_memory", f"{phase} the file needed more than "
                                     f"{mib(self.limits.memory_bytes)} of memory; it was stopped", started, peak)
            summary, trace = payload
            return FileOutcome(crash=f"{name}: {summary}", trace=trace, wall_s=wall, peak_group_bytes=peak)

    def group_memory(self) -> int:
        """The command's and the worker's memory together, less what the caller held before. PSS summed over
        the two counts each page once, so the caller's pages the worker shares since the fork are not counted
        twice, and subtracting the caller's earlier footprint leaves what the command added."""
        worker = self._process.pid if self._process is not None else None
        return max(process_memory("self") + (process_memory(worker) if worker else 0) - self.caller_bytes, 0)

    @staticmethod
    def _stopped(name: str, code: str, detail: str, started: float, peak: int) -> FileOutcome:
        return FileOutcome(refusal=BudgetExceeded(name, code, detail), wall_s=time.monotonic() - started,
                           peak_group_bytes=peak)
