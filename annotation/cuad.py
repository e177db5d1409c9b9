"""CUAD importer: `master_clauses.csv` + `full_contract_txt/` -> contracts and gold annotations.

The contract text is what `contracts.ingest` makes of the txt file (the same text `lexrisk analyze`
sees), so each excerpt is located in that normalised text: exactly after the same normalisation,
else by `contracts.grounding.locate`. An excerpt with `<omitted>` becomes one annotation per part
(sharing a group key). Occurrences are resolved deterministically: the n-th time the same excerpt is
listed for a category takes its n-th occurrence, and each later part of an excerpt takes the first
occurrence after the part before it. Severity and explanation come from the playbook."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from annotation.report import ImportRecordError, ImportReport, ImportSourceError
from annotation.store.models import PUBLIC_TENANT, Annotation, Annotator, ReviewEvent
from annotation.store.repository import StoreError, get_or_create_annotator, get_or_create_contract, row_id
from contracts import cuad
from contracts.cuad_split import in_split
from contracts.errors import IngestError
from contracts.grounding import locate, normalize_for_match
from contracts.ingest import load_bytes
from contracts.playbook import Playbook, default_playbook
from contracts.taxonomy import UnknownCategoryError, canonical
from contracts.textnorm import normalize_text

ANNOTATOR = "cuad"
SOURCE = "cuad"  # the `source` of every label it imports: how the store tells CUAD's contracts from others
MASTER = cuad.CLAUSES_FILE
OMITTED = "<omitted>"


@dataclass(frozen=True)
class CuadExcerpt:
    category: str
    index: int  # position in the row's list for this category
    text: str

    @property
    def parts(self) -> list[str]:
        return [p.strip() for p in self.text.split(OMITTED) if p.strip()]


@dataclass(frozen=True)
class CuadRow:
    number: int  # 1-based data row in the CSV
    filename: str
    excerpts: list[CuadExcerpt]

    @property
    def txt_name(self) -> str:
        return str(Path(self.filename).with_suffix(".txt"))


def fold_name(name: str) -> str:
    """A file name reduced to its letters and digits: CUAD's txt files drop or replace characters of
    their PDF names ('MACY'S' -> 'MACY_S', 'INC..PDF' -> 'INC.txt', a trailing space)."""
    stem = unicodedata.normalize("NFC", Path(name).stem)
    return "".join(ch for ch in stem.casefold() if ch.isalnum())


def txt_index(cuad_dir: Path) -> dict[str, str]:
    """Folded name -> txt file name, for the names that fold to one file only."""
    names: dict[str, list[str]] = {}
    for path in cuad.text_files(cuad_dir):
        names.setdefault(fold_name(path.name), []).append(path.name)
    return {key: found[0] for key, found in names.items() if len(found) == 1}


def read_master(path: Path) -> Iterator[CuadRow | ImportRecordError]:
    """Rows of master_clauses.csv; a malformed row is yielded as an error instead of a row."""
    try:
        for raw in cuad.read_master(path):
            yield _row(path, raw)
    except cuad.CuadError as exc:  # the file as a whole (unreadable, not CUAD's, malformed CSV)
        raise ImportSourceError(exc.where, exc.reason) from None


def _row(path: Path, raw: cuad.MasterRow) -> CuadRow | ImportRecordError:
    where = f"{path.name} row {raw.number} ({raw.filename or 'no filename'})"
    if not raw.filename:
        return ImportRecordError(where, "the Filename is empty")
    excerpts = []
    for column, cell in raw.cells.items():
        try:
            category = canonical(column)
        except UnknownCategoryError:
            return ImportRecordError(where, f"unknown category column {column!r}")
        try:
            values = cuad.excerpts(cell)
        except ValueError as exc:
            return ImportRecordError(where, f"column {column!r} is {exc}")
        excerpts += [CuadExcerpt(category, i, v) for i, v in enumerate(values)]
    return CuadRow(raw.number, raw.filename, excerpts)


def import_cuad(session: Session, cuad_dir: Path, *, tenant: str = PUBLIC_TENANT, playbook: Playbook | None = None,
                limit: int | None = None, split: str | None = None, skip_bad: bool = False, keep_source: bool = True,
                progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import CUAD into the session as `tenant`'s (public data: `public` by default; the caller commits,
    or rolls back on error); `split` ("train" or "dev", `contracts.cuad_split`) keeps one side of the split
    the evaluation uses, so a model trained on the store is scored on contracts it never saw; `limit` then
    takes the first N contracts only. Without `skip_bad` the first bad record raises ImportRecordError; with it,
    bad records are listed in the report and left out."""
    cuad_dir = Path(cuad_dir)
    master, txt_dir = cuad_dir / MASTER, cuad_dir / cuad.TEXT_DIR
    if not master.is_file() or not txt_dir.is_dir():
        raise ImportSourceError(str(cuad_dir), f"not a CUAD folder (needs {MASTER} and {cuad.TEXT_DIR}/)")
    playbook = playbook or default_playbook()
    report = ImportReport(source=str(cuad_dir))
    rows: list[CuadRow] = []
    for item in read_master(master):
        if isinstance(item, ImportRecordError):
            if not skip_bad:
                raise item
            report.skipped.append(str(item))
            continue
        rows.append(item)
    index = txt_index(cuad_dir)
    if split is not None:  # the split hashes the text file's own name, as the evaluation's gold reader does
        rows = [row for row in rows if in_split(_txt_path(txt_dir, index, row).name, split)]
    rows = rows[:limit] if limit is not None else rows
    annotator = get_or_create_annotator(session, ANNOTATOR, kind="source")
    seen: set[str] = set()
    for done, row in enumerate(rows, start=1):
        report.records_read += len(row.excerpts)
        try:
            try:
                _import_row(session, tenant, txt_dir, index, row, annotator, playbook, report, keep_source, seen)
            except StoreError as exc:
                raise ImportRecordError(f"{MASTER} row {row.number} ({row.filename})", str(exc)) from None
        except ImportRecordError as exc:
            if not skip_bad:
                raise
            report.skipped.append(str(exc))
        if progress:
            progress(done, len(rows))
    return report


def _txt_path(txt_dir: Path, index: dict[str, str], row: CuadRow) -> Path:
    """The row's text file: its name with .txt, or the one file its name folds to."""
    path = txt_dir / row.txt_name
    if not path.is_file() and fold_name(row.filename) in index:
        path = txt_dir / index[fold_name(row.filename)]
    return path


def _import_row(session: Session, tenant: str, txt_dir: Path, index: dict[str, str], row: CuadRow, annotator: Annotator, playbook: Playbook,
                report: ImportReport, keep_source: bool, seen: set[str]) -> None:
    where = f"{MASTER} row {row.number} ({row.filename})"
    path = _txt_path(txt_dir, index, row)
    try:
        data = path.read_bytes()
        document = load_bytes(data, path.name, max_bytes=1 << 30)
    except OSError as exc:
        raise ImportRecordError(where, f"cannot read {path} ({exc.strerror})") from None
    except IngestError as exc:
        raise ImportRecordError(where, exc.detail) from None
    if document.sha256 in seen:  # CUAD ships a few byte-identical files under two names
        report.duplicate_files.append(f"{where}: same bytes as a file imported before; its labels are not added twice")
        return
    seen.add(document.sha256)
    with session.begin_nested():  # a bad row with --skip-bad leaves no half-imported contract
        contract = get_or_create_contract(session, tenant, document, data if keep_source else None)
        already = session.exec(select(Annotation.id).where(Annotation.contract_id == contract.id,
                                                           Annotation.annotator_id == annotator.id)).first()
        if already is not None:
            report.contracts_already_present += 1
            report.records_already_present += len(row.excerpts)
            return
        report.contracts += 1
        text = document.text
        normalized = None
        occurrences: Counter[tuple[str, str]] = Counter()
        rows: list[Annotation] = []
        for excerpt in row.excerpts:
            nth = occurrences[(excerpt.category, excerpt.text)]
            occurrences[(excerpt.category, excerpt.text)] += 1
            spans, methods = [], []
            after: int | None = None
            for part in excerpt.parts:
                found = _find(text, part, nth if after is None else None, after)
                if found is None:
                    normalized = normalized or normalize_for_match(text)
                    located = locate(part, text, near=after, normalized_text=normalized)
                    found = None if located is None else (located.start, located.end, located.method)
                if found is None:
                    break
                spans.append(found[:2])
                methods.append(found[2])
                after = found[1]
            ref = f"{where} {excerpt.category} #{excerpt.index}"
            if len(spans) < len(excerpt.parts) or not spans:
                report.not_located.append(ref)
                continue
            severity, reason = playbook.assess(excerpt.category, " ".join(text[s:e] for s, e in spans))
            group = f"cuad:{contract.sha256[:16]}:{excerpt.category}:{excerpt.index}" if len(spans) > 1 else None
            for (start, end), method in zip(spans, methods, strict=True):
                rows.append(Annotation(tenant=tenant, contract_id=row_id(contract), annotator_id=row_id(annotator),
                                       category=excerpt.category, severity=severity, start=start, end=end,
                                       quote=text[start:end], explanation=reason, status="accepted", source=SOURCE, source_ref=ref,
                                       group_key=group))
                report.located_by[method] += 1
            report.records_imported += 1
        session.add_all(rows)
        session.flush()
        session.add_all(ReviewEvent(tenant=tenant, annotation_id=row_id(a), reviewer_id=row_id(annotator), kind="import", decision="accepted",
                                    previous_status="pending", comment="CUAD v1 expert label") for a in rows)
        report.annotations_created += len(rows)


def _find(text: str, part: str, nth: int | None, after: int | None) -> tuple[int, int, str] | None:
    """The chosen occurrence of the part (normalised as the contract text was): the `nth`, or the
    first at or after `after` (else the first anywhere)."""
    needle = normalize_text(part)
    if not needle:
        return None
    starts, pos = [], text.find(needle)
    while pos != -1:
        starts.append(pos)
        pos = text.find(needle, pos + 1)
    if not starts:
        return None
    if after is not None:
        start = next((s for s in starts if s >= after), starts[0])
    else:
        start = starts[min(nth or 0, len(starts) - 1)]
    return start, start + len(needle), "exact"
