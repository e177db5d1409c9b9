"""Unit features: which words (1-2-grams) and character n-grams the sentence contains, the headings of
the clauses it sits in, and its neighbouring sentences' words.

Features are binary presence, each block divided by one constant (its mean row norm on the training
units), rather than TF-IDF rows normalised to unit length: a risk clause is often signalled by one
phrase ("change of control", "non-transferable") in a long sentence, and per-row normalisation shrinks
that phrase's weight in proportion to the sentence's length. On CUAD's dev contracts this alone took
micro F1 from 0.61 to 0.64 (`benchmarks/baseline_weighting.py`). TF-IDF stays available
(`binary=False`) because it is the plain classifier every result is compared with.

A CUAD label often hangs on context the sentence itself lacks ("Section 12. Assignment" above
"Neither party may ..."), so the featurizer can also give each unit its clause headings and,
down-weighted, the sentences on either side. With presence features neither helped any more, so both
are off in the shipped configuration. The vectorizers' state is only vocabularies and idf vectors or
block scales, which the artifact stores as JSON and arrays (no pickle)."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from analyzers.baseline.presence import presence_for
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
    heading_max_features: int = 0  # 0 turns clause-heading features off
    context_weight: float = 0.0  # weight of the previous/next sentence's word features; 0 turns them off
    char_weight: float = 0.5  # of the character block relative to the word block
    heading_weight: float = 0.5
    binary: bool = True  # presence features scaled per block; False = TF-IDF rows of unit length

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class UnitTexts:
    """What the featurizer reads for one document: each unit's text and its clause headings."""

    texts: list[str]
    headings: list[str]


def unit_texts(text: str, units: list[Span], headings: bool = True) -> UnitTexts:
    """`headings=False` skips segmenting the clauses (a few ms a contract) for a model that reads none."""
    texts = [text[u.start:u.end] for u in units]
    return UnitTexts(texts, clause_headings(text, units) if headings else [""] * len(units))


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


Vectorizer: TypeAlias = CountVectorizer | TfidfVectorizer


def _vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None, **kwargs) -> Vectorizer:
    if cfg.binary:
        return CountVectorizer(binary=True, dtype=np.float32, vocabulary=vocabulary, **kwargs)
    return TfidfVectorizer(sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary, **kwargs)


def _word_vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None) -> Vectorizer:
    return _vectorizer(cfg, vocabulary, ngram_range=(1, 2), min_df=cfg.word_min_df,
                       max_features=cfg.word_max_features, token_pattern=_TOKEN)


def _char_vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None) -> Vectorizer:
    return _vectorizer(cfg, vocabulary, analyzer="char_wb", ngram_range=(cfg.char_ngram_min, cfg.char_ngram_max),
                       min_df=cfg.char_min_df, max_features=cfg.char_max_features)


def _heading_vectorizer(cfg: FeatureConfig, vocabulary: dict[str, int] | None = None) -> Vectorizer:
    return _vectorizer(cfg, vocabulary, ngram_range=(1, 2), min_df=2, max_features=cfg.heading_max_features,
                       token_pattern=_TOKEN)


_FACTORIES = {"word": _word_vectorizer, "char": _char_vectorizer, "heading": _heading_vectorizer}
_COUNT_PARAMS = frozenset(CountVectorizer().get_params())


def _fit_block(name: str, config: FeatureConfig, texts: list[str]) -> tuple[Vectorizer, sp.csr_matrix]:
    """The block's vectorizer and its matrix on `texts`, keeping the `max_features` most frequent terms.

    sklearn keeps them too, but breaks ties at the cut with numpy's default (unstable) argsort, whose
    order depends on the CPU's vector instructions: the same data gave 1,619 different word features on
    an AVX2 and an AVX-512 machine, and so a different artifact. Here ties go to the term that sorts
    first, so the vocabulary depends on the data alone."""
    template = _FACTORIES[name](config)
    params = {k: v for k, v in template.get_params().items() if k in _COUNT_PARAMS}
    # sklearn ranks by the summed counts of the matrix it fits: presence for binary features, counts for TF-IDF
    counter = CountVectorizer(**(params | {"max_features": None, "binary": config.binary}))
    counts = counter.fit_transform(texts)
    keep = np.arange(counts.shape[1])  # columns are in term order
    if template.max_features is not None and counts.shape[1] > template.max_features:
        frequency = np.asarray(counts.sum(axis=0, dtype=np.float64)).ravel()
        keep = np.sort(np.argsort(-frequency, kind="stable")[:template.max_features])
    terms = sorted(counter.vocabulary_, key=counter.vocabulary_.__getitem__)
    vectorizer = _FACTORIES[name](config, vocabulary={terms[j]: i for i, j in enumerate(keep)})
    if config.binary:
        return vectorizer, counts[:, keep]
    return vectorizer, vectorizer.fit_transform(texts)  # TF-IDF learns its idf on the kept terms


def _mean_row_norm(matrix: sp.csr_matrix) -> float:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float64).ravel())
    norms = norms[norms > 0]
    return float(norms.mean()) if norms.size else 1.0


class Featurizer:
    def __init__(self, config: FeatureConfig, vectorizers: dict[str, Vectorizer], scales: dict[str, float]) -> None:
        self.config = config
        self.vectorizers = vectorizers
        # binary blocks are divided by these so each has mean row norm 1 on the training units (TF-IDF
        # rows already have norm 1)
        self.scales = scales
        self.weights = {"word": 1.0, "char": config.char_weight, "heading": config.heading_weight}
        # binary blocks are read by the faster equivalents of their vectorizers
        self.presence = {name: presence_for(v, _vocabulary(v)) for name, v in vectorizers.items()} if config.binary else {}

    @classmethod
    def fit(cls, config: FeatureConfig, docs: list[UnitTexts]) -> Featurizer:
        texts = [t for d in docs for t in d.texts]
        inputs = {"word": texts}
        if config.char_max_features:
            inputs["char"] = texts
        if config.heading_max_features:
            inputs["heading"] = sorted({h for d in docs for h in d.headings if h})
        vectorizers, scales = {}, {}
        for name, fit_on in inputs.items():
            vectorizer, matrix = _fit_block(name, config, fit_on)
            vectorizers[name] = vectorizer
            scales[name] = _mean_row_norm(matrix) if config.binary else 1.0
        return cls(config, vectorizers, scales)

    @property
    def reads_headings(self) -> bool:
        return "heading" in self.vectorizers

    def vocabulary(self, name: str) -> dict[str, int]:
        """Term -> column within the block."""
        return _vocabulary(self.vectorizers[name])

    @property
    def n_features(self) -> int:
        n = sum(len(_vocabulary(v)) for v in self.vectorizers.values())
        if self.config.context_weight:
            n += 2 * len(_vocabulary(self.vectorizers["word"]))
        return n

    def _block(self, name: str, texts: list[str]) -> sp.csr_matrix:
        matrix = self.presence[name](texts) if name in self.presence else self.vectorizers[name].transform(texts)
        factor = self.weights[name] / self.scales[name]
        return matrix * np.float32(factor) if factor != 1.0 else matrix

    def transform(self, doc: UnitTexts) -> sp.csr_matrix:
        if not doc.texts:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        # a unit's word and character features depend on its text alone: a text met again (a list of
        # numbered "Item" lines, a repeated signature block) is read once and its row copied
        distinct, rows = _distinct(doc.texts)
        blocks = [_take(self._block(name, distinct), rows) for name in ("word", "char") if name in self.vectorizers]
        words = blocks[0]
        if "heading" in self.vectorizers:
            # a contract has a few dozen distinct heading chains for hundreds of units
            distinct, rows = _distinct(doc.headings)
            blocks.append(_take(self._block("heading", distinct), rows))
        if self.config.context_weight:
            blocks += [_shift(words, 1) * self.config.context_weight, _shift(words, -1) * self.config.context_weight]
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def state(self) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
        """Vocabularies (terms in column order) and idf vectors or block scales, for the artifact."""
        vocab, arrays = {}, {}
        for name, vec in self.vectorizers.items():
            terms = [""] * len(_vocabulary(vec))
            for term, index in _vocabulary(vec).items():
                terms[index] = term
            vocab[name] = terms
            if self.config.binary:
                arrays[f"scale_{name}"] = np.array([self.scales[name]], dtype=np.float64)
            else:
                arrays[f"idf_{name}"] = vec.idf_.astype(np.float64)
        return vocab, arrays

    @classmethod
    def from_state(cls, config: FeatureConfig, vocab: dict[str, list[str]], arrays: dict[str, np.ndarray]) -> Featurizer:
        vectorizers, scales = {}, {}
        for name, terms in vocab.items():
            vec = _FACTORIES[name](config, vocabulary={t: i for i, t in enumerate(terms)})
            if config.binary:
                scales[name] = float(arrays[f"scale_{name}"][0])
            else:
                vec.idf_ = arrays[f"idf_{name}"]
                scales[name] = 1.0
            vectorizers[name] = vec
        return cls(config, vectorizers, scales)


def _vocabulary(vec: Vectorizer) -> dict[str, int]:
    """Vectorizers are built on a fixed vocabulary (`_fit_block`, `Featurizer.from_state`): sklearn copies
    it to `vocabulary_` on their first fit or transform, until then it is `vocabulary`."""
    return getattr(vec, "vocabulary_", None) or vec.vocabulary


def _distinct(texts: list[str]) -> tuple[list[str], np.ndarray | None]:
    """Each text once, in first-seen order, and which of those each of `texts` is (None: all distinct)."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) == len(texts):
        return distinct, None
    row_of = {t: i for i, t in enumerate(distinct)}
    return distinct, np.fromiter(map(row_of.__getitem__, texts), dtype=np.intp, count=len(texts))


def _take(block: sp.csr_matrix, rows: np.ndarray | None) -> sp.csr_matrix:
    """The distinct texts' rows back in the order of the texts `_distinct` was given."""
    return block if rows is None else block[rows]


def _shift(matrix: sp.csr_matrix, by: int) -> sp.csr_matrix:
    """Row i of the result is row i - by of `matrix` (zeros where that is outside): the previous
    (by=1) or next (by=-1) unit's features."""
    n = matrix.shape[0]
    rows = np.arange(n) - by
    keep = (rows >= 0) & (rows < n)
    selector = sp.csr_matrix((np.ones(keep.sum(), dtype=np.float32), (np.nonzero(keep)[0], rows[keep])), shape=(n, n))
    return selector @ matrix
