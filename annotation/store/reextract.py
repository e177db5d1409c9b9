"""Bringing a stored contract onto the current text extraction of its file without losing a label.

A contract's labels are character offsets into the text the store holds. When the way files are read
changes (DOCX notes and text boxes now read, PDF running headers and footers left out), the same bytes
give another text, and the old offsets would point at other words. `reextract` aligns the two texts
(lines first, then characters inside the lines that changed) and moves each label to where its exact
words are in the new text; it never guesses: a label moves only when its quote is found there, else
(its words changed, or several candidates) it is reported and the contract stays, labels and all, on
its old text. All or nothing per contract, inside the caller's transaction.

Lawyers' explanation ratings (`ExplanationRating`) point into the same text by offset and move with the
labels, by the same alignment, in the same transaction. They name their contract by its name only (no
tenant, no contract id: `lexrisk annotate rate` stores a sheet's `contract` column as it is), and a name is
no key: two tenants, or one tenant's two files, may share it. So a rating is taken to be this contract's
only when no other contract in the store has that name; ratings under a shared name are left as they
were (the line counts them), never moved for one tenant when they may be another's."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz.distance import Indel
from sqlmodel import Session, col, func, select

from annotation.store.models import Annotation, Contract, ExplanationRating
from annotation.store.repository import StoreError, of_tenant
from contracts.documents import Document

# Characters either side of a label's expected place searched for its quote when the alignment does not
# place it exactly (its start lies in text that changed); a wider search would find look-alikes.
NEAR = 200
# Lines that changed together are aligned character by character only while the product of their lengths
# stays under this (Indel's time grows with it: about a second for 100,000 by 100,000 characters); a label
# inside a larger changed block falls back to the nearby search.
MAX_CHAR_CELLS = 10**10


@dataclass(frozen=True)
class Run:
    """`length` characters equal in both texts, from `old` in the old text and `new` in the new one."""

    old: int
    new: int
    length: int


@dataclass
class Reextraction:
    """What `reextract` did to one contract: moved its labels and ratings onto the new text, or left it as
    it was and why (`unplaced`, `unplaced_ratings`: one line per label or rating whose words were not found
    exactly once where expected). `ratings_left`: ratings under the contract's name that were not touched
    because that name is also another contract's."""

    contract_id: int
    name: str
    changed_text: bool
    moved: int = 0
    unplaced: list[str] = field(default_factory=list)
    ratings_moved: int = 0
    unplaced_ratings: list[str] = field(default_factory=list)
    ratings_left: int = 0

    @property
    def migrated(self) -> bool:
        return self.changed_text and not self.unplaced and not self.unplaced_ratings

    def line(self) -> str:
        """The one line a command prints for this contract (ratings named only when it has some)."""
        if not self.changed_text:
            return f"{self.name}: already on the current text extraction"
        if self.unplaced or self.unplaced_ratings:
            counts = ([f"{len(self.unplaced)} label(s)"] if self.unplaced else []) + (
                [f"{len(self.unplaced_ratings)} explanation rating(s)"] if self.unplaced_ratings else [])
            return (f"{self.name}: kept on the old text because {' and '.join(counts)} could not be placed "
                    f"({'; '.join(self.unplaced + self.unplaced_ratings)})")
        ratings = f" and {self.ratings_moved} explanation rating(s)" if self.ratings_moved else ""
        line = f"{self.name}: moved {self.moved} label(s){ratings} onto the current text extraction"
        if self.ratings_left:
            line += (f"; {self.ratings_left} explanation rating(s) under the name {self.name!r} left as they were, "
                     "as that name is not this contract's alone in the store")
        return line


def equal_runs(old: str, new: str) -> list[Run]:
    """The stretches the two texts share, in order. Lines are aligned first (fast, and the furniture and
    notes that differ are whole lines); the lines that changed are then aligned character by character."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_at, new_at = _line_starts(old_lines), _line_starts(new_lines)
    runs: list[Run] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        a, b = old_at[i1], new_at[j1]
        if tag == "equal":
            runs.append(Run(a, b, old_at[i2] - a))
        elif tag == "replace" and (old_at[i2] - a) * (new_at[j2] - b) <= MAX_CHAR_CELLS:
            runs.extend(_char_runs(old[a:old_at[i2]], new[b:new_at[j2]], a, b))
    return runs


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _char_runs(old: str, new: str, old_base: int, new_base: int) -> Iterator[Run]:
    for op in Indel.opcodes(old, new):
        if op.tag == "equal":
            yield Run(old_base + op.src_start, new_base + op.dest_start, op.src_end - op.src_start)


class Alignment:
    """Maps offsets of the old text to the new one along the equal runs."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.runs = equal_runs(old, new)
        self._starts = [r.old for r in self.runs]

    def exact(self, position: int) -> int | None:
        """Where the old text's character at `position` is in the new text; None if it is not in both."""
        index = bisect_right(self._starts, position) - 1
        if index < 0 or position >= self.runs[index].old + self.runs[index].length:
            return None
        run = self.runs[index]
        return run.new + position - run.old

    def expected(self, position: int) -> int:
        """Where `position` would be in the new text: exact, or just after the last equal run before it."""
        index = bisect_right(self._starts, position) - 1
        if index < 0:
            return 0
        run = self.runs[index]
        return run.new + min(position - run.old, run.length)

    def place(self, quote: str, start: int, end: int) -> int | None:
        """The new start of the label `old[start:end] == quote`, or None when its exact words are not in
        the new text once, near where they were: the alignment's image when the quote is there, else the
        one occurrence near the expected place that is no other occurrence's image."""
        image = self._image(start, end, quote)
        if image is not None:
            return image
        others = {self._image(at, at + len(quote), quote) for at in _occurrences(self.old, quote) if at != start}
        expected = self.expected(start)
        near = [at for at in _occurrences(self.new, quote, max(0, expected - NEAR - len(quote)), expected + NEAR)
                if at not in others]
        return near[0] if len(near) == 1 else None

    def _image(self, start: int, end: int, quote: str) -> int | None:
        first = self.exact(start)
        last = self.exact(end - 1)
        if first is None or last is None or last + 1 - first != len(quote):
            return None
        return first if self.new[first:last + 1] == quote else None


def _occurrences(text: str, quote: str, start: int = 0, stop: int | None = None) -> Iterator[int]:
    """Every start of `quote` in `text` from `start` up to (not including) `stop`, overlapping ones too."""
    stop = len(text) if stop is None else stop
    at = text.find(quote, start)
    while 0 <= at < stop:
        yield at
        at = text.find(quote, at + 1)


def reextract(session: Session, contract: Contract, document: Document, source_bytes: bytes | None = None) -> Reextraction:
    """Put `contract` on `document`'s text (the current reading of the same file), moving every label of
    its tenant and every explanation rating that is provably its own (`_own_ratings`) onto the same words,
    or leave its text, labels and ratings as they were and say which could not be placed. The file
    (`source_bytes`) is kept when the store held only the text, so the next change of reading needs no file.
    Writes in the caller's session; the caller commits (one transaction per contract)."""
    if document.sha256 != contract.sha256:
        raise StoreError(f"{document.name}: not the file of contract {contract.name} (sha256 differs)")
    if source_bytes is not None and hashlib.sha256(source_bytes).hexdigest() != contract.sha256:
        raise StoreError(f"{document.name}: source bytes do not hash to the contract's sha256")
    if contract.source_bytes is None and source_bytes is not None:
        contract.source_bytes, contract.size_bytes = source_bytes, len(source_bytes)
        session.add(contract)
    assert contract.id is not None  # a stored contract
    result = Reextraction(contract.id, contract.name, changed_text=contract.text != document.text)
    if not result.changed_text:
        return result
    labels = session.exec(of_tenant(Annotation, contract.tenant).where(Annotation.contract_id == contract.id)
                          .order_by(col(Annotation.id))).all()
    alignment = Alignment(contract.text, document.text)
    moves: list[tuple[Annotation, int]] = []
    for label in labels:
        new_start = alignment.place(label.quote, label.start, label.end)
        if new_start is None:
            result.unplaced.append(f"label {label.id} {label.category} at {label.start}..{label.end} {_short(label.quote)!r}")
        else:
            moves.append((label, new_start))
    ratings, result.ratings_left = _own_ratings(session, contract)
    rating_moves = _place_ratings(alignment, ratings, result.unplaced_ratings)
    if result.unplaced or result.unplaced_ratings:
        return result
    for label, new_start in moves:
        label.start, label.end = new_start, new_start + len(label.quote)
        session.add(label)
    _move_ratings(session, rating_moves)
    _take_text(contract, document)
    session.add(contract)
    session.flush()
    result.moved, result.ratings_moved = len(moves), len(rating_moves)
    return result


def _own_ratings(session: Session, contract: Contract) -> tuple[list[ExplanationRating], int]:
    """The ratings that are `contract`'s for certain, and how many under its name are left alone. A rating
    holds a contract name only, no tenant: it is this contract's when no other contract in the store, of any
    tenant, has that name. Under a shared name it may be another tenant's (or another file's), so none of
    them is moved, and none can refuse the contract. Counting other tenants' contracts by name is the only
    read across the tenant wall, and nothing of theirs is shown or written."""
    ratings = list(session.exec(select(ExplanationRating).where(ExplanationRating.contract_name == contract.name)
                                .order_by(col(ExplanationRating.id))).all())
    namesakes = session.exec(select(func.count()).select_from(Contract).where(Contract.name == contract.name)).one()
    return (ratings, 0) if namesakes == 1 else ([], len(ratings))


def _place_ratings(alignment: Alignment, ratings: list[ExplanationRating],
                   unplaced: list[str]) -> list[tuple[ExplanationRating, int, int]]:
    """Each rating's new start and end, as a label's: the words at its offsets in the old text, found in the
    new. One that cannot be placed, or would land on the key of another (the store keeps one rating per
    rater, place, category and explanation), is appended to `unplaced`."""
    moves: list[tuple[ExplanationRating, int, int]] = []
    taken: set[tuple[int, str, int, int, str]] = set()
    for rating in ratings:
        where = f"rating {rating.id} {rating.category} at {rating.start}..{rating.end}"
        if rating.end > len(alignment.old):
            unplaced.append(f"{where} beyond the text's {len(alignment.old)} characters")
            continue
        quote = alignment.old[rating.start:rating.end]
        new_start = alignment.place(quote, rating.start, rating.end)
        if new_start is None or (key := (rating.rater_id, rating.category, new_start, new_start + len(quote),
                                         rating.explanation_sha256)) in taken:
            unplaced.append(f"{where} {_short(quote)!r}")
            continue
        taken.add(key)
        moves.append((rating, new_start, new_start + len(quote)))
    return moves


def _move_ratings(session: Session, moves: list[tuple[ExplanationRating, int, int]]) -> None:
    """Give each rating its new offsets. They first step off every real place (to minus their id), because
    one rating's new place may be another's old one, and the store's one-rating-per-place rule is checked
    at each row's update, before the other has moved."""
    for rating, _, _ in moves:
        assert rating.id is not None  # a stored rating
        rating.start = rating.end = -rating.id
        session.add(rating)
    session.flush()
    for rating, start, end in moves:
        rating.start, rating.end = start, end
        session.add(rating)


def _take_text(contract: Contract, document: Document) -> None:
    contract.text, contract.chars = document.text, len(document.text)
    contract.pages, contract.page_count = [p.model_dump() for p in document.pages], len(document.pages)
    contract.document_metadata = dict(document.metadata)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
