"""difflib's SequenceMatcher with the same answers, found faster where difflib's scan would be long.

Both redlines align sequences full of repeats: the Word redline aligns paragraphs (thousands of empty ones in a
draft written a paragraph per line), the text redline aligns word tokens (every other one a space, "the" and
"of" everywhere). difflib visits every pair of equal elements in each `find_longest_match`, so a long divergent
pair costs millions of steps per call, and the call repeats on every stretch between the blocks it finds.
Nothing a lawyer sees may change, so the matcher returns difflib's own matches, opcodes and all."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from difflib import Match, SequenceMatcher

_HASH_MOD = (1 << 61) - 1  # a Mersenne prime: window hashes of code sequences, verified before they are trusted
_HASH_BASE = 1_000_003
_SCAN_PER_ELEMENT = 16  # difflib's own scan while it visits at most this many equal pairs per element of a stretch


class BlockMatcher(SequenceMatcher[Hashable]):
    """difflib's SequenceMatcher (no junk, autojunk off) with the same matching blocks, found faster.

    `find_longest_match`'s answer is defined without difflib's scan (the longest common run, then the smallest
    index in `a`, then the smallest in `b`), so where the scan would be long this finds the same run by window
    hashes instead: the longest length by galloping and bisection, each try one pass over both sides, every
    hash hit compared element by element before it counts."""

    def __init__(self, a: Sequence[Hashable], b: Sequence[Hashable]) -> None:
        super().__init__(None, a, b, autojunk=False)
        codes: dict[Hashable, int] = {}
        self._codes = ([codes.setdefault(x, len(codes) + 1) for x in a], [codes.setdefault(x, len(codes) + 1) for x in b])
        counts: dict[int, int] = {}
        for code in self._codes[1]:
            counts[code] = counts.get(code, 0) + 1
        # scan[i]: the equal pairs difflib's scan visits for a[:i] (an upper bound within a stretch)
        self._scan = [0]
        for code in self._codes[0]:
            self._scan.append(self._scan[-1] + counts.get(code, 0))
        self._hashes: tuple[list[int], list[int]] | None = None
        self._powers = [1]

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> Match:
        ahi = len(self._codes[0]) if ahi is None else ahi
        bhi = len(self._codes[1]) if bhi is None else bhi
        if self._scan[ahi] - self._scan[alo] <= _SCAN_PER_ELEMENT * (ahi - alo + bhi - blo):
            return super().find_longest_match(alo, ahi, blo, bhi)
        best = (alo, blo, 0)
        lo, hi = 0, min(ahi - alo, bhi - blo) + 1  # a common run of length lo exists, none of length hi
        k = 1
        while k < hi:  # gallop: 1, 2, 4, ... until a length has no common run
            found = self._first_common(k, alo, ahi, blo, bhi)
            if found is None:
                hi = k
                break
            lo, best = k, (*found, k)
            k *= 2
        while hi - lo > 1:
            k = (lo + hi) // 2
            found = self._first_common(k, alo, ahi, blo, bhi)
            if found is None:
                hi = k
            else:
                lo, best = k, (*found, k)
        return Match(*best)

    def _first_common(self, k: int, alo: int, ahi: int, blo: int, bhi: int) -> tuple[int, int] | None:
        """The smallest i, then smallest j, with a[i:i+k] == b[j:j+k] inside the ranges; None if none."""
        if self._hashes is None:
            self._hashes = (self._prefix_hashes(self._codes[0]), self._prefix_hashes(self._codes[1]))
        while len(self._powers) <= k:
            self._powers.append(self._powers[-1] * _HASH_BASE % _HASH_MOD)
        (ha, hb), (a, b), power = self._hashes, self._codes, self._powers[k]
        # each window's hash -> its smallest start (assigned from the right, so the smallest is kept)
        first = {(hb[j + k] - hb[j] * power) % _HASH_MOD: j for j in range(bhi - k, blo - 1, -1)}
        for i in range(alo, ahi - k + 1):
            j = first.get((ha[i + k] - ha[i] * power) % _HASH_MOD)
            if j is None:
                continue
            window = a[i:i + k]
            if b[j:j + k] == window:
                return i, j
            # a hash collision: the window may still occur later in b
            match = next((other for other in range(blo, bhi - k + 1) if b[other:other + k] == window), None)
            if match is not None:
                return i, match
        return None

    @staticmethod
    def _prefix_hashes(codes: list[int]) -> list[int]:
        out = [0]
        for code in codes:
            out.append((out[-1] * _HASH_BASE + code) % _HASH_MOD)
        return out
