import pytest

from eval.cuad_metric import Excerpt, jaccard, match_count, score, words

CATS = ["Anti-Assignment", "Cap on Liability"]


def test_words_follow_cuads_normalisation():
    # CUAD drops . , ; : only, lowercases and splits "/" — parentheses and quotes stay
    assert words("Licensee shall NOT assign; transfer/sublicense.") == {
        "licensee", "shall", "not", "assign", "transfer", "sublicense"}
    assert words('the "Term" (as defined)') == {"the", '"term"', "(as", "defined)"}


def test_jaccard_is_over_word_sets():
    assert jaccard("a b c d", "a b") == 0.5
    assert jaccard("a b c", "d e") == 0.0
    assert jaccard("A, B", "a b b") == 1.0
    assert jaccard("", "") == 0.0


def test_each_label_and_prediction_is_used_once():
    # two predictions both match the single label: one TP, one FP
    assert match_count(["x y z w"], ["x y z w", "x y z"]) == 1
    # the greedy choice (label 0 -> pred 0) would leave label 1 unmatched; the maximum matching does not
    labels = ["a b c d", "a b c e"]
    preds = ["a b c d e", "a b c d"]
    assert match_count(labels, preds) == 2


def test_score_micro_and_per_category():
    gold = [
        Excerpt("k1", "Anti-Assignment", "Neither party may assign this Agreement without consent."),
        Excerpt("k1", "Cap on Liability", "In no event shall liability exceed the fees paid."),
        Excerpt("k2", "Anti-Assignment", "Licensee shall not assign its rights."),
        Excerpt("k2", "Parties", "Acme Inc."),  # not a category being scored
    ]
    pred = [
        Excerpt("k1", "Anti-Assignment", "neither party may assign this agreement without the consent"),  # TP
        Excerpt("k1", "Cap on Liability", "This Agreement is governed by Delaware law."),  # FP
        Excerpt("k2", "Anti-Assignment", "Licensee shall not assign its rights."),  # TP
        Excerpt("k1", "Anti-Assignment", "Licensee shall not assign its rights."),  # FP: wrong contract
    ]
    s = score(gold, pred, CATS)
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (2, 2, 1)
    assert s.micro.precision == pytest.approx(0.5)
    assert s.micro.recall == pytest.approx(2 / 3)
    assert s.micro.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    aa, cap = s.per_category["Anti-Assignment"], s.per_category["Cap on Liability"]
    assert (aa.tp, aa.fp, aa.fn) == (2, 1, 0)
    assert (cap.tp, cap.fp, cap.fn) == (0, 1, 1)
    assert cap.f1 == 0.0


def test_below_threshold_is_a_miss():
    gold = [Excerpt("k", "Cap on Liability", "one two three four five six")]
    pred = [Excerpt("k", "Cap on Liability", "one two seven eight nine ten")]  # 2/10
    s = score(gold, pred, CATS)
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (0, 1, 1)
