"""The key terms on real CUAD contracts: every quote is grounded, and the reading is fast."""

from __future__ import annotations

import time
from pathlib import Path

from contracts.documents import Document
from contracts.terms import extract_terms
from eval.gold import cuad_entries


def test_every_quote_stands_at_its_offsets_on_cuad_contracts(cuad_dir: Path) -> None:
    entries = cuad_entries(cuad_dir, source="txt", split="train")[::8]
    assert len(entries) >= 30
    found = 0
    for entry in entries:
        document = Document.from_text(entry.name, entry.source.read_text(encoding="utf-8"))
        terms = extract_terms(document)
        for field in type(terms).model_fields:
            value = getattr(terms, field)
            for item in value if isinstance(value, list) else [value] if value is not None else []:
                assert document.text[item.start:item.end] == item.quote, (entry.name, field)
                assert 0 <= item.start < item.end <= len(document.text)
                found += 1
    assert found >= 5 * len(entries)  # most contracts state most of their terms


def test_reading_the_terms_of_a_long_contract_is_fast(cuad_dir: Path) -> None:
    longest = max((cuad_dir / "full_contract_txt").glob("*.txt"), key=lambda p: p.stat().st_size)
    document = Document.from_text(longest.name, longest.read_text(encoding="utf-8"))
    extract_terms(document)
    started = time.perf_counter()
    extract_terms(document)
    assert time.perf_counter() - started < 2.0, f"{len(document.text):,} characters"
