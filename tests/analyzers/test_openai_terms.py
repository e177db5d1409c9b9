"""Key terms on the LLM path (`LEXRISK_OPENAI_TERMS=model`) against a real loopback HTTP server that speaks
OpenAI's chat completions (tests/eval/fake_openai.py): the terms schema goes out as a decoding constraint,
once per contract, on the excerpts that hold the terms; the answer is parsed and every quote grounded, an
ungrounded quote gives a null term and a value that does not read gives `value: null` with its quote."""

from __future__ import annotations

import json

import pytest

from analyzers.openai import DecodingBounds, OpenAIAnalyzer, from_settings, heuristic_tokens
from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.terms import extract_terms
from contracts.terms_prompt import TERMS_SCHEMA_NAME, terms_decoding_schema, terms_system_prompt
from lexrisk.settings import Settings
from tests.eval.fake_openai import fake_openai
from tests.serving.conftest import SAMPLES

TEXT = (SAMPLES / "master_services_agreement.txt").read_text()
DOC = Document.from_text("msa.txt", TEXT)
GOVERNING = "This Agreement shall be governed by the laws of the State of Delaware"
RENEWAL = "Thereafter it shall automatically renew for successive one (1) year terms"
NOTICE = "at least one hundred eighty (180) days before the end of the then-current term"
TERM = "continues for an initial term of three (3) years"

TERMS = {
    "document_name": {"value": "MASTER SERVICES AGREEMENT", "quote": "MASTER SERVICES AGREEMENT"},
    "parties": [
        {"name": "Northwind Analytics, Inc.", "short_name": "Provider", "role": "Provider",
         "quote": "Northwind Analytics, Inc."},
        {"name": "Imaginary Holdings plc", "short_name": None, "role": None, "quote": "Imaginary Holdings plc"},
    ],
    "agreement_date": {"value": "2031-05-05", "quote": "dated as of the fifth day of May, 2031"},  # not in the text
    "effective_date": {"value": "2026-02-30", "quote": "March 1, 2026"},  # a date that cannot exist
    "expiration_date": {"value": "2029-03-01", "quote": TERM},
    "renewal_term": {"value": "one year", "automatic": True, "quote": RENEWAL},  # not an ISO period
    "notice_period_to_terminate_renewal": {"value": "P180D", "quote": NOTICE},
    "governing_law": {"value": "the State of Delaware", "quote": GOVERNING.replace("Delaware", "Delaware ")},
}


def _findings_answer(body: dict) -> tuple[str, None]:
    if body["response_format"]["json_schema"]["name"] == TERMS_SCHEMA_NAME:
        return json.dumps(TERMS), None
    return "[]", None


def _analyzer(base_url: str, **kwargs) -> OpenAIAnalyzer:
    kwargs.setdefault("chunk_tokens", 600)
    return OpenAIAnalyzer(base_url=base_url, model="contract-risk", sleep=lambda s: None, **kwargs)


def test_default_reads_terms_by_rules_and_asks_the_model_for_findings_only() -> None:
    with fake_openai(_findings_answer) as (url, seen):
        result = _analyzer(url).analyze(DOC)
    assert seen and all(b["response_format"]["json_schema"]["name"] == "lexrisk_findings" for b in seen)
    assert result.terms == extract_terms(DOC)


def test_model_terms_schema_sent_once_answer_grounded() -> None:
    with fake_openai(_findings_answer) as (url, seen):
        result = _analyzer(url, terms="model").analyze(DOC)
    asked = [b for b in seen if b["response_format"]["json_schema"]["name"] == TERMS_SCHEMA_NAME]
    assert len(asked) == 1 and len(seen) > 1  # once per contract, next to the findings' chunks
    [body] = asked
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": TERMS_SCHEMA_NAME, "schema": terms_decoding_schema(DecodingBounds().max_quote_chars), "strict": True}}
    assert body["response_format"]["json_schema"]["schema"]["properties"]["governing_law"]["anyOf"][0][
        "properties"]["quote"] == {"type": "string", "maxLength": 4000,
                                   "description": "the words the value was read from, exactly as in the document"}
    assert body["messages"][0] == {"role": "system", "content": terms_system_prompt()}
    user = body["messages"][1]["content"]
    for words in ("MASTER SERVICES AGREEMENT", "Harbor Freight Logistics LLC", GOVERNING, TERM):
        assert words in user  # the opening and the rule readers' term and law clauses
    assert "Non-Competition" in TEXT and "Non-Competition" not in user  # excerpts, not the whole contract

    terms = result.terms
    assert terms is not None
    assert terms.document_name is not None and terms.document_name.value == "MASTER SERVICES AGREEMENT"
    assert (terms.document_name.start, terms.document_name.end) == (0, 25)
    [party] = terms.parties  # the party whose quote is nowhere in the contract is left out
    assert (party.name, party.short_name, party.role) == ("Northwind Analytics, Inc.", "Provider", "provider")
    assert TEXT[party.start:party.end] == party.quote == "Northwind Analytics, Inc."
    assert terms.agreement_date is None  # ungrounded quote: null, never the model's guess
    assert terms.effective_date is not None and terms.effective_date.value is None  # 30 February: words kept
    assert TEXT[terms.effective_date.start:terms.effective_date.end] == "March 1, 2026"
    assert terms.expiration_date is not None and terms.expiration_date.value == "2029-03-01"
    assert terms.renewal_term is not None and terms.renewal_term.value is None and terms.renewal_term.automatic
    assert TEXT[terms.renewal_term.start:terms.renewal_term.end] == RENEWAL
    notice = terms.notice_period_to_terminate_renewal
    assert notice is not None and (notice.value, notice.deadline) == ("P180D", "2028-09-02")  # computed
    law = terms.governing_law
    assert law is not None and (law.value, law.country) == ("Delaware", "US")
    assert TEXT[law.start:law.end] == GOVERNING  # normalised grounding of a quote with a stray space
    for term in (terms.document_name, terms.effective_date, terms.expiration_date, law):
        assert term.quote == TEXT[term.start:term.end] and term.page == 1


def test_structured_outputs_mode_and_invalid_answers_give_no_terms() -> None:
    def answer(body: dict) -> tuple[str, None]:
        if "governing_law" in body["structured_outputs"]["json"].get("properties", {}):
            return '{"document_name": {"value": "X"}}', None  # no quote: invalid, retried, then given up
        return "[]", None

    with fake_openai(answer) as (url, seen):
        result = _analyzer(url, terms="model", structured_output="structured_outputs", max_retries=2).analyze(DOC)
    terms_asked = [b for b in seen if b["structured_outputs"]["json"] == terms_decoding_schema(4000)]
    assert len(terms_asked) == 3  # the first try and two retries
    assert result.terms is not None and result.terms == KeyTerms()


def test_terms_request_fits_the_served_context() -> None:
    with fake_openai(_findings_answer) as (url, seen):
        _analyzer(url, terms="model", chunk_tokens=2048, context_tokens=2500, max_tokens=512,
                  prompt="brief").analyze(DOC)
    [body] = [b for b in seen if b["response_format"]["json_schema"]["name"] == TERMS_SCHEMA_NAME]
    assert sum(heuristic_tokens(m["content"]) for m in body["messages"]) + 512 <= 2500
    assert GOVERNING in body["messages"][1]["content"]


def test_setting_reaches_the_analyzer_and_a_bad_source_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEXRISK_OPENAI_TERMS", "model")
    assert from_settings(Settings(), None).terms_source == "model"
    monkeypatch.setenv("LEXRISK_OPENAI_TERMS", "guess")
    with pytest.raises(ValueError, match="openai_terms"):
        Settings()
    with pytest.raises(ValueError, match="unknown terms source"):
        OpenAIAnalyzer(base_url="http://x/v1", model="m", terms="guess")  # type: ignore[arg-type]
