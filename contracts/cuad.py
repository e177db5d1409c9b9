"""The one reader of a CUAD folder: its layout, its files and their records, for the importer
(annotation.cuad), evaluation's gold sets (eval.gold), the PDF extraction check (eval.extraction) and the
embedded model's training corpus (training.baseline.corpus). Each of those decides what a record means
to it; none opens CUAD's files itself.

A CUAD folder holds `full_contract_txt/` (CUAD's own texts, whose offsets the spans use),
`full_contract_pdf/` (the PDFs, in sub-folders), `cuad_spans.jsonl` (one labelled excerpt per line,
with offsets) and `master_clauses.csv` (one row per contract: a column of excerpts per category and a
`<Category>-Answer` column of normalised answers, e.g. dates and governing law)."""

from __future__ import annotations

import ast
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from contracts.taxonomy import canonical

SPANS_FILE = "cuad_spans.jsonl"
CLAUSES_FILE = "master_clauses.csv"
TEXT_DIR = "full_contract_txt"
PDF_DIR = "full_contract_pdf"
ANSWER_SUFFIX = "-Answer"


class CuadError(ValueError):
    """The CUAD folder is missing, not laid out as expected, or holds a record that is not CUAD's.
    `where` names the folder, file or line; `reason` says what is wrong."""

    def __init__(self, where: str | Path, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"{where}: {reason}")
        self.where, self.reason = str(where), reason


@dataclass(frozen=True)
class CuadSpan:
    """One line of cuad_spans.jsonl: a labelled excerpt, its parts (an `<omitted>` splits them) and
    their character ranges in CUAD's text of the contract."""

    pdf_filename: str
    contract_txt: str
    category: str  # canonical CUAD category name
    parts: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return " ".join(self.parts)


@dataclass(frozen=True)
class MasterRow:
    """One row of master_clauses.csv as written: the cells are still CUAD's strings (an excerpt cell is
    a Python list literal; `excerpts()` reads one), so each caller chooses how strict to be."""

    number: int  # 1-based data row
    filename: str  # the PDF's file name
    cells: dict[str, str] = field(default_factory=dict)  # category column -> its cell
    answers: dict[str, str] = field(default_factory=dict)  # category column (without -Answer) -> answer

    @property
    def txt_name(self) -> str:
        """The text file CUAD names after the PDF (most do; annotation.cuad folds the ones that differ)."""
        return f"{Path(self.filename).stem}.txt"


def check_folder(folder: Path, needs: tuple[str, ...] = (SPANS_FILE, TEXT_DIR)) -> None:
    """Refuse a folder that is missing or lacks one of `needs`."""
    if not folder.is_dir():
        raise CuadError(folder, "CUAD folder not found", f"CUAD folder not found: {folder}")
    for needed in needs:
        if not (folder / needed).exists():
            raise CuadError(folder, f"it has no {needed}", f"{folder} is not a CUAD folder: it has no {needed}")


def text_files(folder: Path) -> list[Path]:
    """CUAD's contract texts, sorted by name (the order every consumer relies on)."""
    return sorted((folder / TEXT_DIR).glob("*.txt"))


def pdf_files(folder: Path) -> list[Path]:
    """CUAD's PDFs (in their sub-folders), sorted by path."""
    return sorted(p for p in (folder / PDF_DIR).rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")


def read_spans(folder: Path) -> Iterator[CuadSpan]:
    """The records of cuad_spans.jsonl, in file order."""
    path = folder / SPANS_FILE
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    row = json.loads(line)
                    yield CuadSpan(row["pdf_filename"], row["contract_txt"], canonical(row["category"]),
                                   tuple(row["parts"]), tuple((int(s), int(e)) for s, e in row["offsets"]))
                except (ValueError, KeyError, TypeError) as exc:
                    raise CuadError(f"{path}:{number}", f"not a CUAD span record ({exc})") from None
    except UnicodeDecodeError:  # raised as the file is read ahead, past the record's own check: no line to name
        raise CuadError(path, "not UTF-8 text; is this CUAD's cuad_spans.jsonl?") from None
    except OSError as exc:
        raise CuadError(path, f"cannot read ({exc.strerror})") from None


def pdf_to_txt(folder: Path) -> dict[str, str]:
    """PDF file name -> the text file CUAD made of it, from cuad_spans.jsonl (empty without it)."""
    if not (folder / SPANS_FILE).is_file():
        return {}
    return {span.pdf_filename: span.contract_txt for span in read_spans(folder)}


def read_master(path: Path) -> Iterator[MasterRow]:
    """The rows of master_clauses.csv; a file that is not CUAD's, or a malformed CSV, is a CuadError."""
    csv.field_size_limit(sys.maxsize)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise CuadError(path, f"cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            columns = reader.fieldnames or []
            if "Filename" not in columns:
                raise CuadError(path, "no 'Filename' column; is this CUAD's master_clauses.csv?")
            for number, raw in enumerate(reader, start=1):
                cells = {c: raw.get(c) or "" for c in columns if c != "Filename" and not c.endswith(ANSWER_SUFFIX)}
                answers = {c.removesuffix(ANSWER_SUFFIX): raw.get(c) or "" for c in columns
                           if c.endswith(ANSWER_SUFFIX)}
                yield MasterRow(number, (raw.get("Filename") or "").strip(), cells, answers)
        except csv.Error as exc:
            raise CuadError(f"{path} line {reader.line_num}", f"malformed CSV ({exc})") from None
        except UnicodeDecodeError:
            raise CuadError(path, "not UTF-8 text; is this CUAD's master_clauses.csv?") from None


def excerpts(cell: str) -> list[str]:
    """An excerpt cell read as CUAD writes it (a Python list literal of strings; empty is no excerpt);
    anything else is a ValueError saying what the cell is not."""
    try:
        values = ast.literal_eval(cell or "[]")
    except (ValueError, SyntaxError):
        raise ValueError(f"not a list of excerpts: {cell[:60]!r}") from None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("not a list of strings")
    return values
