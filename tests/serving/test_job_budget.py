"""An API job's analysis runs under the file budget, as each file of `lexrisk analyze` does (issue 29):
a job past LEXRISK_FILE_BUDGET_S or LEXRISK_FILE_MEMORY_MB fails with `analysis_timeout` or
`analysis_out_of_memory` and a message naming the setting, once (no retry, no duplicate), and the job
queued behind it is analysed."""

from __future__ import annotations

import time

from serving.jobs.budget import AnalysisWorkers
from tests.serving.conftest import make_settings, open_api

CONTRACT = (b"1. Term. This Agreement starts on the Effective Date.\n\n"
            b"2. Governing Law. This Agreement is governed by the laws of the State of New York.\n")


def _poll(api, job_id: str, timeout: float = 60.0) -> tuple[dict, float]:
    """The job once it ended, and the slowest status poll meanwhile."""
    deadline, slowest = time.monotonic() + timeout, 0.0
    while time.monotonic() < deadline:
        started = time.monotonic()
        job = api.client.get(f"/v1/jobs/{job_id}", headers=api.h()).json()
        slowest = max(slowest, time.monotonic() - started)
        if job["status"] in ("done", "failed"):
            return job, slowest
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end: {job}")


def test_a_job_past_the_time_budget_fails_and_the_next_job_is_analysed(tmp_path) -> None:
    settings = make_settings(tmp_path, analyzer="stuck", job_workers=1, file_budget_s=1.0)
    for api in open_api(settings):
        stuck = api.upload(data=b"STUCK\n" + CONTRACT, name="stuck.txt").json()
        after = api.upload(data=CONTRACT, name="after.txt").json()  # queued behind it: one job worker
        started = time.monotonic()
        failed, slowest_poll = _poll(api, stuck["job_id"])
        assert failed["status"] == "failed" and failed["attempts"] == 1, failed
        assert failed["error"]["code"] == "analysis_timeout"
        assert failed["error"]["message"] == ("analysing the contract took longer than 1 s, the budget of one file; "
                                              "it was stopped (LEXRISK_FILE_BUDGET_S)")
        assert slowest_poll < 1.0  # the spinning worker is another process: polls are served meanwhile
        done, _ = _poll(api, after["job_id"])
        assert done["status"] == "done" and done["attempts"] == 1, done
        assert time.monotonic() - started < 30  # the budget, not LEXRISK_JOB_TIMEOUT_S's hour
        findings = api.client.get(f"/v1/contracts/{after['contract_id']}/findings", headers=api.h()).json()
        assert findings["count"] > 0
        time.sleep(1.0)  # a reaper pass: the failed job stays failed, its one attempt, not handed on
        again = api.client.get(f"/v1/jobs/{stuck['job_id']}", headers=api.h()).json()
        assert (again["status"], again["attempts"]) == ("failed", 1)


def test_a_job_past_the_memory_budget_fails_as_out_of_memory(tmp_path) -> None:
    settings = make_settings(tmp_path, analyzer="stuck", job_workers=1, file_memory_mb=256)
    for api in open_api(settings):
        hog = api.upload(data=b"HOG\n" + CONTRACT, name="hog.txt").json()
        after = api.upload(data=CONTRACT, name="after.txt").json()
        failed, _ = _poll(api, hog["job_id"])
        assert failed["status"] == "failed" and failed["error"]["code"] == "analysis_out_of_memory", failed
        message = failed["error"]["message"]
        assert "more than 256.0 MiB of memory" in message and message.endswith("(LEXRISK_FILE_MEMORY_MB)")
        done, _ = _poll(api, after["job_id"])
        assert done["status"] == "done", done


def test_workers_are_reused_and_a_stopped_one_is_replaced(tmp_path) -> None:
    """Idle workers wait for the next job (a fork per job, not per analysis, only after a stop)."""
    from analyzers import get_analyzer
    from contracts.documents import Document
    from contracts.limits import IngestLimits
    from serving.file_worker import BudgetExceeded

    settings = make_settings(tmp_path)
    analyzer = get_analyzer("stuck", settings)
    workers = AnalysisWorkers(IngestLimits(timeout_s=1.0))
    try:
        document = Document.from_text("a.txt", CONTRACT.decode())
        assert workers.analyze("stuck", analyzer, document).findings
        first = workers._idle["stuck"][0]._process.pid
        assert workers.analyze("stuck", analyzer, document).findings
        assert workers._idle["stuck"][0]._process.pid == first
        try:
            workers.analyze("stuck", analyzer, Document.from_text("b.txt", "STUCK\n" + CONTRACT.decode()))
        except BudgetExceeded as exc:
            assert exc.code == "analysis_timeout"
        else:
            raise AssertionError("the stuck analysis was not stopped")
        assert workers.analyze("stuck", analyzer, document).findings
        assert workers._idle["stuck"][0]._process.pid != first
    finally:
        workers.close()


def test_memory_is_read_once_per_poll_not_once_per_message(monkeypatch) -> None:
    """A chunked analysis sends a progress message per chunk: reading the worker's smaps_rollup (some 15 ms for a
    worker forked from the server) on each one made a small job take 1.4 s where 0.3 s is its work."""
    from contracts.documents import Document
    from contracts.limits import IngestLimits
    from serving.file_worker import POLL_S, FileWorker

    document = Document.from_text("many-chunks.txt", "1. Term. It starts now.")
    messages = [("phase", "analysing"), *[("observe", ("progress", (n, 300))) for n in range(1, 301)],
                ("ok", (document, None))]

    class Pipe:  # the caller's end of the pipe, every message already there
        def send(self, _message: object) -> None:
            pass

        def poll(self, _timeout: float) -> bool:
            return True

        def recv(self) -> tuple[str, object]:
            return messages.pop(0)

    reads, progress = [], []
    worker = FileWorker(None, IngestLimits(), None, count_caller=False)
    monkeypatch.setattr(worker, "start", Pipe)
    monkeypatch.setattr(worker, "group_memory", lambda: reads.append(time.monotonic()) or 0)

    class Observer:
        def progress(self, done: int, total: int) -> None:
            progress.append(done)

    started = time.monotonic()
    outcome = worker.analyze(document, Observer())
    assert outcome.document == document and progress == list(range(1, 301))  # every message still delivered
    assert 1 <= len(reads) <= (time.monotonic() - started) / POLL_S + 1 < 300
