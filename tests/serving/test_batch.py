"""`lexrisk batch`: resumable, idempotent by content hash, honours backpressure, reports failures."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from lexrisk.batch_client import (
    ApiClient,
    BatchError,
    Journal,
    TransientError,
    retry_after_seconds,
    submit,
    summary,
    wait,
)
from lexrisk.cli import main


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    (folder / "sub").mkdir(parents=True)
    for i in range(5):
        (folder / f"c{i}.txt").write_text(f"{i}. Customer shall purchase exclusively from Provider.\n", "utf-8")
    (folder / "sub" / "copy-of-c0.txt").write_bytes((folder / "c0.txt").read_bytes())  # same bytes
    (folder / "empty.txt").write_bytes(b"")                                             # refused: empty_file
    (folder / "notes.xyz").write_text("not a contract format", "utf-8")                # refused: unsupported
    (folder / ".hidden").write_text("skipped", "utf-8")
    return folder


def _client(api, tenant: str = "acme", **kwargs) -> ApiClient:
    client = ApiClient("http://testserver", api.keys[tenant], sleep=lambda _s: None, **kwargs)
    client.http = api.client  # the in-process app, with the key's header on every call
    client.http.headers["Authorization"] = f"Bearer {api.keys[tenant]}"
    return client


def test_submit_is_resumable_and_idempotent_and_reports_failures(api, tmp_path) -> None:
    folder = _folder(tmp_path)
    journal = Journal(tmp_path / "journal.jsonl")
    report = submit(folder, _client(api), journal, concurrency=2)
    assert (report.files, report.submitted, report.duplicates, report.rejected) == (8, 5, 1, 2)
    assert wait(_client(api), journal, timeout_s=30, poll_s=0.05)
    result = summary(journal)
    assert result["counts"] == {"done": 5, "rejected": 2}
    assert result["duplicates"] == 1
    codes = {Path(f["path"]).name: f["code"] for f in result["failures"]}
    assert codes == {"empty.txt": "empty_file", "notes.xyz": "unsupported_type"}

    # a second run (or a run after a crash) uploads nothing again: the journal, reread from disk, knows
    again = submit(folder, _client(api), Journal(journal.path), concurrency=2)
    assert (again.submitted, again.skipped, again.rejected) == (0, 7, 0)
    contracts = api.client.get("/v1/contracts?limit=100", headers=api.h()).json()
    assert contracts["count"] == 5

    # a lost journal costs no second analysis either: the API answers the same bytes with the stored job
    fresh = Journal(tmp_path / "lost.jsonl")
    submit(folder, _client(api), fresh)
    assert {e.reused for e in fresh.entries.values() if e.job_id} == {True}
    assert api.client.get("/v1/contracts", headers=api.h()).json()["count"] == 5


def test_a_cut_journal_line_is_ignored_and_the_file_resent(api, tmp_path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_text("Customer shall purchase exclusively from Provider.", "utf-8")
    journal_path = tmp_path / "j.jsonl"
    journal_path.write_text('{"sha256": "abc", "path": "x", "si', "utf-8")  # a run killed mid-write
    journal = Journal(journal_path)
    report = submit(folder, _client(api), journal)
    assert report.submitted == 1
    assert wait(_client(api), journal, timeout_s=30, poll_s=0.05)


def _transport(answers: list[httpx.Response], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)
    return httpx.MockTransport(handler)


def test_backpressure_waits_for_retry_after_then_succeeds(tmp_path) -> None:
    accepted = {"contract_id": "c1", "job_id": "j1", "reused": False, "status": "queued"}
    answers = [httpx.Response(429, headers={"Retry-After": "7"}, json={"error": {"code": "rate_limited",
                                                                                 "message": "slow down"}}),
               httpx.Response(503, headers={"Retry-After": "3"}, text="busy"),
               httpx.ConnectError,  # replaced below by a raising handler
               httpx.Response(202, json=accepted)]
    slept: list[float] = []
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if answer is httpx.ConnectError:
            raise httpx.ConnectError("refused", request=request)
        return answer  # type: ignore[return-value]

    client = ApiClient("http://api", "k", transport=httpx.MockTransport(handler), sleep=slept.append, backoff_s=0.5)
    (tmp_path / "a.txt").write_text("text", "utf-8")
    response = client.upload(tmp_path / "a.txt")
    assert response.status_code == 202
    assert slept == [7.0, 3.0, 2.0]  # Retry-After twice, then the backoff of the third attempt
    assert len(seen) == 4 and all(r.headers["Authorization"] == "Bearer k" for r in seen)
    assert b"text" in seen[-1].content  # the body is sent again on each try


def test_gives_up_after_the_retries_and_the_file_stays_to_retry(tmp_path) -> None:
    seen: list[httpx.Request] = []
    client = ApiClient("http://api", "k", max_attempts=3, sleep=lambda _s: None,
                       transport=_transport([httpx.Response(503)] * 3, seen))
    with pytest.raises(TransientError, match="3 attempts"):
        client.upload(_one_file(tmp_path))
    journal = Journal(tmp_path / "j.jsonl")
    client = ApiClient("http://api", "k", max_attempts=2, sleep=lambda _s: None,
                       transport=_transport([httpx.Response(503)] * 2, seen))
    report = submit(tmp_path / "in", client, journal)
    assert report.errors == 1 and next(iter(journal.entries.values())).status == "error"


def test_a_refused_key_stops_the_batch(tmp_path) -> None:
    client = ApiClient("http://api", "bad", transport=_transport([httpx.Response(401)], []))
    _one_file(tmp_path)
    with pytest.raises(BatchError, match="401"):
        submit(tmp_path / "in", client, Journal(tmp_path / "j.jsonl"))


def _one_file(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir(exist_ok=True)
    path = tmp_path / "in" / "a.txt"
    path.write_text("Customer shall purchase exclusively from Provider.", "utf-8")
    return path


@pytest.mark.parametrize(("header", "expected"), [(None, 1.5), ("4", 4.0), ("-3", 0.0), ("99999", 300.0),
                                                  ("soon", 1.5), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_parsing(header, expected) -> None:
    assert retry_after_seconds(header, 1.5) == expected


def test_cli_errors_are_one_line(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("LEXRISK_API_KEY", raising=False)
    assert main(["batch", "submit", str(tmp_path)]) == 2
    assert "no API key" in capsys.readouterr().err
    assert main(["batch", "submit", str(tmp_path / "missing"), "--api-key", "k"]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["batch", "status", str(tmp_path), "--api-key", "k", "--journal", str(tmp_path / "j")]) == 2
    assert "nothing submitted" in capsys.readouterr().err
    # an API that is not there: the files stay 'not reached' and the summary says so (no traceback)
    folder = tmp_path / "in"
    _one_file(tmp_path)
    out_json = tmp_path / "summary.json"
    code = main(["batch", "submit", str(folder), "--api-url", "http://127.0.0.1:9", "--api-key", "k",
                 "--max-attempts", "1", "--journal", str(tmp_path / "j2.jsonl"), "--json", str(out_json)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert json.loads(out_json.read_text())["failures"][0]["code"] == "unreachable"


def test_rides_through_the_apis_real_rate_limit(api, tmp_path) -> None:
    """The API's own 429 + Retry-After (a 2-a-minute bucket on a clock the client's waits advance)."""
    from serving.api.ratelimit import RateLimiter

    now = [0.0]
    api.client.app.state.limits.writes = RateLimiter(2, clock=lambda: now[0])  # uploads are writes
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.txt").write_text(f"{i}. Customer shall purchase exclusively from Provider.", "utf-8")
    client = _client(api)
    client.sleep = sleep
    journal = Journal(tmp_path / "j.jsonl")
    report = submit(folder, client, journal, concurrency=1)
    assert report.submitted == 4 and report.errors == 0
    assert waits and all(w == 30.0 for w in waits)  # one token every 30 s: the API's Retry-After
    assert wait(client, journal, timeout_s=60, poll_s=0.05, sleep=sleep)
    assert summary(journal)["counts"] == {"done": 4}


def test_many_pending_jobs_are_refreshed_from_the_contract_list(api, tmp_path, monkeypatch) -> None:
    import lexrisk.batch_client

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(f"{i}. Customer shall purchase exclusively from Provider.", "utf-8")
    journal = Journal(tmp_path / "j.jsonl")
    submit(folder, _client(api), journal)
    monkeypatch.setattr(lexrisk.batch_client, "LIST_REFRESH_ABOVE", 0)
    client = _client(api)
    paths: list[str] = []
    original = client.http.get

    def counting_get(url, *args, **kwargs):
        paths.append(url)
        return original(url, *args, **kwargs)

    client.http.get = counting_get  # type: ignore[method-assign]
    assert wait(client, journal, timeout_s=30, poll_s=0.05)
    assert summary(journal)["counts"]["done"] == 6
    assert "/v1/contracts" in paths
    assert not [p for p in paths if p.startswith("/v1/jobs/")]  # every done job came from the list
