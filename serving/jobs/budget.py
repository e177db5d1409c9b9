"""An analysis job's budget: segmenting and analysing the contract in a forked worker under
LEXRISK_FILE_BUDGET_S and LEXRISK_FILE_MEMORY_MB, as `lexrisk analyze` does with each file
(serving/file_worker.py, the same worker).

The upload was read (under the same budget, serving/isolation.py) before the job was queued; before this,
the analysis itself ran in the job's thread under LEXRISK_JOB_TIMEOUT_S alone (an hour), so 10 MB of one-line
items held a worker for a minute. Now a job past the budget fails as `analysis_timeout` or
`analysis_out_of_memory`, and only its own worker is stopped: each job running at a time has a worker of its
own, idle ones are kept for the next jobs (the analyzer is inherited at the fork, so a worker costs a fork,
not a model load), and a stopped one is replaced at the next job.

A job's template comparison runs in the baseline analyzer's workers, each step under the budget of its own
(`call`: the comparison is a module-level function sent by name), as the synchronous compare route does.

Analyzers whose time is another machine's (`Analyzer.file_budget` False: openai waits on a model server
with its own timeout and retries per request; hf generates on the GPU, which a forked worker cannot use)
run in the job's thread as before, under LEXRISK_JOB_TIMEOUT_S."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from analyzers import Analyzer
from contracts.documents import Document
from contracts.findings import AnalysisResult
from contracts.limits import IngestLimits
from serving.file_worker import BudgetExceeded, Call, FileOutcome, FileWorker

log = logging.getLogger(__name__)

_MAX_IDLE = 4  # per analyzer: as many as jobs usually run at once in one process


class AnalysisWorkers:
    """Idle file workers per analyzer name, for the jobs of one process. Thread-safe: each job checks one
    out for its analysis and back in when it ended within the budget."""

    def __init__(self, limits: IngestLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._idle: dict[str, list[FileWorker]] = {}
        self._warm = False

    def analyze(self, name: str, analyzer: Analyzer, document: Document, observer: Any = None) -> AnalysisResult:
        """The analyzer's result, from a worker under the budget. Raises BudgetExceeded past it, and what the
        analyzer raised (so that a job fails, or retries an unreachable backend, as it would in-process)."""
        outcome = self._use(name, analyzer, lambda worker: worker.analyze(document, observer))
        assert outcome.result is not None  # an analysis that ended within the budget
        return outcome.result

    def call(self, name: str, analyzer: Analyzer, call: Call) -> Any:
        """`call`'s value, from one of `name`'s workers (warm, its analyzer loaded) under the budget; raises as
        `analyze` does."""
        return self._use(name, analyzer, lambda worker: worker.call(call, name)).value

    def _use(self, name: str, analyzer: Analyzer, run: Callable[[FileWorker], FileOutcome]) -> FileOutcome:
        worker = self._checkout(name, analyzer)
        try:
            outcome = run(worker)
        except BaseException:  # interrupted (RQ's job timeout, shutdown): the worker may be mid-analysis
            worker.close()
            raise
        if outcome.peak_group_bytes > self.limits.memory_bytes // 2:
            worker.close()  # what a large analysis left in its heap would count against the next job's budget
        self._checkin(name, worker)  # one stopped at the budget was closed: its next job forks afresh
        if outcome.refusal is not None:
            raise outcome.refusal
        if outcome.crash is None:
            return outcome
        if outcome.exception is not None:
            raise outcome.exception
        log.error("analysis worker failed: %s\n%s", outcome.crash, outcome.trace or "")
        raise RuntimeError("the analysis failed unexpectedly (the error is logged)")

    def _checkout(self, name: str, analyzer: Analyzer) -> FileWorker:
        with self._lock:
            pool = self._idle.setdefault(name, [])
            while pool:
                worker = pool.pop()
                if worker.owner == os.getpid() and worker.analyzer is analyzer:
                    return worker
                worker.close()
            if not self._warm:
                # spaCy loads here, once per process, before any fork: every worker inherits it, and no worker
                # imports a module after being forked from a process with other threads
                from contracts.segment import split_sentences

                split_sentences("Warm up. The sentencizer loads once.")
                self._warm = True
        return FileWorker(analyzer, self.limits, None, count_caller=False)

    def _checkin(self, name: str, worker: FileWorker) -> None:
        with self._lock:
            pool = self._idle.setdefault(name, [])
            if worker.owner == os.getpid() and len(pool) < _MAX_IDLE:
                pool.append(worker)
                return
        worker.close()

    def close(self) -> None:
        """Stop the idle workers (the process is stopping, or a test ends)."""
        with self._lock:
            workers = [w for pool in self._idle.values() for w in pool]
            self._idle.clear()
        for worker in workers:
            worker.close()


__all__ = ["AnalysisWorkers", "BudgetExceeded", "Call"]
