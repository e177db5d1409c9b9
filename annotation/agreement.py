"""Inter-annotator agreement on contracts labelled by two or more annotators.

- Clause level, per category: each clause of the contract (`contracts.segment.segment_clauses`) is
  labelled with a category by an annotator when one of their spans of that category overlaps it.
  Cohen's kappa per pair of annotators, Fleiss' kappa over all of them (raters may differ in number
  from contract to contract: each item's agreement uses its own rater count).
- Span level: spans of the same category from two annotators match one-to-one (greedy, best overlap
  first) when their character IoU is at least `min_iou`; F1 = 2 * matched / (spans of A + spans of B).
- Severity: quadratic-weighted Cohen's kappa on the severities of matched spans (info < low < medium < high).

Kappa is None where it is undefined (both raters constant on the same value)."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from annotation.store.models import Annotation, Annotator, Contract
from annotation.store.repository import of_tenant, row_id
from contracts.segment import segment_clauses

SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}


def cohen_kappa(a: list[int], b: list[int], n_levels: int | None = None, weights: str | None = None) -> float | None:
    """Cohen's kappa of two raters' labels 0..n_levels-1; `weights` None, "linear" or "quadratic"."""
    if len(a) != len(b) or not a:
        raise ValueError("two non-empty rating lists of the same length are needed")
    k = n_levels or max(max(a), max(b)) + 1
    observed = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        observed[x, y] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((k, k))
    if weights is None:
        w = (i != j).astype(float)
    elif weights == "linear":
        w = np.abs(i - j) / max(k - 1, 1)
    elif weights == "quadratic":
        w = ((i - j) / max(k - 1, 1)) ** 2
    else:
        raise ValueError(f"unknown weights {weights!r}")
    disagreement_expected = float((w * expected).sum())
    if disagreement_expected == 0:
        return None
    return 1.0 - float((w * observed).sum()) / disagreement_expected


def fleiss_kappa(counts: list[list[int]]) -> float | None:
    """Fleiss' kappa from per-item counts of raters per category (items x categories); items with
    fewer than two raters are left out."""
    table = np.array([row for row in counts if sum(row) >= 2], dtype=float)
    if table.size == 0:
        return None
    n = table.sum(axis=1)
    p_items = ((table**2).sum(axis=1) - n) / (n * (n - 1))
    p_bar = float(p_items.mean())
    p_cat = table.sum(axis=0) / n.sum()
    p_e = float((p_cat**2).sum())
    if p_e == 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def match_spans(a: list[tuple[int, int]], b: list[tuple[int, int]], min_iou: float) -> list[tuple[int, int]]:
    """One-to-one matches (index in a, index in b), best IoU first, ties to the earlier spans."""
    candidates = sorted((iou(x, y), -i, -j) for i, x in enumerate(a) for j, y in enumerate(b))[::-1]
    candidates = [(score, -i, -j) for score, i, j in candidates]
    used_a, used_b, out = set(), set(), []
    for score, i, j in candidates:
        if score < min_iou or score == 0:
            break
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return sorted(out)


@dataclass(frozen=True)
class Label:
    annotation_id: int
    annotator: str
    category: str
    severity: str
    start: int
    end: int
    origin: str = "manual"
    status: str = "pending"

    @property
    def twin_key(self) -> tuple[str, int, int, str]:
        """What two identical labels share (category, offsets, severity): such labels agree, whoever drew them."""
        return self.category, self.start, self.end, self.severity


def multi_annotated(session: Session, tenant: str, annotators: list[str] | None = None) -> dict[int, list[Label]]:
    """Labels of people on `tenant`'s contracts that two or more of them labelled. Agreement is between human
    annotators: a data source's import (CUAD's gold labels, annotator kind `source`) and a model's proposals are
    no votes, and an adjudicator's merged label is the outcome of a disagreement, not one more annotator's vote:
    all left out."""
    names = {a.id: a for a in session.exec(select(Annotator))}
    per_contract: dict[int, list[Label]] = defaultdict(list)
    for a in session.exec(of_tenant(Annotation, tenant).order_by(col(Annotation.id))):
        who = names[a.annotator_id]
        if who.kind != "person" or a.source == "adjudication" or (annotators and who.name not in annotators):
            continue
        per_contract[a.contract_id].append(Label(row_id(a), who.name, a.category, a.severity, a.start, a.end,
                                                 a.origin, a.status))
    return {cid: labels for cid, labels in per_contract.items() if len({x.annotator for x in labels}) >= 2}


def agreement(session: Session, tenant: str, *, annotators: list[str] | None = None, min_iou: float = 0.5) -> dict[str, Any]:
    contracts = multi_annotated(session, tenant, annotators)
    clause_votes: dict[str, list[list[int]]] = defaultdict(list)  # category -> Fleiss rows
    pair_ratings: dict[tuple[str, str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    span_counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # matched, a, b
    severity_pairs: dict[tuple[str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    # every category anyone used, judged on every clause of every shared contract (absence is a vote too)
    categories_seen = {x.category for labels in contracts.values() for x in labels}
    for cid, labels in sorted(contracts.items()):
        contract = session.get(Contract, cid)
        assert contract is not None, cid  # the ids came from this session's annotations
        text = contract.text
        clauses = [(c.start, c.end) for c in segment_clauses(text) if text[c.start:c.end].strip()]
        raters = sorted({x.annotator for x in labels})
        categories = sorted(categories_seen)
        marks = {(r, cat): [0] * len(clauses) for r in raters for cat in categories}
        for x in labels:
            for k, (s, e) in enumerate(clauses):
                if x.start < e and s < x.end:
                    marks[(x.annotator, x.category)][k] = 1
        for cat in categories:
            for k in range(len(clauses)):
                yes = sum(marks[(r, cat)][k] for r in raters)
                clause_votes[cat].append([yes, len(raters) - yes])
            for r1, r2 in itertools.combinations(raters, 2):
                ra, rb = pair_ratings[(cat, r1, r2)]
                ra += marks[(r1, cat)]
                rb += marks[(r2, cat)]
                a = [x for x in labels if x.annotator == r1 and x.category == cat]
                b = [x for x in labels if x.annotator == r2 and x.category == cat]
                matches = match_spans([(x.start, x.end) for x in a], [(x.start, x.end) for x in b], min_iou)
                counts = span_counts[(cat, r1, r2)]
                counts[0] += len(matches)
                counts[1] += len(a)
                counts[2] += len(b)
                sa, sb = severity_pairs[(r1, r2)]
                for i, j in matches:
                    sa.append(SEVERITY_RANK[a[i].severity])
                    sb.append(SEVERITY_RANK[b[j].severity])
    per_category: dict[str, Any] = {}
    for cat in sorted(categories_seen):
        pairs: dict[str, dict[str, Any]] = {}
        for (c, r1, r2), (ra, rb) in sorted(pair_ratings.items()):
            if c != cat:
                continue
            matched, na, nb = span_counts[(c, r1, r2)]
            pairs[f"{r1} | {r2}"] = {"cohen_kappa": _round(cohen_kappa(ra, rb, 2)), "clauses": len(ra),
                                     "span_f1": _round(2 * matched / (na + nb)) if na + nb else None,
                                     "spans": [na, nb], "matched": matched}
        kappas = [p["cohen_kappa"] for p in pairs.values() if p["cohen_kappa"] is not None]
        matched = sum(p["matched"] for p in pairs.values())
        total = sum(sum(p["spans"]) for p in pairs.values())
        per_category[cat] = {
            "clause_items": len(clause_votes[cat]),
            "positive_votes": sum(row[0] for row in clause_votes[cat]),
            "fleiss_kappa": _round(fleiss_kappa(clause_votes[cat])),
            "cohen_kappa_mean": _round(sum(kappas) / len(kappas)) if kappas else None,
            "span_f1": _round(2 * matched / total) if total else None,
            "pairs": pairs,
        }
    severity = {f"{r1} | {r2}": {"weighted_kappa": _round(cohen_kappa(sa, sb, 4, "quadratic")) if sa else None,
                                 "matched_spans": len(sa)} for (r1, r2), (sa, sb) in sorted(severity_pairs.items())}
    pooled_a = [v for sa, _ in severity_pairs.values() for v in sa]
    pooled_b = [v for _, sb in severity_pairs.values() for v in sb]
    # how each annotator's labels came about: a pair agreeing on the model's accepted suggestions agrees less
    # independently than one agreeing on spans both drew by hand
    origins: dict[str, Counter[str]] = defaultdict(Counter)
    for labels in contracts.values():
        for x in labels:
            origins[x.annotator][x.origin] += 1
    return {
        "contracts": len(contracts), "annotators": sorted({x.annotator for ls in contracts.values() for x in ls}),
        "origins": {who: dict(sorted(c.items())) for who, c in sorted(origins.items())},
        "min_iou": min_iou, "categories": per_category,
        "severity": {"weighted_kappa": _round(cohen_kappa(pooled_a, pooled_b, 4, "quadratic")) if pooled_a else None,
                     "matched_spans": len(pooled_a), "pairs": severity},
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
