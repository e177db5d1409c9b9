"""The term ranker's training: which sentence states the contract's term (contracts/terms/ranker.py), fit on
CUAD's train contracts and estimated on them by cross-validation; the dev split is never read here.

Each sentence the term's words anchor (`term_candidates`) is one example, labelled by whether it overlaps one
of CUAD's Expiration Date excerpts of the contract. A logistic regression over the hashed words and word pairs
is fit with balanced class weights (about one sentence in ten is an excerpt). How well the whole reading works
on contracts the model did not see is estimated by 5-fold cross-validation grouped by contract (fold = position
mod 5 in name order): each fold's contracts are read with a model fit on the others, and their end dates are
scored against CUAD's answers with the eval rule (eval/term_scores.py). The same out-of-fold scores give the
figure for each way of decoding them (how many of the best sentences are read, down to which probability),
which is how `READ_BEST` and `RANK_FLOOR` were chosen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts.cuad import read_spans, text_files
from contracts.cuad_split import in_split
from contracts.terms.ranker import features
from contracts.terms.sentences import lowered
from contracts.terms.term import (
    RANK_FLOOR,
    READ_BEST,
    Reading,
    agreement_date,
    effective_date,
    read_term,
    term_candidates,
)
from eval.gold import cuad_answers
from eval.term_scores import CATEGORY, answer_end
from training.rankers import Progress, out_of_fold

EXCERPT = CATEGORY["expiration_date"]
GRID = [(best, floor) for best in (1, 2, 3, 5) for floor in (0.0, 0.05, 0.1, 0.2)]

@dataclass
class TermContract:
    """One train contract as the ranker sees it: its candidate sentences, their features and labels, and what
    reading one needs (its start dates) and is scored against (CUAD's answer, None when it gives no end)."""

    name: str
    low: str
    effective: str | None
    agreement: str | None
    sentences: list[tuple[int, int]]
    readings: list[Reading | None]  # what the rules read in each sentence
    features: list[list[int]]
    labels: list[bool]
    answer: str | None


def load(cuad_dir: Path, progress: Progress | None = None) -> list[TermContract]:
    """CUAD's train contracts, in name order, each with its candidate sentences labelled."""
    excerpts: dict[str, list[tuple[int, int]]] = {}
    for span in read_spans(cuad_dir):
        if span.category == EXCERPT:
            excerpts.setdefault(span.contract_txt, []).extend(span.offsets)
    answers = cuad_answers(cuad_dir)
    paths = [p for p in text_files(cuad_dir) if in_split(p.name, "train")]
    tick = progress("reading the train contracts", len(paths)) if progress else (lambda: None)
    out = []
    for path in sorted(paths, key=lambda p: p.name):
        low = lowered(path.read_text(encoding="utf-8"))
        agreed = agreement_date(low)
        started = effective_date(low) or agreed
        effective, agreement = started.value if started else None, agreed.value if agreed else None
        sentences = term_candidates(low)
        readings = [read_term(low, s, e, effective, agreement) for s, e in sentences]
        gold = excerpts.get(path.name, [])
        answer = answers.get(path.name, {}).get(EXCERPT)
        out.append(TermContract(
            path.name, low, effective, agreement, sentences, readings,
            [features(low[s:e]) for s, e in sentences],
            [any(s < ge and gs < e for gs, ge in gold) for s, e in sentences], answer_end(answer) if answer else None))
        tick()
    return out


@dataclass(frozen=True)
class Decoded:
    """The out-of-fold reading of the end date under one way of decoding, scored as the eval scores it."""

    read_best: int
    floor: float
    answered: int  # contracts with an end date CUAD gives
    matches: int
    given: int  # of those, the contracts given a value
    given_unanswered: int  # contracts CUAD gives no end for that were given a value

    def as_dict(self) -> dict[str, float | int]:
        return {"read_best": self.read_best, "floor": self.floor, "answered": self.answered,
                "accuracy": round(self.matches / self.answered, 4) if self.answered else 0.0,
                "given": self.given, "precision": round(self.matches / self.given, 4) if self.given else 0.0,
                "given_where_cuad_answers_nothing": self.given_unanswered}


def cross_validate(contracts: list[TermContract], progress: Progress | None = None) -> list[Decoded]:
    """The out-of-fold score of each decoding in `GRID`."""
    ranked = [sorted(((p, j) for j, p in enumerate(scores)), key=lambda t: -t[0])
              for scores in out_of_fold(contracts, progress)]

    def value(i: int, best: int, floor: float) -> str | None:
        reading = next((r for p, j in ranked[i][:best] if p >= floor and (r := contracts[i].readings[j]) is not None),
                       None)
        return reading.value if reading is not None else None

    out = []
    for best, floor in GRID:
        values = [value(i, best, floor) for i in range(len(contracts))]
        answered = [(c.answer, v) for c, v in zip(contracts, values, strict=True) if c.answer]
        out.append(Decoded(best, floor, len(answered), sum(a == v for a, v in answered),
                           sum(v is not None for _, v in answered),
                           sum(v is not None for c, v in zip(contracts, values, strict=True) if not c.answer)))
    return out


def shipped(results: list[Decoded]) -> Decoded:
    """The row of the decoding the extractor uses."""
    return next(r for r in results if (r.read_best, r.floor) == (READ_BEST, RANK_FLOOR))

