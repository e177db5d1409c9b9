"""Read a file in a separate process under a time and memory budget: the backstop behind the guards.

The guards in contracts/ingest.py, zipguard.py, docx_text.py and pdf_text.py refuse every hostile file we
know of before it is parsed; a parser can still misbehave on one nobody has built yet. So the API, the
workers and `lexrisk analyze` read files in a child process whose address space is capped (RLIMIT_AS) and
which is killed when it runs past its time: the caller gets `extraction_timeout`,
`extraction_out_of_memory` or `extraction_failed`, and the server and its other jobs carry on.

Children are started once (spawn, so that no server thread's lock is copied into them), preload the
parsers, and are reused across files, so a normal file costs a pipe round trip, not a process start
(benchmarks/fuzz_ingest.py measures the overhead). A child that was killed, or ran out of memory, is
replaced on the next call."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from contracts.documents import Document
from contracts.errors import ExtractionFailedError, ExtractionMemoryError, ExtractionTimeoutError, IngestError
from contracts.limits import IngestLimits, mib

if TYPE_CHECKING:
    from serving.settings import ServiceSettings

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 120.0
_MAX_IDLE = 4


@dataclass(frozen=True)
class ReadStats:
    """What one read cost the child: wall seconds, CPU seconds and peak resident memory."""

    wall_s: float
    cpu_s: float
    peak_rss_bytes: int


@dataclass(frozen=True)
class Outcome:
    """One isolated read: the document or the error, what it cost, and how it ended: "ok", "error" (a
    clean refusal), "timeout", "memory", "crash" (an exception no guard foresaw) or "died" (the child
    vanished: a signal, the kernel's OOM killer)."""

    document: Document | None
    error: IngestError | None
    stats: ReadStats
    ended: str
    trace: str | None = None


def _peak_rss() -> int:
    """VmHWM of this process, in bytes (Linux); 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak_rss() -> None:
    """Make VmHWM start again from the current RSS, so each file's peak is its own (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def _child(conn: Connection, memory_bytes: int) -> None:
    """The child's loop: (data, name, extractor, limits) in, ("ok"|"error"|"memory"|"crash", payload, stats) out."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    import charset_normalizer
    import docx
    import pypdf

    del charset_normalizer, docx, pypdf  # imported for their side effect: the parsers load once, not per file
    conn.send(("ready", None, None))
    while True:
        try:
            data, name, extractor, limits = conn.recv()
        except (EOFError, OSError):
            return
        reply = _read_one(data, name, extractor, limits)
        del data
        try:
            conn.send(reply)  # pickling a big document needs memory too
        except MemoryError:
            reply = ("memory", None, reply[2])
            conn.send(reply)
        if reply[0] == "memory":
            return  # the heap may be in any state: a fresh child takes the next file


def _read_one(data: bytes, name: str, extractor: str | None, limits: IngestLimits) -> tuple[str, Any, ReadStats]:
    from contracts.ingest import load_bytes

    _reset_peak_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    kind: str
    payload: Any = None
    try:
        payload, kind = load_bytes(data, name, pdf_extractor=extractor, limits=limits), "ok"
    except IngestError as exc:
        payload, kind = exc, "error"
    except MemoryError:
        kind = "memory"
    except Exception as exc:  # what no guard foresaw: reported to the parent, never a dead server
        payload, kind = (f"{type(exc).__name__}: {str(exc)[:200]}", traceback.format_exc()), "crash"
    return kind, payload, ReadStats(time.perf_counter() - wall, time.process_time() - cpu, _peak_rss())


class _Worker:
    def __init__(self, memory_bytes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.owner = os.getpid()  # a forked copy of the parent (an RQ work-horse) must not share the pipe
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_child, args=(child_conn, memory_bytes), daemon=True,
                                       name="lexrisk-ingest")
        self.process.start()
        child_conn.close()
        if not self.conn.poll(_START_TIMEOUT_S):
            self.kill()
            raise OSError("the isolated reader did not start")
        try:
            self.conn.recv()
        except EOFError:  # it exited while starting (e.g. re-running the parent's __main__, as spawn does, failed)
            self.kill()
            raise OSError(f"the isolated reader exited before it was ready (exit {self.process.exitcode})") from None

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        if self.process.pid is not None and self.process.is_alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(5)
        self.conn.close()

    def read(self, data: bytes, name: str, extractor: str | None, limits: IngestLimits) -> Outcome:
        started = time.perf_counter()
        try:
            self.conn.send((data, name, extractor, limits))
        except OSError:  # the child died while idle
            self.kill()
            return _died(name, "the reader had stopped", started)
        if not self.conn.poll(limits.timeout_s):
            self.kill()
            return Outcome(None, ExtractionTimeoutError(
                name, f"reading the file took longer than {limits.timeout_s:g} s; it was stopped"),
                ReadStats(time.perf_counter() - started, limits.timeout_s, 0), "timeout")
        try:
            kind, payload, stats = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            self.conn.close()
            return _died(name, f"the reader stopped unexpectedly (exit {self.process.exitcode})", started)
        if kind == "ok":
            return Outcome(payload, None, stats, kind)
        if kind == "error":
            return Outcome(None, payload, stats, kind)
        if kind == "memory":
            self.process.join(5)
            self.conn.close()
            return Outcome(None, ExtractionMemoryError(
                name, f"reading the file needed more than {mib(limits.memory_bytes)} of memory; it was stopped"),
                stats, kind)
        summary, trace = payload
        log.error("the isolated reader failed on %s: %s\n%s", name, summary, trace)
        return Outcome(None, ExtractionFailedError(name, "the file could not be read: the reader failed "
                                                         "unexpectedly (the error is logged)"), stats, kind, trace)


def _died(name: str, why: str, started: float) -> Outcome:
    return Outcome(None, ExtractionFailedError(name, f"{why}; the file could not be read"),
                   ReadStats(time.perf_counter() - started, 0.0, 0), "died")


_idle: dict[int, list[_Worker]] = {}
_lock = threading.Lock()


def _checkout(memory_bytes: int) -> _Worker:
    with _lock:
        pool = _idle.setdefault(memory_bytes, [])
        while pool:
            worker = pool.pop()
            if worker.owner == os.getpid() and worker.alive():
                return worker
    return _Worker(memory_bytes)


def _checkin(worker: _Worker, memory_bytes: int) -> None:
    if worker.owner != os.getpid() or not worker.alive() or worker.conn.closed:
        return
    with _lock:
        pool = _idle.setdefault(memory_bytes, [])
        if len(pool) < _MAX_IDLE:
            pool.append(worker)
            return
    worker.kill()


def read_isolated(data: bytes, name: str, *, limits: IngestLimits | None = None,
                  pdf_extractor: str | None = None) -> Outcome:
    """`load_bytes` in a child process: how it ended and what it cost, never raising an IngestError.
    Thread-safe: concurrent calls use separate children."""
    limits = limits or IngestLimits.current()
    started = time.perf_counter()
    try:
        worker = _checkout(limits.memory_bytes)
    except (OSError, AssertionError) as exc:  # no process: resource limits, or a daemonic caller (an assert)
        log.error("the isolated reader could not start: %s", exc)
        return _died(name, "the isolated reader could not start", started)
    try:
        return worker.read(data, name, pdf_extractor, limits)
    finally:
        _checkin(worker, limits.memory_bytes)


def load_isolated(data: bytes, name: str, *, max_bytes: int | None = None, max_pages: int | None = None,
                  pdf_extractor: str | None = None, limits: IngestLimits | None = None) -> Document:
    """The drop-in for `contracts.ingest.load_bytes`: the same arguments, the same errors, plus the
    extraction_* ones."""
    limits = (limits or IngestLimits.current()).with_overrides(max_bytes=max_bytes, max_pages=max_pages)
    return _document(read_isolated(data, name, limits=limits, pdf_extractor=pdf_extractor))


def _document(outcome: Outcome) -> Document:
    if outcome.error is not None:
        raise outcome.error
    assert outcome.document is not None
    return outcome.document


def load(data: bytes, name: str, *, max_bytes: int | None = None, max_pages: int | None = None,
         pdf_extractor: str | None = None, isolate: bool | None = None, settings: ServiceSettings | None = None) -> Document:
    """Read a file the way the settings say (the process's, or the caller's own, e.g. the API's): isolated
    (`ingest_isolation`, the default) or in-process."""
    from contracts.ingest import load_bytes
    from contracts.settings import load_settings
    from serving.settings import ServiceSettings

    settings = settings or load_settings(ServiceSettings)
    limits = IngestLimits.from_settings(settings).with_overrides(max_bytes=max_bytes, max_pages=max_pages)
    extractor = pdf_extractor or settings.pdf_extractor
    if settings.ingest_isolation if isolate is None else isolate:
        return _document(read_isolated(data, name, limits=limits, pdf_extractor=extractor))
    return load_bytes(data, name, pdf_extractor=extractor, limits=limits)


def shutdown() -> None:
    """Stop the idle children (tests, and servers that fork after reading files)."""
    with _lock:
        workers = [w for pool in _idle.values() for w in pool]
        _idle.clear()
    for worker in workers:
        worker.kill()

