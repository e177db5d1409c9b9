"""The OpenAI-compatible analyzer against a fake server at the HTTP boundary (the real vLLM is in
test_vllm_e2e.py): the request carries the shared prompt and the schema as a decoding constraint;
answers are validated, grounded, retried and bounded."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from analyzers.openai import (
    BackendError,
    DecodingBounds,
    OpenAIAnalyzer,
    decoding_schema,
    from_settings,
    heuristic_tokens,
)
from contracts.chunking import chunk_text
from contracts.documents import Document
from contracts.prompt import answer_json_schema, system_prompt
from lexrisk.settings import Settings
from tests.serving.conftest import SAMPLES

TEXT = (SAMPLES / "master_services_agreement.txt").read_text()
DOC = Document.from_text("msa.txt", TEXT)
EXCLUSIVITY = ("Customer shall purchase all of its requirements for data analytics services exclusively "
               "from Provider")


def _completion(content: str, finish: str = "stop") -> dict:
    return {"choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20}}


def _answer(chunk_text_: str) -> str:
    items = []
    if EXCLUSIVITY in chunk_text_:
        items.append({"category": "Exclusivity", "severity": "high", "quote": EXCLUSIVITY,
                      "explanation": "locks the client in"})
    items.append({"category": "Audit Rights", "severity": "low", "quote": "a clause the model made up",
                  "explanation": "hallucinated"})
    return json.dumps(items)


def _analyzer(handler, **kwargs) -> OpenAIAnalyzer:
    kwargs.setdefault("chunk_tokens", 400)
    return OpenAIAnalyzer(base_url="http://vllm.test/v1", model="contract-risk", api_key="k",
                          transport=httpx.MockTransport(handler), sleep=lambda s: None, **kwargs)


def test_request_carries_shared_prompt_and_schema_constraint() -> None:
    bodies: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/chat/completions" and request.headers["authorization"] == "Bearer k"
        body = json.loads(request.content)
        bodies.append(body)
        return httpx.Response(200, json=_completion(_answer(body["messages"][1]["content"])))

    result = _analyzer(handler).analyze(DOC)
    chunks = chunk_text(TEXT, heuristic_tokens, 400)
    assert len(bodies) == len(chunks) > 1
    for body in bodies:
        assert body["model"] == "contract-risk" and body["temperature"] == 0
        assert body["response_format"] == {"type": "json_schema", "json_schema": {
            "name": "lexrisk_findings", "schema": decoding_schema(DecodingBounds()), "strict": True}}
        assert "guided_json" not in body and "structured_outputs" not in body
        assert body["messages"][0] == {"role": "system", "content": system_prompt()}
    assert sorted(b["messages"][1]["content"].split("\n\n", 1)[1] for b in bodies) == sorted(c.text for c in chunks)
    [finding] = result.findings
    assert finding.category == "Exclusivity" and finding.severity == "high"
    assert TEXT[finding.start:finding.end] == finding.quote == EXCLUSIVITY
    assert result.stats.ungrounded_dropped == len(chunks)  # one made-up quote per chunk, dropped and counted


def test_brief_prompt_setting_reaches_the_request_and_the_chunk_budget() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content)["messages"][0]["content"])
        return httpx.Response(200, json=_completion("[]"))

    settings = Settings(analyzer="openai", prompt="brief", openai_context_tokens=2048, chunk_tokens=4000)
    analyzer = from_settings(settings, None)
    assert analyzer.prompt == "brief"
    assert analyzer.chunk_tokens == 2048 - heuristic_tokens(system_prompt("brief")) - 64 - settings.openai_max_tokens
    _analyzer(handler, prompt="brief").analyze(DOC)
    assert seen and set(seen) == {system_prompt("brief")}


def test_decoding_schema_is_the_shared_schema_with_bounds() -> None:
    schema = decoding_schema(DecodingBounds(3, 100, 50))
    shared = answer_json_schema()
    assert schema["maxItems"] == 3 and schema["items"]["properties"]["quote"]["maxLength"] == 100
    assert schema["items"]["properties"]["category"] == shared["items"]["properties"]["category"]
    assert schema["items"]["required"] == shared["items"]["required"]
    assert "maxItems" not in shared  # the shared schema is untouched


def test_structured_outputs_mode_uses_vllm_field() -> None:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=_completion("[]"))

    _analyzer(handler, structured_output="structured_outputs").analyze(DOC)
    assert seen[0]["structured_outputs"] == {"json": decoding_schema(DecodingBounds())}
    assert "response_format" not in seen[0]
    with pytest.raises(ValueError, match="guided_json"):
        _analyzer(handler, structured_output="guided_json")


def test_an_unconstrained_server_is_caught_by_validation() -> None:
    """A server that ignores the constraint (as vLLM ignores guided_json) answers prose: the analyzer
    retries, then counts the chunk's answer as invalid instead of inventing findings."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json=_completion("Sure! Here are the risks: exclusivity, audit."))

    analyzer = _analyzer(handler, max_retries=2, chunk_tokens=5000)
    errors: list[str] = []

    class Observer:
        def progress(self, done, total): pass
        def tokens(self, prompt, completion): pass
        def answer_errors(self, e): errors.extend(e)

    result = analyzer.analyze(DOC, Observer())
    assert result.findings == [] and len(calls) == 3
    assert len(errors) == 3 and "no JSON array" in errors[0]


def test_cut_off_answer_is_retried_and_transient_errors_back_off() -> None:
    replies = [httpx.Response(503, text="loading"), httpx.ConnectError("refused"),
               httpx.Response(200, json=_completion('[{"category": "Exclusivity", "sev', finish="length")),
               httpx.Response(200, json=_completion(_answer(EXCLUSIVITY)))]
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        reply = replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    analyzer = OpenAIAnalyzer(base_url="http://vllm.test/v1", model="m", transport=httpx.MockTransport(handler),
                              sleep=sleeps.append, max_retries=3, chunk_tokens=5000, backoff_s=0.5)
    result = analyzer.analyze(DOC)
    assert [f.category for f in result.findings] == ["Exclusivity"]
    assert sleeps == [0.5, 1.0, 2.0]


def test_backend_down_or_refusing_raises_with_reason() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    with pytest.raises(BackendError, match="unreachable"):
        _analyzer(down, max_retries=1, chunk_tokens=5000).analyze(DOC)

    def refuses(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": "The model `contract-risk` does not exist."}})

    with pytest.raises(BackendError, match="does not exist"):
        _analyzer(refuses, chunk_tokens=5000).analyze(DOC)


def test_requests_in_flight_are_bounded_across_jobs() -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.02)
        with lock:
            state["now"] -= 1
        return httpx.Response(200, json=_completion("[]"))

    analyzer = _analyzer(handler, concurrency=2, chunk_tokens=120)
    threads = [threading.Thread(target=analyzer.analyze, args=(DOC,)) for _ in range(3)]  # three jobs at once
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state["peak"] == 2


def test_ready_checks_the_model_is_served() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"id": "base"}, {"id": "contract-risk"}]})

    assert _analyzer(handler).ready()
    assert not OpenAIAnalyzer(base_url="http://vllm.test/v1", model="other",
                              transport=httpx.MockTransport(handler)).ready()


def test_chunks_shrink_to_fit_the_served_context() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=_completion("[]"))

    overhead = heuristic_tokens(system_prompt()) + 64
    analyzer = _analyzer(handler, chunk_tokens=4000, max_tokens=512, context_tokens=overhead + 512 + 300)
    assert analyzer.chunk_tokens == 300
    assert all(heuristic_tokens(c.text) <= 300 for c in analyzer.chunks(DOC))
    with pytest.raises(ValueError, match="max-model-len"):
        _analyzer(handler, max_tokens=512, context_tokens=overhead + 512)
