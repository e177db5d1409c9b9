"""Start the real vLLM (CPU build, its own venv `.vllm-venv`) on loopback for tests and benchmarks, with
runtime LoRA loading on (VLLM_ALLOW_RUNTIME_LORA_UPDATING), as the deployment runs it: the service loads the
registry's promoted adapters into the running server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
VLLM_PYTHON = Path(os.environ.get("LEXRISK_TEST_VLLM_PYTHON", ROOT / ".vllm-venv" / "bin" / "python"))
LORA_NAME = "contract-risk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class VLLMProcess:
    url: str  # its /v1 URL
    pid: int  # a test can tell that an adapter was switched without a restart


@contextlib.contextmanager
def vllm_server(base: Path, adapter: Path, log_path: Path, *, max_model_len: int = 8192,
                startup_timeout: float = 420.0) -> Iterator[str]:
    """Yields the server's /v1 URL once it serves the adapter; stops it afterwards."""
    with vllm_process(base, adapter, log_path, max_model_len=max_model_len, startup_timeout=startup_timeout) as process:
        yield process.url


@contextlib.contextmanager
def vllm_process(base: Path, adapter: Path, log_path: Path, *, max_model_len: int = 8192,
                 startup_timeout: float = 420.0) -> Iterator[VLLMProcess]:
    """The server, once it serves `adapter` as LORA_NAME; stopped afterwards."""
    if not VLLM_PYTHON.is_file():
        raise RuntimeError(f"{VLLM_PYTHON} is missing: build it with `make .vllm-venv`")
    port = free_port()
    command = [str(VLLM_PYTHON), "-m", "vllm.entrypoints.openai.api_server", "--model", str(base),
               "--host", "127.0.0.1", "--port", str(port), "--dtype", "float32",
               "--max-model-len", str(max_model_len), "--enable-lora", "--lora-modules", f"{LORA_NAME}={adapter}",
               "--max-lora-rank", "64",
               "--structured-outputs-config", '{"backend":"xgrammar","disable_any_whitespace":true}']
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1", "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "VLLM_ALLOW_RUNTIME_LORA_UPDATING": "True"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"vLLM exited with {process.returncode}:\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"vLLM did not come up in {startup_timeout:.0f} s:\n{_tail(log_path)}")
            with contextlib.suppress(httpx.HTTPError):
                models = httpx.get(f"{url}/models", timeout=2).json()
                if any(m["id"] == LORA_NAME for m in models.get("data", [])):
                    break
            time.sleep(1)
        yield VLLMProcess(url, process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
