"""Parties where the preamble rules name fewer than two: a linear model over each run of capitalised words in
the contract's head and tail (its signature blocks), fit on CUAD's Parties answers of the train contracts
(`lexrisk baseline train-parties`, training/parties_ranker.py).

Why: the rules (parties.py) read names where a preamble sets them out the ways they were written for; they
found 0.915 of CUAD's names on the train contracts they were written on and 0.850 on dev. Where a contract's
opening is of another kind (a letter, a form, definitions first, a cover page), they find one party or none,
and every contract has at least two. There the model's likeliest names fill in, up to two parties; where the
rules found two or more, nothing is added (adding the model's best name to every contract found more of CUAD's
names out of fold but one added name in four was wrong).

A candidate's features are its words, its first and last word, the words just before and after it (a defined
name's `("`, "by and between", "By:"), whether it is in capitals and ends as a company does, whether it is
at the head or the tail, and how often it appears; hashed as the term ranker's are (`ranker.FEATURES`)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from contracts.terms.parties import (
    NAME_TOKEN,
    PartyHit,
    company_word,
    name_of,
    name_span,
    names_document,
    names_role,
    resolved,
    starts_name,
)
from contracts.terms.ranker import FEATURES, SentenceRanker, rows_matrix

ARTIFACT = Path(__file__).resolve().parent.parent / "data" / "party_ranker.npz"
REGION = 5000  # characters of the head, and of the tail, whose names are candidates
MAX_NAME = 200
# how far a candidate's appearances are counted: past the longest CUAD contract (338,211 characters), so that a
# hostile upload of millions of characters costs a bounded time (10 MB took 5 s unbounded)
COUNT_REACH = 400_000
FILL_TO = 2  # a contract has at least two parties
PARTY_FLOOR = 0.1  # the floor of the best out-of-fold figure, the highest of ties (training/parties_ranker.py)
# a filled name's confidence: the out-of-fold share of filled names that name one of CUAD's parties
# (eval/results/parties-ranker.json, the shipped floor's added_right / added, 15 of 29: about half are not parties)
FILLED_CONFIDENCE = 0.52
SAME_NAME = 85  # rapidfuzz ratio of two folded names of one party (the eval's rule)
_WORD = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")
_PARENTHESES = re.compile(r"\([^()]*\)")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")  # a name ends with its paragraph: "THE BANKERS BANK\n\nBy: ____"


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    region: str  # "head" or "tail"
    key: str  # the name folded: lower case, punctuation and parentheses out


def folded(name: str) -> str:
    """`name` as the eval compares party names (eval/term_scores.py folds ours with it): without parentheses,
    case or punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", _PARENTHESES.sub(" ", name).casefold()).split())


def same_name(a: str, b: str) -> bool:
    """Two folded names name one party: nearly the same, or one inside the other ("acme" and "acme inc")."""
    return fuzz.ratio(a, b) >= SAME_NAME or a in b or b in a


def candidates(text: str) -> list[Candidate]:
    """Each run of name words (`parties.name_span`) that starts at a word in the first and last `REGION`
    characters, once per place: "THE BANKERS BANK" after a signature's "Title: President", "Acme Corp." and "Corp."."""
    out: dict[tuple[int, int], Candidate] = {}
    head = min(len(text), REGION)
    for s, e, region in ((0, head, "head"), (max(head, len(text) - REGION), len(text), "tail")):
        previous = None
        for token in NAME_TOKEN.finditer(text, s, e):
            if starts_name(token.group()) and not _inside_name(text, previous, token):
                stop = _PARAGRAPH.search(text, token.start(), min(e, token.start() + MAX_NAME))
                span = name_span(text, token.start(), stop.start() if stop else min(e, token.start() + MAX_NAME))
                if span is not None and span[0] == token.start():
                    key = folded(name_of(text, PartyHit(*span, None)))
                    if len(key) >= 3 and re.search("[a-z]", key):
                        out.setdefault(span, Candidate(*span, region, key))
            previous = token
    return list(out.values())


def _inside_name(text: str, previous: re.Match[str] | None, token: re.Match[str]) -> bool:
    """`token` continues the capitalised words before it on its line ("Corp." of "Acme Corp."), so a candidate
    starting there is part of a longer one; a sentence's or a label's end ("Fees.", "Title:") ends a run."""
    if previous is None or "\n" in text[previous.end():token.start()]:
        return False
    word = previous.group()
    return (word[:1].isupper() and not word.endswith((".", ":"))) or word == ","


def _words(s: str) -> list[str]:
    return ["#" if w[0].isdigit() else w.lower() for w in _WORD.findall(s)]


def candidate_features(text: str, low: str, c: Candidate) -> list[int]:
    """The buckets of `c`'s features (see the module's docstring); `low` is `text.lower()`."""
    name = text[c.start:c.end]
    words = _words(name)
    before, after = _words(text[max(0, c.start - 60):c.start])[-4:], _words(text[c.end:c.end + 60])[:4]
    letters = [ch for ch in name if ch.isalpha()]
    grams = [f"w={w}" for w in words] + [f"first={words[0]}", f"last={words[-1]}", f"n={min(len(words), 8)}",
                                         f"region={c.region}", f"bb={' '.join(before[-2:])}", f"aa={' '.join(after[:2])}"]
    grams += [f"b{i}={w}" for i, w in enumerate(reversed(before))] + [f"a{i}={w}" for i, w in enumerate(after)]
    grams += ["caps" if all(ch.isupper() for ch in letters) else "mixed",
              "suffix" if company_word(name.split()[-1].split(",")[-1]) else "nosuffix",
              f"count={min(low.count(name.lower()[:40], 0, COUNT_REACH), 6)}", f"lines={min(name.count(chr(10)), 2)}",
              "linestart" if c.start == 0 or text[c.start - 1] == "\n" else "inline"]
    return sorted({zlib.crc32(g.encode()) % FEATURES for g in grams})


@lru_cache(maxsize=1)
def party_ranker() -> SentenceRanker:
    """The shipped model (read once per process)."""
    return SentenceRanker.load(ARTIFACT)


def chosen(found: list[Candidate], scores: Sequence[float], keys: list[str], floor: float = PARTY_FLOOR,
           named: Callable[[Candidate], Candidate] = lambda c: c) -> list[Candidate]:
    """The candidates that fill a contract whose rules found the parties of folded names `keys`: the likeliest
    first (at least `floor`), each as `named` names it, each naming no party already found, until there are
    `FILL_TO` parties."""
    keys, out = list(keys), []
    for p, candidate in sorted(zip(scores, found, strict=True), key=lambda t: (-t[0], t[1].start)):
        if len(keys) >= FILL_TO or p < floor:
            break
        c = named(candidate)
        if not any(same_name(c.key, k) for k in keys):
            out.append(c)
            keys.append(c.key)
    return out


def filled(text: str, hits: list[PartyHit], ranker: SentenceRanker | None = None,
           floor: float = PARTY_FLOOR) -> list[PartyHit]:
    """`hits`, and where they are fewer than `FILL_TO`, the candidates `chosen` by the ranker, short names
    read as the companies they stand for (`_defined`); not the document's name ("FRANCHISE AGREEMENT" on its
    cover), which the rules never take for a party either (the ranker is fit on every candidate: training/).
    A bare role the rules read ("between IMNTV and Distributor, as set forth below") gives way to the company
    the ranker would fill in in its place (`replaced`)."""
    roles = [h for h in hits if names_role(folded(name_of(text, h)))]
    if len(hits) >= FILL_TO and not roles:
        return hits
    found = [c for c in candidates(text) if not names_document(c.key)]
    if not found:
        return hits
    low = text.lower()
    scores = list((ranker or party_ranker()).probabilities(rows_matrix(candidate_features(text, low, c) for c in found)))
    hits = replaced(text, hits, roles, found, scores, floor)
    keys = [folded(name_of(text, h)) for h in hits]
    named = [PartyHit(c.start, c.end, None) for c in chosen(found, scores, keys, floor, lambda c: _defined(text, c))]
    return [*hits, *named]


def replaced(text: str, hits: list[PartyHit], roles: list[PartyHit], found: list[Candidate], scores: list[float],
             floor: float) -> list[PartyHit]:
    """`hits` with each bare role in `roles` replaced, in its place, by the name the ranker would fill in without
    it, where that is a company's ("Inc.", "Ltd"): a form's "Distributor" is the "Provider Name: MobileVision
    Communications Ltd." its head sets out, but a template's "Franchisee" stays where the ranker's likeliest
    new name is the role itself (the contract names no company for it)."""
    out = list(hits)
    for role in roles:
        keys = [folded(name_of(text, h)) for h in out if h is not role]
        best = chosen(found, scores, keys, floor, lambda c: _defined(text, c))[:1]
        if best and company_word(name_of(text, PartyHit(best[0].start, best[0].end, None)).split()[-1]):
            out[out.index(role)] = PartyHit(best[0].start, best[0].end, role.short_name)
    return out


def _defined(text: str, c: Candidate) -> Candidate:
    """`c`, or where it is a short name the contract defines ("the Corporation", after "Tribute Pharmaceuticals
    Inc. ("Corporation")"), the company it was defined for: so the ranker adds no party twice, and names a new
    one in full (`parties.resolved`)."""
    hit = resolved(text, PartyHit(c.start, c.end, None))
    if (hit.start, hit.end) == (c.start, c.end):
        return c
    return Candidate(hit.start, hit.end, c.region, folded(name_of(text, hit)))
