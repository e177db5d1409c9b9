"""A model server that is down: the job is retried with backoff, fails as analyzer_unavailable once
out of tries, and never shows the client the server's internal address."""

from __future__ import annotations

import time

from serving.jobs.runner import scrub
from tests.serving import fakes
from tests.serving.conftest import make_settings, open_api


def test_dead_model_server_fails_as_analyzer_unavailable_without_its_address(tmp_path) -> None:
    settings = make_settings(tmp_path, openai_base_url="http://127.0.0.1:1/v1", openai_max_retries=0,
                             analyzer_retries=3, analyzer_retry_backoff_s=0.2)
    for api in open_api(settings):
        started = time.monotonic()
        job = api.wait(api.upload(analyzer="openai").json()["job_id"])
        elapsed = time.monotonic() - started
        assert job["status"] == "failed" and job["error"]["code"] == "analyzer_unavailable", job
        assert "3 tries" in job["error"]["message"]
        assert "127.0.0.1" not in str(job) and "http" not in job["error"]["message"]
        assert elapsed >= 0.2 + 0.4  # the backoff between the three tries was waited


def test_a_backend_that_comes_back_is_retried_into_a_finished_job(tmp_path) -> None:
    fakes.FlakyAnalyzer.calls = 0
    for api in open_api(make_settings(tmp_path, analyzer_retries=3, analyzer_retry_backoff_s=0.01)):
        job = api.wait(api.upload(analyzer="flaky").json()["job_id"])
        assert job["status"] == "done" and fakes.FlakyAnalyzer.calls == 3, job


def test_failure_reasons_lose_internal_addresses() -> None:
    assert scrub("BackendError: model server at http://vllm.internal:8001/v1/ unreachable: [Errno 111]") == \
        "BackendError: model server at <internal address> unreachable: [Errno 111]"
    assert "10.0.0.7" not in scrub("connect to 10.0.0.7:8001 failed") and "localhost" not in scrub("localhost:8001 down")
