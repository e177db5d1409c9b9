"""The run's measures on hand-made contracts whose answers are worked out here by hand."""

import numpy as np
import pytest

from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalysisStats, AnalyzerInfo, Finding
from eval.gold import GoldSpan
from eval.matching import char_iou, match_contract
from eval.metrics import Outcome, aupr, bootstrap, envelope, evaluate, pr_curve, precision_at_recall

CAP, ASSIGN, LAW = "Cap on Liability", "Anti-Assignment", "Governing Law"
CLAUSE = [CAP, ASSIGN]
ALL = [CAP, ASSIGN, LAW]


def finding(category, quote, start=0, score=0.9, severity="medium", explanation="why"):
    return Finding(category=category, severity=severity, quote=quote, start=start, end=start + len(quote), page=1,
                   score=score, explanation=explanation)


def outcome(name, gold, findings, text="x" * 1000, failed=False, proposed=None):
    doc = Document.from_text(name, text)
    result = None if failed else AnalysisResult(
        document=doc.info, analyzer=AnalyzerInfo(name="t", version="0"), findings=findings,
        stats=AnalysisStats(proposed=len(findings) if proposed is None else proposed,
                            ungrounded_dropped=(proposed or len(findings)) - len(findings)))
    return Outcome(name, gold, result, seconds=0.5, error="Boom: x" if failed else None)


def gold(category, text, start=None, severity=None):
    return GoldSpan(category, text, start, None if start is None else start + len(text), severity)


def test_a_tie_is_one_true_and_one_false_positive():
    g = [gold(CAP, "liability shall not exceed the fees paid")]
    f = [finding(CAP, "liability shall not exceed the fees paid"), finding(CAP, "liability shall not exceed the fees paid", 50)]
    m = match_contract("cuad", g, f, CLAUSE)
    assert (m.counts[CAP].tp, m.counts[CAP].fp, m.counts[CAP].fn) == (1, 1, 0)
    assert m.pairs == [(0, 0)]  # ties go to the lower index


def test_duplicate_gold_needs_two_findings():
    g = [gold(ASSIGN, "neither party may assign"), gold(ASSIGN, "neither party may assign")]
    m = match_contract("cuad", g, [finding(ASSIGN, "neither party may assign")], CLAUSE)
    assert (m.counts[ASSIGN].tp, m.counts[ASSIGN].fp, m.counts[ASSIGN].fn) == (1, 0, 1)


def test_empty_predictions_and_empty_gold():
    metrics = evaluate([outcome("a", [gold(CAP, "cap of fees")], []), outcome("b", [], [finding(ASSIGN, "may not assign")])],
                       ["x" * 1000] * 2, CLAUSE, ALL, samples=50)
    assert (metrics["micro"]["tp"], metrics["micro"]["fp"], metrics["micro"]["fn"]) == (0, 1, 1)
    assert metrics["micro"]["precision"] == 0.0 and metrics["micro"]["recall"] == 0.0 and metrics["micro"]["f1"] == 0.0
    none = evaluate([outcome("a", [], [])], ["x" * 1000], CLAUSE, ALL, samples=50)
    assert none["micro"]["f1"] == 0.0 and none["aupr"]["aupr"] == 0.0 and not none["aupr"]["scored"]


def test_a_category_absent_from_a_contract_counts_nowhere_else():
    g = [gold(CAP, "cap equal to fees paid"), gold(LAW, "laws of delaware")]
    f = [finding(CAP, "cap equal to fees paid"), finding(LAW, "laws of delaware")]
    metrics = evaluate([outcome("a", g, f)], ["x" * 1000], CLAUSE, ALL, samples=50)
    assert metrics["per_category"][ASSIGN] == {"tp": 0, "fp": 0, "fn": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert (metrics["micro"]["tp"], metrics["micro"]["fp"], metrics["micro"]["fn"]) == (1, 0, 0)  # clause categories only
    assert metrics["micro_all"]["tp"] == 2  # Governing Law counts over all categories


def test_overlap_rule_uses_offsets_not_words():
    assert char_iou((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert char_iou((0, 10), (10, 20)) == 0.0
    text = "The cap is the fees paid. " * 4
    g = [gold(CAP, "The cap is the fees paid.", start=0)]
    same_words_elsewhere = [finding(CAP, "The cap is the fees paid.", start=52)]
    assert match_contract("cuad", g, same_words_elsewhere, CLAUSE).counts[CAP].tp == 1
    assert match_contract("overlap", g, same_words_elsewhere, CLAUSE).counts[CAP].tp == 0
    assert match_contract("overlap", g, [finding(CAP, text[0:20], start=0)], CLAUSE).counts[CAP].tp == 1  # IoU 20/25
    unplaced = [gold(CAP, "The cap is the fees paid.")]
    assert match_contract("overlap", unplaced, same_words_elsewhere, CLAUSE).counts[CAP].tp == 0


def test_aupr_and_precision_at_recall_by_hand():
    # two gold clauses; findings scored 0.9 (right), 0.8 (wrong), 0.35 (right)
    g = [gold(CAP, "alpha beta gamma delta"), gold(CAP, "one two three four")]
    f = [finding(CAP, "alpha beta gamma delta", score=0.9), finding(CAP, "unrelated words here", score=0.8),
         finding(CAP, "one two three four", score=0.35)]
    curve = pr_curve([outcome("a", g, f)], CLAUSE)
    # thresholds 0.99..0.91 keep nothing (no point); 0.90..0.81: P 1, R .5; 0.80..0.36: P .5, R .5; <=0.35: P 2/3, R 1
    assert curve["recall"] == [0.0] + [0.5] * 10 + [0.5] * 45 + [1.0] * 37
    assert curve["precision"][:2] == [1.0, 1.0] and curve["precision"][11] == 0.5 and curve["precision"][-1] == pytest.approx(2 / 3)
    p = envelope(curve["precision"])
    assert p[11] == pytest.approx(2 / 3)  # raised to the precision at higher recall
    # area: 0->0.5 at precision 1, then the step up at 0.5 from 2/3 to 2/3, to recall 1 at 2/3
    expected = 0.5 * 1.0 + 0.5 * (2 / 3)
    assert aupr(curve["precision"], curve["recall"]) == pytest.approx(expected)
    assert precision_at_recall(curve["precision"], curve["recall"], 0.8) == pytest.approx(2 / 3)
    assert precision_at_recall([1.0, 0.5], [0.0, 0.5], 0.9) == 0.0  # never reaches 90% recall


def test_severity_high_missed_grounding_and_failures():
    g1 = [gold(CAP, "cap equal to fees", severity="high"), gold(ASSIGN, "may not assign", severity="medium")]
    f1 = [finding(CAP, "cap equal to fees", severity="medium"), finding(ASSIGN, "may not assign", severity="medium")]
    g2 = [gold(CAP, "no cap at all here", severity="high")]
    outs = [outcome("a", g1, f1, proposed=4), outcome("b", g2, [], failed=True), outcome("c", [], [])]
    metrics = evaluate(outs, ["x" * 1000] * 3, CLAUSE, ALL, samples=200)
    assert metrics["failed"] == 1 and metrics["contracts"] == 3 and metrics["errors"] == {"Boom": 1}
    sev = metrics["severity"]
    assert sev["matched"] == 2 and sev["accuracy"] == 0.5 and sev["confusion"]["high"]["medium"] == 1
    assert metrics["no_high_missed"] == {"contracts_with_high": 2, "passed": 1, "rate": 0.5}
    assert metrics["grounding"]["proposed"] == 4 and metrics["grounding"]["rate"] == 0.5
    assert metrics["grounding"]["quotes_at_offsets"] == 0  # the quotes are not at their offsets in "xxx..."


def test_bootstrap_brackets_the_estimate_and_is_reproducible():
    counts = np.array([[3, 1, 0], [1, 1, 2], [0, 0, 1], [4, 0, 1]], dtype=float)
    a = bootstrap(counts, [None, True, False, None], samples=500, seed=1)
    b = bootstrap(counts, [None, True, False, None], samples=500, seed=1)
    assert a == b
    tp, fp, fn = counts.sum(axis=0)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert a["f1"][0] <= f1 <= a["f1"][1]
    assert a["no_high_missed"][0] == 0.0 and a["no_high_missed"][1] == 1.0


def test_possible_findings_are_scored_apart_recall_with_and_their_precision():
    """Issue #28: the main figures read the findings only; `possible` gives recall with the possible ones
    and, per possible finding, the clauses lawyers marked that they add."""
    text = "x" * 1000
    found = finding(CAP, "cap clause", start=0)
    right = finding(ASSIGN, "assign clause", start=100, score=0.1).model_copy(update={"possible": True})
    wrong = finding(LAW, "other words", start=200, score=0.05).model_copy(update={"possible": True})
    o = outcome("a", [gold(CAP, "cap clause", 0), gold(ASSIGN, "assign clause", 100)], [found, right, wrong], text)
    metrics = evaluate([o], [text], ALL, ALL, samples=20)
    assert metrics["micro"]["recall"] == 0.5 and metrics["micro"]["precision"] == 1.0
    assert metrics["possible"] == {"possible_findings": 2, "added_tp": 1, "recall_without": 0.5, "recall_with": 1.0,
                                   "precision_without": 1.0, "precision_with": 2 / 3, "precision_of_possible": 0.5}
    assert evaluate([outcome("b", [], [found], text)], [text], ALL, ALL, samples=20)["possible"] is None
