"""Key terms on the LLM path with the real vLLM (CPU), the tiny random Llama and its LoRA adapter served as
`contract-risk` (the session's shared server, tests/conftest.py). A random model reads nothing real, so this
asserts the pipeline: the terms schema goes out as `response_format` json_schema and the constraint fires
(without it the answer is no key-terms object; with it, it parses), and what the analyzer keeps of the
answer is grounded or null."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from analyzers.openai import DecodingBounds, OpenAIAnalyzer, load_token_counter
from analyzers.terms_grounding import ground_terms
from contracts.documents import Document
from contracts.terms_prompt import TERMS_SCHEMA_NAME, TermsFormatError, parse_terms_answer, terms_excerpts
from lexrisk.testing.vllm_server import LORA_NAME
from tests.serving.conftest import SAMPLES

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
TEXT = (SAMPLES / "master_services_agreement.txt").read_text()


def test_terms_schema_constraint_fires_on_real_vllm(vllm: str, tiny_llm: tuple[Path, Path]) -> None:
    analyzer = OpenAIAnalyzer(base_url=vllm, model=LORA_NAME, terms="model", max_tokens=3000, chunk_tokens=1024,
                              bounds=DecodingBounds(2, 24, 60), count_tokens=load_token_counter(str(tiny_llm[0])),
                              timeout_s=300, max_retries=0)
    document = Document.from_text("msa.txt", TEXT)
    body = analyzer.terms_request_body(document, terms_excerpts(document, analyzer.count_tokens,
                                                                analyzer.terms_tokens))
    assert body["response_format"]["json_schema"]["name"] == TERMS_SCHEMA_NAME

    def ask(request: dict) -> dict:
        reply = httpx.post(f"{vllm}/chat/completions", json=request, timeout=300)
        assert reply.status_code == 200, reply.text
        return reply.json()["choices"][0]

    free = {k: v for k, v in body.items() if k != "response_format"} | {"max_tokens": 48}
    with pytest.raises(TermsFormatError):
        parse_terms_answer(ask(free)["message"]["content"])
    choice = ask(body)
    assert choice["finish_reason"] == "stop"  # the bounds let the answer end within max_tokens
    terms = ground_terms(document, parse_terms_answer(choice["message"]["content"]))
    for term in (terms.document_name, *terms.parties, terms.agreement_date, terms.effective_date,
                 terms.expiration_date, terms.renewal_term, terms.notice_period_to_terminate_renewal,
                 terms.governing_law):
        assert term is None or TEXT[term.start:term.end] == term.quote  # grounded, or null

    result = analyzer.terms(document)  # the analyzer's own path, end to end
    assert result.parties == [p for p in result.parties if TEXT[p.start:p.end] == p.quote]
