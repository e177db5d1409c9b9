"""`lexrisk batch` against what it cannot use: a URL that is not the lexrisk API (a web page answering 200,
a 201 whose JSON lacks the job), a file in the folder it may not read, a journal that is a folder or not
text. Each used to end in a traceback (JSONDecodeError, KeyError, PermissionError that aborted the whole
batch, IsADirectoryError, UnicodeDecodeError); now the URL and the journal are one line and exit 2, and an
unreadable file is that file's failure while the others are submitted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from lexrisk import batch_client
from lexrisk.batch_client import ApiClient, BatchError, Entry, Journal, refresh, submit, summary
from lexrisk.cli import main

pytestmark = pytest.mark.usefixtures("fresh_settings")


class _WebPage(BaseHTTPRequestHandler):
    """A web server that is not the API: every request gets 200 and an HTML page."""

    def _page(self) -> None:
        body = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._page()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._page()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def web_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"{name}: Customer shall purchase exclusively from Provider.", "utf-8")
    return folder


def _answering(*responses: httpx.Response) -> ApiClient:
    answers = iter(responses)
    return ApiClient("http://api", "k", transport=httpx.MockTransport(lambda _request: next(answers)),
                     sleep=lambda _s: None)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("lexrisk: error: ")]
    assert len(lines) == 1, err
    return lines[0]


def test_submit_to_a_web_page_stops_with_one_line(web_page: str, tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, "a.txt")
    argv = ["batch", "submit", str(folder), "--api-url", web_page, "--api-key", "k",
            "--journal", str(tmp_path / "j.jsonl")]
    assert main(argv) == 2
    assert _one_line(capsys) == (f"lexrisk: error: POST {web_page}/v1/contracts answered HTTP 200 with a body that "
                                 "is not JSON; is --api-url (LEXRISK_API_URL) the lexrisk API?")


def test_status_from_a_web_page_stops_with_one_line(web_page: str, tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, "a.txt")
    journal = Journal(tmp_path / "j.jsonl")
    journal.record(Entry(sha256="0" * 64, path=str(folder / "a.txt"), size=1, status="queued", job_id="job_1"))
    argv = ["batch", "status", str(folder), "--api-url", web_page, "--api-key", "k", "--journal", str(journal.path)]
    assert main(argv) == 2
    assert f"GET {web_page}/v1/jobs/job_1 answered HTTP 200 with a body that is not JSON" in _one_line(capsys)


def test_a_created_answer_without_the_job_is_not_the_api(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "a.txt")
    client = _answering(httpx.Response(201, json={"id": "x"}))
    with pytest.raises(BatchError, match="answered HTTP 201 with JSON without 'status', 'contract_id', 'job_id'"):
        submit(folder, client, Journal(tmp_path / "j.jsonl"))


@pytest.mark.parametrize("body", [{"data": "x", "count": 1}, {"data": [{"latest_job": 3}], "count": 1}, [1]])
def test_a_contract_list_of_another_shape_is_not_the_api(body, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    for i in range(batch_client.LIST_REFRESH_ABOVE + 1):  # enough pending jobs to read the contract list
        journal.record(Entry(sha256=f"{i:064}", path=f"c{i}.txt", size=1, status="queued", job_id=f"job_{i}"))
    with pytest.raises(BatchError, match="the lexrisk API"):
        refresh(_answering(httpx.Response(200, json=body)), journal)


def test_an_unreadable_file_is_that_files_failure(tmp_path: Path, monkeypatch) -> None:
    folder = _folder(tmp_path, "a.txt", "locked.txt", "c.txt")
    real = batch_client.file_sha256

    def file_sha256(path: Path) -> str:
        if path.name == "locked.txt":  # as root chmod 000 does not stop a read
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(batch_client, "file_sha256", file_sha256)
    created = [httpx.Response(201, json={"status": "queued", "contract_id": f"c{i}", "job_id": f"j{i}"})
               for i in range(2)]
    journal = Journal(tmp_path / "j.jsonl")
    report = submit(folder, _answering(*created), journal, concurrency=1)
    assert (report.files, report.submitted, report.rejected) == (3, 2, 1)
    failures = summary(journal)["failures"]
    assert [(Path(f["path"]).name, f["status"], f["code"]) for f in failures] == [("locked.txt", "rejected",
                                                                                 "unreadable")]
    assert "Permission denied" in failures[0]["message"]
    # not journalled: it has no content hash, and the next submit tries it again
    assert len(Journal(journal.path).entries) == 2


@pytest.mark.parametrize(("make", "problem"), [
    (lambda path: path.mkdir(), "cannot be read or written (Is a directory)"),
    (lambda path: path.write_bytes(b"\xff\xfe{\"sha256\": 1}\n"), "not UTF-8 text, so not a batch journal"),
])
def test_a_journal_that_is_no_journal(make, problem: str, tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, "a.txt")
    journal = tmp_path / "journal"
    make(journal)
    for action in ("submit", "status"):
        assert main(["batch", action, str(folder), "--api-key", "k", "--journal", str(journal)]) == 2
        assert _one_line(capsys) == f"lexrisk: error: journal {journal}: {problem}"
