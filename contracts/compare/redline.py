"""Word-level redlines: the smallest edit from one text to another, as equal/insert/delete runs.

Tokens keep their whitespace, so joining the runs reproduces either side exactly; that is what lets a
Word export's Accept All give the contract and Reject All the template."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from contracts.compare.models import RedlineOp

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_redline(old: str, new: str, *, autojunk: bool = False) -> list[RedlineOp]:
    """Runs turning `old` into `new`, adjacent runs of one kind merged. Within a replaced stretch the
    deletion comes first, as a reader expects."""
    a, b = tokens(old), tokens(new)
    ops: list[RedlineOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=autojunk).get_opcodes():
        if tag == "equal":
            _push(ops, "equal", "".join(a[i1:i2]))
        else:
            _push(ops, "delete", "".join(a[i1:i2]))
            _push(ops, "insert", "".join(b[j1:j2]))
    return ops


def _push(ops: list[RedlineOp], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1].op == op:
        ops[-1] = RedlineOp(op=ops[-1].op, text=ops[-1].text + text)
    else:
        ops.append(RedlineOp(op=op, text=text))  # type: ignore[arg-type]


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
