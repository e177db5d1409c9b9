"""CUAD as training data: contracts, their labelled excerpts, the dev split, and sentence units
labelled by overlap with the excerpts.

Everything is read in sorted order and split by a hash of the file name, so the same folder gives
the same units, labels and split on every machine (the artifact is rebuilt bit-for-bit from it)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contracts.cuad import TEXT_DIR, CuadError, check_folder, read_spans, text_files
from contracts.cuad_split import is_dev
from contracts.segment import Span, split_sentences
from contracts.taxonomy import risk_categories
from eval.cuad_metric import Excerpt


@dataclass(frozen=True)
class Label:
    category: str
    parts: tuple[tuple[int, int], ...]  # char ranges in the contract text (an `<omitted>` splits parts)

    def text(self, source: str) -> str:
        return " ".join(source[s:e] for s, e in self.parts)


@dataclass
class Contract:
    name: str
    text: str
    labels: list[Label]

    @property
    def is_dev(self) -> bool:
        return is_dev(self.name)

    def excerpts(self, categories: list[str]) -> list[Excerpt]:
        wanted = set(categories)
        return [Excerpt(self.name, lab.category, lab.text(self.text)) for lab in self.labels if lab.category in wanted]


def check_cuad_dir(cuad_dir: Path) -> None:
    """The folder has the spans and the texts the corpus is built from."""
    check_folder(cuad_dir)


def load_contracts(cuad_dir: Path, *, limit: int | None = None, names: list[str] | None = None) -> list[Contract]:
    """Contracts sorted by name with their risk-category labels. `names` or `limit` pick a subset
    (tests train on a few contracts)."""
    check_cuad_dir(cuad_dir)
    wanted = set(risk_categories())
    texts = {p.name: p for p in text_files(cuad_dir)}
    all_names = sorted(texts)
    if names is not None:
        chosen = [n for n in all_names if n in set(names)]
    else:
        chosen = all_names[:limit] if limit else all_names
    if not chosen:
        raise CuadError(cuad_dir, "no contract texts", f"no contract texts in {cuad_dir / TEXT_DIR}")
    labels: dict[str, list[Label]] = {n: [] for n in chosen}
    for span in read_spans(cuad_dir):
        if span.category in wanted and span.contract_txt in labels:
            labels[span.contract_txt].append(Label(span.category, span.offsets))
    return [Contract(n, texts[n].read_text(encoding="utf-8"), labels[n]) for n in chosen]


def unit_is_positive(unit: Span, part: tuple[int, int]) -> bool:
    """A unit belongs to an excerpt when at least half of the unit lies inside it, or at least half of
    the excerpt lies inside the unit. With excerpt-grouped units this scores micro F1 0.95 under CUAD's
    rule on the 408 contracts (an oracle: `lexrisk baseline eval --oracle`)."""
    overlap = min(unit.end, part[1]) - max(unit.start, part[0])
    return overlap > 0 and (2 * overlap >= unit.end - unit.start or 2 * overlap >= part[1] - part[0])


def unit_groups(units: list[Span], labels: list[Label], category: str) -> list[list[int]]:
    """For each labelled excerpt of `category`, the indices of the units it covers (sorted)."""
    starts = [u.start for u in units]
    groups = []
    for label in labels:
        if label.category != category:
            continue
        covered = sorted({i for part in label.parts for i in _overlapping(units, starts, part)
                          if unit_is_positive(units[i], part)})
        if covered:
            groups.append(covered)
    return groups


def _overlapping(units: list[Span], starts: list[int], part: tuple[int, int]) -> Iterator[int]:
    i = max(bisect.bisect_right(starts, part[0]) - 1, 0)
    while i < len(units) and units[i].start < part[1]:
        yield i
        i += 1


def sentence_units(text: str) -> list[Span]:
    return split_sentences(text)
