"""Lawyers' 1-5 ratings of analyzers' explanations, the yardstick for the LLM judge.

`lexrisk eval judge` writes the explanations it rated to RUN_DIR/to_rate.csv; lawyers fill in the
`score` column and `lexrisk annotate rate FILE.csv --rater NAME` stores it. A rating is keyed by the
contract, the clause's offsets and a hash of the explanation's text, so it follows the explanation,
not the run, and re-importing a corrected sheet replaces the rater's earlier scores."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from annotation.store.models import ExplanationRating
from annotation.store.repository import get_or_create_annotator

COLUMNS = ("contract", "category", "start", "end", "explanation", "score")
MAX_ROWS = 100_000
MAX_OFFSET = 2**31 - 1  # what the store's integer columns hold (PostgreSQL's INTEGER; SQLite stops at 2**63)


class RatingError(ValueError):
    """A ratings sheet that cannot be stored (the message names the row and the problem)."""


@dataclass(frozen=True)
class LawyerRating:
    rater: str
    contract: str
    category: str
    start: int
    end: int
    explanation_sha256: str
    score: int


def explanation_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def read_sheet(path: Path) -> list[dict[str, str]]:
    """The rows of a ratings CSV that carry a score (blank scores are not yet rated, and skipped)."""
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts the file with a byte-order mark, which would otherwise be part
        # of the first column's name ("\ufeffcontract") and that column reported missing
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RatingError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
            rows = []
            for number, row in enumerate(reader, start=2):
                if number > MAX_ROWS:
                    raise RatingError(f"{path}: more than {MAX_ROWS} rows")
                if (row.get("score") or "").strip():
                    rows.append({**row, "_line": str(number)})
            return rows
    except OSError as exc:
        raise RatingError(f"{path}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RatingError(f"{path}: not a UTF-8 CSV file ({exc})") from None


def import_ratings(session: Session, rows: Iterable[dict[str, str]], rater: str) -> tuple[int, int]:
    """Store the rater's scores; (added, replaced). Every row is checked before anything is written."""
    checked = [_checked(row) for row in rows]
    annotator = get_or_create_annotator(session, rater)
    added = replaced = 0
    for contract, category, start, end, explanation, score in checked:
        digest = explanation_hash(explanation)
        existing = session.exec(select(ExplanationRating).where(
            ExplanationRating.rater_id == annotator.id, ExplanationRating.contract_name == contract,
            ExplanationRating.category == category, ExplanationRating.start == start, ExplanationRating.end == end,
            ExplanationRating.explanation_sha256 == digest)).first()
        if existing:
            existing.score = score
            session.add(existing)
            replaced += 1
        else:
            session.add(ExplanationRating(rater_id=annotator.id or 0, contract_name=contract, category=category,
                                          start=start, end=end, explanation_sha256=digest,
                                          explanation=explanation.strip(), score=score))
            added += 1
    session.flush()
    return added, replaced


def _checked(row: dict[str, str]) -> tuple[str, str, int, int, str, int]:
    """(contract, category, start, end, explanation, score) of a sheet's row, or a RatingError naming its
    line. A row shorter than the header has None for its last cells (csv.DictReader): read as empty."""
    where = f"line {row.get('_line', '?')}"
    cells = {column: row.get(column) or "" for column in COLUMNS}
    try:
        score = int(cells["score"])
        start, end = int(cells["start"]), int(cells["end"])
    except ValueError:
        raise RatingError(f"{where}: score, start and end must be integers") from None
    if not 1 <= score <= 5:
        raise RatingError(f"{where}: score {score} is not between 1 and 5")
    if not cells["contract"].strip() or not cells["category"].strip():
        raise RatingError(f"{where}: needs a contract and a category")
    if not 0 <= start <= end <= MAX_OFFSET:
        raise RatingError(f"{where}: offsets need 0 <= start <= end <= {MAX_OFFSET}")
    return cells["contract"].strip(), cells["category"].strip(), start, end, cells["explanation"], score


def lawyer_ratings(session: Session, contracts: Iterable[str] | None = None) -> list[LawyerRating]:
    from annotation.store.models import Annotator

    query = select(ExplanationRating, Annotator).where(ExplanationRating.rater_id == Annotator.id)
    if contracts is not None:
        query = query.where(col(ExplanationRating.contract_name).in_(list(contracts)))
    return [LawyerRating(a.name, r.contract_name, r.category, r.start, r.end, r.explanation_sha256, r.score)
            for r, a in session.exec(query.order_by(col(ExplanationRating.id)))]
