"""`openai`: any OpenAI-compatible chat server; in production vLLM serving Llama 3.1 70B with the
lexrisk adapter as a LoRA module (`--lora-modules contract-risk=PATH`, requested by that name).

The prompt, the answer schema and the chunking are contracts.prompt and contracts.chunking, the same
the training set is built with. The answer schema goes out as a decoding constraint — `response_format`
json_schema (OpenAI and vLLM) or vLLM's own `structured_outputs` — never the old `guided_json`, which
current vLLM ignores without an error. Every answer is validated anyway; an invalid or cut-off one is
retried, then counted and skipped. Transport errors and 5xx/429 are retried with exponential backoff;
requests in flight are bounded per process (shared by all jobs) by `openai_concurrency`."""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from analyzers.chunked import ChunkAnswer, ChunkedAnalyzer, proposal_from_item
from analyzers.settings import AnalyzerSettings, TermsSource
from analyzers.terms_grounding import ground_terms
from contracts.chunking import Chunk, TokenCounter, chunk_document
from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.playbook import Playbook
from contracts.prompt import AnswerFormatError, answer_json_schema, messages, parse_answer, system_prompt
from contracts.settings import PromptStyle
from contracts.terms_prompt import (
    TermsFormatError,
    parse_terms_answer,
    terms_excerpts,
    terms_messages,
    terms_structured_output,
    terms_system_prompt,
)

log = logging.getLogger(__name__)
SCHEMA_NAME = "lexrisk_findings"
_Parsed = TypeVar("_Parsed")


class BackendError(RuntimeError):
    """The model server could not be reached or kept failing; the job fails with this message."""


def heuristic_tokens(text: str) -> int:
    """About 3 characters a token: on the safe side for Llama-family tokenizers on English legal text."""
    return math.ceil(len(text) / 3)


def load_token_counter(path: str | None) -> TokenCounter:
    if not path:
        return heuristic_tokens
    from tokenizers import Tokenizer

    file = Path(path)
    tokenizer = Tokenizer.from_file(str(file / "tokenizer.json" if file.is_dir() else file))
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


@dataclass(frozen=True)
class DecodingBounds:
    """Limits added to the shared answer schema for decoding only. Without them a model that never
    closes a string (a random one does exactly that) runs into max_tokens and its answer is cut off;
    with them every constrained answer is complete, valid JSON."""

    max_findings: int = 50
    max_quote_chars: int = 4000
    max_explanation_chars: int = 500


def decoding_schema(bounds: DecodingBounds) -> dict[str, Any]:
    schema = copy.deepcopy(answer_json_schema())
    schema["maxItems"] = bounds.max_findings
    schema["items"]["properties"]["quote"]["maxLength"] = bounds.max_quote_chars
    schema["items"]["properties"]["explanation"]["maxLength"] = bounds.max_explanation_chars
    return schema


def structured_output_fields(mode: str, bounds: DecodingBounds = DecodingBounds()) -> dict[str, Any]:
    """The request fields that make the server decode only answers matching the schema."""
    schema = decoding_schema(bounds)
    if mode == "response_format":
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": SCHEMA_NAME, "schema": schema, "strict": True}}}
    if mode == "structured_outputs":
        return {"structured_outputs": {"json": schema}}
    raise ValueError(f"unknown structured output mode {mode!r}; use response_format or structured_outputs")


def fit_chunk_budget(context_tokens: int, chunk_tokens: int, max_tokens: int, count_tokens: TokenCounter,
                     prompt: PromptStyle = "full", system: str | None = None) -> int:
    """The chunk budget that leaves room in the context for the system prompt (the findings' of style
    `prompt`, or `system`), the chat template's framing and the answer; refuses a context too small to
    hold a useful chunk."""
    overhead = count_tokens(system if system is not None else system_prompt(prompt)) + 64  # headers, caption
    room = context_tokens - overhead - max_tokens
    if room < 64:
        raise ValueError(f"a context of {context_tokens} tokens cannot hold the system prompt (~{overhead}), "
                         f"an answer of {max_tokens} and a chunk; raise --max-model-len or lower max_tokens")
    return min(chunk_tokens, room)


class OpenAIAnalyzer(ChunkedAnalyzer):
    name = "openai"
    serves_adapters = True
    file_budget = False  # a job waits on the model server: its timeout and retries bound each request

    def __init__(self, playbook: Playbook | None = None, *, base_url: str, model: str, api_key: str | None = None,
                 timeout_s: float = 120.0, max_retries: int = 3, concurrency: int = 4, max_tokens: int = 1024,
                 chunk_tokens: int = 2048, structured_output: str = "response_format", temperature: float = 0.0,
                 seed: int | None = None, context_tokens: int | None = None, bounds: DecodingBounds = DecodingBounds(),
                 count_tokens: TokenCounter = heuristic_tokens, prompt: PromptStyle = "full",
                 terms: TermsSource = "rules", transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, backoff_s: float = 0.5) -> None:
        super().__init__(playbook)
        structured_output_fields(structured_output)  # refuse a bad mode now, not on the first job
        self.model, self.version = model, model
        self.max_retries, self.concurrency, self.max_tokens = max_retries, concurrency, max_tokens
        self.chunk_tokens, self.structured_output = chunk_tokens, structured_output
        self.temperature, self.seed, self.count_tokens = temperature, seed, count_tokens
        self.bounds, self.prompt = bounds, prompt
        if terms not in ("rules", "model"):
            raise ValueError(f"unknown terms source {terms!r}; use rules or model")
        self.terms_source = terms
        # the key-terms request reads excerpts within one chunk's budget, fitted to its own system prompt
        self.terms_tokens = chunk_tokens if context_tokens is None or terms == "rules" else fit_chunk_budget(
            context_tokens, chunk_tokens, max_tokens, count_tokens, system=terms_system_prompt())
        if context_tokens is not None:
            self.chunk_tokens = fit_chunk_budget(context_tokens, chunk_tokens, max_tokens, count_tokens, prompt)
        self.sleep, self.backoff_s = sleep, backoff_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=base_url.rstrip("/") + "/", headers=headers, timeout=timeout_s,
                                   transport=transport, limits=httpx.Limits(max_connections=concurrency))
        self._slots = threading.BoundedSemaphore(concurrency)

    # -- ChunkedAnalyzer ---------------------------------------------------------------------------
    def chunks(self, document: Document) -> list[Chunk]:
        return chunk_document(document, self.count_tokens, self.chunk_tokens)

    def request_body(self, document: Document, chunk: Chunk, total: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens, "temperature": self.temperature,
                                "messages": messages(chunk, document_name=document.name, total_chunks=total,
                                                     style=self.prompt)}
        if self.seed is not None:
            body["seed"] = self.seed
        return body | structured_output_fields(self.structured_output, self.bounds)

    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        assert isinstance(chunk, Chunk)
        answer = ChunkAnswer([])
        parsed = self._ask(self.request_body(document, chunk), f"chunk {chunk.index}", parse_answer, answer)
        if parsed is not None:
            answer.errors = [f"chunk {chunk.index}: {e}" for e in parsed.errors]
            answer.proposals = [proposal_from_item(chunk, item) for item in parsed.items]
        return answer  # no valid answer: nothing proposed, the errors are counted in the job's stats

    def terms(self, document: Document) -> KeyTerms:
        """The key terms: the rule extractor's (`openai_terms=rules`), or the served model's, asked once on the
        excerpts that hold them (contracts.terms_prompt) and grounded in the text; a model that gives no valid
        answer leaves every term null (logged), never the rules' guess under the model's name."""
        if self.terms_source == "rules":
            return super().terms(document)
        excerpts = terms_excerpts(document, self.count_tokens, self.terms_tokens)
        if not excerpts:
            return KeyTerms()
        answer = ChunkAnswer([])
        parsed = self._ask(self.terms_request_body(document, excerpts), "terms", parse_terms_answer, answer)
        return KeyTerms() if parsed is None else ground_terms(document, parsed)

    def terms_request_body(self, document: Document, excerpts: list[Chunk]) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens, "temperature": self.temperature,
                                "messages": terms_messages(excerpts, document_name=document.name)}
        if self.seed is not None:
            body["seed"] = self.seed
        return body | terms_structured_output(self.structured_output, self.bounds.max_quote_chars)

    def _ask(self, body: dict[str, Any], label: str, read: Callable[[str], _Parsed],
             answer: ChunkAnswer) -> _Parsed | None:
        """The model's answer to `body` as `read` parses it, retried (with backoff) while invalid or cut off;
        None when no try gave a valid one. Token usage and errors go to `answer`."""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            completion = self._complete(body, last=attempt == self.max_retries)
            if completion is None:
                continue
            usage = completion.get("usage") or {}
            answer.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            answer.completion_tokens += int(usage.get("completion_tokens") or 0)
            try:
                choice = completion["choices"][0]
                content = choice["message"]["content"] or ""
                if choice.get("finish_reason") == "length":
                    raise AnswerFormatError(f"the answer was cut off at max_tokens={self.max_tokens}")
                return read(content)
            except (AnswerFormatError, TermsFormatError, KeyError, IndexError, TypeError) as exc:
                log.warning("%s: invalid answer (attempt %d): %s", label, attempt + 1, exc)
                answer.errors.append(f"{label}: {exc}")
        return None

    def _complete(self, body: dict[str, Any], *, last: bool) -> dict[str, Any] | None:
        """One chat completion; None to retry; raises BackendError when the server keeps failing."""
        with self._slots:
            try:
                response = self.client.post("chat/completions", json=body)
            except httpx.HTTPError as exc:
                if last:
                    raise BackendError(f"model server at {self.client.base_url} unreachable: {exc}") from exc
                return None
        if response.status_code >= 500 or response.status_code == 429:
            if last:
                raise BackendError(f"model server answered {response.status_code}: {response.text[:300]}")
            return None
        if response.is_error:  # 4xx: the request itself is wrong; retrying will not help
            raise BackendError(f"model server refused the request ({response.status_code}): {response.text[:500]}")
        return response.json()

    @property
    def model_id(self) -> str:
        return self.model

    def with_adapter(self, name: str, path: str, prompt: PromptStyle = "full") -> OpenAIAnalyzer:
        """This analyzer asking for the LoRA adapter `name`, loaded into the server first if it does not hold
        it yet. A shallow copy: it shares the HTTP client and the process's bound on requests in flight, but
        its model never changes, so the job that holds it finishes on this adapter whatever is promoted
        meanwhile."""
        self.load_adapter(name, path)
        view = copy.copy(self)
        view.model = view.version = name
        view.prompt = prompt  # asked as it was taught, whatever LEXRISK_PROMPT says for the configured model
        return view

    def load_adapter(self, name: str, path: str) -> None:
        """Make the server serve the adapter folder `path` as `name`, without a restart: vLLM's runtime LoRA
        loading (`POST /v1/load_lora_adapter`; the server runs with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True).
        Idempotent: an adapter the server lists already, or one another worker loaded a moment ago, is fine."""
        try:
            listed = {m.get("id"): m for m in self.client.get("models").raise_for_status().json().get("data", [])}
            if name in listed:
                root = listed[name].get("root")
                if root not in (None, path):
                    raise BackendError(f"the model server serves another {name!r} (from {root}), not {path}; "
                                       "register the adapter under another name")
                return
            response = self.client.post("load_lora_adapter", json={"lora_name": name, "lora_path": path})
        except httpx.HTTPError as exc:
            raise BackendError(f"cannot load adapter {name!r} on the model server at {self.client.base_url}: "
                               f"{exc}") from exc
        if response.is_success or (response.status_code == 400 and "already been loaded" in response.text):
            log.info("model server serves adapter %s from %s", name, path)
            return
        if response.status_code in (404, 405):
            raise BackendError("the model server cannot load adapters at run time: start vLLM with "
                               "VLLM_ALLOW_RUNTIME_LORA_UPDATING=True and --enable-lora")
        raise BackendError(f"the model server refused to load adapter {name!r} from {path} "
                           f"({response.status_code}): {response.text[:500]}")

    def ready(self) -> bool:
        """The server answers and serves the model (the adapter's LoRA module name on vLLM)."""
        try:
            response = self.client.get("models", timeout=5)
            return response.is_success and any(m.get("id") == self.model for m in response.json().get("data", []))
        except (httpx.HTTPError, ValueError):
            return False


def from_settings(settings: AnalyzerSettings, playbook: Playbook | None) -> OpenAIAnalyzer:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAIAnalyzer(playbook, base_url=settings.openai_base_url, model=settings.openai_model, api_key=key,
                          timeout_s=settings.openai_timeout_s, max_retries=settings.openai_max_retries,
                          concurrency=settings.openai_concurrency, max_tokens=settings.openai_max_tokens,
                          chunk_tokens=settings.chunk_tokens, structured_output=settings.openai_structured_output,
                          temperature=settings.openai_temperature, seed=settings.openai_seed,
                          context_tokens=settings.openai_context_tokens,
                          bounds=DecodingBounds(settings.openai_max_findings, settings.openai_max_quote_chars,
                                                settings.openai_max_explanation_chars),
                          count_tokens=load_token_counter(settings.openai_tokenizer), prompt=settings.prompt,
                          terms=settings.openai_terms)
