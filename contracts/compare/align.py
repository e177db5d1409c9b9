"""Clause alignment: which template clause is which contract clause, whatever their order, numbering
or wording.

Each pair of clauses gets a score mixing lexical similarity (TF-IDF cosine over words and word pairs),
heading agreement, CUAD category agreement (from the analyzer, passed in as data), relative position
and clause number; `scipy.optimize.linear_sum_assignment` then picks the one-to-one assignment with the
highest total score, and pairs scoring under a threshold are left unmatched. With the `embed` extra the
score can also hold the cosine of the two clauses' MiniLM sentence embeddings (`contracts.embeddings`),
which re-ranks the pairs that share enough words by meaning (MIN_LEXICAL still gates); whether it is on
by default is decided by benchmarks/compare_accuracy.py (see EMBEDDINGS_BY_DEFAULT). A clause that the other
side split in two (or two that it merged) is recovered afterwards by testing whether joining a matched
clause with its unmatched neighbour brings the pair closer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import TfidfVectorizer

from contracts.compare.models import EmbeddingUse
from contracts.compare.pieces import comparison_clauses
from contracts.documents import Document


@dataclass(frozen=True)
class Weights:
    """Weights of the alignment score; lexical similarity dominates, the rest break ties between near
    twins (the same boilerplate under two headings, a renumbered clause among look-alikes)."""

    lexical: float = 0.72
    heading: float = 0.10
    category: float = 0.06
    position: float = 0.08
    number: float = 0.04
    embedding: float = 0.0  # cosine of MiniLM embeddings; used only when embeddings are on


DEFAULT_WEIGHTS = Weights()
LEXICAL_ONLY = Weights(lexical=1.0, heading=0.0, category=0.0, position=0.0, number=0.0)
# Embedding weight chosen by `benchmarks/compare_accuracy.py` on its fitting pairs (a seed of its own,
# never the reported pairs): the grid moves weight from the lexical term to the embedding term; the
# chosen value and the whole grid are in eval/results/compare_accuracy.json ("embedding_weight_fit").
EMBEDDING_SHARE = 0.12
EMBEDDING_WEIGHTS = replace(DEFAULT_WEIGHTS, lexical=DEFAULT_WEIGHTS.lexical - EMBEDDING_SHARE,
                            embedding=EMBEDDING_SHARE)
# `embeddings=None` (auto) means on only if this is true and the extra is installed; false because the
# benchmark finds them no better than the lexical aligner on its pairs, and about 20 times slower
EMBEDDINGS_BY_DEFAULT = False
MAX_EMBEDDED = 300  # clauses embedded per comparison at most (bounds time: each is up to 256 tokens through
# the model on the CPU); past it the alignment is lexical and says "too_many_clauses"
Embedder = Callable[[Sequence[str]], np.ndarray]
MIN_SCORE = 0.30  # below this a pair is no pair: the clause is missing (or extra)
MIN_LEXICAL = 0.12  # and a pair must share some words, whatever its heading and position say
MAX_CELLS = 6_000_000  # clause pairs scored at most (about 2,450 clauses a side; ~25 MB per matrix)
SHORT_PIECE = 400  # characters: a piece this short may join a neighbour's pair by being contained in it
LEADING_NUMBER = re.compile(r"^\s*(?:(?:ARTICLE|Article|SECTION|Section|§)\s*[\dIVXLC]+(?:\.\d+)*[A-Za-z]?\.?"
                             r"|\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\([a-zA-Z]{1,6}\))\s*[-:.–—]?\s*")


@dataclass
class Unit:
    """A clause of one side: its span (trimmed of surrounding whitespace) and what alignment uses."""

    start: int
    end: int
    number: str | None
    heading: str | None
    text: str
    key: str  # text without its number, whitespace collapsed: equal keys mean "matched"
    categories: frozenset[str] = frozenset()


@dataclass
class Match:
    template: list[int]  # unit indices, contiguous
    contract: list[int]
    score: float


@dataclass
class Alignment:
    template_units: list[Unit]
    contract_units: list[Unit]
    matches: list[Match] = field(default_factory=list)
    embeddings: EmbeddingUse = "off"  # whether sentence embeddings took part, or why not

    @property
    def confidence(self) -> float:
        """Share of the template's text that found a counterpart, weighted by pair score."""
        total = sum(len(u.key) for u in self.template_units) or 1
        covered = sum(m.score * sum(len(self.template_units[i].key) for i in m.template) for m in self.matches)
        return min(covered / total, 1.0)


def clause_key(text: str) -> str:
    return " ".join(LEADING_NUMBER.sub("", text, count=1).split())


def units_of(document: Document, spans: Iterable[tuple[int, int, str]] = ()) -> list[Unit]:
    """The document's clauses (contracts.segment's, with tables and the execution block apart:
    contracts.compare.pieces), each tagged with the categories of the spans that overlap it — (start, end,
    category) triples, e.g. an analyzer's findings."""
    text = document.text
    tagged = sorted(spans)
    units: list[Unit] = []
    for clause in comparison_clauses(text):
        start, end = clause.start, clause.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        body = text[start:end]
        cats = frozenset(c for s, e, c in tagged if s < end and e > start and _overlap(s, e, start, end) > 0.3)
        units.append(Unit(start, end, clause.number, clause.heading, body, clause_key(body), cats))
    return units


def _overlap(s: int, e: int, start: int, end: int) -> float:
    """Share of the finding's span inside the clause."""
    return (min(e, end) - max(s, start)) / max(e - s, 1)


def _fold(text: str | None) -> str:
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


def score_matrix(template: Sequence[Unit], contract: Sequence[Unit], weights: Weights = DEFAULT_WEIGHTS,
                 embedder: Embedder | None = None) -> np.ndarray:
    """Alignment scores, template clauses x contract clauses, all features computed as whole matrices;
    the embedding term only when an `embedder` (texts -> unit vectors) is given."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b",
                                 lowercase=True, dtype=np.float32)
    matrix = vectorizer.fit_transform([u.key for u in template] + [u.key for u in contract])
    n, m = len(template), len(contract)
    lexical = (matrix[:n] @ matrix[n:].T).toarray()
    pos_t = (np.arange(n, dtype=np.float32) + 0.5) / max(n, 1)
    pos_c = (np.arange(m, dtype=np.float32) + 0.5) / max(m, 1)
    position = 1.0 - np.abs(pos_t[:, None] - pos_c[None, :])
    t_heads = [_fold(u.heading) for u in template]
    c_heads = [_fold(u.heading) for u in contract]
    heading = cdist(t_heads, c_heads, scorer=fuzz.ratio, dtype=np.float32, workers=1) / 200  # half for near
    heading[_codes(t_heads)[:, None] == _codes(c_heads, t_heads)[None, :]] = 1.0
    heading[[not h for h in t_heads], :] = 0.0
    heading[:, [not h for h in c_heads]] = 0.0
    t_numbers = [u.number or "" for u in template]
    c_numbers = [u.number or "" for u in contract]
    number = (_codes(t_numbers)[:, None] == _codes(c_numbers, t_numbers)[None, :]).astype(np.float32)
    number[[not x for x in t_numbers], :] = 0.0
    names = sorted({c for u in [*template, *contract] for c in u.categories})
    t_cat = np.array([[c in u.categories for c in names] for u in template], dtype=np.float32).reshape(n, len(names))
    c_cat = np.array([[c in u.categories for c in names] for u in contract], dtype=np.float32).reshape(m, len(names))
    both = np.outer(t_cat.any(axis=1), c_cat.any(axis=1))
    category = np.where(both, ((t_cat @ c_cat.T) > 0).astype(np.float32), np.float32(0.5))
    keys_t = [u.key for u in template]
    exact = _codes(keys_t)[:, None] == _codes([u.key for u in contract], keys_t)[None, :]
    score = (weights.lexical * lexical + weights.heading * heading + weights.category * category
             + weights.position * position + weights.number * number)
    if embedder is not None:  # it re-ranks the lexically plausible pairs; MIN_LEXICAL still gates
        score += weights.embedding * _semantic(template, contract, exact, lexical, embedder)
    score[lexical < MIN_LEXICAL] = 0.0
    return np.where(exact, np.maximum(score, 1.0), np.clip(score, 0.0, 1.0))


def _semantic(template: Sequence[Unit], contract: Sequence[Unit], exact: np.ndarray, lexical: np.ndarray,
              embedder: Embedder) -> np.ndarray:
    """Embedding cosines, computed once per clause in one batch, and only for clauses without an
    identical twin on the other side: a twin settles its clause's pair (exact pairs score at least 1),
    so a twin's row or column keeps the lexical value and most of a long document is never embedded."""
    semantic = lexical.copy()
    rows = np.flatnonzero(~exact.any(axis=1))
    cols = np.flatnonzero(~exact.any(axis=0))
    if rows.size and cols.size:
        vectors = embedder([template[int(i)].key for i in rows] + [contract[int(j)].key for j in cols])
        cosine = vectors[:rows.size] @ vectors[rows.size:].T
        semantic[np.ix_(rows, cols)] = np.clip(cosine, 0.0, 1.0)
    return semantic


def to_embed(template: Sequence[Unit], contract: Sequence[Unit]) -> int:
    """How many clauses `_semantic` would embed: those whose text has no identical twin on the other side."""
    t_keys, c_keys = {u.key for u in template}, {u.key for u in contract}
    return sum(u.key not in c_keys for u in template) + sum(u.key not in t_keys for u in contract)


def _codes(values: Sequence[str], reference: Sequence[str] | None = None) -> np.ndarray:
    """Integer codes for strings, shared with `reference`'s codes so that equal strings get equal codes."""
    table = {v: i for i, v in enumerate(dict.fromkeys(reference if reference is not None else values))}
    return np.array([table.get(v, -1 - k) for k, v in enumerate(values)], dtype=np.int64)


def embeddings_wanted(embeddings: bool | None) -> bool:
    """`embeddings` as asked: True/False, or None for the shipped default (EMBEDDINGS_BY_DEFAULT)."""
    return EMBEDDINGS_BY_DEFAULT if embeddings is None else embeddings


def align(template: list[Unit], contract: list[Unit], weights: Weights | None = None, *,
          embeddings: bool | None = None, embedder: Embedder | None = None) -> Alignment:
    """The one-to-one (then split/merge) alignment; none at all past MAX_CELLS clause pairs, where the
    caller falls back on a full-text redline rather than spend minutes and gigabytes on the matrix.

    `embeddings` (None: the shipped default) adds the MiniLM term when the `embed` extra is installed
    and at most MAX_EMBEDDED clauses need embedding; otherwise the alignment is lexical and its
    `embeddings` field says why. `weights` defaults to EMBEDDING_WEIGHTS or DEFAULT_WEIGHTS to match;
    `embedder` replaces the model (tests, or a benchmark's cache)."""
    alignment = Alignment(template, contract)
    if not template or not contract or len(template) * len(contract) > MAX_CELLS:
        return alignment
    use: Embedder | None = None
    if embeddings_wanted(embeddings):
        if embedder is None and not _extra_installed():
            alignment.embeddings = "unavailable"
        elif to_embed(template, contract) > MAX_EMBEDDED:
            alignment.embeddings = "too_many_clauses"
        else:
            use = embedder or _minilm_embed
            alignment.embeddings = "on"
    if weights is None:
        weights = EMBEDDING_WEIGHTS if use is not None else DEFAULT_WEIGHTS
    elif use is not None and not weights.embedding:
        use, alignment.embeddings = None, "off"  # weights that ignore the term: do not pay for it
    if use is None and weights.embedding:  # the embedding share goes back to the lexical term
        weights = replace(weights, lexical=weights.lexical + weights.embedding, embedding=0.0)
    score = score_matrix(template, contract, weights, use)
    rows, cols = linear_sum_assignment(score, maximize=True)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if score[i, j] >= MIN_SCORE:
            alignment.matches.append(Match([i], [j], float(min(score[i, j], 1.0))))
    _join_neighbours(alignment)
    alignment.matches.sort(key=lambda m: (m.contract[0], m.template[0]))
    return alignment


def _join_neighbours(alignment: Alignment) -> None:
    """Recover splits and merges: an unmatched clause next to a matched one joins that pair when the
    joined text is clearly closer to the other side than the matched clause alone."""
    for side in ("contract", "template"):
        units = alignment.contract_units if side == "contract" else alignment.template_units
        others = alignment.template_units if side == "contract" else alignment.contract_units
        owner = {i: m for m in alignment.matches for i in getattr(m, side)}
        for k in range(len(units)):
            if k in owner:
                continue
            best: tuple[float, Match, list[int]] | None = None
            for neighbour in (k - 1, k + 1):
                match = owner.get(neighbour)
                if match is None:
                    continue
                mine = getattr(match, side)
                joined = sorted([*mine, k])
                if joined[-1] - joined[0] != len(joined) - 1:
                    continue
                other = " ".join(others[i].key for i in getattr(match, "template" if side == "contract" else "contract"))
                alone = fuzz.ratio(other, " ".join(units[i].key for i in mine)) / 100
                together = fuzz.ratio(other, " ".join(units[i].key for i in joined)) / 100
                gain = together - alone
                # a short piece (a heading, a sentence) is recognised by being contained in the other side
                contained = (len(units[k].key) <= SHORT_PIECE and len(units[k].key) < len(other)
                             and fuzz.partial_ratio(units[k].key, other) >= 90 and together >= alone - 0.02)
                if (together >= 0.6 and gain > 0.05) or contained:
                    gain = max(gain, 0.0)
                    if best is None or gain > best[0]:
                        best = (gain, match, joined)
            if best is not None:
                _, match, joined = best
                setattr(match, side, joined)
                match.score = max(match.score, min(1.0, match.score + best[0]))
                owner[k] = match


def _extra_installed() -> bool:
    from contracts.embeddings import available

    return available()


def _minilm_embed(texts: Sequence[str]) -> np.ndarray:
    from contracts.embeddings import embed

    return embed(texts)
