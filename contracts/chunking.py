"""Clause-aligned, overlapping chunks of a contract that fit a token budget.

Both the training-set builder and the LLM analyzers cut contracts with this one function, so a model
sees at inference exactly the kind of text it was trained on. Token counts come from a callable, so
any tokenizer plugs in (a Hugging Face tokenizer's `len(tok.encode(s))`, tiktoken, a test's counter).

A chunk is rendered with the clause numbers lexrisk gives the contract's top-level clauses ("[7] "
before clause 7). Markers sit only between clauses, so text inside one clause is verbatim in the
chunk; a quote running across clauses is verbatim clause by clause (`Chunk.pieces`)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from contracts.documents import Document
from contracts.segment import segment_clauses

TokenCounter = Callable[[str], int]

_LINE_END = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.;:](?=\s)\s*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Unit:
    """A top-level clause (article, section, numbered clause, heading, or the preamble) with the
    sub-clauses that follow it."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    """A run of a unit's text placed in a chunk; `marked` when the unit's number is rendered before it."""

    unit: int
    start: int
    end: int
    marked: bool


@dataclass(frozen=True)
class Chunk:
    index: int
    pieces: tuple[Piece, ...]
    text: str

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return self.pieces[-1].end

    @cached_property
    def _layout(self) -> list[tuple[int, Piece]]:
        """(offset in the rendered text where the piece's own text starts, piece)."""
        out, pos = [], 0
        for piece in self.pieces:
            if piece.marked:
                pos += len(marker(piece.unit))
            out.append((pos, piece))
            pos += piece.end - piece.start
        return out

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def pieces_of(self, start: int, end: int, source: str) -> list[str]:
        """The document span `start..end` as it reads in this chunk: one verbatim string per run of
        text between clause markers (whitespace at the cut trimmed), empty runs left out."""
        runs: list[str] = []
        current: list[str] = []
        for piece in self.pieces:
            if piece.marked and current:
                runs.append("".join(current))
                current = []
            lo, hi = max(start, piece.start), min(end, piece.end)
            if lo < hi:
                current.append(source[lo:hi])
        if current:
            runs.append("".join(current))
        return [r.strip() for r in runs if r.strip()]

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Document offsets of a quote a model copied from this chunk's rendered text; None when it
        is not there verbatim (a caller then falls back on `contracts.grounding.locate`)."""
        found = self.text.find(quote.strip()) if quote.strip() else -1
        if found == -1:
            return None
        start = self.document_offset(found)
        end = self.document_offset(found + len(quote.strip()) - 1) + 1
        return start, end

    def document_offset(self, rendered: int) -> int:
        """The document offset of a position in the rendered text (a marker maps to its clause start)."""
        starts = [pos for pos, _ in self._layout]
        i = max(bisect.bisect_right(starts, rendered) - 1, 0)
        pos, piece = self._layout[i]
        return min(piece.start + max(rendered - pos, 0), piece.end)


def marker(unit: int) -> str:
    return f"[{unit}] "


def clause_units(text: str) -> list[Unit]:
    """Top-level clauses tiling the text: a unit opens at every clause of level 0-2 (preamble,
    ARTICLE, Section, `7.`, a heading in capitals); deeper sub-clauses stay inside their unit."""
    starts = [c.start for c in segment_clauses(text) if c.level <= 2]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(text)]
    return [Unit(i + 1, s, e) for i, (s, e) in enumerate(zip(starts, ends, strict=True)) if e > s]


def render(pieces: list[Piece] | tuple[Piece, ...], source: str) -> str:
    return "".join((marker(p.unit) if p.marked else "") + source[p.start:p.end] for p in pieces)


def chunk_text(text: str, count_tokens: TokenCounter, max_tokens: int, *,
               overlap_tokens: int | None = None) -> list[Chunk]:
    """Chunks covering the whole text in order, each rendered within `max_tokens` tokens; consecutive
    chunks share up to `overlap_tokens` (default an eighth of the budget) of whole clauses or pieces."""
    if max_tokens < 8:
        raise ValueError(f"max_tokens={max_tokens} is too small to hold any text")
    overlap = max_tokens // 8 if overlap_tokens is None else overlap_tokens
    atoms = _atoms(text, count_tokens, max_tokens)
    chunks: list[Chunk] = []
    first = 0
    while first < len(atoms):
        last = _pack(atoms, first, text, count_tokens, max_tokens)
        chunks.append(_make_chunk(len(chunks), atoms[first:last], text))
        if last >= len(atoms):
            break
        nxt, shared = last, 0
        while nxt - 1 > first and shared + atoms[nxt - 1][1] <= overlap:
            nxt -= 1
            shared += atoms[nxt][1]
        while nxt < last and _pack(atoms, nxt, text, count_tokens, max_tokens) <= last:
            nxt += 1  # an overlap so large the next chunk would end where this one does: share less
        first = nxt
    return chunks


def chunk_document(document: Document, count_tokens: TokenCounter, max_tokens: int, *,
                   overlap_tokens: int | None = None) -> list[Chunk]:
    """`chunk_text` over a Document's text; chunk offsets index into `document.text`."""
    return chunk_text(document.text, count_tokens, max_tokens, overlap_tokens=overlap_tokens)


def join_chunks(chunks: list[Chunk], text: str, index: int = 0) -> Chunk:
    """Consecutive chunks without overlap (chunk_text's with overlap_tokens=0) as one chunk, numbered afresh."""
    pieces = _remark([p for c in chunks for p in c.pieces])
    return Chunk(index=index, pieces=tuple(pieces), text=render(pieces, text))


def chunk_around(text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int,
                 index: int = 0) -> Chunk | None:
    """The chunk of whole pieces that holds `start..end`, widened by neighbouring pieces while it fits;
    None when the span alone does not fit. Used to give a label that straddles chunk edges a chunk
    holding all of it."""
    atoms = _atoms(text, count_tokens, max_tokens)
    lo = next(i for i, (p, _) in enumerate(atoms) if p.end > start)
    hi = next(i for i, (p, _) in enumerate(atoms) if p.end >= end) + 1
    if count_tokens(render(_remark([a for a, _ in atoms[lo:hi]]), text)) > max_tokens:
        return None
    grow_left = True
    while lo > 0 or hi < len(atoms):
        candidates = [(lo - 1, hi), (lo, hi + 1)] if grow_left else [(lo, hi + 1), (lo - 1, hi)]
        for a, b in candidates:
            if a >= 0 and b <= len(atoms) and count_tokens(render(_remark([p for p, _ in atoms[a:b]]), text)) <= max_tokens:
                lo, hi = a, b
                break
        else:
            break
        grow_left = not grow_left
    return _make_chunk(index, atoms[lo:hi], text)


def _make_chunk(index: int, atoms: list[tuple[Piece, int]], text: str) -> Chunk:
    pieces = _remark([p for p, _ in atoms])
    return Chunk(index=index, pieces=tuple(pieces), text=render(pieces, text))


def _remark(pieces: list[Piece]) -> list[Piece]:
    """Mark a piece when it opens a unit in the chunk (so every chunk starts with a clause number)."""
    return [Piece(p.unit, p.start, p.end, i == 0 or p.unit != pieces[i - 1].unit) for i, p in enumerate(pieces)]


def _pack(atoms: list[tuple[Piece, int]], first: int, text: str, count_tokens: TokenCounter, budget: int) -> int:
    """One past the last atom of the chunk starting at `first`: greedy on per-atom counts, then checked
    on the rendered text (token counts of parts do not always add up to the count of the whole)."""
    last, total = first, 0
    while last < len(atoms) and (last == first or total + atoms[last][1] <= budget):
        total += atoms[last][1]
        last += 1
    while last - first > 1 and count_tokens(render(_remark([a for a, _ in atoms[first:last]]), text)) > budget:
        last -= 1
    return last


@lru_cache(maxsize=8)
def _atoms(text: str, count_tokens: TokenCounter, budget: int) -> list[tuple[Piece, int]]:
    """Pieces that each fit the budget with their marker: whole units, or a unit cut at its
    sub-clauses, then lines, sentences, spaces, and as a last resort at a fixed width. Cached: the
    builder asks again for each label that straddles a chunk edge."""
    units = clause_units(text)
    sub_starts = sorted({c.start for c in segment_clauses(text)})
    atoms: list[tuple[Piece, int]] = []
    for unit in units:
        for start, end in _split(text, unit.start, unit.end, unit.number, sub_starts, count_tokens, budget):
            atoms.append((Piece(unit.number, start, end, start == unit.start),
                          count_tokens(marker(unit.number) + text[start:end])))
    return atoms


def _split(text: str, start: int, end: int, unit: int, sub_starts: list[int], count_tokens: TokenCounter,
           budget: int, level: int = 0) -> list[tuple[int, int]]:
    if count_tokens(marker(unit) + text[start:end]) <= budget or end - start <= 1:
        return [(start, end)]
    cuts = _cut_points(text, start, end, sub_starts, level)
    if not cuts:
        if level < 3:
            return _split(text, start, end, unit, sub_starts, count_tokens, budget, level + 1)
        mid = start + max((end - start) // 2, 1)
        cuts = [mid]
    # greedy on the segments' own counts, each run then checked on its real text
    bounds = [start, *cuts, end]
    sizes = [count_tokens(text[a:b]) for a, b in itertools.pairwise(bounds)]
    head = count_tokens(marker(unit))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(sizes):
        j, total = i, head
        while j < len(sizes) and (j == i or total + sizes[j] <= budget):
            total += sizes[j]
            j += 1
        while j - i > 1 and count_tokens(marker(unit) + text[bounds[i]:bounds[j]]) > budget:
            j -= 1
        if j - i == 1:
            out.extend(_split(text, bounds[i], bounds[j], unit, sub_starts, count_tokens, budget, level + 1))
        else:
            out.append((bounds[i], bounds[j]))
        i = j
    return out


def _cut_points(text: str, start: int, end: int, sub_starts: list[int], level: int) -> list[int]:
    if level == 0:
        return [s for s in sub_starts if start < s < end]
    pattern = (_LINE_END, _SENTENCE_END, _SPACE)[min(level - 1, 2)]
    return sorted({m.end() for m in pattern.finditer(text, start, end) if start < m.end() < end})
