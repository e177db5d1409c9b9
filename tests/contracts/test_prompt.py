from __future__ import annotations

import json

import pytest

from contracts.chunking import chunk_text
from contracts.findings import Finding
from contracts.prompt import (
    ANSWER_FIELDS,
    AnswerFormatError,
    answer_json_schema,
    messages,
    parse_answer,
    render_answer,
    system_prompt,
)
from contracts.taxonomy import category_names


def test_schema_is_derived_from_the_finding_schema():
    item = answer_json_schema()["items"]
    finding = Finding.model_json_schema()["properties"]
    assert list(item["properties"]) == list(ANSWER_FIELDS) == item["required"]
    for name in ANSWER_FIELDS:
        assert item["properties"][name]["description"] == finding[name]["description"]
    assert item["properties"]["severity"]["enum"] == finding["severity"]["enum"]
    assert item["properties"]["category"]["enum"] == category_names()
    assert item["additionalProperties"] is False


def test_system_prompt_lists_every_category_and_the_schema():
    prompt = system_prompt()
    assert all(f"- {name}:" in prompt for name in category_names())
    assert json.dumps(answer_json_schema(), separators=(",", ":")) in prompt


def test_brief_prompt_names_the_categories_and_leaves_the_schema_to_decoding():
    brief, full = system_prompt("brief"), system_prompt("full")
    assert brief.splitlines()[-len(category_names()):] == [f"- {name}" for name in category_names()]
    assert "JSON Schema" not in brief and brief.split("Categories:")[0] == full.split("Categories:")[0]
    assert len(brief) < len(full) / 3
    chunk = chunk_text("1. Term. This Agreement lasts one year.", lambda t: len(t.split()), 50)[0]
    assert messages(chunk, style="brief")[0]["content"] == brief
    with pytest.raises(ValueError, match="unknown prompt style 'tiny'"):
        system_prompt("tiny")  # type: ignore[arg-type]


def test_answer_round_trips_through_the_parser():
    items = [{"category": "Governing Law", "severity": "info", "quote": "laws of New York", "explanation": "NY law."}]
    parsed = parse_answer(render_answer(items), strict=True)
    assert [i.model_dump() for i in parsed.items] == items
    assert parse_answer("[]").items == []


def test_answer_is_the_compact_json_that_structured_outputs_decode():
    """vLLM with `disable_any_whitespace` constrains to separators (",", ":"); training text must match it."""
    items = [{"category": "Governing Law", "severity": "info", "quote": "lois de l'État, \"as is\"", "explanation": "x: y, z"}]
    text = render_answer(items)
    assert text == json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    assert text.startswith('[{"category":"Governing Law","severity":"info",') and "État" in text


def test_parser_tolerates_fences_and_reports_bad_items():
    text = ('```json\n[{"category": "governing law", "severity": "info", "quote": "q", "explanation": "e"},'
            ' {"category": "Weather", "severity": "info", "quote": "q", "explanation": "e"},'
            ' {"category": "Governing Law", "severity": "dire", "quote": "q", "explanation": "e"},'
            ' {"category": "Governing Law", "severity": "low", "quote": "  ", "explanation": "e"}]\n```')
    parsed = parse_answer(text)
    assert [i.category for i in parsed.items] == ["Governing Law"]
    assert [e.split(":")[0] for e in parsed.errors] == ["item 1", "item 2", "item 3"]
    with pytest.raises(AnswerFormatError, match="item 1: category"):
        parse_answer(text, strict=True)


@pytest.mark.parametrize(("text", "message"), [
    ("no list here", "no JSON array"),
    ("[{'category': 1}]", "not valid JSON"),
])
def test_unparseable_answers(text, message):
    with pytest.raises(AnswerFormatError, match=message):
        parse_answer(text)


def test_messages_hold_the_chunk():
    chunk = chunk_text("1. Term. Five years.\n2. Law. New York.", len, 1000)[0]
    chat = messages(chunk, "[]", document_name="msa.txt", total_chunks=1)
    assert [m["role"] for m in chat] == ["system", "user", "assistant"]
    assert chunk.text in chat[1]["content"] and "msa.txt" in chat[1]["content"]
