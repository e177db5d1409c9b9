"""file_sha256 reads in blocks yet gives the digest of the whole file, across block boundaries."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from contracts.hashing import BLOCK, file_sha256


@pytest.mark.parametrize("size", [0, 1, BLOCK - 1, BLOCK, 2 * BLOCK + 7])
def test_file_sha256_is_the_whole_files_digest(tmp_path: Path, size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
