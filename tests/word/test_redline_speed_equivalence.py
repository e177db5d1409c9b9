"""The redline's faster block matching and run cutting write the same file as before, part for part.

The redline step of a divergent 1,800-clause pair spent 15 s of its 20 s file budget in difflib's
SequenceMatcher over thousands of empty paragraphs; `contracts.compare.matching.BlockMatcher` finds the same
matching blocks by window hashes, and the paragraph lookups (`normalized_with_map`, `_block_regions`,
`_regional_ops`, `_objects`) and `isolate` do in one pass what they did in several. Nothing a lawyer
gets may change, so each test writes the redline twice, once with the reference implementations
below (the code as it was, verbatim) patched in, and asserts the two packages are identical: the same
parts, in the same order, with the same bytes. (The zip entries the writer adds for new parts carry
the clock's time, so the archives are compared part by part, not as one byte string; the review copy's
comments carry the clock's date, left out of the comparison.)"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from difflib import SequenceMatcher
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

import word.redline as redline
import word.runs as runs
from contracts.compare import compare_documents, matching
from contracts.ingest import load_bytes
from tests.word.docx_pairs import PAIRS
from tests.word.test_redline_objects import objects
from word.files import notes_for, redline_docx, review_docx

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
W = runs.W


# ---- the reference: the implementations before the speed-up, verbatim --------------------------------------

def _reference_pairs(t_blocks: list[Any], c_blocks: list[Any]) -> list[Any]:
    t_keys = [redline._block_text(b) for b in t_blocks]
    c_keys = [redline._block_text(b) for b in c_blocks]
    ops: list[Any] = []
    matcher = SequenceMatcher(None, [(b.tag, k) for b, k in zip(t_blocks, t_keys, strict=True)],
                              [(b.tag, k) for b, k in zip(c_blocks, c_keys, strict=True)], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend(("keep", t_blocks[i], c_blocks[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        ops.extend(redline._pair_stretch(t_blocks[i1:i2], c_blocks[j1:j2], t_keys[i1:i2], c_keys[j1:j2]))
    return ops


def _reference_regional_ops(t_blocks: list[Any], c_blocks: list[Any], t_regions: list[int],
                            c_regions: list[int]) -> list[Any]:
    ops: list[Any] = []
    for region in sorted(set(t_regions) | set(c_regions)):
        ts = [b for b, r in zip(t_blocks, t_regions, strict=True) if r == region]
        cs = [b for b, r in zip(c_blocks, c_regions, strict=True) if r == region]
        if region % 2 or not ts or not cs or [redline._block_text(b) for b in ts] == [redline._block_text(b)
                                                                                    for b in cs]:
            ops.extend(_reference_pairs(ts, cs))
        else:
            ops.extend([("del", b, None) for b in ts] + [("ins", None, b) for b in cs])
    return ops


def _reference_block_regions(body: Any, document: Any, spans: list[tuple[int, int]]) -> list[int]:
    located = runs.paragraph_offsets(body, document.text)
    starts = {id(loc.p): loc.start for loc in located}
    out: list[int] = []
    for block in redline._blocks(body):
        paragraphs = [block] if block.tag == f"{W}p" else list(block.iter(f"{W}p"))
        start = next((starts[id(p)] for p in paragraphs if id(p) in starts), None)
        if start is None:
            out.append(out[-1] if out else 0)
            continue
        region = 0
        for k, (a, b) in enumerate(spans):
            if a <= start < b:
                region = 2 * k + 1
                break
            if b <= start:
                region = 2 * (k + 1)
        out.append(max(region, out[-1]) if out else region)
    return out


def _reference_objects(p: Any) -> list[Any]:
    return [unit for unit in redline._units(p, True) if not isinstance(unit, str)]


def _reference_isolate(p: Any, start: int, end: int) -> list[Any]:
    for cut in (start, end):
        pos = 0
        for run in runs.text_runs(p):
            n = len(runs.run_text(run))
            if pos < cut < pos + n:
                runs.split_run(run, cut - pos)
                break
            pos += n
    out, pos = [], 0
    for run in runs.text_runs(p):
        n = len(runs.run_text(run))
        if n and start <= pos and pos + n <= end:
            out.append(run)
        pos += n
    return out


def _reference_normalized_with_map(raw: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(raw):
        if runs._DROPPED.match(c):
            continue
        if runs._SPACE.match(c):
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


REFERENCE: list[tuple[Any, str, Callable[..., Any]]] = [
    (redline, "_pairs", _reference_pairs), (redline, "_regional_ops", _reference_regional_ops),
    (redline, "_block_regions", _reference_block_regions), (redline, "_objects", _reference_objects),
    (redline, "isolate", _reference_isolate), (runs, "normalized_with_map", _reference_normalized_with_map),
]


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], bytes]], bytes]:
    """Runs a writer with the reference implementations in place, then puts today's back."""
    def run(write: Callable[[], bytes]) -> bytes:
        with monkeypatch.context() as patch:
            for module, name, function in REFERENCE:
                patch.setattr(module, name, function)  # raises if a rename left the reference unused
            return write()
    return run


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _aligned(template: bytes, contract: bytes) -> Callable[[], bytes]:
    """The redline as `lexrisk compare --format docx` writes it: paragraphs grouped by the clause alignment."""
    t, c = load_bytes(template, "template.docx"), load_bytes(contract, "contract.docx")
    comparison = compare_documents(c, t)
    return lambda: redline_docx(comparison, t, c, template_data=template, contract_data=contract, date=WHEN)


def _unaligned(template: bytes, contract: bytes) -> Callable[[], bytes]:
    """The redline without a comparison: every block of the body matched by `_pairs` at once."""
    return lambda: redline.redline_package(template, contract, date=WHEN)


def _assert_same(before: bytes, after: bytes, *, stamped: bool = False) -> None:
    """The same parts in the same order with the same bytes; `stamped`: but for the comments' dates, which
    python-docx takes from the clock."""
    old, new = _parts(before), _parts(after)
    assert [name for name, _ in new] == [name for name, _ in old]
    for (name, was), (_, now) in zip(old, new, strict=True):
        if stamped:
            was, now = (re.sub(rb' w:date="[^"]*"', b"", data) for data in (was, now))
        assert now == was, f"{name} differs from the reference's"


def _simple_field(contract: bool) -> bytes:
    """The same words on both sides; the contract adds a simple field whose result is no word of the text, the
    one change the redline sees only among the paragraph's objects."""
    document = docx.Document()
    document.add_paragraph("Fees are set out in the Schedule.")
    p = document.add_paragraph("This document is signed.")
    if contract:
        p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" TITLE "><w:r><w:t>Supply</w:t></w:r>'
                              "</w:fldSimple>"))
    document.add_paragraph("Claims are notified promptly.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# tests/word/docx_pairs.py's pairs, test_redline_objects' notes, fields and pictures added to unchanged words,
# and a simple field added to unchanged words
BUILDERS: dict[str, Callable[[bool], bytes]] = {**PAIRS, "objects": objects, "simple_field": _simple_field}


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("writer", [_aligned, _unaligned], ids=["aligned", "unaligned"])
def test_docx_pairs_redline_as_before(name: str, writer: Callable[[bytes, bytes], Callable[[], bytes]],
                                      reference: Callable[[Callable[[], bytes]], bytes]) -> None:
    build = BUILDERS[name]
    write = writer(build(False), build(True))
    _assert_same(reference(write), write())


# ---- long generated pairs: a draft a paragraph per line, empty lines between, as benchmarks/compare_long -----

_WORDS = ("the", "supplier", "customer", "party", "shall", "may", "not", "notice", "agreement", "term",
          "termination", "fees", "payment", "invoice", "days", "written", "consent", "breach", "liability",
          "damages", "indemnify", "claims", "confidential", "information", "law", "court", "services",
          "deliverables", "warranty", "period", "renewal", "assign")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 40))).capitalize() + "."


def _clauses(rng: random.Random, n: int) -> list[list[str]]:
    """n clauses, each a heading and one to three sentences."""
    return [[f"{k + 1}. {rng.choice(_WORDS).title()}", *(_sentence(rng) for _ in range(rng.randint(1, 3)))]
            for k in range(n)]


def _docx(clauses: list[list[str]], bold: frozenset[int] = frozenset()) -> bytes:
    """One paragraph a line with an empty one after each; clause k's heading bold where k is in `bold`, and
    every third body line's middle words bold, so runs are cut and run formatting compared."""
    document = docx.Document()
    for k, clause in enumerate(clauses):
        for line_no, line in enumerate(clause):
            paragraph = document.add_paragraph()
            words = line.split(" ")
            if line_no == 0:
                paragraph.add_run(line).bold = k in bold
            elif line_no % 3 == 1 and len(words) > 6:
                paragraph.add_run(" ".join(words[:3]) + " ")
                paragraph.add_run(" ".join(words[3:6])).bold = True
                paragraph.add_run(" " + " ".join(words[6:]))
            else:
                paragraph.add_run(line)
            document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _edited(rng: random.Random, clauses: list[list[str]]) -> list[list[str]]:
    """The template as a counterparty edits it: words changed, clauses deleted, inserted and moved."""
    out = [list(clause) for clause in clauses]
    for _ in range(len(out) // 8):
        clause = rng.choice(out)
        line = rng.randrange(1, len(clause)) if len(clause) > 1 else 0
        words = clause[line].split(" ")
        words[rng.randrange(len(words))] = rng.choice(_WORDS)
        clause[line] = " ".join(words)
    for _ in range(len(out) // 30):
        del out[rng.randrange(len(out))]
        out.insert(rng.randrange(len(out)), [f"{rng.randint(1, 99)}. New clause", _sentence(rng)])
    out.insert(rng.randrange(len(out)), out.pop(rng.randrange(len(out))))
    return out


@pytest.fixture(scope="module")
def long_pairs() -> dict[str, tuple[bytes, bytes]]:
    rng = random.Random(11)
    template = _clauses(rng, 110)  # about 300 paragraphs and as many empty ones
    return {"edited": (_docx(template), _docx(_edited(rng, template), bold=frozenset({3, 40}))),
            "divergent": (_docx(template), _docx(_clauses(rng, 100)))}


@pytest.mark.parametrize("shape", ["edited", "divergent"])
@pytest.mark.parametrize("writer", [_aligned, _unaligned], ids=["aligned", "unaligned"])
def test_long_pairs_redline_as_before(shape: str, writer: Callable[[bytes, bytes], Callable[[], bytes]],
                                      long_pairs: dict[str, tuple[bytes, bytes]],
                                      reference: Callable[[Callable[[], bytes]], bytes]) -> None:
    write = writer(*long_pairs[shape])
    _assert_same(reference(write), write())


@pytest.mark.parametrize("shape", ["edited", "divergent"])
def test_long_pairs_review_copy_as_before(shape: str, long_pairs: dict[str, tuple[bytes, bytes]],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The review copy cuts runs with `isolate` and finds paragraphs with `normalized_with_map` too."""
    import word.comments as comments

    template, contract = long_pairs[shape]
    t, c = load_bytes(template, "template.docx"), load_bytes(contract, "contract.docx")
    notes = notes_for(compare_documents(c, t))
    assert notes  # every deviation is a comment to anchor
    with monkeypatch.context() as patch:
        patch.setattr(comments, "isolate", _reference_isolate)
        patch.setattr(runs, "normalized_with_map", _reference_normalized_with_map)
        before = review_docx(c, notes, data=contract)
    _assert_same(before, review_docx(c, notes, data=contract), stamped=True)


# ---- the pieces on their own -------------------------------------------------------------------------------

@pytest.mark.parametrize("hashed", [False, True], ids=["difflib-scan", "window-hashes"])
def test_block_matcher_opcodes_are_difflibs(hashed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sequences with heavy repeats (an empty paragraph every other block) and long shared stretches, on both
    of the matcher's ways to find the longest common run (`hashed`: always by window hashes)."""
    if hashed:
        monkeypatch.setattr(matching, "_SCAN_PER_ELEMENT", -1)
    rng = random.Random(5)
    for _ in range(400):
        alphabet = "abcdef"[:rng.randint(1, 6)]
        a = [rng.choice(alphabet) if rng.random() < 0.6 else "" for _ in range(rng.randint(0, 90))]
        b = [rng.choice(alphabet) if rng.random() < 0.6 else "" for _ in range(rng.randint(0, 90))]
        if rng.random() < 0.4:
            b = a[:rng.randint(0, len(a))] + b + a[rng.randint(0, len(a)):]
        assert (matching.BlockMatcher(a, b).get_opcodes()
                == SequenceMatcher(None, a, b, autojunk=False).get_opcodes()), (a, b)


def test_normalized_with_map_as_before() -> None:
    """Every way a paragraph's text can need normalising, alone and together, and text that needs none."""
    pieces = ["a", "b c", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x07", "\u200b", "\ufeff", "\x7f", "\r", "x-y"]
    rng = random.Random(3)
    texts = ["", "plain words.", *pieces]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        assert runs.normalized_with_map(text) == _reference_normalized_with_map(text), repr(text)
