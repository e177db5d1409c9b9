"""End to end with the real vLLM (CPU): a tiny random Llama plus a LoRA adapter served as
`contract-risk`, the real API on loopback, a contract upload, and findings back.

A random model finds nothing real, so this asserts the pipeline, not the content: the request carries
the schema as `response_format` json_schema; the constraint fires (the same request without it, or with
the old `guided_json`, gives text that is not an answer; with it, the answer parses against the schema);
every proposed quote that is not in the contract is dropped and counted; what is kept is schema-valid
and grounded."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from analyzers.openai import OpenAIAnalyzer, from_settings
from contracts.documents import Document
from contracts.findings import Finding
from contracts.prompt import AnswerFormatError, answer_json_schema, parse_answer
from lexrisk.testing.vllm_server import LORA_NAME, free_port
from tests.serving.conftest import SAMPLES, make_settings

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
TEXT = (SAMPLES / "master_services_agreement.txt").read_text()
SENT: list[dict] = []  # request bodies the API's analyzer sent, recorded at the HTTP client


def _settings(tmp_path: Path, url: str, tokenizer: Path):
    return make_settings(tmp_path, analyzer="openai", openai_base_url=url, openai_model=LORA_NAME,
                         openai_tokenizer=str(tokenizer), chunk_tokens=1024, openai_max_tokens=1024,
                         openai_max_findings=2, openai_max_quote_chars=120, openai_max_explanation_chars=60,
                         openai_max_retries=1, openai_concurrency=2, openai_timeout_s=300,
                         analyzer_plugins={"openai": "tests.serving.test_vllm_e2e:recording_openai"})


def recording_openai(settings, playbook) -> OpenAIAnalyzer:
    """The real `openai` analyzer, with a hook that records each request body it sends."""
    analyzer = from_settings(settings, playbook)

    def record(request: httpx.Request) -> None:
        if request.method == "POST":
            SENT.append(json.loads(request.read()))

    analyzer.client.event_hooks["request"].append(record)
    return analyzer


def test_schema_constraint_fires_on_real_vllm(vllm: str, tiny_llm, tmp_path: Path) -> None:
    analyzer = from_settings(_settings(tmp_path, vllm, tiny_llm[0]), None)
    document = Document.from_text("msa.txt", TEXT)
    body = analyzer.request_body(document, analyzer.chunks(document)[0])
    assert body["response_format"]["type"] == "json_schema"

    def ask(request: dict) -> str:
        reply = httpx.post(f"{vllm}/chat/completions", json=request, timeout=300)
        assert reply.status_code == 200, reply.text
        return reply.json()["choices"][0]["message"]["content"]

    free = {k: v for k, v in body.items() if k != "response_format"} | {"max_tokens": 48}
    for unconstrained in (free, free | {"guided_json": answer_json_schema()}):
        with pytest.raises(AnswerFormatError):
            parse_answer(ask(unconstrained), strict=True)
    answer = ask(body)
    items = json.loads(answer)  # complete JSON: the bounds let the answer end within max_tokens
    parsed = parse_answer(answer, strict=True)  # every item matches the shared schema
    assert len(parsed.items) == len(items) <= 2
    assert all(len(i["quote"]) <= 120 for i in items)


def _serve(app, port: int) -> tuple[threading.Thread, object]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "API did not start"
        time.sleep(0.05)
    return thread, server


def test_upload_to_real_api_gets_grounded_findings_from_real_vllm(vllm: str, tiny_llm, tmp_path: Path) -> None:
    from serving.api.app import build_app
    from serving.db import make_engine, migrate
    from serving.keys import create_key

    settings = _settings(tmp_path, vllm, tiny_llm[0])
    engine = make_engine(settings.database_url)
    migrate(engine)
    key, _ = create_key(engine, "acme")
    engine.dispose()
    SENT.clear()
    port = free_port()
    thread, server = _serve(build_app(settings), port)
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"},
                           timeout=30)
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").json()["checks"]["analyzer"] == "ok"
        upload = api.post("/v1/contracts", files={"file": ("msa.txt", TEXT.encode())})
        assert upload.status_code == 202, upload.text
        job_url = upload.headers["location"]
        deadline = time.monotonic() + 400
        while (job := api.get(job_url).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(1)
        assert job["status"] == "done", job
        findings = api.get(f"/v1/contracts/{job['contract_id']}/findings").json()
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    finally:
        server.should_exit = True
        thread.join(30)

    stats = job["stats"]
    assert job["progress"]["chunks_total"] == job["progress"]["chunks_done"] == len(SENT) >= 2
    for body in SENT:
        assert body["model"] == LORA_NAME and "guided_json" not in body
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"]["items"]["properties"]["category"]["enum"]
    assert stats["invalid_answers"] == 0, stats  # the constraint held for every chunk
    assert stats["prompt_tokens"] > 1000 and stats["completion_tokens"] > 0
    assert stats["proposed"] > 0  # the random model did answer with items...
    # ...whose quotes are invented: each is dropped and counted, none becomes a finding with made-up offsets
    assert stats["proposed"] == stats["ungrounded_dropped"] + stats["duplicates_merged"] + findings["count"]
    for item in findings["data"]:
        finding = Finding.model_validate({k: v for k, v in item.items() if k not in ("id", "review")})
        assert TEXT[finding.start:finding.end] == finding.quote
    assert 'lexrisk_analyzer_tokens_total{analyzer="openai",kind="completion"}' in metrics
