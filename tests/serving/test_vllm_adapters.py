"""The model registry on the real vLLM (CPU): real LoRA adapter folders (random, on the tiny Llama) are
registered with evaluations, promoted by the gate, loaded into the running server at run time
(VLLM_ALLOW_RUNTIME_LORA_UPDATING, POST /v1/load_lora_adapter) and asked for by name; every finding and
the job record the adapter; a promotion and a rollback switch it without restarting the server; a worse
adapter is refused by `lexrisk models promote --gate`.

The metrics.json each adapter is registered with is written here: this tests the gate's logic and the
serving path, not the adapters' quality (random adapters have none). A random model's quotes are
mostly invented and dropped, so which adapter answered is asserted at the HTTP client (the `model` of
each request) and on the server (the same prompt answered differently by each adapter), as well as on
whatever findings are kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from analyzers.openai import from_settings
from contracts.documents import Document
from lexrisk.cli import main
from lexrisk.testing.tiny_llm import random_adapter
from lexrisk.testing.vllm_server import LORA_NAME
from tests.serving import test_vllm_e2e
from tests.serving.conftest import SAMPLES, make_settings, open_api

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
TEXT = (SAMPLES / "master_services_agreement.txt").read_text()[:1500]  # one chunk: quick on the CPU


def _register(tmp_path: Path, base: Path, name: str, seed: int, precision: float, recall: float) -> None:
    """A training run folder (a real LoRA adapter with its model card) and an eval run, registered."""
    adapter = random_adapter(base, tmp_path / name / "adapter", seed)
    (adapter / "lexrisk_model_card.json").write_text(json.dumps({
        "base_model": str(base), "base_revision": None, "dataset": {"version": "test", "content_hash": "none"},
        "config": {"lora": {"r": 8}}}))
    evaluation = tmp_path / f"eval-{name}"
    evaluation.mkdir()
    (evaluation / "metrics.json").write_text(json.dumps({"micro": {
        "precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}}))
    assert main(["models", "register", str(tmp_path / name), "--name", name, "--eval", str(evaluation)]) == 0


@pytest.fixture
def registry_db(tmp_path: Path, monkeypatch):
    from contracts.settings import clear_settings

    url = f"sqlite:///{tmp_path / 'lexrisk.db'}"
    monkeypatch.setenv("LEXRISK_DATABASE_URL", url)
    clear_settings()
    yield url
    clear_settings()


def test_promote_switch_and_roll_back_adapters_on_real_vllm(vllm_proc, tiny_llm, registry_db, tmp_path: Path,
                                                            capsys) -> None:
    base = tiny_llm[0]
    for name, seed, precision, recall in [("lora-a", 11, 0.30, 0.20), ("lora-b", 12, 0.32, 0.35),
                                          ("lora-worse", 13, 0.50, 0.10)]:
        _register(tmp_path, base, name, seed, precision, recall)
    settings = make_settings(tmp_path, database_url=registry_db, analyzer="openai", openai_base_url=vllm_proc.url,
                             openai_model=LORA_NAME, openai_tokenizer=str(base), chunk_tokens=1024,
                             openai_max_tokens=1024, openai_max_findings=2, openai_max_quote_chars=120,
                             openai_max_explanation_chars=60, openai_max_retries=1, openai_timeout_s=300,
                             analyzer_plugins={"openai": "tests.serving.test_vllm_e2e:recording_openai"})
    served = lambda: {m["id"]: m.get("root") for m in  # noqa: E731
                      httpx.get(f"{vllm_proc.url}/models", timeout=10).json()["data"]}
    assert "lora-a" not in served()
    api_iter = open_api(settings)
    api = next(api_iter)
    try:
        def analyze(n: int) -> str:
            """One contract through the API and the worker; the adapter it ran on, checked everywhere."""
            test_vllm_e2e.SENT.clear()
            accepted = api.upload(data=(TEXT + f"\n\nSchedule {n}.").encode(), name=f"short-{n}.txt").json()
            job = api.wait(accepted["job_id"], timeout=400)
            assert job["status"] == "done", job
            findings = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()
            model = job["stats"]["model"]
            chats = [body for body in test_vllm_e2e.SENT if "messages" in body]  # not the adapter loads
            assert chats and {body["model"] for body in chats} == {model}
            assert all(f["model"] == model for f in findings["data"])
            stats = job["stats"]
            assert stats["proposed"] == stats["ungrounded_dropped"] + stats["duplicates_merged"] + findings["count"]
            return model

        assert analyze(0) == LORA_NAME  # nothing promoted: the configured model, as before
        assert main(["models", "promote", "lora-a", "--gate", "recall"]) == 0
        assert analyze(1) == "lora-a"
        assert served()["lora-a"] == str((tmp_path / "lora-a" / "adapter").resolve())  # loaded at run time

        assert main(["models", "promote", "lora-b", "--gate", "recall"]) == 0
        assert analyze(2) == "lora-b"
        assert {"lora-a", "lora-b", LORA_NAME} <= set(served())
        os.kill(vllm_proc.pid, 0)  # the same server process throughout: switched without a restart

        # the server really runs two different adapters: the same request is answered differently
        analyzer = from_settings(settings, None)
        document = Document.from_text("short.txt", TEXT)
        body = analyzer.request_body(document, analyzer.chunks(document)[0]) | {"max_tokens": 48}
        body.pop("response_format")
        answers = {model: httpx.post(f"{vllm_proc.url}/chat/completions", json=body | {"model": model},
                                     timeout=300).json()["choices"][0]["message"]["content"]
                   for model in ("lora-a", "lora-b")}
        assert answers["lora-a"] != answers["lora-b"]

        capsys.readouterr()
        assert main(["models", "promote", "lora-worse", "--gate", "recall"]) == 2  # recall falls: refused
        assert "refused to promote lora-worse: recall 0.100 does not beat the served 0.350" in capsys.readouterr().err
        assert analyze(3) == "lora-b"

        assert main(["models", "rollback"]) == 0
        assert analyze(4) == "lora-a"
        os.kill(vllm_proc.pid, 0)
    finally:
        api_iter.close()
