"""Gold sets: contracts as a user's upload would read them, with the labelled spans to score against.

A CUAD-layout folder is read through `contracts.ingest` (PDFs through the PDF extractor), so a run
measures what a user gets. CUAD's offsets index CUAD's own text; where ingestion changed the text
(a PDF, or normalised whitespace) each span is placed again in the ingested text, and a span that
cannot be placed keeps its text (CUAD's rule matches on words) but no offsets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.cuad import (
    CLAUSES_FILE,
    PDF_DIR,
    SPANS_FILE,
    TEXT_DIR,
    CuadError,
    excerpts,
    pdf_files,
    read_master,
    read_spans,
    text_files,
)
from contracts.cuad_split import in_split
from contracts.documents import Document
from contracts.grounding import Located, locate, normalize_for_match
from contracts.taxonomy import UnknownCategoryError, canonical


class GoldError(ValueError):
    """The gold set is missing or not laid out as expected (the message says what is wrong)."""


@dataclass(frozen=True)
class GoldSpan:
    category: str
    text: str
    start: int | None = None  # offsets in the ingested Document's text; None when it could not be placed
    end: int | None = None
    severity: str | None = None  # a lawyer's severity where the gold set has one (the store); CUAD has none


@dataclass
class GoldContract:
    name: str  # the contract's key in predictions/ and metrics (CUAD's text file name)
    document: Document
    spans: list[GoldSpan] = field(default_factory=list)


@dataclass(frozen=True)
class CuadEntry:
    """One contract of a CUAD folder before it is read: its key, the file to ingest, its raw labels."""

    name: str
    source: Path
    reference_text: Path | None  # CUAD's own text, whose offsets the spans use
    labels: tuple[tuple[str, str, tuple[tuple[int, int], ...] | None], ...]  # (category, text, parts)


def cuad_entries(folder: Path, *, source: str = "auto", names: list[str] | None = None, split: str | None = None,
                 limit: int | None = None) -> list[CuadEntry]:
    """The contracts of a CUAD folder, sorted by name, with their labels (all 41 categories).

    `source` is "txt", "pdf" or "auto" (the texts when the folder has them). `split` "dev" or "train"
    picks CUAD's split as the baseline draws it; `names` picks contracts by text or PDF file name."""
    if not folder.is_dir():
        raise GoldError(f"gold folder not found: {folder}")
    txt_dir, pdf_dir = folder / TEXT_DIR, folder / PDF_DIR
    if source == "auto":
        source = "txt" if txt_dir.is_dir() else "pdf"
    if source == "txt" and not txt_dir.is_dir():
        raise GoldError(f"{folder} has no {TEXT_DIR}/")
    if source == "pdf" and not pdf_dir.is_dir():
        raise GoldError(f"{folder} has no {PDF_DIR}/")
    labels = _read_labels(folder)
    pdf_to_txt = {pdf: txt for pdf, txt, *_ in labels}
    by_txt: dict[str, list[tuple[str, str, tuple[tuple[int, int], ...] | None]]] = {}
    for _, txt, category, text, parts in labels:
        by_txt.setdefault(txt, []).append((category, text, parts))

    entries: list[CuadEntry] = []
    if source == "txt":
        for path in text_files(folder):
            entries.append(CuadEntry(path.name, path, path, tuple(by_txt.get(path.name, []))))
    else:
        for path in pdf_files(folder):
            txt = pdf_to_txt.get(path.name, f"{path.stem}.txt")
            reference = txt_dir / txt if (txt_dir / txt).is_file() else None
            entries.append(CuadEntry(txt, path, reference, tuple(by_txt.get(txt, []))))
    if names is not None:
        wanted = set(names)
        unknown = wanted - {e.name for e in entries} - {e.source.name for e in entries}
        if unknown:
            raise GoldError(f"{len(unknown)} contract(s) not in {folder}: {', '.join(sorted(unknown)[:3])}")
        entries = [e for e in entries if e.name in wanted or e.source.name in wanted]
    if split is not None:
        entries = [e for e in entries if in_split(e.name, split)]
    if limit:
        entries = entries[:limit]
    if not entries:
        raise GoldError(f"no contracts selected in {folder}")
    return entries


def _read_labels(folder: Path) -> list[tuple[str, str, str, str, tuple[tuple[int, int], ...] | None]]:
    """(pdf name, txt name, category, text, parts) from cuad_spans.jsonl, else master_clauses.csv (no offsets)."""
    spans, clauses = folder / SPANS_FILE, folder / CLAUSES_FILE
    out: list[tuple[str, str, str, str, tuple[tuple[int, int], ...] | None]] = []
    try:
        if spans.is_file():
            return [(span.pdf_filename, span.contract_txt, span.category, span.text, span.offsets)
                    for span in read_spans(folder)]
        if clauses.is_file():
            for row in read_master(clauses):
                for column, value in row.cells.items():
                    if not value:
                        continue
                    try:
                        category = canonical(column)
                        texts = excerpts(value)
                    except (UnknownCategoryError, ValueError):
                        continue
                    out.extend((row.filename, row.txt_name, category, t, None) for t in texts if t.strip())
            return out
    except CuadError as exc:
        raise GoldError(str(exc)) from None
    raise GoldError(f"{folder} is not a CUAD folder: it has neither {SPANS_FILE} nor {CLAUSES_FILE}")


def cuad_answers(folder: Path) -> dict[str, dict[str, str]]:
    """CUAD's normalised answers (`<Category>-Answer` columns of master_clauses.csv) by contract text name,
    keyed by canonical category; a blank answer is left out. These are what the key terms are scored on."""
    clauses = folder / CLAUSES_FILE
    if not clauses.is_file():
        raise GoldError(f"{folder} has no {CLAUSES_FILE}: the key terms' answers are read from it")
    out: dict[str, dict[str, str]] = {}
    try:
        for row in read_master(clauses):
            answers = out.setdefault(row.txt_name, {})
            for column, value in row.answers.items():
                if not value.strip():
                    continue
                try:
                    answers[canonical(column.strip())] = value.strip()
                except UnknownCategoryError:
                    continue
    except CuadError as exc:
        raise GoldError(str(exc)) from None
    return out


def read_cuad_contract(entry: CuadEntry, ingest: Callable[[Path], Document]) -> GoldContract:
    """Ingest the contract and place its labels in the ingested text."""
    document = ingest(entry.source)
    document = document.model_copy(update={"name": entry.name})
    reference = entry.reference_text.read_text(encoding="utf-8") if entry.reference_text else None
    same_text = reference == document.text
    normalized = None
    spans = []
    for category, text, parts in entry.labels:
        if same_text and parts:
            spans.append(GoldSpan(category, text, parts[0][0], parts[-1][1]))
            continue
        if normalized is None:
            normalized = normalize_for_match(document.text)
        located = locate(text, document.text, near=parts[0][0] if parts else None, normalized_text=normalized)
        if located is None and parts and len(parts) > 1:
            first = locate(reference[parts[0][0]:parts[0][1]] if reference else "", document.text,
                           near=parts[0][0], normalized_text=normalized)
            last = locate(reference[parts[-1][0]:parts[-1][1]] if reference else "", document.text,
                          near=parts[-1][0], normalized_text=normalized)
            if first and last and first.start < last.end:
                located = Located(first.start, last.end, first.method, min(first.score, last.score))
        spans.append(GoldSpan(category, text, located.start if located else None, located.end if located else None))
    return GoldContract(entry.name, document, spans)
