"""The fast presence matrices are sklearn's, entry for entry: the shipped model's weights were fit on
sklearn's matrices, so any difference would change what the analyzer finds."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from analyzers.baseline import presence, shipped_model_dir
from analyzers.baseline.features import UnitTexts
from analyzers.baseline.model import BaselineModel
from analyzers.baseline.presence import CharPresence, WordPresence, presence_for
from contracts.segment import split_sentences
from training.baseline.corpus import load_contracts

TOKEN = r"(?u)\b\w\w+\b|[$%§]"
ODD_TEXTS = [
    "",
    "   \t\n ",
    "a I ok",  # words shorter than the n-gram, padded or not
    "Licensee\u00a0shall not\u2003assign\x1cthis Agreement (the “Agreement”).",
    "Café résumé naïve – § 5.1 costs $ 1,000,000 or 10 %; sub-license, re-sell.",
    "CHANGE OF CONTROL of Licensee shall be deemed an assignment. change of control",
    "Ünïcödé\tTABS\tand\r\nline breaks\u2028too",
]


def assert_same(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    a, b = a.tocsr(), b.tocsr()
    a.sort_indices()
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)
    assert a.dtype == b.dtype


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 2)])
def test_word_presence_matches_sklearn(ngram_range):
    vec = CountVectorizer(binary=True, dtype=np.float32, ngram_range=ngram_range, token_pattern=TOKEN)
    vec.fit([*ODD_TEXTS, "shall not assign this agreement", "costs $ 1,000"])
    assert_same(vec.transform(ODD_TEXTS), WordPresence(vec.vocabulary_, TOKEN, ngram_range)(ODD_TEXTS))


@pytest.mark.parametrize("ngram_range", [(4, 4), (2, 5), (3, 6)])
def test_char_presence_matches_sklearn(ngram_range):
    vec = CountVectorizer(binary=True, dtype=np.float32, analyzer="char_wb", ngram_range=ngram_range)
    vec.fit(ODD_TEXTS)
    fast = CharPresence(vec.vocabulary_, ngram_range)
    assert_same(vec.transform(ODD_TEXTS), fast(ODD_TEXTS))
    assert_same(vec.transform(ODD_TEXTS), fast(ODD_TEXTS))  # again, now from the cache


def test_char_cache_stops_growing_at_its_limit(monkeypatch):
    monkeypatch.setattr(presence, "WORD_CACHE_LIMIT", 3)
    vec = CountVectorizer(binary=True, dtype=np.float32, analyzer="char_wb", ngram_range=(4, 4)).fit(ODD_TEXTS)
    fast = CharPresence(vec.vocabulary_, (4, 4))
    assert_same(vec.transform(ODD_TEXTS), fast(ODD_TEXTS))
    assert len(fast.cache) == 3


def test_unsupported_vectorizers_are_refused():
    with pytest.raises(ValueError, match="configuration"):
        presence_for(CountVectorizer(binary=False).fit(["a text"]), {"text": 0})
    with pytest.raises(ValueError, match="analyzer 'char'"):
        presence_for(CountVectorizer(binary=True, analyzer="char").fit(["a text"]), {"te": 0})


@pytest.mark.cuad
def test_shipped_featurizer_equals_sklearn_on_cuad_contracts(cuad_dir):
    featurizer = BaselineModel.load(shipped_model_dir()).featurizer
    assert set(featurizer.presence) == set(featurizer.vectorizers) == {"word", "char"}  # the fast path is in use
    for contract in load_contracts(cuad_dir, limit=6):
        texts = [contract.text[s.start:s.end] for s in split_sentences(contract.text)]
        expected = sp.hstack([featurizer.vectorizers[name].transform(texts)
                              * np.float32(featurizer.weights[name] / featurizer.scales[name])
                              for name in ("word", "char")], format="csr", dtype=np.float32)
        assert_same(expected, featurizer.transform(UnitTexts(texts, [""] * len(texts))))
