"""CUAD's contract-level train/dev split, in one place: the baseline's training, `lexrisk eval run --split`
and `lexrisk annotate import-cuad --split` draw the same contracts, so a model trained on the train side
and scored on dev is scored on contracts it never saw."""

from __future__ import annotations

import hashlib

DEV_PERCENT = 20
SPLITS = ("train", "dev")


def is_dev(name: str) -> bool:
    """True for the ~20% of CUAD text files in dev: a hash of the text file's name, stable and independent
    of which other contracts are in the folder."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % 100 < DEV_PERCENT


def in_split(name: str, split: str) -> bool:
    """Whether the CUAD text file `name` is on the `split` side ("train" or "dev")."""
    if split not in SPLITS:
        raise ValueError(f"unknown CUAD split {split!r}: use one of {', '.join(SPLITS)}")
    return is_dev(name) == (split == "dev")
