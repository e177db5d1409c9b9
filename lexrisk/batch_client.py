"""Archive-scale analysis: every file of a folder becomes an analysis job on the workers, through the API.

Why over HTTP and not straight onto the Redis queue: a job on the queue is only an id; the upload, its
parsed document, the tenant and the dedup by content hash are written by the API before it queues one
(serving/service/uploads.py). Going through `POST /v1/contracts` keeps one ingestion path (size and page limits,
file-type checks, tenancy, rate limits, webhooks), and the client needs an API key, not database and Redis
credentials. The queue still does the scaling: the API only stores and enqueues, the workers analyze.

Resumable and idempotent: a journal (JSON Lines, append-only, the last record per file hash wins) records
each file's hash, contract and job. A second `submit` skips every hash that already has a job or was
refused for good; a file whose upload failed for a transient reason (network, 5xx, backpressure beyond
the retries) is tried again. The API itself answers a repeated upload of the same bytes with the stored
job (`reused: true`), so even a lost journal line costs no second analysis.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from contracts.errors import CommandError
from contracts.hashing import file_sha256

# journal states: a job exists (queued/running/done/failed), the API refused the file for good
# (rejected: a 4xx such as an unsupported or corrupt file), or the upload did not get through (error: retried)
FINAL_JOB_STATES = frozenset({"done", "failed"})
SETTLED = frozenset({"queued", "running", "done", "failed", "rejected"})
RETRIED_STATUSES = frozenset({429, 502, 503, 504})
LIST_REFRESH_ABOVE = 50  # pending jobs beyond which `refresh` pages the contract list
MAX_RETRY_AFTER_S = 300.0


class BatchError(CommandError):
    """A batch cannot go on (bad folder, bad journal, bad key, API unreachable after the retries, a URL that
    does not answer as the lexrisk API). A CommandError: the user's to fix, one line wherever it is raised."""


class TransientError(Exception):
    """The API did not answer usefully within the retries; the file is tried again on the next submit."""


@dataclass
class Entry:
    """One file's line in the journal."""

    sha256: str
    path: str
    size: int
    status: str
    contract_id: str | None = None
    job_id: str | None = None
    reused: bool = False
    error_code: str | None = None
    error: str | None = None
    duplicates: list[str] = field(default_factory=list)


class Journal:
    """Append-only JSON Lines; the last line per hash wins. A line cut short by a crash is ignored."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        try:
            lines = path.read_text("utf-8").splitlines() if path.exists() else []
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"journal {path}: cannot be read or written ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise BatchError(f"journal {path}: not UTF-8 text, so not a batch journal") from None
        for line in lines:
            try:
                entry = Entry(**json.loads(line))
            except (ValueError, TypeError):
                continue  # a partial last line from a killed run
            self.entries[entry.sha256] = entry

    def record(self, entry: Entry) -> None:
        with self._lock:
            self.entries[entry.sha256] = entry
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(entry)) + "\n")

    def note(self, entry: Entry) -> None:
        """`entry` in this run's summary, not in the file: for a file that could not even be hashed, which
        has no content hash to key it by and is tried again on the next submit."""
        with self._lock:
            self.entries[entry.sha256] = entry

    def counts(self) -> Counter[str]:
        return Counter(e.status for e in self.entries.values())

    def failures(self) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.status in ("failed", "rejected", "error")),
                      key=lambda e: e.path)


def retry_after_seconds(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), bounded."""
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


class ApiClient:
    """The two calls a batch needs, with backpressure: 429/502/503/504 wait for Retry-After (or an
    exponential backoff), network errors back off too; after `max_attempts` the call is given up."""

    def __init__(self, base_url: str, api_key: str, *, timeout_s: float = 120.0, max_attempts: int = 8,
                 backoff_s: float = 1.0, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s, transport=transport,
                                 headers={"Authorization": f"Bearer {api_key}"})
        self.max_attempts, self.backoff_s, self.sleep = max_attempts, backoff_s, sleep

    def close(self) -> None:
        self.http.close()

    def _call(self, send: Callable[[], httpx.Response]) -> httpx.Response:
        reason = ""
        for attempt in range(self.max_attempts):
            backoff = min(self.backoff_s * 2 ** attempt, 60.0)
            try:
                response = send()
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}"
                self.sleep(backoff)
                continue
            if response.status_code == 401:
                raise BatchError("the API refused the key (401); give a valid one with --api-key or LEXRISK_API_KEY")
            if response.status_code in RETRIED_STATUSES or response.status_code >= 500:
                reason = f"HTTP {response.status_code}"
                self.sleep(retry_after_seconds(response.headers.get("Retry-After"), backoff))
                continue
            return response
        raise TransientError(f"no answer after {self.max_attempts} attempts ({reason})")

    def upload(self, path: Path) -> httpx.Response:
        def send() -> httpx.Response:
            with path.open("rb") as body:
                return self.http.post("/v1/contracts", files={"file": (path.name, body)})
        return self._call(send)

    def job(self, job_id: str) -> httpx.Response:
        return self._call(lambda: self.http.get(f"/v1/jobs/{job_id}"))

    def latest_jobs(self, page: int = 100) -> dict[str, str]:
        """{job id: status} of every contract's latest job, a page of contracts per request."""
        statuses: dict[str, str] = {}
        offset = 0
        while True:
            params = {"offset": offset, "limit": page}
            response = self._call(lambda params=params: self.http.get("/v1/contracts", params=params))  # type: ignore[misc]
            if response.status_code != 200:
                code, message = _error_body(response)
                raise BatchError(f"GET /v1/contracts: {code}: {message}")
            body = _api_json(response, "data", "count")
            try:
                for contract in body["data"]:
                    if contract.get("latest_job"):
                        statuses[contract["latest_job"]["id"]] = contract["latest_job"]["status"]
            except (AttributeError, KeyError, TypeError):
                raise _not_the_api(response, "a contract list of another shape") from None
            offset += len(body["data"])
            if not body["data"] or offset >= body["count"]:
                return statuses


def contract_files(folder: Path, skip: Path | None = None) -> Iterator[Path]:
    """Every regular file under `folder`, sorted, leaving out hidden files and folders (and the journal)."""
    if not folder.is_dir():
        raise BatchError(f"{folder} is not a folder")
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if skip is not None and path.resolve() == skip.resolve():
            continue
        yield path


def _api_json(response: httpx.Response, *keys: str) -> dict[str, Any]:
    """A success's JSON body, which must hold `keys` as strings (or, for "data" and "count", a list and a
    number); any other answer means the URL is not the lexrisk API (a web page answering 200, a proxy), and
    the batch stops with one line rather than a traceback per file."""
    try:
        body = response.json()
    except ValueError:
        raise _not_the_api(response, "a body that is not JSON") from None
    shapes = {"data": list, "count": int}
    missing = [key for key in keys if not isinstance(body, dict) or not isinstance(body.get(key), shapes.get(key, str))]
    if missing:
        raise _not_the_api(response, f"JSON without {', '.join(repr(key) for key in missing)}")
    return body


def _not_the_api(response: httpx.Response, what: str) -> BatchError:
    request = response.request
    return BatchError(f"{request.method} {request.url} answered HTTP {response.status_code} with {what}; "
                      "is --api-url (LEXRISK_API_URL) the lexrisk API?")


def _error_body(response: httpx.Response) -> tuple[str, str]:
    try:
        error = response.json()["error"]
        return str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}", response.text[:300]


@dataclass
class SubmitReport:
    files: int = 0
    submitted: int = 0
    skipped: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: int = 0


def submit(folder: Path, client: ApiClient, journal: Journal, *, concurrency: int = 4,
           progress: Callable[[SubmitReport], None] | None = None) -> SubmitReport:
    """Upload every file under `folder` not yet settled in the journal; identical files go once."""
    report = SubmitReport()
    lock = threading.Lock()
    seen: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}

    def one(path: Path) -> None:
        try:
            sha = file_sha256(path)
        except OSError as exc:  # one unreadable file is that file's failure, not the batch's
            with lock:
                report.files += 1
                report.rejected += 1
                journal.note(Entry(sha256=f"unreadable:{path}", path=str(path), size=0, status="rejected",
                                   error_code="unreadable", error=str(exc)))
            return
        with lock:
            report.files += 1
            if seen.setdefault(sha, str(path)) != str(path):  # the same bytes under another name
                report.duplicates += 1
                duplicates.setdefault(sha, []).append(str(path))
                return
            previous = journal.entries.get(sha)
            if previous is not None and previous.status in SETTLED:
                report.skipped += 1
                return
        entry = _upload_one(client, path, sha)
        with lock:
            if entry.status == "rejected":
                report.rejected += 1
            elif entry.status == "error":
                report.errors += 1
            else:
                report.submitted += 1
            journal.record(entry)
            if progress is not None:
                progress(report)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="lexrisk-batch") as pool:
        # list() surfaces the first unexpected exception (e.g. a BatchError for a refused key)
        list(pool.map(one, contract_files(folder, skip=journal.path)))
    for sha, paths in duplicates.items():
        entry = journal.entries.get(sha)
        if entry is not None and not set(paths) <= set(entry.duplicates):
            journal.record(Entry(**{**asdict(entry), "duplicates": sorted({*entry.duplicates, *paths})}))
    return report


def _upload_one(client: ApiClient, path: Path, sha: str) -> Entry:
    entry = Entry(sha256=sha, path=str(path), size=path.stat().st_size, status="error")
    try:
        response = client.upload(path)
    except TransientError as exc:
        entry.error_code, entry.error = "unreachable", str(exc)
        return entry
    except OSError as exc:
        entry.status, entry.error_code, entry.error = "rejected", "unreadable", str(exc)
        return entry
    if response.status_code in (200, 201, 202):
        body = _api_json(response, "status", "contract_id", "job_id")
        entry.status, entry.contract_id, entry.job_id = body["status"], body["contract_id"], body["job_id"]
        entry.reused = bool(body.get("reused"))
    else:
        entry.status = "rejected"
        entry.error_code, entry.error = _error_body(response)
    return entry


def refresh(client: ApiClient, journal: Journal, *, concurrency: int = 4) -> None:
    """Ask the API for the state of every job not yet done or failed, and journal what changed.

    Many pending jobs (an archive) are read from the contract list, a hundred per request, instead of
    one request each; only jobs that ended there (done: the list says so; failed: for the reason) or
    that the list did not show are then asked for one by one."""
    pending = [e for e in journal.entries.values() if e.job_id and e.status not in FINAL_JOB_STATES]
    if len(pending) > LIST_REFRESH_ABOVE:
        listed = client.latest_jobs()
        still: list[Entry] = []
        for entry in pending:
            status = listed.get(entry.job_id or "")
            if status in ("queued", "running", "done"):
                if status != entry.status:
                    journal.record(Entry(**{**asdict(entry), "status": status}))
            else:
                still.append(entry)
        pending = still

    def one(entry: Entry) -> None:
        assert entry.job_id is not None
        response = client.job(entry.job_id)
        if response.status_code == 404:
            updated = Entry(**{**asdict(entry), "status": "failed", "error_code": "not_found",
                               "error": "the job is gone (its contract was deleted)"})
        elif response.status_code != 200:
            code, message = _error_body(response)
            raise BatchError(f"GET /v1/jobs/{entry.job_id}: {code}: {message}")
        else:
            job = _api_json(response, "status")
            error = job["error"] if isinstance(job.get("error"), dict) else {}
            updated = Entry(**{**asdict(entry), "status": job["status"],
                               "error_code": error.get("code"), "error": error.get("message")})
        if updated != entry:
            journal.record(updated)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="lexrisk-batch") as pool:
        list(pool.map(one, pending))


def wait(client: ApiClient, journal: Journal, *, timeout_s: float, poll_s: float = 2.0,
         progress: Callable[[Counter[str]], None] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> bool:
    """Refresh until every job is done or failed; False if `timeout_s` passed first."""
    deadline = time.monotonic() + timeout_s
    while True:
        refresh(client, journal)
        counts = journal.counts()
        if progress is not None:
            progress(counts)
        if counts["queued"] + counts["running"] == 0:
            return True
        if time.monotonic() >= deadline:
            return False
        sleep(poll_s)


def summary(journal: Journal) -> dict[str, Any]:
    """Counts per state and every failure with its reason, as `batch status --json` writes it."""
    counts = journal.counts()
    return {"files": len(journal.entries), "counts": dict(sorted(counts.items())),
            "duplicates": sum(len(e.duplicates) for e in journal.entries.values()),
            "failures": [{"path": e.path, "status": e.status, "code": e.error_code, "message": e.error}
                         for e in journal.failures()]}
