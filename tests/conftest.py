"""Fixtures shared by every part's tests."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from lexrisk.settings import get_settings

if TYPE_CHECKING:
    from lexrisk.testing.vllm_server import VLLMProcess

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SAMPLE_TXT = EXAMPLES / "contracts" / "master_services_agreement.txt"
SAMPLE_PDF = SAMPLE_TXT.with_suffix(".pdf")
SAMPLE_DOCX = SAMPLE_TXT.with_suffix(".docx")
# A test that needs PostgreSQL, Redis or the CUAD data FAILS when it is missing, so CI cannot pass without
# running it; a developer without them opts out with LEXRISK_TEST_SKIP_MISSING=1.
SKIP_MISSING_ENV = "LEXRISK_TEST_SKIP_MISSING"


def load_script(name: str):
    """A module of scripts/ (not a package): the docs tests call the generator that wrote a doc's table."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Settings read again from the environment the test sets, and cleared after it (they are cached once per
    process); a module asks for it with `pytestmark = pytest.mark.usefixtures("fresh_settings")`."""
    from contracts.settings import clear_settings

    clear_settings()
    yield
    clear_settings()


def unavailable(reason: str) -> NoReturn:
    """A resource the test needs is missing: fail (the default, and in CI), or skip when the developer opted out."""
    if os.environ.get(SKIP_MISSING_ENV, "").lower() in ("1", "true", "yes") and os.environ.get("CI", "") != "true":
        pytest.skip(reason)
    pytest.fail(f"{reason} (set {SKIP_MISSING_ENV}=1 to skip tests that need it)", pytrace=False)


@pytest.fixture(scope="session")
def cuad_dir() -> Path:
    """The CUAD folder named by LEXRISK_CUAD_DIR (default ../shared/data/cuad, from the repo root)."""
    path = get_settings().cuad_dir
    if not path.is_absolute():
        path = (REPO / path).resolve()
    if not (path / "master_clauses.csv").is_file():
        unavailable(f"CUAD data not found at {path} (set LEXRISK_CUAD_DIR)")
    return path


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_TXT.read_text("utf-8")


@pytest.fixture(scope="session")
def tiny_llm(tmp_path_factory) -> tuple[Path, Path]:
    """(base model folder, LoRA adapter folder) of a tiny random Llama, built once per session."""
    from lexrisk.testing.tiny_llm import build

    return build(tmp_path_factory.mktemp("tiny-llm"), REPO)


@pytest.fixture(scope="session")
def vllm_proc(tiny_llm, tmp_path_factory) -> Iterator[VLLMProcess]:
    """One real vLLM (CPU) serving the tiny Llama, its LoRA as `contract-risk`, runtime LoRA loading on.

    Starting vLLM on CPU takes minutes, so it starts once per session, at the first test that asks for it,
    and every vLLM test (serving's end to end, the registry's adapters, the eval judge's) shares it; it
    stops when the session ends. A server that cannot start fails the tests that need it."""
    from lexrisk.testing.vllm_server import vllm_process

    base, adapter = tiny_llm
    with vllm_process(base, adapter, tmp_path_factory.mktemp("vllm") / "vllm.log") as process:
        yield process


@pytest.fixture(scope="session")
def vllm(vllm_proc) -> str:
    """The /v1 URL of the shared vLLM server."""
    return vllm_proc.url
