"""The registry's served adapter reaches the model server without a restart: a job resolves the adapter
served to its tenant when it starts, loads it into the server (vLLM's runtime LoRA loading) if the server
does not hold it, asks for it by name on every request, and its findings record it. Here against a fake
vLLM at the HTTP boundary, which answers each adapter with its own quote, so a finding shows which adapter
the server was asked for; the real vLLM is in test_vllm_adapters.py."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

from analyzers.openai import BackendError, OpenAIAnalyzer
from lexrisk.settings import Settings
from serving.db import make_engine
from serving.registry import promote, register, rollback
from tests.serving.conftest import SAMPLES, make_settings, open_api
from tests.serving.test_registry import training_run

TEXT = (SAMPLES / "master_services_agreement.txt").read_text()
QUOTES = {  # what the fake server's model answers, per model asked for: each a clause of TEXT
    "contract-risk": "Customer shall purchase all of its requirements for data analytics services exclusively "
                     "from Provider",
    "first": "Customer shall purchase Services of not less than $250,000 in each contract year",
    "better": "Provider may increase its fees on each anniversary of the Effective Date",
    "acme/acme-own": "Provider shall own all right, title and interest in and to the Deliverables",
}


class FakeVLLM:
    """An OpenAI-compatible server with runtime LoRA loading, as vLLM 0.32 answers it. With `hold`, the first
    chat request waits (after setting `started`) until `release` is set."""

    def __init__(self) -> None:
        self.roots = {"contract-risk": "/adapters/contract-risk"}
        self.loads: list[str] = []
        self.asked: list[tuple[str, str]] = []  # (contract, model) of each chat request
        self.hold = False
        self.started, self.release = threading.Event(), threading.Event()
        self.loaded = {name: threading.Event() for name in QUOTES}  # set when the adapter is loaded

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/models":
            return httpx.Response(200, json={"data": [{"id": n, "root": r} for n, r in self.roots.items()]})
        body = json.loads(request.content)
        if path == "/v1/load_lora_adapter":
            if body["lora_name"] in self.roots:
                return httpx.Response(400, json={"error": {"message": f"The lora adapter '{body['lora_name']}' "
                                                                      "has already been loaded."}})
            self.roots[body["lora_name"]] = body["lora_path"]
            self.loads.append(body["lora_name"])
            self.loaded[body["lora_name"]].set()
            return httpx.Response(200, text="Success")
        assert path == "/v1/chat/completions"
        model = body["model"]
        if model not in self.roots:
            return httpx.Response(404, json={"error": {"message": f"The model `{model}` does not exist."}})
        self.asked.append((body["messages"][1]["content"].split("\n", 1)[0].removeprefix("Contract: "), model))
        if self.hold and not self.started.is_set():
            self.started.set()
            assert self.release.wait(60), "the test never released the held request"
        quote = QUOTES[model]
        content = json.dumps([{"category": "Exclusivity", "severity": "high", "quote": quote,
                               "explanation": f"said by {model}"}])
        return httpx.Response(200, json={"choices": [{"message": {"content": content}, "finish_reason": "stop"}],
                                         "usage": {"prompt_tokens": 10, "completion_tokens": 5}})


SERVER = FakeVLLM()


def fake_vllm_analyzer(settings: Settings, playbook) -> OpenAIAnalyzer:
    """One request in flight per process (shared by its jobs), so a job's later chunks are asked for after
    its first one was answered."""
    return OpenAIAnalyzer(playbook, base_url="http://vllm.test/v1", model=settings.openai_model, concurrency=1,
                          chunk_tokens=settings.chunk_tokens, transport=httpx.MockTransport(SERVER.handle),
                          sleep=lambda s: None)


@pytest.fixture
def setup(tmp_path: Path):
    global SERVER
    SERVER = FakeVLLM()
    settings = make_settings(tmp_path, analyzer="openai", openai_model="contract-risk", chunk_tokens=600,
                             analyzer_plugins={"openai": "tests.serving.test_adapters:fake_vllm_analyzer"})
    engine = make_engine(settings.database_url)
    api_iter = open_api(settings)
    api = next(api_iter)
    for name, p, r, tenant in [("first", 0.30, 0.20, ""), ("better", 0.32, 0.35, ""), ("worse", 0.50, 0.10, ""),
                               ("acme-own", 0.40, 0.40, "acme")]:
        run, evaluation = training_run(tmp_path, name, p, r)
        register(engine, name, run / "adapter", evaluation, tenant)
    yield api, engine, tmp_path
    engine.dispose()
    api_iter.close()


def _analyze(api, n: int, tenant: str = "acme") -> tuple[dict, list[dict]]:
    """Upload a contract no one uploaded before (a copy would reuse its findings); its job and findings."""
    accepted = api.upload(data=(TEXT + f"\n\nSchedule {n}.").encode(), name=f"msa-{n}.txt", tenant=tenant).json()
    job = api.wait(accepted["job_id"], tenant)
    assert job["status"] == "done", job
    url = f"/v1/contracts/{accepted['contract_id']}/findings"
    return job, api.client.get(url, headers=api.h(tenant)).json()["data"]


def _produced_by(job: dict, findings: list[dict]) -> tuple[str, set[str], set[str]]:
    return job["stats"]["model"], {f["model"] for f in findings}, {f["quote"] for f in findings}


def test_promotion_and_rollback_switch_the_adapter_jobs_ask_for(setup) -> None:
    api, engine, tmp_path = setup
    adapter = lambda name: str((tmp_path / name / "adapter").resolve())  # noqa: E731
    job, findings = _analyze(api, 1)  # nothing promoted: the configured model, as before the registry
    assert _produced_by(job, findings) == ("contract-risk", {"contract-risk"}, {QUOTES["contract-risk"]})

    assert promote(engine, "first", "recall").passed
    assert _produced_by(*_analyze(api, 2)) == ("first", {"first"}, {QUOTES["first"]})
    assert SERVER.loads == ["first"] and SERVER.roots["first"] == adapter("first")
    assert not promote(engine, "worse", "recall").passed  # refused: the server keeps what it serves
    assert promote(engine, "better", "recall").passed
    assert _produced_by(*_analyze(api, 3)) == ("better", {"better"}, {QUOTES["better"]})
    assert rollback(engine).name == "first"
    assert _produced_by(*_analyze(api, 4)) == ("first", {"first"}, {QUOTES["first"]})
    assert SERVER.loads == ["first", "better"]  # rolling back needs no second load: the server holds it

    # a tenant's own adapter is served to that tenant only, by a name no other tenant's adapter can take
    assert promote(engine, "acme-own", "recall", tenant="acme").passed
    assert _produced_by(*_analyze(api, 5, "acme"))[0] == "acme/acme-own"
    assert _produced_by(*_analyze(api, 6, "globex"))[0] == "first"
    assert SERVER.roots["acme/acme-own"] == adapter("acme-own")


def test_a_job_in_flight_finishes_on_the_adapter_it_started_with(setup) -> None:
    """Job 1 waits on its first chunk while `better` is promoted and job 2 (another tenant's: the queue runs
    one job per tenant at a time) starts and has the server load `better`; both share the process's one
    analyzer. Then job 1's remaining chunks still ask for `first`, and all its findings say so."""
    api, engine, _ = setup
    assert promote(engine, "first", "recall").passed
    SERVER.hold = True
    one = api.upload(data=(TEXT + "\n\nSchedule 1.").encode(), name="msa-1.txt").json()
    assert SERVER.started.wait(60), "job 1 never asked the model server"
    assert promote(engine, "better", "recall").passed
    two = api.upload(data=(TEXT + "\n\nSchedule 2.").encode(), name="msa-2.txt", tenant="globex").json()
    assert SERVER.loaded["better"].wait(60), "job 2 never started"
    SERVER.release.set()
    for accepted, name, tenant, model in [(one, "msa-1.txt", "acme", "first"), (two, "msa-2.txt", "globex", "better")]:
        job = api.wait(accepted["job_id"], tenant)
        url = f"/v1/contracts/{accepted['contract_id']}/findings"
        findings = api.client.get(url, headers=api.h(tenant)).json()["data"]
        asked = [m for contract, m in SERVER.asked if contract == name]
        assert len(asked) == job["progress"]["chunks_total"] > 1 and set(asked) == {model}
        assert _produced_by(job, findings) == (model, {model}, {QUOTES[model]})


def _server(handler) -> OpenAIAnalyzer:
    return OpenAIAnalyzer(base_url="http://vllm.test/v1", model="contract-risk",
                          transport=httpx.MockTransport(handler), sleep=lambda s: None)


def test_loading_an_adapter_is_idempotent_and_says_what_is_wrong() -> None:
    loads: list[dict] = []

    def racing(request: httpx.Request) -> httpx.Response:  # another worker loaded it between list and load
        if request.url.path == "/v1/models":
            return httpx.Response(200, json={"data": []})
        loads.append(json.loads(request.content))
        return httpx.Response(400, json={"error": {"message": "The lora adapter 'a' has already been loaded."}})

    server = _server(racing)
    view = server.with_adapter("a", "/adapters/a", "brief")
    assert loads == [{"lora_name": "a", "lora_path": "/adapters/a"}] and view.model == view.model_id == "a"
    assert view.prompt == "brief" and server.prompt == "full"  # the view asks as the adapter was taught

    def without_runtime_loading(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/models":
            return httpx.Response(200, json={"data": []})
        return httpx.Response(404, json={"detail": "Not Found"})

    with pytest.raises(BackendError, match="VLLM_ALLOW_RUNTIME_LORA_UPDATING=True"):
        _server(without_runtime_loading).load_adapter("a", "/adapters/a")

    def other_folder(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"id": "a", "root": "/elsewhere/a"}]})

    with pytest.raises(BackendError, match="serves another 'a' \\(from /elsewhere/a\\)"):
        _server(other_folder).load_adapter("a", "/adapters/a")

    def broken_adapter(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/models":
            return httpx.Response(200, json={"data": []})
        return httpx.Response(400, json={"error": {"message": "No adapter found for /adapters/a"}})

    with pytest.raises(BackendError, match="refused to load adapter 'a' from /adapters/a \\(400\\)"):
        _server(broken_adapter).load_adapter("a", "/adapters/a")
