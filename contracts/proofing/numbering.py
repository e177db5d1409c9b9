"""Gaps and repeats in the numbering of headings (1, 2, 4 or 3.1, 3.1), read from the segmenter's headings.

Contracts nest lists that number from 1 again inside a section, so the top level is read as a stack of
runs: a 1 opens a new run, a number that continues an open run closes the runs opened after it. A number
that continues no run but lands one to three past the end of an open run is a gap; the same number twice in
a row is a repeat, unless both carry the same title or the first has none read (a table of contents,
then the body), or the number is 0 or 1 (a list or an attachment numbering from the start again). Sub-numbers (3.1, 3.2) are read per parent, and articles apart from sections."""

from __future__ import annotations

import bisect

from contracts.documents import Document
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.outline import Heading

MAX_GAP = 3
MAX_SECTION = 60


def numbering_items(document: Document, heads: list[Heading], inline: dict[str, list[int]]) -> list[ProofingItem]:
    """`inline`: numbers that stand as headings run into the text (with their offsets), which the segmenter
    does not read as headings; a gap one of them fills, between the two headings, is no gap."""
    items: list[ProofingItem] = []
    stacks: dict[tuple[bool, str], list[int]] = {}
    since: dict[tuple[bool, str], list[int]] = {}  # where each run's last number stands
    last_seen: dict[tuple[bool, str], Heading] = {}
    for head in heads:
        parts = head.number.split(".")
        if not all(p.isdigit() for p in parts):
            continue
        parent, value = ".".join(parts[:-1]), int(parts[-1])
        if int(parts[0]) > MAX_SECTION:
            continue  # a numbered row of a table (store 148, 150), not a section
        key = (head.article, parent)
        stack = stacks.setdefault(key, [])
        where = since.setdefault(key, [])
        label = ".".join(parts)
        previous = last_seen.get(key)
        if previous is not None and previous.number == head.number and previous.title in {head.title, ""}:
            # a table of contents then the body (the same title, or an entry too long to have read one)
            last_seen[key] = head
            continue
        if previous is not None and previous.number == head.number and stack and stack[-1] == value and value > 1:
            items.append(make_item(document, "numbering", "low", f"{label} is numbered twice in a row",
                                   head.start, head.end, f"renumber: {'.'.join([*parts[:-1], str(value + 1)])}"))
            continue
        last_seen[key] = head
        continued = next((k for k in range(len(stack) - 1, -1, -1) if stack[k] + 1 == value), None)
        if continued is not None:
            del stack[continued + 1:], where[continued + 1:]
            stack[continued], where[continued] = value, head.start
            continue
        if value == 1 or not stack:
            stack.append(value)
            where.append(head.start)
            continue
        gapped = next((k for k in range(len(stack) - 1, -1, -1) if stack[k] + 1 < value <= stack[k] + MAX_GAP), None)
        width = len(parts[-1])  # "7.04": the missing one is written "7.03"
        if gapped is not None and not any(_stands_between(inline.get(".".join([*parts[:-1], str(v)]), [])
                                                          + inline.get(".".join([*parts[:-1], f"{v:0{width}d}"]), []),
                                                          where[gapped], head.start)
                                          for v in range(stack[gapped] + 1, value)):
            skipped = [".".join([*parts[:-1], str(v)]) for v in range(stack[gapped] + 1, value)]
            items.append(make_item(document, "numbering", "low",
                                   f"numbering skips from {'.'.join([*parts[:-1], str(stack[gapped])])} to {label}: "
                                   f"no {', '.join(skipped)}", head.start, head.end,
                                   f"renumber {label} as {skipped[0]}, or restore the missing section"))
            del stack[gapped + 1:], where[gapped + 1:]
            stack[gapped], where[gapped] = value, head.start
        else:
            stack.append(value)
            where.append(head.start)
    return items


def _stands_between(offsets: list[int], a: int, b: int) -> bool:
    i = bisect.bisect_right(offsets, a)
    return i < len(offsets) and offsets[i] < b
