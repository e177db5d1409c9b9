"""The term ranker (contracts/terms/ranker.py) and how the end date is read from its best sentences."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from contracts.terms.ranker import ARTIFACT, FEATURES, SentenceRanker, features, term_ranker
from contracts.terms.sentences import lowered
from contracts.terms.term import RANK_FLOOR, READ_BEST, expiration, term_candidates
from tests.contracts.rankers import EVEN

HEAD = "This Agreement is made as of March 29, 2018. "


def _favouring(word: str, weight: float = 5.0, bias: float = -2.0) -> SentenceRanker:
    """A ranker that likes sentences holding `word` and nothing else."""
    weights = np.zeros(FEATURES, dtype=np.float32)
    weights[zlib.crc32(word.encode()) % FEATURES] = weight
    return SentenceRanker(weights, bias)


def test_features_are_stable_hashes_of_words_and_pairs_with_numbers_as_one_word() -> None:
    assert features("Term") == features("term") == [zlib.crc32(b"term") % FEATURES]
    assert features("within 30 days") == features("within 90 days")  # a number's digits say nothing
    assert zlib.crc32(b"# days") % FEATURES in features("within 30 days")
    assert features("") == []


def test_the_ranker_chooses_which_sentence_is_read() -> None:
    low = lowered(HEAD + "The term of this Agreement shall be two (2) years. Thereafter this Agreement shall "
                  "continue until terminated by either party.")
    by_term = expiration(low, "2018-03-29", "2018-03-29", ranker=_favouring("be"))
    by_thereafter = expiration(low, "2018-03-29", "2018-03-29", ranker=_favouring("thereafter"))
    assert by_term is not None and by_term.value == "2020-03-29"
    assert by_thereafter is not None and by_thereafter.value == "perpetual"


def test_below_the_floor_nothing_is_read() -> None:
    low = lowered(HEAD + "The term of this Agreement shall be two (2) years.")
    assert expiration(low, "2018-03-29", "2018-03-29", ranker=EVEN) is not None
    unsure = SentenceRanker(np.zeros(FEATURES, dtype=np.float32), float(np.log(RANK_FLOOR / (1 - RANK_FLOOR))) - 0.1)
    assert unsure.probability("the term of this agreement shall be two (2) years.") < RANK_FLOOR
    assert expiration(low, "2018-03-29", "2018-03-29", ranker=unsure) is None


def test_only_the_best_sentences_are_read() -> None:
    # the term's sentence comes after READ_BEST others the ranker prefers, none of which states an end
    others = " ".join(f"Notice {i} shall be given in writing to the term sheet contact." for i in range(READ_BEST))
    low = lowered(HEAD + others + " The term of this Agreement shall be two (2) years.")
    assert len(term_candidates(low)) == READ_BEST + 1
    assert expiration(low, "2018-03-29", "2018-03-29", ranker=_favouring("notice")) is None
    assert expiration(low, "2018-03-29", "2018-03-29", ranker=_favouring("two")) is not None


def test_save_and_load_keep_the_weights(tmp_path: Path) -> None:
    ranker = _favouring("renew", 1.5, -0.25)
    ranker.save(tmp_path / "ranker.npz")
    again = SentenceRanker.load(tmp_path / "ranker.npz")
    assert np.array_equal(again.weights, ranker.weights) and again.bias == ranker.bias


def test_a_model_file_of_another_size_is_refused(tmp_path: Path) -> None:
    np.savez_compressed(tmp_path / "small.npz", weights=np.zeros(16, dtype=np.float32), bias=np.array([0.0]))
    with pytest.raises(ValueError, match="16 weights"):
        SentenceRanker.load(tmp_path / "small.npz")


def test_the_shipped_ranker_prefers_the_terms_statement_to_a_notice_sentence() -> None:
    ranker = term_ranker()
    assert ARTIFACT.is_file()
    term = ranker.probability("the term of this agreement shall commence on the effective date and continue for a "
                              "period of five (5) years.")
    notice = ranker.probability("all notices under this agreement shall be in writing and delivered by courier.")
    assert term > 0.5 > notice
