"""The key-terms request shared by the LLM analyzer (`LEXRISK_OPENAI_TERMS=model`) and the training-set
builder (`build-dataset --terms`): which excerpts of a contract the model reads, the system prompt, the
answer's JSON Schema (sent as a decoding constraint) and the parser of the answer.

The answer is what a model can write: for each field of `contracts.key_terms.KeyTerms`, its value and the
quote it was read from (a party: name, short name, role and quote; a renewal: whether it is automatic).
Offsets, pages and computed values (the notice deadline, the country) are never asked for: they are found
by grounding the quote in the document (`contracts.terms.from_answer`), as findings are. The answer model is
derived from KeyTerms' own fields (type and description), so the two cannot drift."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from contracts.chunking import Chunk, TokenCounter, chunk_around, chunk_text, join_chunks
from contracts.documents import Document
from contracts.key_terms import TERM_FIELDS, KeyTerms, Party
from contracts.terms import extract_terms

TERMS_SCHEMA_NAME = "lexrisk_terms"
# what the model writes of each term besides `value` and `quote`
_EXTRA_FIELDS = {"renewal_term": ("automatic",)}
PARTY_FIELDS = ("name", "short_name", "role", "quote")
MAX_PARTIES = 10


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _term_model(field: str) -> type[BaseModel]:
    """The answer object of one single-valued term: KeyTerms' model for it, restricted to what a model writes."""
    annotation = KeyTerms.model_fields[field].annotation
    source = next(a for a in getattr(annotation, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel))
    names = ("value", *_EXTRA_FIELDS.get(field, ()), "quote")
    fields: dict[str, Any] = {n: (source.model_fields[n].annotation, Field(
        description=source.model_fields[n].description)) for n in names}  # (type, FieldInfo), as create_model takes
    return create_model(f"{source.__name__}Answer", __base__=_Strict, **fields)


_PARTY_FIELDS: dict[str, Any] = {n: (Party.model_fields[n].annotation, Field(
    description=Party.model_fields[n].description or "the words the name was read from, exactly as in the document"))
    for n in PARTY_FIELDS}
PartyAnswer: type[BaseModel] = create_model("PartyAnswer", __base__=_Strict, **_PARTY_FIELDS)
_TERMS_FIELDS: dict[str, Any] = {
    f: (list[PartyAnswer], Field(default_factory=list, max_length=MAX_PARTIES)) if f == "parties"
    else (_term_model(f) | None, None) for f in TERM_FIELDS}
TermsAnswer: type[BaseModel] = create_model("TermsAnswer", __base__=_Strict, **_TERMS_FIELDS)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every `$ref` replaced by its definition: one self-contained schema, as every
    structured-output engine reads it."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "title", "default")}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _close(node: Any) -> None:
    """Every object's properties all required and none other allowed (OpenAI's strict mode asks for it)."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


@cache
def terms_json_schema() -> dict[str, Any]:
    """JSON Schema of a key-terms answer, self-contained (no `$ref`), every field required (null where absent)."""
    raw = TermsAnswer.model_json_schema()
    schema = _inline(raw, raw.get("$defs", {}))
    _close(schema)
    return schema


def terms_decoding_schema(max_chars: int) -> dict[str, Any]:
    """The terms schema with every string bounded to `max_chars`, for decoding only: a model that never closes
    a string (a random one does exactly that) then still ends its answer within max_tokens, as findings do
    (analyzers.openai.DecodingBounds)."""
    schema = copy.deepcopy(terms_json_schema())

    def bound(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string":
                node["maxLength"] = max_chars
            for value in node.values():
                bound(value)
        elif isinstance(node, list):
            for value in node:
                bound(value)

    bound(schema)
    return schema


def terms_structured_output(mode: str, max_chars: int) -> dict[str, Any]:
    """The request fields that make the server decode only answers matching the terms schema."""
    schema = terms_decoding_schema(max_chars)
    if mode == "response_format":
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": TERMS_SCHEMA_NAME, "schema": schema, "strict": True}}}
    if mode == "structured_outputs":
        return {"structured_outputs": {"json": schema}}
    raise ValueError(f"unknown structured output mode {mode!r}; use response_format or structured_outputs")


@cache
def terms_system_prompt() -> str:
    lines = [
        "You are a contract lawyer's assistant. You read excerpts of one commercial contract (its opening, and",
        "the clauses on its term and governing law) and write its key terms.",
        "",
        "Answer with one JSON object only, no other text. For each term give its value and the quote it was",
        "read from, copied verbatim from the excerpts (never across a [n] clause number); a term the excerpts do",
        "not state is null (parties: []). Never guess.",
        '- "document_name": the contract\'s title as written;',
        '- "parties": each party\'s full name, the short name the contract defines for it, its role in lower',
        "  case (or null), and the quote naming it;",
        '- "agreement_date", "effective_date": ISO 8601 dates, at reduced precision where the contract leaves',
        '  parts blank ("2015", "2015-03");',
        '- "expiration_date": the end of the initial term as an ISO 8601 date, or "perpetual";',
        '- "renewal_term": the length of each renewal as an ISO 8601 period ("P1Y"), and "automatic": true where',
        "  it renews unless a party gives notice;",
        '- "notice_period_to_terminate_renewal": the notice needed to stop a renewal as an ISO 8601 period ("P90D");',
        '- "governing_law": the jurisdiction whose law governs, as a lawyer writes it ("New York", "England and',
        '  Wales").',
        "",
        "JSON Schema of the answer:",
        json.dumps(terms_json_schema(), separators=(",", ":")),
    ]
    return "\n".join(lines)


def terms_excerpts(document: Document, count_tokens: TokenCounter, max_tokens: int) -> list[Chunk]:
    """The parts of the contract that hold its key terms, within `max_tokens` together: its opening (title,
    parties, dates: half the budget, its clauses cut finer where one is long), then the clauses the rule
    readers (contracts.terms) take for the end of the term, the renewal (or the notice) and the governing law
    (a sixth each), each widened to whole clauses, those already read left out. One request per contract,
    whatever its length; the same excerpts at training (`build-dataset --terms`) and at serving."""
    text = document.text
    if not text.strip():
        return []
    # the opening: as many leading clauses (cut finer where one is long) as half the budget holds
    head: list[Chunk] = []
    used = 0
    for chunk in chunk_text(text, count_tokens, max(max_tokens // 8, 8), overlap_tokens=0):
        used += count_tokens(chunk.text)
        if head and used > max_tokens // 2:
            break
        head.append(chunk)
    excerpts = [join_chunks(head, text)]
    rules = extract_terms(document)
    anchors = (rules.expiration_date, rules.renewal_term or rules.notice_period_to_terminate_renewal,
               rules.governing_law)
    for anchor in anchors:
        if anchor is None or any(c.contains(anchor.start, anchor.end) for c in excerpts):
            continue
        extra = chunk_around(text, anchor.start, anchor.end, count_tokens, max(max_tokens // 6, 8), index=len(excerpts))
        if extra is not None and not any(c.start <= extra.start and extra.end <= c.end for c in excerpts):
            excerpts.append(extra)
    return sorted(excerpts, key=lambda c: c.start)


def terms_user_message(excerpts: list[Chunk], *, document_name: str | None = None) -> str:
    head = f"Contract: {document_name}\n" if document_name else ""
    body = "\n\n[...]\n\n".join(c.text for c in excerpts)
    return f"{head}Excerpts of the contract. Clause numbers are in [brackets].\n\n{body}"


def terms_messages(excerpts: list[Chunk], answer: str | None = None, *,
                   document_name: str | None = None) -> list[dict[str, str]]:
    out = [{"role": "system", "content": terms_system_prompt()},
           {"role": "user", "content": terms_user_message(excerpts, document_name=document_name)}]
    if answer is not None:
        out.append({"role": "assistant", "content": answer})
    return out


def render_terms_answer(answer: BaseModel) -> str:
    """The assistant message: compact JSON, keys in schema order (what constrained decoding writes)."""
    return json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


class TermsFormatError(ValueError):
    """A model answer that is not a key-terms object."""


def parse_terms_answer(text: str) -> BaseModel:
    """The model's key-terms answer; code fences and text around the object are tolerated."""
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        raise TermsFormatError("the answer holds no JSON object")
    try:
        return TermsAnswer.model_validate_json(text[start:end + 1])
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "answer"
        raise TermsFormatError(f"{loc}: {first['msg']}") from None
