"""Where each character of a DOCX paragraph lives, and how to cut runs so that a span is whole runs.

Both Word writers (tracked changes on the template, comments on the uploaded contract) edit the
original XML in place, so they need the text the way lexrisk reads it (`contracts.docx_text`: tracked
changes accepted, so runs under `w:ins` count and runs under `w:del` do not) tied back to the runs and
run children that hold it. Cutting a run copies its `w:rPr`, so formatting is never lost.

`paragraph_offsets` ties every body paragraph to its place in `Document.text`: the reader joins
paragraphs with blank lines, prefixes list labels and normalises spaces, so each paragraph's text is
searched for in order rather than assumed."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from contracts.docx_text import ACCEPTED_RUNS, child_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
# runs whose text the reader counts, in document order
TEXT_RUNS = ACCEPTED_RUNS
_TEXT_RUNS = etree.XPath(TEXT_RUNS, namespaces=NS)  # compiled: python-docx's elements override .xpath
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DROPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# what `normalized_with_map` would change: a dropped character, a space other than " ", two spaces, or a
# space beside a line break (its leading and trailing spaces and breaks are checked apart)
_AS_IS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\t\u00a0\u2000-\u200a\u202f\u205f\u3000]|  | \n|\n ")


def xml_safe(text: str) -> str:
    """XML cannot hold control characters; ingested text has none, other callers' may. Each becomes
    U+FFFD, one for one, so offsets still line up."""
    return _NOT_XML.sub("\ufffd", text)


def run_text(run: Any) -> str:
    return "".join(child_text(c) for c in run)


def text_runs(p: Any) -> list[Any]:
    return list(_TEXT_RUNS(p))


def paragraph_text(p: Any) -> str:
    return "".join(run_text(r) for r in text_runs(p))


def split_run(run: Any, k: int) -> Any:
    """Cut `run` after its k-th character: `run` keeps the first k, the returned copy (inserted right
    after it) the rest, each with the same `w:rPr`. Children without text go with the second half."""
    second = copy.deepcopy(run)
    first_kids = [c for c in run if c.tag != f"{W}rPr"]
    second_kids = [c for c in second if c.tag != f"{W}rPr"]
    pos = 0
    for mine, theirs in zip(first_kids, second_kids, strict=True):
        text = child_text(mine)
        if pos + len(text) <= k and not (not text and pos == k):
            second.remove(theirs)  # wholly in the first half
        elif pos >= k:
            run.remove(mine)  # wholly in the second half
        else:  # a w:t that straddles the cut
            cut = k - pos
            mine.text, theirs.text = text[:cut], text[cut:]
            for t in (mine, theirs):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        pos += len(text)
    run.addnext(second)
    return second


def isolate(p: Any, start: int, end: int) -> list[Any]:
    """Cut the runs of paragraph `p` so that its characters [start, end) are exactly whole runs, and
    return those runs (empty when the span holds no character). One walk over the runs: a cut run's
    second half is the next text run, so it is walked next (and cut again when `end` is inside it)."""
    runs = text_runs(p)
    out: list[Any] = []
    pos, k = 0, 0
    while k < len(runs):
        run = runs[k]
        n = len(run_text(run))
        for cut in (start, end):
            if pos < cut < pos + n:
                runs.insert(k + 1, split_run(run, cut - pos))
                n = cut - pos
                break
        if n and start <= pos and pos + n <= end:
            out.append(run)
        pos += n
        k += 1
    return out


def normalized_with_map(raw: str) -> tuple[str, list[int]]:
    """`raw` as the reader normalises a paragraph (spaces collapsed, controls dropped, stripped), with
    the index in `raw` of each character kept."""
    if _AS_IS.search(raw) is None and raw[:1] not in " \n" and raw[-1:] not in " \n":
        return raw, list(range(len(raw)))  # nothing to drop, collapse or strip (most paragraphs)
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(raw):
        if _DROPPED.match(c):
            continue
        if _SPACE.match(c):
            if chars and chars[-1] == " ":
                continue
            c = " "
        if c == "\n" and chars and chars[-1] == " ":
            chars.pop()
            index.pop()
        if c == " " and chars and chars[-1] == "\n":
            continue
        chars.append(c)
        index.append(i)
    while chars and chars[0] in " \n":
        chars.pop(0)
        index.pop(0)
    while chars and chars[-1] in " \n":
        chars.pop()
        index.pop()
    return "".join(chars), index


@dataclass
class Located:
    """A paragraph found in `Document.text`: its text there starts at `start`; `index[i]` is the
    paragraph-text position of the i-th character found."""

    p: Any
    start: int
    index: list[int]

    @property
    def end(self) -> int:
        return self.start + len(self.index)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Document offsets [start, end), clipped to this paragraph, as paragraph-text positions."""
        a, b = max(start, self.start) - self.start, min(end, self.end) - self.start
        if b <= a:
            return 0, 0
        return self.index[a], self.index[b - 1] + 1


def body_paragraphs(container: Any) -> Iterator[Any]:
    """Paragraphs of a body (or cell, header...) in reading order, table cells included."""
    for child in container.iterchildren():
        if child.tag == f"{W}p":
            yield child
        elif child.tag == f"{W}tbl":
            for tc in child.iter(f"{W}tc"):
                yield from (p for p in tc.iterchildren(f"{W}p"))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from body_paragraphs(content)


def paragraph_offsets(body: Any, text: str, skip: int = 0) -> list[Located]:
    """Every paragraph of `body` whose text is found in `text`, searched in order from `skip` (past a
    header the reader put first). A paragraph not found (edited by normalisation beyond spaces) is
    left out rather than guessed."""
    out: list[Located] = []
    cursor = skip
    flat = xml_safe(text).replace("\n", " ")  # a generated paragraph joins wrapped lines with spaces
    for p in body_paragraphs(body):
        norm, index = normalized_with_map(paragraph_text(p))
        if not norm:
            continue
        at = flat.find(norm.replace("\n", " "), cursor)
        if at < 0:
            continue
        out.append(Located(p, at, index))
        cursor = at + len(norm)
    return out


def complex_field(simple: Any) -> list[Any]:
    """A `w:fldSimple` as the runs of the same field written the long way (begin, instruction,
    separate, its result, end). Word treats the two forms as one field, but only runs can sit inside
    `w:ins`/`w:del`, so a simple field the redline adds or removes is tracked in this form. The field's
    runs take the formatting of its first result run."""
    first = simple.find(f"{W}r/{W}rPr")
    rpr = copy.deepcopy(first) if first is not None else None
    if rpr is not None:
        for change in rpr.findall(f"{W}rPrChange"):
            rpr.remove(change)

    def run(tag: str, **attrs: str) -> Any:
        out = etree.Element(f"{W}r")
        if rpr is not None:
            out.append(copy.deepcopy(rpr))
        child = etree.SubElement(out, f"{W}{tag}", {f"{W}{k}": v for k, v in attrs.items()})
        if tag == "instrText":
            child.text = simple.get(f"{W}instr") or ""
            child.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return child.getparent()

    flags = {k: simple.get(f"{W}{k}") for k in ("fldLock", "dirty") if simple.get(f"{W}{k}") is not None}
    result = [copy.deepcopy(child) for child in simple if child.tag != f"{W}fldData"]
    return [run("fldChar", fldCharType="begin", **flags), run("instrText"), run("fldChar", fldCharType="separate"),
            *result, run("fldChar", fldCharType="end")]


def note_references(parts: dict[str, Any], kind: str) -> list[Any]:
    """The package's `kind` ("footnote" or "endnote") references in reading order, the body's first: the order
    Word numbers notes in on the page, which the redline saves them in and the checker compares them by."""
    return [r for name in sorted(parts, key=lambda n: n != "word/document.xml")
            for r in parts[name].iter(f"{W}{kind}Reference")]
