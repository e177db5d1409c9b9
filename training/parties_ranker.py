"""The party ranker's training (contracts/terms/party_ranker.py): fit on CUAD's train contracts and estimated on
them by cross-validation; the dev split is never read here.

Each candidate name of a train contract is one example, labelled by whether it names one of the parties of
CUAD's normalised Parties answer (the eval's rule, eval/term_scores.py: `answer_parties`, `same_party`). A
logistic regression over the hashed features is fit with balanced class weights (about one candidate in
twenty is a party). How the whole reading does on contracts the model did not see is estimated by 5-fold
cross-validation grouped by contract (fold = position mod 5 in name order): the contracts of each fold are
filled (`party_ranker.chosen`) by a model fit on the others and scored as the eval scores parties, for each
floor in `FLOORS`, which is how `PARTY_FLOOR` was chosen. The rules' names are the same in every row, and
in-sample: they were written on these contracts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts.cuad import text_files
from contracts.cuad_split import in_split
from contracts.terms.parties import find_parties, name_of
from contracts.terms.party_ranker import PARTY_FLOOR, Candidate, candidate_features, candidates, chosen, folded
from eval.gold import cuad_answers
from eval.term_scores import CATEGORY, answer_parties, same_party
from training.rankers import Progress, out_of_fold

FLOORS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)

@dataclass
class PartyContract:
    """One train contract as the ranker sees it: the folded names the rules found, its candidates with their
    features and labels, and CUAD's party names (empty where CUAD names none)."""

    name: str
    rules: list[str]
    candidates: list[Candidate]
    features: list[list[int]]
    labels: list[bool]
    gold: list[str]


def load(cuad_dir: Path, progress: Progress | None = None) -> list[PartyContract]:
    """CUAD's train contracts, in name order, each with its candidates labelled."""
    answers = cuad_answers(cuad_dir)
    paths = sorted((p for p in text_files(cuad_dir) if in_split(p.name, "train")), key=lambda p: p.name)
    tick = progress("reading the train contracts", len(paths)) if progress else (lambda: None)
    out = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        low = text.lower()
        answer = answers.get(path.name, {}).get(CATEGORY["parties"])
        gold = answer_parties(answer) if answer else []
        found = candidates(text)
        out.append(PartyContract(path.name, [folded(name_of(text, h)) for h in find_parties(text)], found,
                                 [candidate_features(text, low, c) for c in found],
                                 [any(same_party(g, c.key) for g in gold) for c in found], gold))
        tick()
    return out


@dataclass(frozen=True)
class Decoded:
    """The out-of-fold parties under one floor (None: the rules alone), scored as the eval scores them, with
    how many of the names given name one of CUAD's parties (the eval's figure counts names found only), and how
    many of the names the ranker added do (the confidence a filled party is given, party_ranker.FILLED_CONFIDENCE)."""

    floor: float | None
    answered: int  # contracts whose answer names parties
    found: float  # the sum over those of the share of CUAD's names found
    all_found: int
    names: int  # names given on those contracts
    names_right: int
    filled: int  # contracts given a name by the ranker
    added: int  # names the ranker added, on contracts whose answer names parties
    added_right: int

    def as_dict(self) -> dict[str, float | int | None]:
        return {"floor": self.floor, "answered": self.answered, "accuracy": round(self.found / self.answered, 4),
                "all_found": round(self.all_found / self.answered, 4), "names": self.names,
                "names_right": round(self.names_right / self.names, 4) if self.names else 0.0, "filled": self.filled,
                "added": self.added, "added_right": self.added_right}


def _decoded(floor: float | None, contracts: list[PartyContract], added: list[list[str]]) -> Decoded:
    """The figures of the rules' names with `added` (each contract's names the ranker added)."""
    answered = [(c, c.rules + more, more) for c, more in zip(contracts, added, strict=True) if c.gold]
    shares = [sum(any(same_party(g, o) for o in ours) for g in c.gold) / len(c.gold) for c, ours, _ in answered]

    def right(c: PartyContract, names: list[str]) -> int:
        return sum(any(same_party(g, o) for g in c.gold) for o in names)

    return Decoded(floor, len(answered), sum(shares), sum(s == 1.0 for s in shares),
                   sum(len(ours) for _, ours, _ in answered), sum(right(c, ours) for c, ours, _ in answered),
                   sum(bool(more) for more in added), sum(len(more) for _, _, more in answered),
                   sum(right(c, more) for c, _, more in answered))


def cross_validate(contracts: list[PartyContract], progress: Progress | None = None) -> list[Decoded]:
    """The rules alone, then the out-of-fold score of filling at each floor of `FLOORS`."""
    scores = out_of_fold(contracts, progress)
    out = [_decoded(None, contracts, [[] for _ in contracts])]
    for floor in FLOORS:
        out.append(_decoded(floor, contracts, [[k.key for k in chosen(c.candidates, s, c.rules, floor)]
                                               for c, s in zip(contracts, scores, strict=True)]))
    return out


def shipped(results: list[Decoded]) -> Decoded:
    """The row of the floor the extractor uses."""
    return next(r for r in results if r.floor == PARTY_FLOOR)
