"""`build-dataset --terms`: one key-terms example per contract, so that an adapter learns to answer the
LLM path's key-terms request (contracts.terms_prompt) exactly as it is asked at serving: the same excerpts,
system prompt and answer schema.

The target is read from the gold labels of CUAD's eight non-clause categories (contracts.key_terms.
TERM_CATEGORIES): each term's quote is its first gold span that the excerpts hold, its value read from that
span by the rule readers (contracts.terms: dates, the term's end, renewal and notice, jurisdictions). A term
whose gold span the excerpts do not hold is null, as the model must answer when it cannot see it; a gold span
whose words do not read as a value keeps its quote with value null. Nothing is guessed beyond the lawyer's span."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from contracts.chunking import Chunk
from contracts.key_terms import TERM_CATEGORIES, TERM_FIELDS
from contracts.terms.dates import find_dates
from contracts.terms.durations import parse_period
from contracts.terms.governing_law import find_governing_law, resolve
from contracts.terms.parties import ROLES
from contracts.terms.sentences import lowered
from contracts.terms.term import expiration, renewal
from contracts.terms_prompt import MAX_PARTIES, TermsAnswer

_PERPETUAL = re.compile(r"perpetu|indefinite", re.I)
# what stands between a name and the short name it is given: '(the "', '("', ', hereinafter referred to as "'
_DEFINES = re.compile(r"[(,]\s*(?:the\s+|hereinafter\s+(?:called\s+|referred\s+to\s+as\s+)?(?:the\s+)?)?[\"“']?\s*\Z",
                      re.I)
_DEFINED_REACH = 120  # the most characters between a name and its definition (its address, its state)


class Span(Protocol):
    """A gold label as the builder holds it (annotation.dataset.GoldLabel)."""

    @property
    def category(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


@dataclass
class TermsTarget(Generic[S]):
    """The answer and what it was read from: the labels used, and those the excerpts did not hold."""

    answer: BaseModel
    used: list[S] = field(default_factory=list)
    outside: int = 0


def _quote(text: str, span: Span, excerpts: Sequence[Chunk]) -> str | None:
    """The gold span as the excerpt holding it renders it (its longest run between clause numbers)."""
    chunk = next((c for c in excerpts if c.contains(span.start, span.end)), None)
    if chunk is None:
        return None
    runs = chunk.pieces_of(span.start, span.end, text)
    return max(runs, key=len) if runs else None


def _value(name: str, words: str, dates: dict[str, str | None]) -> tuple[str | None, bool | None]:
    """The value of field `name` read from the lawyer's span by the rule readers' parsers (and, for a renewal,
    whether it is automatic); None where the words do not read as one. `dates`: the agreement and effective
    dates read so far, which an end date counted from them needs."""
    low = lowered(words)
    if name == "document_name":
        return " ".join(words.split()) or None, None
    if name in ("agreement_date", "effective_date"):
        return next((hit.value for hit in find_dates(low) if hit.value), None), None
    if name == "expiration_date":
        ends = expiration(low, dates.get("effective_date"), dates.get("agreement_date"))
        return (ends.value if ends else None) or ("perpetual" if _PERPETUAL.search(words) else None), None
    if name in ("renewal_term", "notice_period_to_terminate_renewal"):
        renews, notice = renewal(low, None)
        if name == "renewal_term":
            return (renews.value, renews.automatic) if renews else (None, None)
        if notice is None or notice.value is None:  # a notice span that does not name the renewal it stops
            period = parse_period(words)
            return (period.iso if period else None), None
        return notice.value, None
    law = find_governing_law(low)
    if law is not None and law.jurisdiction is not None:
        return law.jurisdiction.name, None
    named = resolve(words)
    return (named[0].name if named else None), None


def _parties(text: str, placed: list[tuple[S, str]], used: list[S]) -> list[dict[str, Any]]:
    """CUAD labels a party's name and the short name the contract defines for it as separate spans: a span
    that the text introduces as a definition just after a party's name ('... Inc. (the "Provider")') is that
    party's short name (and its role, where it names one), not another party."""
    parties: list[dict[str, Any]] = []
    last_end = -1
    for g, quote in placed:
        words = " ".join(quote.strip("\"“”' ").split())
        if parties and parties[-1]["short_name"] is None and 0 <= g.start - last_end <= _DEFINED_REACH \
                and _DEFINES.search(text, last_end, g.start):
            parties[-1]["short_name"] = words
            parties[-1]["role"] = words.lower() if words.lower() in ROLES else None
            used.append(g)
            continue
        if len(parties) < MAX_PARTIES and all(p["quote"] != quote for p in parties):
            parties.append({"name": " ".join(quote.split()), "short_name": None, "role": None, "quote": quote})
            used.append(g)
            last_end = g.end
    return parties


def gold_terms(text: str, labels: Sequence[S], excerpts: Sequence[Chunk]) -> TermsTarget[S]:
    """The key-terms answer the gold labels give for what `excerpts` show of `text`."""
    target: dict[str, Any] = {"parties": []}
    dates: dict[str, str | None] = {}
    used: list[S] = []
    outside = 0
    for name in TERM_FIELDS:
        spans = sorted((g for g in labels if g.category == TERM_CATEGORIES[name]), key=lambda g: (g.start, g.end))
        placed = [(g, q) for g in spans if (q := _quote(text, g, excerpts)) is not None]
        outside += len(spans) - len(placed)
        if name == "parties":
            target["parties"] = _parties(text, placed, used)
            continue
        if not placed:
            target[name] = None
            continue
        g, quote = placed[0]
        used.append(g)
        value, automatic = _value(name, text[g.start:g.end], dates)
        dates[name] = value
        target[name] = ({"value": value, "automatic": automatic, "quote": quote} if name == "renewal_term"
                        else {"value": value, "quote": quote})
    return TermsTarget(TermsAnswer.model_validate(target), used, outside)
