"""Word-level redlines: the smallest edit from one text to another, as equal/insert/delete runs.

Tokens keep their whitespace, so joining the runs reproduces either side exactly; that is what lets a
Word export's Accept All give the contract and Reject All the template."""

from __future__ import annotations

import re

from contracts.compare.matching import BlockMatcher
from contracts.compare.models import RedlineOp, RedlineOpName

# A figure is one token: its currency sign, its digits with their separators (1,000,000.00; 1.000,00;
# 12/31/2024; 2024-01-31; 10:30), a percent sign or a suffix (30th). Split at "," and ".", a changed amount
# showed as "$1,~~000~~500,000": its unchanged separators kept as equal runs, a diff no lawyer reads.
_FIGURE = r"[$€£¥]?\d+(?:[.,/:-]\d+)*(?:%|[^\W\d]\w*)?"
_TOKEN = re.compile(rf"\s+|{_FIGURE}|\w+|[^\w\s]")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


# Cut after . ; : and newlines, but not inside a figure ("$1,000.50", "10:30"): the word diff runs within
# the chunks that differ, so a cut there would split the figure across two.
_CHUNK = re.compile(r"[^.;:\n]*(?:(?<=\d)[.:](?=\d)[^.;:\n]*)*(?:[.;:\n]+|$)\s*")
WORD_DIFF_LIMIT = 4000  # tokens per side beyond which a replaced stretch is shown whole, not word by word


def chunks(text: str) -> list[str]:
    """Sentence-like pieces (cut after . ; : and newlines) that join back to `text`."""
    return [c for c in _CHUNK.findall(text) if c]


def word_redline(old: str, new: str) -> list[RedlineOp]:
    """Runs turning `old` into `new`, adjacent runs of one kind merged; within a replaced stretch the
    deletion comes first, as a reader expects. Two passes keep long texts fast: sentence-like chunks are
    aligned first, then only the chunks that differ are compared word by word, both by `BlockMatcher`: difflib's
    answers, without the scan over every pair of equal tokens that made a divergent long pair slow."""
    ops: list[RedlineOp] = []
    a, b = chunks(old), chunks(new)
    for tag, i1, i2, j1, j2 in BlockMatcher(a, b).get_opcodes():
        if tag == "equal":
            _push(ops, "equal", "".join(a[i1:i2]))
        else:
            _words(ops, "".join(a[i1:i2]), "".join(b[j1:j2]))
    return ops


def _words(ops: list[RedlineOp], old: str, new: str) -> None:
    a, b = tokens(old), tokens(new)
    if not a or not b or len(a) > WORD_DIFF_LIMIT or len(b) > WORD_DIFF_LIMIT:
        _push(ops, "delete", old)
        _push(ops, "insert", new)
        return
    for tag, i1, i2, j1, j2 in BlockMatcher(a, b).get_opcodes():
        if tag == "equal":
            _push(ops, "equal", "".join(a[i1:i2]))
        else:
            _push(ops, "delete", "".join(a[i1:i2]))
            _push(ops, "insert", "".join(b[j1:j2]))


def _push(ops: list[RedlineOp], op: RedlineOpName, text: str) -> None:
    if not text:
        return
    if ops and ops[-1].op == op:
        ops[-1] = RedlineOp(op=ops[-1].op, text=ops[-1].text + text)
    else:
        ops.append(RedlineOp(op=op, text=text))


def old_text(ops: list[RedlineOp]) -> str:
    return "".join(o.text for o in ops if o.op != "insert")


def new_text(ops: list[RedlineOp]) -> str:
    return "".join(o.text for o in ops if o.op != "delete")


def changed_fraction(ops: list[RedlineOp]) -> float:
    """Share of non-space characters deleted or inserted: 0 same, 1 nothing in common."""
    changed = sum(len("".join(o.text.split())) for o in ops if o.op != "equal")
    kept = sum(len("".join(o.text.split())) for o in ops if o.op == "equal")
    total = changed + 2 * kept
    return changed / total if total else 0.0


def join(*parts: list[RedlineOp]) -> list[RedlineOp]:
    out: list[RedlineOp] = []
    for part in parts:
        for op in part:
            _push(out, op.op, op.text)
    return out
