"""Gold sets: contracts as a user's upload would read them, with the labelled spans to score against.

A CUAD-layout folder is read through `contracts.ingest` (PDFs through the PDF extractor), so a run
measures what a user gets. CUAD's offsets index CUAD's own text; where ingestion changed the text
(a PDF, or normalised whitespace) each span is placed again in the ingested text, and a span that
cannot be placed keeps its text (CUAD's rule matches on words) but no offsets."""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from contracts.cuad_split import in_split
from contracts.documents import Document
from contracts.grounding import Located, locate, normalize_for_match
from contracts.taxonomy import UnknownCategoryError, canonical

SPANS_FILE = "cuad_spans.jsonl"
CLAUSES_FILE = "master_clauses.csv"
TEXT_DIR = "full_contract_txt"
PDF_DIR = "full_contract_pdf"


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
        for path in sorted(txt_dir.glob("*.txt")):
            entries.append(CuadEntry(path.name, path, path, tuple(by_txt.get(path.name, []))))
    else:
        for path in sorted(p for p in pdf_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"):
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
    if spans.is_file():
        with spans.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    row = json.loads(line)
                    parts = tuple((int(s), int(e)) for s, e in row["offsets"])
                    out.append((row["pdf_filename"], row["contract_txt"], canonical(row["category"]),
                                " ".join(row["parts"]), parts))
                except (ValueError, KeyError, TypeError) as exc:
                    raise GoldError(f"{spans}:{number}: not a CUAD span record ({exc})") from None
        return out
    if clauses.is_file():
        for pdf, txt, row in _clause_rows(clauses):
            for column, value in row.items():
                if column == "Filename" or column.endswith("-Answer") or not value:
                    continue
                try:
                    category = canonical(column)
                    texts = ast.literal_eval(value)
                except (UnknownCategoryError, ValueError, SyntaxError):
                    continue
                out.extend((pdf, txt, category, str(t), None) for t in texts if str(t).strip())
        return out
    raise GoldError(f"{folder} is not a CUAD folder: it has neither {SPANS_FILE} nor {CLAUSES_FILE}")


def _clause_rows(clauses: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(pdf name, txt name, row) for each row of master_clauses.csv."""
    csv.field_size_limit(2**31 - 1)
    with clauses.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            pdf = row.get("Filename") or ""
            yield pdf, f"{Path(pdf).stem}.txt", row


def cuad_answers(folder: Path) -> dict[str, dict[str, str]]:
    """CUAD's normalised answers (`<Category>-Answer` columns of master_clauses.csv) by contract text name,
    keyed by canonical category; a blank answer is left out. These are what the key terms are scored on."""
    clauses = folder / CLAUSES_FILE
    if not clauses.is_file():
        raise GoldError(f"{folder} has no {CLAUSES_FILE}: the key terms' answers are read from it")
    out: dict[str, dict[str, str]] = {}
    for _, txt, row in _clause_rows(clauses):
        answers = out.setdefault(txt, {})
        for column, value in row.items():
            if not column.endswith("-Answer") or not value or not value.strip():
                continue
            try:
                answers[canonical(column.removesuffix("-Answer").strip())] = value.strip()
            except UnknownCategoryError:
                continue
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
