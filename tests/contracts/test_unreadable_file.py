"""A file the operating system will not let lexrisk read (no permission, an I/O error) is the file's fault:
`lexrisk analyze` refuses it with one line and exit 2, as docs/cli.md says, where it used to report a crash
(exit 1) because `read_file` let the PermissionError through. As root `chmod 000` does not stop a read, so
the tests make the read itself fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.errors import IngestError
from contracts.ingest import read_file
from lexrisk.cli import main
from tests.conftest import SAMPLE_TXT

pytestmark = pytest.mark.usefixtures("fresh_settings")


@pytest.fixture
def locked(tmp_path: Path, monkeypatch) -> Path:
    """A contract whose bytes cannot be read: Path.read_bytes raises PermissionError for it alone."""
    path = tmp_path / "locked.txt"
    path.write_text("This Agreement is made between A and B.", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return path


def test_read_file_refuses_a_file_it_may_not_read(locked: Path) -> None:
    with pytest.raises(IngestError) as info:
        read_file(locked, 10_000)
    assert str(info.value) == f"{locked}: cannot be read (Permission denied)"
    assert info.value.code == "unreadable_file"


def test_analyze_refuses_it_with_one_line_and_exit_2(locked: Path, capsys) -> None:
    assert main(["analyze", str(locked), str(SAMPLE_TXT), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert [p["document"]["name"] for p in json.loads(captured.out)] == [SAMPLE_TXT.name]
    lines = [line for line in captured.err.splitlines() if line.startswith("lexrisk: ")]
    assert lines == [f"lexrisk: error: {locked}: cannot be read (Permission denied)"], captured.err
    assert "crash" not in captured.err and "Traceback" not in captured.err
