"""Binary n-gram presence matrices, equal to what sklearn's `CountVectorizer(binary=True)` gives for the
baseline's word and character analyzers (tests compare them on CUAD contracts), in less time.

The analyzer spends most of its time outside the matrix product: sklearn builds every n-gram string of
every sentence and counts it in a dict before it can say "present". Here word bigrams are looked up as
token pairs (no joined strings), and a word's character n-gram columns are worked out once and then
come from a cache, since contracts repeat their words. On CUAD this makes the character block about
three times and the word block about one and a half times faster (`benchmarks/analyzer_speed.py` shows
the whole analyzer). sklearn still fits the vocabularies; this only reads them."""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

# a server sees an open-ended stream of words; past this many the character cache stops growing
WORD_CACHE_LIMIT = 200_000


class WordPresence:
    """Presence of the vocabulary's word n-grams: tokens by the vectorizer's pattern on lowercased text."""

    def __init__(self, vocabulary: dict[str, int], token_pattern: str, ngram_range: tuple[int, int]) -> None:
        self.n_columns = len(vocabulary)
        self.pattern = re.compile(token_pattern)
        self.ngram_range = ngram_range
        # n-grams of two or more tokens are keyed by their token tuple: zip builds those without joining
        self.by_n: dict[int, dict] = {n: {} for n in range(ngram_range[0], ngram_range[1] + 1)}
        for term, column in vocabulary.items():
            tokens = term.split(" ")
            self.by_n[len(tokens)][tokens[0] if len(tokens) == 1 else tuple(tokens)] = column

    def __call__(self, texts: list[str]) -> sp.csr_matrix:
        columns: list[int] = []
        row_lengths: list[int] = []
        for text in texts:
            before = len(columns)
            tokens = self.pattern.findall(text.lower())
            for n, lookup in self.by_n.items():
                # each shifted copy is shorter by one: zip stops at the shortest, the last n-gram
                grams = tokens if n == 1 else zip(*(tokens[i:] for i in range(n)), strict=False)
                columns += [c for c in map(lookup.get, grams) if c is not None]
            row_lengths.append(len(columns) - before)
        return _presence(row_lengths, columns, self.n_columns)


class CharPresence:
    """Presence of the vocabulary's character n-grams within words (sklearn's "char_wb" analyzer)."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> None:
        self.vocabulary = vocabulary
        self.ngram_range = ngram_range
        self.cache: dict[str, list[int]] = {}  # word -> its columns

    def __call__(self, texts: list[str]) -> sp.csr_matrix:
        columns: list[int] = []
        row_lengths: list[int] = []
        for text in texts:
            before = len(columns)
            for word in text.lower().split():
                found = self.cache.get(word)
                if found is None:
                    found = [c for c in map(self.vocabulary.get, char_wb_grams(word, *self.ngram_range)) if c is not None]
                    if len(self.cache) < WORD_CACHE_LIMIT:
                        self.cache[word] = found
                columns += found
            row_lengths.append(len(columns) - before)
        return _presence(row_lengths, columns, len(self.vocabulary))


def char_wb_grams(word: str, n_min: int, n_max: int) -> list[str]:
    """sklearn's `_char_wb_ngrams` for one word: n-grams of the word padded with a space on each side;
    a padded word no longer than n counts once, as itself, and ends the sequence."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(n_min, n_max + 1):
        if len(padded) <= n:
            grams.append(padded)
            break
        grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


def presence_for(vectorizer: CountVectorizer, vocabulary: dict[str, int]) -> WordPresence | CharPresence:
    """The fast equivalent of a binary vectorizer as the featurizer configures them (lowercase, no stop
    words or custom callables); anything else is a programming error, not a case to fall back on."""
    if not (vectorizer.binary and vectorizer.lowercase and vectorizer.stop_words is None
            and vectorizer.preprocessor is None and vectorizer.tokenizer is None and vectorizer.strip_accents is None):
        raise ValueError(f"no fast presence for this vectorizer configuration: {vectorizer!r}")
    if vectorizer.analyzer == "char_wb":
        return CharPresence(vocabulary, vectorizer.ngram_range)
    if vectorizer.analyzer == "word":
        return WordPresence(vocabulary, vectorizer.token_pattern, vectorizer.ngram_range)
    raise ValueError(f"no fast presence for analyzer {vectorizer.analyzer!r}")


def _presence(row_lengths: list[int], columns: list[int], n_columns: int) -> sp.csr_matrix:
    rows = np.repeat(np.arange(len(row_lengths), dtype=np.int32), row_lengths)
    matrix = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), (rows, np.asarray(columns, dtype=np.int32))),
                           shape=(len(row_lengths), n_columns))
    matrix.sum_duplicates()  # a repeated n-gram is present once
    matrix.data[:] = 1.0
    return matrix
