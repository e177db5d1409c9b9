"""The sha256 of a file, read in blocks so that a multi-gigabyte model or a large contract never sits in
memory whole: the one implementation for batch journals, model manifests and anything else that pins
a file by its bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex sha256 of the file's bytes (the same digest as hashlib.sha256(path.read_bytes()))."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
