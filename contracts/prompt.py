"""The prompt and answer format shared by the training-set builder and the LLM analyzers.

One source: the system prompt (taxonomy and output schema), the user message for a chunk, the
assistant answer (a JSON list of {category, severity, quote, explanation}), its JSON Schema (derived
from `contracts.findings.Finding`, so the two cannot drift) and the parser for model answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, create_model, field_validator

from contracts.chunking import Chunk
from contracts.findings import Finding
from contracts.settings import PromptStyle
from contracts.taxonomy import canonical, categories, category_names

ANSWER_FIELDS = ("category", "severity", "quote", "explanation")

PROMPT_STYLES: tuple[PromptStyle, ...] = get_args(PromptStyle)


class _AnswerBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("category", check_fields=False)
    @classmethod
    def _known_category(cls, value: str) -> str:
        return canonical(value)  # as Finding does

    @field_validator("quote", check_fields=False)
    @classmethod
    def _quote_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("quote is empty")
        return value


# The answer item is Finding's own fields (type, description) restricted to what a model writes.
_ANSWER_FIELDS: dict[str, Any] = {name: (Finding.model_fields[name].annotation, Finding.model_fields[name])
                                  for name in ANSWER_FIELDS}  # (type, FieldInfo) pairs, as create_model takes them
AnswerItem: type[BaseModel] = create_model("AnswerItem", __base__=_AnswerBase, **_ANSWER_FIELDS)


@cache
def answer_json_schema() -> dict[str, Any]:
    """JSON Schema of a whole answer: an array of answer items, category restricted to CUAD's names
    (so constrained decoding in vLLM cannot invent a category)."""
    item = AnswerItem.model_json_schema()
    item["properties"]["category"]["enum"] = category_names()
    item["additionalProperties"] = False
    item["required"] = list(ANSWER_FIELDS)
    return {"type": "array", "items": item}


@cache
def system_prompt(style: PromptStyle = "full") -> str:
    """The instructions and the categories. `full` describes each category and carries the answer's JSON
    Schema; `brief` names the categories only and leaves the schema to constrained decoding (vLLM's
    structured outputs enforce it either way). Brief is for small models: SmolLM2's tokens put the full
    prompt at about 2,000, which crowds its context and makes a CPU training step three times dearer. A
    model is served with the style it was trained on (the dataset card records it)."""
    if style not in PROMPT_STYLES:
        raise ValueError(f"unknown prompt style {style!r}; use one of {', '.join(PROMPT_STYLES)}")
    lines = [
        "You are a contract lawyer's assistant. You read one part of a commercial contract and list every",
        "clause in it that belongs to one of the categories below, with its severity for the client and",
        "why it matters.",
        "",
        "Answer with a JSON array only, no other text. Each item has:",
        '- "category": one of the category names below, spelled exactly;',
        '- "severity": "high", "medium", "low" or "info";',
        '- "quote": the clause copied verbatim from the contract part (never across a [n] clause number);',
        '- "explanation": one short sentence on why it matters.',
        "List a clause once per category it belongs to. When the part holds none of them, answer [].",
        "",
        "Categories:",
    ]
    if style == "brief":
        return "\n".join([*lines, *(f"- {c.name}" for c in categories())])
    lines += [f"- {c.name}: {c.description.strip()}" for c in categories()]
    lines += ["", "JSON Schema of the answer:", json.dumps(answer_json_schema(), separators=(",", ":"))]
    return "\n".join(lines)


def user_message(chunk: Chunk, *, document_name: str | None = None, total_chunks: int | None = None) -> str:
    where = f"Part {chunk.index + 1}" + (f" of {total_chunks}" if total_chunks else "")
    head = f"Contract: {document_name}\n" if document_name else ""
    return f"{head}{where}. Clause numbers are in [brackets].\n\n{chunk.text}"


def render_answer(items: list[dict[str, str]] | list[BaseModel]) -> str:
    """The assistant message: the items as a compact JSON array (no whitespace between tokens), keys in
    schema order. Compact because that is what vLLM's structured outputs decode (xgrammar with
    `disable_any_whitespace`), so the adapter is taught the exact text it is later constrained to."""
    rows = [i.model_dump() if isinstance(i, BaseModel) else i for i in items]
    return json.dumps([{k: row[k] for k in ANSWER_FIELDS} for row in rows], ensure_ascii=False,
                      separators=(",", ":"))


def messages(chunk: Chunk, answer: str | None = None, *, document_name: str | None = None,
             total_chunks: int | None = None, style: PromptStyle = "full") -> list[dict[str, str]]:
    out = [{"role": "system", "content": system_prompt(style)},
           {"role": "user", "content": user_message(chunk, document_name=document_name, total_chunks=total_chunks)}]
    if answer is not None:
        out.append({"role": "assistant", "content": answer})
    return out


class AnswerFormatError(ValueError):
    """A model answer that is not a JSON array of answer items."""


@dataclass
class ParsedAnswer:
    items: list[BaseModel] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


def parse_answer(text: str, *, strict: bool = False) -> ParsedAnswer:
    """Parse a model's answer. Code fences and text around the array are tolerated; each invalid item
    is reported in `errors` (item index and reason) and skipped, or raises when `strict`."""
    body = _FENCE.sub("", text.strip())
    start, end = body.find("["), body.rfind("]")
    if start == -1 or end < start:
        raise AnswerFormatError("the answer holds no JSON array")
    try:
        raw = json.loads(body[start:end + 1])
    except json.JSONDecodeError as exc:
        raise AnswerFormatError(f"the answer is not valid JSON: {exc.msg} at character {exc.pos}") from None
    if not isinstance(raw, list):
        raise AnswerFormatError("the answer is not a JSON array")
    parsed = ParsedAnswer()
    for i, item in enumerate(raw):
        try:
            parsed.items.append(AnswerItem.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "item"
            parsed.errors.append(f"item {i}: {loc}: {first['msg']}")
    if strict and parsed.errors:
        raise AnswerFormatError("; ".join(parsed.errors))
    return parsed
