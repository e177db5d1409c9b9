"""A comparison's clauses as the Compare page shows them: a PDF's printed line breaks inside a paragraph made
spaces (ui.plain.unwrapped), so "…by and / between Northwind…" reads as one sentence, while paragraph breaks,
numbered items and headings keep their lines. Only what is drawn changes: the API's body, the downloads built
from it and every offset stay as stored."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ui.plain import unwrapped

SIDES = {"contract_clause": ("equal", "insert"), "template_clause": ("equal", "delete")}


def unwrapped_clauses(texts: Sequence[str]) -> list[str]:
    """Each of one document's clauses unwrapped against the whole document's usual line width. Unwrapped alone, a
    clause of a heading and one sentence has no usual width to go by and its heading would run into the sentence;
    a blank line between the clauses keeps each clause's ends apart, and unwrapped keeps lengths, so each
    clause is cut back out where it was put."""
    flowed = unwrapped("\n\n".join(texts))
    out, at = [], 0
    for text in texts:
        out.append(flowed[at:at + len(text)])
        at += len(text) + 2
    return out


def _side_text(ops: Sequence[dict[str, Any]], kinds: tuple[str, str]) -> str:
    return "".join(str(op.get("text", "")) for op in ops if op.get("op") in kinds)


def _redline(ops: list[dict[str, Any]], texts: dict[str, str], flowed: dict[str, str]) -> list[dict[str, Any]]:
    """The redline's ops with each op's text taken from its side's unwrapped clause (equal and inserted words from
    the contract's, deleted ones from the template's): the same words marked, only line breaks become spaces. Ops
    that do not spell the two clauses exactly are left as sent, since their words could not be placed."""
    if any(_side_text(ops, kinds) != texts[side] for side, kinds in SIDES.items()):
        return ops
    at = {"contract_clause": 0, "template_clause": 0}
    out = []
    for op in ops:
        n = len(str(op.get("text", "")))
        side = "template_clause" if op.get("op") == "delete" else "contract_clause"
        out.append({**op, "text": flowed[side][at[side]:at[side] + n]})
        for moved, kinds in SIDES.items():
            if op.get("op") in kinds:
                at[moved] += n
    return out


def _text(pair: dict[str, Any], side: str) -> str:
    return str((pair.get(side) or {}).get("text") or "")


def reflowed(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of the comparison's body for display: every clause's text, and every redline, unwrapped."""
    shown = copy.deepcopy(body)
    pairs = shown.get("pairs") or []
    original = [{side: _text(p, side) for side in SIDES} for p in pairs]
    for side in SIDES:
        clauses = [c for p in pairs if isinstance(c := p.get(side), dict) and isinstance(c.get("text"), str)]
        for clause, text in zip(clauses, unwrapped_clauses([c["text"] for c in clauses]), strict=True):
            clause["text"] = text
    for p, texts in zip(pairs, original, strict=True):
        if isinstance(p.get("redline"), list):
            p["redline"] = _redline(p["redline"], texts, {side: _text(p, side) for side in SIDES})
    return shown
