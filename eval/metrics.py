"""Every measure of one run, from gold spans and the analyzer's results, contract by contract.

Pure functions over data (no analyzer, no files): `lexrisk eval run` collects the outcomes, this turns
them into metrics.json. The primary numbers use CUAD's rule over the 33 clause (Yes/No) categories;
the same counts over all 41 categories and under the character-overlap rule sit beside them."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from contracts.findings import AnalysisResult, Finding
from eval.cuad_metric import Counts
from eval.gold import GoldSpan
from eval.matching import RULES, ContractMatch, match_contract

SEVERITIES = ("high", "medium", "low", "info")
# CUAD's evaluate.py sweeps these confidence thresholds, high to low
CUAD_THRESHOLDS = [round(t, 2) for t in np.arange(0.99, 0, -0.01)] + [0.001, 0.0]
BOOTSTRAP_SAMPLES = 1000


@dataclass
class Outcome:
    """One contract of a run: its gold spans and what the analyzer returned (None when it failed)."""

    name: str
    gold: list[GoldSpan]
    result: AnalysisResult | None
    seconds: float = 0.0
    tokens_in: int | None = None  # the contract's text in the served model's tokens, when a tokenizer is given
    tokens_out: int | None = None  # the findings as the model would write them (quote, category, explanation)
    error: str | None = None

    @property
    def findings(self) -> list[Finding]:
        """What the analyzer found: its possible findings (below its threshold) are scored apart."""
        return [f for f in self.result.findings if not f.possible] if self.result else []

    @property
    def possible(self) -> list[Finding]:
        return [f for f in self.result.findings if f.possible] if self.result else []


@dataclass
class Matched:
    """All contracts matched under one rule and category set."""

    per_contract: list[ContractMatch] = field(default_factory=list)

    def totals(self, categories: Sequence[str]) -> tuple[Counts, dict[str, Counts]]:
        per_category = {c: Counts() for c in categories}
        for match in self.per_contract:
            for category, counts in match.counts.items():
                if category in per_category:
                    per_category[category].add(counts)
        micro = Counts()
        for counts in per_category.values():
            micro.add(counts)
        return micro, per_category


def match_all(outcomes: Sequence[Outcome], rule: str, categories: Sequence[str]) -> Matched:
    return Matched([match_contract(rule, o.gold, o.findings, categories) for o in outcomes])


def pr_curve(outcomes: Sequence[Outcome], categories: Sequence[str], rule: str = "cuad") -> dict[str, list[float]]:
    """Precision and recall at each of CUAD's thresholds over the findings' scores, from (R 0, P 1).

    A threshold that keeps no finding adds no point (CUAD's script would divide by zero there). Recall
    never falls as the threshold drops: a maximum matching only grows when findings are added."""
    thresholds, precisions, recalls = [], [1.0], [0.0]
    for t in CUAD_THRESHOLDS:
        micro = Counts()
        for o in outcomes:
            for counts in match_contract(rule, o.gold, o.findings, categories, min_score=t).counts.values():
                micro.add(counts)
        if micro.tp + micro.fp == 0:
            continue
        thresholds.append(t)
        precisions.append(micro.precision)
        recalls.append(micro.recall)
    return {"thresholds": thresholds, "precision": precisions, "recall": recalls}


def envelope(precisions: Sequence[float]) -> list[float]:
    """CUAD's `process_precisions`: each precision raised to the best one at equal or higher recall."""
    out = list(precisions)
    for i in range(len(out) - 2, -1, -1):
        out[i] = max(out[i], out[i + 1])
    return out


def aupr(precisions: Sequence[float], recalls: Sequence[float]) -> float:
    """CUAD's AUPR: the trapezoidal area under the precision envelope over recall."""
    p = envelope(precisions)
    return float(sum((recalls[i + 1] - recalls[i]) * (p[i + 1] + p[i]) / 2 for i in range(len(p) - 1)))


def precision_at_recall(precisions: Sequence[float], recalls: Sequence[float], target: float) -> float:
    """CUAD's `get_prec_at_recall`: the envelope's precision at the first point reaching `target`
    recall, 0 when the analyzer never gets there."""
    for p, r in zip(envelope(precisions), recalls, strict=True):
        if r >= target:
            return p
    return 0.0


def scored(outcomes: Sequence[Outcome]) -> bool:
    """Whether the analyzer ranks its findings: not every score is the same."""
    return len({f.score for o in outcomes for f in o.findings}) > 1


def severity_confusion(outcomes: Sequence[Outcome], matched: Matched) -> dict:
    """Severity of each matched finding against its gold span's severity (rows gold, columns predicted)."""
    confusion = {g: dict.fromkeys(SEVERITIES, 0) for g in SEVERITIES}
    n = right = 0
    for o, m in zip(outcomes, matched.per_contract, strict=True):
        for gi, fj in m.pairs:
            gold = o.gold[gi].severity
            if gold not in confusion:
                continue
            predicted = o.findings[fj].severity
            confusion[gold][predicted] += 1
            n += 1
            right += gold == predicted
    return {"matched": n, "accuracy": right / n if n else None, "confusion": confusion}


def high_missed(outcomes: Sequence[Outcome], matched: Matched) -> list[bool | None]:
    """Per contract: True when a high-severity gold span went unmatched, None when it has none."""
    out: list[bool | None] = []
    for o, m in zip(outcomes, matched.per_contract, strict=True):
        highs = {i for i, g in enumerate(o.gold) if g.severity == "high"}
        out.append(None if not highs else bool(highs - {gi for gi, _ in m.pairs}))
    return out


def grounding(outcomes: Sequence[Outcome], texts: Sequence[str]) -> dict:
    """How many proposals the analyzer could ground, and whether every kept quote stands at its offsets."""
    proposed = dropped = findings = verified = 0
    for o, text in zip(outcomes, texts, strict=True):
        if o.result is None:
            continue
        proposed += o.result.stats.proposed
        dropped += o.result.stats.ungrounded_dropped
        for f in o.result.findings:
            findings += 1
            verified += text[f.start:f.end] == f.quote
    return {"proposed": proposed, "ungrounded_dropped": dropped,
            "rate": (proposed - dropped) / proposed if proposed else None,
            "findings": findings, "quotes_at_offsets": verified}


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        r = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return p, r, f


def bootstrap(outcomes_counts: np.ndarray, missed: Sequence[bool | None], samples: int = BOOTSTRAP_SAMPLES,
              seed: int = 0) -> dict[str, list[float] | None]:
    """95% percentile intervals from resampling contracts with replacement. `outcomes_counts` is
    (contracts, 3): tp, fp, fn of each contract."""
    n = len(outcomes_counts)
    if n == 0:
        return {"precision": None, "recall": None, "f1": None, "no_high_missed": None}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(samples, n))
    sums = outcomes_counts[idx].sum(axis=1)
    p, r, f = _f1(sums[:, 0], sums[:, 1], sums[:, 2])
    out: dict[str, list[float] | None] = {name: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))]
                                          for name, v in (("precision", p), ("recall", r), ("f1", f))}
    has = np.array([m is not None for m in missed])
    ok = np.array([m is False for m in missed], dtype=float)
    if has.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = ok[idx].sum(axis=1) / has[idx].sum(axis=1)
        rates = rates[np.isfinite(rates)]
        out["no_high_missed"] = [float(np.percentile(rates, 2.5)), float(np.percentile(rates, 97.5))]
    else:
        out["no_high_missed"] = None
    return out


def bootstrap_mean(groups: Sequence[Sequence[float]], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> list[float]:
    """95% percentile interval of the mean of all values, resampling the groups (contracts) they belong to."""
    rng = np.random.default_rng(seed)
    sums = np.array([sum(g) for g in groups], dtype=float)
    counts = np.array([len(g) for g in groups], dtype=float)
    idx = rng.integers(0, len(groups), size=(samples, len(groups)))
    means = sums[idx].sum(axis=1) / np.maximum(counts[idx].sum(axis=1), 1)
    return [float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))]


def possible_metrics(outcomes: Sequence[Outcome], categories: Sequence[str]) -> dict | None:
    """Recall with and without the possible findings (CUAD's rule, clause categories) and their precision:
    the clauses lawyers marked that they add, per possible finding shown. None when there are none."""
    shown = sum(len(o.possible) for o in outcomes)
    if not shown:
        return None
    without = match_all(outcomes, "cuad", categories).totals(categories)[0]
    both = Matched([match_contract("cuad", o.gold, o.findings + o.possible, categories)
                    for o in outcomes]).totals(categories)[0]
    return {"possible_findings": shown, "added_tp": both.tp - without.tp,
            "recall_without": without.recall, "recall_with": both.recall,
            "precision_without": without.precision, "precision_with": both.precision,
            "precision_of_possible": (both.tp - without.tp) / shown}


def evaluate(outcomes: Sequence[Outcome], texts: Sequence[str], clause_categories: Sequence[str],
             all_categories: Sequence[str], *, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> dict:
    """metrics.json's content. Primary: CUAD's rule, clause categories; a failed contract counts as one
    with no findings (that is what its user got) and is counted in `failed`."""
    by_rule: dict[str, dict] = {}
    primary: Matched | None = None
    for rule in RULES:
        matched = match_all(outcomes, rule, all_categories)
        micro, _ = matched.totals(clause_categories)
        micro_all, per_category_all = matched.totals(all_categories)
        by_rule[rule] = {"micro": micro.as_dict(), "micro_all": micro_all.as_dict(),
                         "per_category": {c: per_category_all[c].as_dict() for c in all_categories}}
        if rule == "cuad":
            primary = matched
    assert primary is not None
    curve = pr_curve(outcomes, clause_categories)
    clause = set(clause_categories)
    per_contract = np.array([[sum(n.tp for c, n in m.counts.items() if c in clause),
                              sum(n.fp for c, n in m.counts.items() if c in clause),
                              sum(n.fn for c, n in m.counts.items() if c in clause)]
                             for m in primary.per_contract], dtype=float).reshape(-1, 3)
    missed = high_missed(outcomes, primary)
    with_high = [m for m in missed if m is not None]
    seconds = [o.seconds for o in outcomes if o.result is not None]
    tokens_in = [o.tokens_in for o in outcomes if o.tokens_in is not None]
    tokens_out = [o.tokens_out for o in outcomes if o.tokens_out is not None]
    cuad = by_rule["cuad"]
    return {
        "rule": "CUAD: same category, word-level Jaccard >= 0.5 after CUAD's normalisation, one-to-one",
        "categories": {"clause": len(clause_categories), "all": len(all_categories)},
        "contracts": len(outcomes),
        "failed": sum(o.result is None for o in outcomes),
        "micro": cuad["micro"],
        "micro_all": cuad["micro_all"],
        "per_category": cuad["per_category"],
        "overlap": by_rule["overlap"],
        "aupr": {
            "scored": scored(outcomes),
            "aupr": aupr(curve["precision"], curve["recall"]),
            "precision_at_80_recall": precision_at_recall(curve["precision"], curve["recall"], 0.8),
            "precision_at_90_recall": precision_at_recall(curve["precision"], curve["recall"], 0.9),
            "max_recall": max(curve["recall"]),
            "curve": curve,
        },
        "ci": {"method": f"percentile bootstrap over contracts, {samples} resamples, seed {seed}", "level": 0.95,
               **bootstrap(per_contract, missed, samples, seed)},
        "no_high_missed": {"contracts_with_high": len(with_high), "passed": sum(not m for m in with_high),
                           "rate": sum(not m for m in with_high) / len(with_high) if with_high else None},
        "severity": severity_confusion(outcomes, primary),
        "grounding": grounding(outcomes, texts),
        "speed": {"seconds_per_contract": statistics.fmean(seconds) if seconds else None,
                  "seconds_p50": statistics.median(seconds) if seconds else None,
                  "tokens_in_per_contract": statistics.fmean(tokens_in) if tokens_in else None,
                  "tokens_out_per_contract": statistics.fmean(tokens_out) if tokens_out else None},
        "errors": dict(Counter(o.error.split(":")[0] for o in outcomes if o.error)),
        "possible": possible_metrics(outcomes, clause_categories),
    }
