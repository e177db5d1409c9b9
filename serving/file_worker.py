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
would refuse it).

The API's analysis jobs use the same worker (`FileWorker.analyze`, serving/jobs/budget.py): the upload was
read at upload time, so a job sends its parsed document, and segmenting and analysing it run under the same
budget; the observer's calls (a chunked analyzer's progress and token counts) come back over the pipe."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
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
    exception: BaseException | None = None  # the crash's own exception, where it could cross the pipe
    wall_s: float = 0.0
    peak_group_bytes: int = 0
    value: Any = None  # a Call's return value


@dataclass(frozen=True)
class Call:
    """Work on a file other than its analysis, under the same budget: `fn(*args)` in the worker (a module-level
    function, so that it crosses the pipe by name). An API job's template comparison is one: aligning and
    redlining two long texts grows faster than their length. `phase` is what a stop's message says was under
    way ("comparing with the file took longer than ...")."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    phase: str


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


def private_memory(pid: int | str) -> int:
    """A process's private resident memory (USS: pages no other process maps), or 0 where smaps_rollup
    cannot be read. For a worker forked from a large server, what its own work added: the pages it shares
    with the server since the fork are the server's."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1]) * 1024
    except OSError:
        pass
    return total


class _PipeObserver:
    """A chunked analyzer's observer in the worker: each call goes back to the caller's observer as
    ("observe", (method, args)); the analyzer's threads share the pipe, so one message at a time."""

    def __init__(self, conn: Connection) -> None:
        self.conn, self._lock = conn, threading.Lock()

    def _send(self, method: str, *args: Any) -> None:
        with self._lock:
            self.conn.send(("observe", (method, args)))

    def progress(self, done: int, total: int) -> None:
        self._send("progress", done, total)

    def tokens(self, prompt: int, completion: int) -> None:
        self._send("tokens", prompt, completion)

    def answer_errors(self, errors: list[str]) -> None:
        self._send("answer_errors", errors)


def _watch_parent(parent: int) -> None:
    """A worker whose caller died (a `kill -9` of an RQ worker) stops, rather than finish an analysis nobody
    will read: the caller's pipe is its only way out."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _picklable(exc: BaseException) -> BaseException | None:
    """`exc` if it survives the pipe both ways (the caller raises it again, so that a job fails or retries
    as it would in-process), else None."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return None
    return exc


def _serve(conn: Connection, analyzer: Any, memory_bytes: int) -> None:
    """The worker: bound its address space, then (data, document or Call, name, extractor, limits, observed) in,
    replies out: ("warming", None) before spaCy loads (the first file to need it), ("phase", "analysing") once
    the file is read, ("observe", (method, args)) for an observed chunked analyzer, then
    ("ok", (document, result)) (a Call's: ("ok", (None, its value))) | ("error", IngestError) | ("memory", None) |
    ("crash", (summary, traceback, the exception when it pickles))."""
    from analyzers.chunked import ChunkedAnalyzer
    from contracts.ingest import load_bytes
    from contracts.segment import split_sentences

    warm = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    mapped = _status_kib("self", "VmSize")
    if mapped:
        resource.setrlimit(resource.RLIMIT_AS, (mapped + 2 * memory_bytes, mapped + 2 * memory_bytes))
    conn.send(("ready", None))
    while True:
        try:
            data, name, extractor, limits, observed = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            document = data if isinstance(data, (Document, Call)) else load_bytes(data, name, pdf_extractor=extractor,
                                                                                   limits=limits)
            del data
            # spaCy loads once per worker, outside any file's budget: the command pauses its clock. A worker that
            # only reads (and compares) never segments sentences: it does not pay the seconds of loading it
            if not warm and analyzer is not None:
                conn.send(("warming", None))
                split_sentences("Warm up. The sentencizer loads once.")
                warm = True
            if isinstance(document, Call):
                conn.send(("phase", document.phase))
                reply = ("ok", (None, document.fn(*document.args)))
            elif analyzer is None:  # a worker that reads only (`lexrisk compare --analyzer none`)
                reply = ("ok", (document, None))
            else:
                conn.send(("phase", "analysing"))
                if observed and isinstance(analyzer, ChunkedAnalyzer):
                    result = analyzer.analyze(document, _PipeObserver(conn))
                else:
                    result = analyzer.analyze(document)
                reply = ("ok", (document, result))
        except IngestError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("memory", None)
        except Exception as exc:  # a bug: the command reports it as a crash, with the traceback on --debug
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            reply = ("crash", (f"{type(exc).__name__}{': ' + first if first else ''}", traceback.format_exc(),
                               _picklable(exc)))
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
                 caller_bytes: int = 0, count_caller: bool = True) -> None:
        """`caller_bytes`: what the calling process held before the command began (the interpreter, or
        the whole test session when `lexrisk.cli.main` is called in-process), left out of the budget: the
        group's budget is for what the command and its worker take (the analyzer, the file's work).
        `count_caller=False` (an API process or RQ worker, whose memory is its other jobs' and requests'):
        only the worker's private memory is the file's."""
        self.analyzer, self.limits, self.extractor = analyzer, limits, pdf_extractor
        self.caller_bytes, self.count_caller = caller_bytes, count_caller
        self.owner = os.getpid()  # a forked copy of the caller must not share the pipe
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
        """Read and analyse `data` within the budget (read only, its result None, for a worker without an
        analyzer); never raises for the file's sake."""
        return self._run(data, name, None)

    def analyze(self, document: Document, observer: Any = None) -> FileOutcome:
        """Segment and analyse a document already read (an API job's), within the budget; a chunked
        analyzer reports to `observer` (progress, tokens) as it would in-process. Never raises for the
        document's sake."""
        return self._run(document, document.name, observer)

    def call(self, call: Call, name: str) -> FileOutcome:
        """`call` within the budget, its value in the outcome's `value`; never raises for the work's sake."""
        return self._run(call, name, None)

    def _run(self, data: bytes | Document | Call, name: str, observer: Any) -> FileOutcome:
        try:
            conn = self._conn or self.start()
            started = time.monotonic()
            conn.send((data, name, self.extractor, self.limits, observer is not None))
        except (OSError, EOFError, BrokenPipeError) as exc:
            self.close()
            return FileOutcome(crash=f"{name}: the analysis worker could not be used ({exc})")
        deadline = started + self.limits.timeout_s
        phase = "reading" if isinstance(data, bytes) else data.phase if isinstance(data, Call) else "analysing"
        peak, measured = 0, 0.0
        whose = "the whole process group" if self.count_caller else "the analysis worker"
        while True:
            # memory is read every POLL_S, not on every message: reading smaps_rollup walks the worker's page
            # tables (some 15 ms for a worker forked from the server, under its mmap lock), and a chunked
            # analysis's progress messages had it read 78 times for one small contract
            if time.monotonic() - measured >= POLL_S:
                peak, measured = max(peak, self.group_memory()), time.monotonic()
            if peak > self.limits.memory_bytes:
                self.close()
                return self._stopped(name, "analysis_out_of_memory",
                                     f"{phase} the file needed more than {mib(self.limits.memory_bytes)} of memory "
                                     f"({whose}); it was stopped", started, peak)
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
            if kind == "observe":
                method, args = payload
                getattr(observer, method)(*args)
                continue
            wall = time.monotonic() - started
            if kind == "ok" and isinstance(data, Call):
                return FileOutcome(value=payload[1], wall_s=wall, peak_group_bytes=peak)
            if kind == "ok":
                return FileOutcome(document=payload[0], result=payload[1], wall_s=wall, peak_group_bytes=peak)
            if kind == "error":
                return FileOutcome(refusal=payload, wall_s=wall, peak_group_bytes=peak)
            if kind == "memory":
                self.close()
                return self._stopped(name, "analysis_out_of_memory", f"{phase} the file needed more than "
                                     f"{mib(self.limits.memory_bytes)} of memory; it was stopped", started, peak)
            summary, trace, exception = payload
            return FileOutcome(crash=f"{name}: {summary}", trace=trace, exception=exception, wall_s=wall,
                               peak_group_bytes=peak)

    def group_memory(self) -> int:
        """The command's and the worker's memory together, less what the caller held before. PSS summed over
        the two counts each page once, so the caller's pages the worker shares since the fork are not counted
        twice, and subtracting the caller's earlier footprint leaves what the command added. Without
        `count_caller`, the worker's private memory alone: its PSS would count half of every page of the
        server it was forked from."""
        worker = self._process.pid if self._process is not None else None
        if not self.count_caller:
            return private_memory(worker) if worker else 0
        return max(process_memory("self") + (process_memory(worker) if worker else 0) - self.caller_bytes, 0)

    @staticmethod
    def _stopped(name: str, code: str, detail: str, started: float, peak: int) -> FileOutcome:
        return FileOutcome(refusal=BudgetExceeded(name, code, detail), wall_s=time.monotonic() - started,
                           peak_group_bytes=peak)
