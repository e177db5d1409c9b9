"""Unit features: TF-IDF of the sentence (word and character n-grams), of the headings of the clauses
it sits in, and of its neighbouring sentences.

A CUAD label often hangs on context the sentence itself lacks ("Section 12. Assignment" above
"Neither party may ..."; the sentence before a carve-out), so each unit also sees its clause headings
and, down-weighted, the sentences on either side. The vectorizers' state is only vocabularies and
idf vectors, which the artifact stores as JSON and arrays (no pickle)."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from contracts.segment import Span, segment_clauses

# numbers, dates and amounts carry little meaning by their digits; keep their shape
_TOKEN = r"(?u)\b\w\w+\b|[$%§]"


@dataclass(frozen=True)
class FeatureConfig:
    word_max_features: int = 60_000
    word_min_df: int = 3
    char_max_features: int = 60_000  # 0 turns character n-grams off
    char_min_df: int = 5
    # 4-grams within words: most of the gain of 3-5-grams (inflections, "sub-license") at a seventh of the time
    char_ngram_min: int = 4
    char_ngram_max: int = 4
    heading_max_features: int = 5_000
    context_weight: float = 0.5  # weight of the previous/next sentence's word features; 0 turns them off

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class UnitTexts:
    """What the featurizer reads for one document: each unit's text and its clause headings."""

    texts: list[str]
    headings: list[str]


def unit_texts(text: str, units: list[Span]) -> UnitTexts:
    return UnitTexts([text[u.start:u.end] for u in units], clause_headings(text, units))


def clause_headings(text: str, units: list[Span]) -> list[str]:
    """For each unit, the headings of the clauses enclosing it, outermost first ("Miscellaneous
    Assignment"): the nearest heading at each level above the unit's own clause."""
    clauses = segment_clauses(text)
    chains: list[str] = []
    stack: list[tuple[int, str]] = []
    for clause in clauses:
        while stack and stack[-1][0] >= clause.level:
            stack.pop()
        if clause.heading:
            stack.append((clause.level, clause.heading))
        chains.append(" ".join(h for _, h in stack))
    starts = [c.start for c in clauses]
    return [chains[max(bisect.bisect_right(starts, u.start) - 1, 0)] for u in units]


def _word_vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), min_df=cfg.word_min_df, max_features=cfg.word_max_features,
                           token_pattern=_TOKEN, sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary)


def _char_vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(cfg.char_ngram_min, cfg.char_ngram_max), min_df=cfg.char_min_df,
                           max_features=cfg.char_max_features, sublinear_tf=True, dtype=np.float32,
                           vocabulary=vocabulary)


def _heading_vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=cfg.heading_max_features,
                           token_pattern=_TOKEN, sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary)


_FACTORIES = {"word": _word_vectorizer, "char": _char_vectorizer, "heading": _heading_vectorizer}


class Featurizer:
    def __init__(self, config: FeatureConfig, vectorizers: dict[str, TfidfVectorizer]) -> None:
        self.config = config
        self.vectorizers = vectorizers

    @classmethod
    def fit(cls, config: FeatureConfig, docs: list[UnitTexts]) -> Featurizer:
        texts = [t for d in docs for t in d.texts]
        vectorizers = {"word": _word_vectorizer(config).fit(texts)}
        if config.char_max_features:
            vectorizers["char"] = _char_vectorizer(config).fit(texts)
        if config.heading_max_features:
            vectorizers["heading"] = _heading_vectorizer(config).fit(sorted({h for d in docs for h in d.headings if h}))
        return cls(config, vectorizers)

    @property
    def n_features(self) -> int:
        n = sum(len(v.vocabulary_) for v in self.vectorizers.values())
        if self.config.context_weight:
            n += 2 * len(self.vectorizers["word"].vocabulary_)
        return n

    def transform(self, doc: UnitTexts) -> sp.csr_matrix:
        if not doc.texts:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        words = self.vectorizers["word"].transform(doc.texts)
        blocks = [words]
        if "char" in self.vectorizers:
            blocks.append(self.vectorizers["char"].transform(doc.texts))
        if "heading" in self.vectorizers:
            # a contract has a few dozen distinct heading chains for hundreds of units
            distinct = sorted(set(doc.headings))
            row_of = {h: i for i, h in enumerate(distinct)}
            blocks.append(self.vectorizers["heading"].transform(distinct)[[row_of[h] for h in doc.headings]])
        if self.config.context_weight:
            blocks += [_shift(words, 1) * self.config.context_weight, _shift(words, -1) * self.config.context_weight]
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def state(self) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
        """Vocabularies (terms in column order) and idf vectors, for the artifact."""
        vocab, arrays = {}, {}
        for name, vec in self.vectorizers.items():
            terms = [""] * len(vec.vocabulary_)
            for term, index in vec.vocabulary_.items():
                terms[index] = term
            vocab[name] = terms
            arrays[f"idf_{name}"] = vec.idf_.astype(np.float64)
        return vocab, arrays

    @classmethod
    def from_state(cls, config: FeatureConfig, vocab: dict[str, list[str]], arrays: dict[str, np.ndarray]) -> Featurizer:
        vectorizers = {}
        for name, terms in vocab.items():
            vec = _FACTORIES[name](config, vocabulary={t: i for i, t in enumerate(terms)})
            vec.idf_ = arrays[f"idf_{name}"]
            vectorizers[name] = vec
        return cls(config, vectorizers)


def _shift(matrix: sp.csr_matrix, by: int) -> sp.csr_matrix:
    """Row i of the result is row i - by of `matrix` (zeros where that is outside): the previous
    (by=1) or next (by=-1) unit's features."""
    n = matrix.shape[0]
    rows = np.arange(n) - by
    keep = (rows >= 0) & (rows < n)
    selector = sp.csr_matrix((np.ones(keep.sum(), dtype=np.float32), (np.nonzero(keep)[0], rows[keep])), shape=(n, n))
    return selector @ matrix
