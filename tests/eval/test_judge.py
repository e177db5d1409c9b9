"""The judge's pure parts: the logprob-weighted score, model families, calibration numbers."""

import math

import pytest

from eval.judge import Thresholds, calibration, family, same_family, weighted_score


def test_weighted_score_reads_the_last_digit_token():
    content = [{"token": "Score", "logprob": 0.0}, {"token": ":", "logprob": 0.0},
               {"token": " 4", "logprob": math.log(0.6),
                "top_logprobs": [{"token": " 4", "logprob": math.log(0.6)}, {"token": "5", "logprob": math.log(0.2)},
                                 {"token": "four", "logprob": math.log(0.1)}, {"token": "3", "logprob": math.log(0.1)}]}]
    # renormalised over the digits only: (4*0.6 + 5*0.2 + 3*0.1) / 0.9
    assert weighted_score(content) == pytest.approx((2.4 + 1.0 + 0.3) / 0.9)
    assert weighted_score([{"token": "none", "logprob": 0.0}]) is None


def test_families():
    assert family("meta-llama/Llama-3.1-8B-Instruct") == "llama"
    assert family("Qwen/Qwen2.5-72B-Instruct") == "qwen"
    assert same_family("llama-3.3-70b", "/adapters/llama-3.1-8b-risk")
    assert not same_family("gemma-3-27b", "llama-3.1-8b") and not same_family("x", "y")


def test_calibration_rule():
    perfect = calibration([1, 2, 3, 4, 5] * 6, [1, 2, 3, 4, 5] * 6)
    assert perfect["spearman_rho"] == pytest.approx(1.0) and perfect["weighted_kappa"] == pytest.approx(1.0)
    assert perfect["trusted"] is True
    few = calibration([1, 2, 3], [1, 2, 3], Thresholds(min_pairs=30))
    assert few["trusted"] is False and few["spearman_rho"] == pytest.approx(1.0)
    reversed_ = calibration([5, 4, 3, 2, 1] * 6, [1, 2, 3, 4, 5] * 6)
    assert reversed_["spearman_rho"] == pytest.approx(-1.0) and reversed_["trusted"] is False
    flat = calibration([3, 3, 3], [1, 2, 3])
    assert flat["spearman_rho"] is None and flat["trusted"] is False
