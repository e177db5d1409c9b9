"""A learned ranker over the head's dates for the agreement and effective dates, measured against the rules.

A study, not part of the extractor (issue #26): the hand rules of `contracts.terms.term` score better on
CUAD's train split, where they were tuned, than on dev, so a linear ranker whose generalization can be
estimated on train was tried. For each train contract with a readable CUAD answer, every candidate date
(each date of the head, and the rules' picks wherever they stand) is one example, labelled by whether its
value is the answer's; a logistic regression over binary features (words before and after the date, its
rank, zone and precision, cues near it, which rule picked it) scores them and the best-scored date is the
contract's answer. 5-fold cross-validation grouped by contract (fold = position mod 5 in name order) gives
the out-of-fold accuracy, printed beside the rules' accuracy on the same contracts and beside an ablation
without the rules' picks as features. The dev split is never read.

Result (issue #26): out of fold the ranker does not beat the rules' train accuracy (with the rules' picks
as features it copies them; without them it is a few points lower), so the extractor keeps the rules.
Before that round's rule fixes: agreement_date rules 0.936 on train, ranker 0.932 out of fold (0.918
without the rules' picks); effective_date rules 0.942, ranker 0.933 (0.899). After them: agreement_date
0.943, ranker 0.940 (0.922); effective_date 0.971, ranker 0.952 (0.899). The ablation is the cleaner
estimate of a learned ranker on new contracts, though its cue features reuse the rules' patterns, which
were tuned on train too.

    python scripts/terms_ranker_study.py --cuad $LEXRISK_CUAD_DIR
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from contracts.cuad_split import in_split
from contracts.terms.dates import DateHit, find_dates
from contracts.terms.sentences import lowered
from contracts.terms.term import (
    _ALONE,
    _ALONE_BEFORE,
    _DATE_LABEL,
    _DATED,
    _MADE,
    _OTHER,
    _SALUTATION,
    _SIGNED,
    AGREEMENT_HEAD,
    _filed,
    _signed,
    agreement_date,
    effective_date,
)
from eval.gold import cuad_answers
from eval.term_scores import CATEGORY, answer_date

FIELDS = ("agreement_date", "effective_date")
_WORD = re.compile(r"[a-z]+")
_CUE = re.compile(r"effective|commenc")


def candidates(low: str, picks: dict[str, DateHit | None]) -> list[DateHit]:
    """Every date of the head, and the rules' picks further on, in reading order, each place once."""
    hits = {(h.start, h.end): h for h in find_dates(low, 0, min(len(low), AGREEMENT_HEAD))}
    hits.update({(p.start, p.end): p for p in picks.values() if p is not None})
    return sorted(hits.values(), key=lambda h: h.start)


def features(low: str, hits: list[DateHit], i: int, picks: dict[str, DateHit | None]) -> list[str]:
    """The binary features of hits[i]: the words before and after it, its rank, zone and precision, the cues
    near it, and which rules picked it (or a date of its value)."""
    hit = hits[i]
    before = _WORD.findall(low[max(0, hit.start - 50):hit.start])[-4:]
    after = _WORD.findall(low[hit.end:hit.end + 40])[:3]
    years = [h.value[:4] for h in hits if h.value]
    same = sum(h.value == hit.value for h in hits)
    out = [f"b:{w}" for w in before] + [f"a:{w}" for w in after]
    out += [f"b1:{before[-1] if before else ''}", f"b2:{' '.join(before[-2:])}", f"a1:{after[0] if after else ''}",
            f"rank:{min(i, 4)}", f"zone:{min(hit.start // 1000, 5)}", f"precision:{len(hit.value or '')}",
            f"dup:{min(same, 3)}"]
    if hit.value and hit.value[:4] == max(years):
        out.append("latest_year")
    if hit.value and hit.value[:4] == min(years):
        out.append("earliest_year")
    if _CUE.search(low, max(0, hit.start - 100), hit.end + 60):
        out.append("cue:effective")
    if _OTHER.search(low, max(0, hit.start - 160), hit.start):
        out.append("cue:other_agreement")
    for cue, pattern in (("made", _MADE), ("dated", _DATED), ("signed", _SIGNED), ("label", _DATE_LABEL)):
        if pattern.search(low, max(0, hit.start - 60), hit.start):
            out.append(f"cue:{cue}")
    if _ALONE.match(low, hit.end) and _ALONE_BEFORE.search(low, max(0, hit.start - 40), hit.start):
        out.append("cue:own_line")
    salutation = _SALUTATION.search(low, hit.end, min(len(low), hit.end + 400))
    if salutation is not None:
        out.append("cue:above_salutation")
    if _filed(low, hit):
        out.append("cue:filing")
    for name, pick in picks.items():
        if pick is not None and (pick.start, pick.end) == (hit.start, hit.end):
            out.append(f"pick:{name}")
        elif pick is not None and pick.value is not None and pick.value == hit.value:
            out.append(f"pick_value:{name}")
    return out


FOLDS = 5
MIN_CONTRACTS = 3  # a feature seen in fewer training contracts gets no weight
C = 0.5


@dataclass
class Contract:
    name: str
    gold: str
    rules: str | None  # the rules' value for the field
    features: list[list[str]]
    values: list[str | None]


def picks_of(low: str) -> dict[str, DateHit | None]:
    return {"agreement": agreement_date(low), "effective": effective_date(low), "signed": _signed(low)}


def load(cuad: Path, field: str) -> list[Contract]:
    answers = cuad_answers(cuad)
    out = []
    for name in sorted(n for n in answers if in_split(n, "train")):
        answer = answers[name].get(CATEGORY[field])
        gold = answer_date(answer) if answer else None
        path = cuad / "full_contract_txt" / name
        if gold is None or not path.is_file():
            continue
        low = lowered(path.read_text(encoding="utf-8"))
        picks = picks_of(low)
        rule = picks["agreement"] if field == "agreement_date" else picks["effective"] or picks["agreement"]
        hits = candidates(low, picks)
        out.append(Contract(name, gold, rule.value if rule else None,
                            [features(low, hits, i, picks) for i in range(len(hits))], [h.value for h in hits]))
    return out


def fit(train: list[Contract], drop: str | None = None) -> dict[str, float]:
    """Weights per feature from the contracts in `train` (features starting with `drop` left out)."""
    seen = Counter(f for c in train for f in {f for fs in c.features for f in fs})
    vocab = sorted(f for f, n in seen.items() if n >= MIN_CONTRACTS and not (drop and f.startswith(drop)))
    index = {f: i for i, f in enumerate(vocab)}
    rows = [(fs, v == c.gold) for c in train if c.gold in c.values for fs, v in zip(c.features, c.values, strict=True)]
    x = np.zeros((len(rows), len(vocab)))
    for r, (fs, _) in enumerate(rows):
        x[r, [index[f] for f in fs if f in index]] = 1.0
    y = np.array([label for _, label in rows])
    model = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    return dict(zip(vocab, model.coef_[0].tolist(), strict=True))


def choose(c: Contract, weights: dict[str, float]) -> str | None:
    if not c.values:
        return None
    scores = [sum(weights.get(f, 0.0) for f in fs) for fs in c.features]
    return c.values[max(range(len(scores)), key=scores.__getitem__)]


def out_of_fold(contracts: list[Contract], drop: str | None = None) -> float:
    """Accuracy with each contract scored by weights fitted on the other folds (fold = position mod FOLDS
    in name order: deterministic, and grouped by contract since each contract is one unit)."""
    right = 0
    for k in range(FOLDS):
        weights = fit([c for i, c in enumerate(contracts) if i % FOLDS != k], drop)
        right += sum(choose(c, weights) == c.gold for i, c in enumerate(contracts) if i % FOLDS == k)
    return right / len(contracts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, required=True, help="the CUAD folder (master_clauses.csv, texts)")
    args = parser.parse_args(argv)
    for field in FIELDS:
        contracts = load(args.cuad, field)
        rules = sum(c.rules == c.gold for c in contracts) / len(contracts)
        print(field, {"contracts": len(contracts), "rules_train": round(rules, 3),
                      "ranker_oof": round(out_of_fold(contracts), 3),
                      "ranker_oof_without_rule_picks": round(out_of_fold(contracts, drop="pick"), 3),
                      "candidates_hold_answer": round(sum(c.gold in c.values for c in contracts) / len(contracts), 3)},
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
