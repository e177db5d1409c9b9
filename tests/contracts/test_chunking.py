from __future__ import annotations

import itertools
import re

import pytest

from contracts.chunking import chunk_around, chunk_document, chunk_text, clause_units, marker
from contracts.documents import Document

CONTRACT = "\n".join([
    "MASTER SERVICES AGREEMENT",
    "This Agreement is made between Acme Corp and Beta LLC.",
    "1. Definitions. Terms have the meanings given here. " + "A defined term means what it says. " * 30,
    "2. Term. This Agreement lasts five years and renews automatically for one-year terms.",
    "(a) Either party may terminate on ninety days notice.",
    "(b) Notice must be in writing.",
    "3. Liability. In no event shall either party's liability exceed the fees paid in the prior twelve months.",
    "4. Governing Law. This Agreement is governed by the laws of New York.",
    "5. Long clause. " + " ".join(f"word{i}" for i in range(400)),
])


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


@pytest.mark.parametrize("budget", [40, 90, 400])
def test_chunks_fit_the_budget_and_cover_the_text_in_order(budget):
    chunks = chunk_text(CONTRACT, words, budget)
    assert all(words(c.text) <= budget for c in chunks)
    covered = 0
    for previous, chunk in zip([None, *chunks], chunks, strict=False):
        assert chunk.start <= covered, "a gap between chunks"
        if previous is not None:
            assert chunk.start > previous.start and chunk.end > previous.end
        covered = max(covered, chunk.end)
    assert covered == len(CONTRACT)


def test_chunks_start_at_clauses_and_carry_clause_numbers():
    units = clause_units(CONTRACT)
    chunks = chunk_text(CONTRACT, words, 90)
    for chunk in chunks:  # a chunk starts at a clause, or inside one too big for any chunk
        unit = next(u for u in units if u.start <= chunk.start < u.end)
        assert chunk.start == unit.start or words(marker(unit.number) + CONTRACT[unit.start:unit.end]) > 90
    assert sum(c.start in {u.start for u in units} for c in chunks) >= 3
    for chunk in chunks:
        assert re.match(r"\[\d+\] ", chunk.text)
    big = chunk_document(Document.from_text("msa.txt", CONTRACT), words, 10_000)
    assert len(big) == 1
    assert big[0].text == "".join(marker(u.number) + CONTRACT[u.start:u.end] for u in units)


def test_consecutive_chunks_overlap():
    chunks = chunk_text(CONTRACT, words, 60, overlap_tokens=20)
    assert any(b.start < a.end for a, b in itertools.pairwise(chunks))
    none = chunk_text(CONTRACT, words, 60, overlap_tokens=0)
    assert all(b.start == a.end for a, b in itertools.pairwise(none))


def test_pieces_are_verbatim_in_the_chunk():
    chunk = chunk_text(CONTRACT, words, 10_000)[0]
    start = CONTRACT.index("This Agreement lasts")
    end = CONTRACT.index("Notice must be in writing.") + len("Notice must be in writing.")
    pieces = chunk.pieces_of(start, end, CONTRACT)
    assert pieces == [CONTRACT[start:end]]  # sub-clauses (a), (b) stay inside clause 2: no marker between
    across = chunk.pieces_of(CONTRACT.index("Notice must"), CONTRACT.index("In no event") + 8, CONTRACT)
    assert len(across) == 2 and all(p in chunk.text for p in across)


def test_document_offset_maps_back():
    chunk = chunk_text(CONTRACT, words, 10_000)[0]
    quote = "governed by the laws of New York"
    assert chunk.document_offset(chunk.text.index(quote)) == CONTRACT.index(quote)


def test_a_quote_from_the_rendered_chunk_maps_to_document_offsets():
    chunk = chunk_text(CONTRACT, words, 60)[2]
    quote = chunk.text[chunk.text.index("]") + 2:][:40]
    start, end = chunk.locate(quote)
    assert CONTRACT[start:end] == quote.strip()
    assert chunk.locate("not in this chunk at all") is None


def test_chunk_around_holds_a_span_that_straddles_edges():
    chunks = chunk_text(CONTRACT, words, 40, overlap_tokens=0)
    start = CONTRACT.index("Either party may terminate")
    end = CONTRACT.index("In no event") + 20
    assert not any(c.contains(start, end) for c in chunks)
    around = chunk_around(CONTRACT, start, end, words, 60)
    assert around is not None and around.contains(start, end) and words(around.text) <= 60
    assert chunk_around(CONTRACT, 0, len(CONTRACT), words, 60) is None


def test_tiny_budget_is_refused():
    with pytest.raises(ValueError, match="too small"):
        chunk_text(CONTRACT, words, 2)
