"""The folders and files a command writes are checked as its command line is read: a file's name given for
a folder (or a folder's for a file) is argparse's one error line and exit 2, before any work, where
`lexrisk analyze --out report.html` used to analyse the contract and then end in mkdir's traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from lexrisk.cli import main
from lexrisk.commands.args import file_to_write, folder_to_write

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contracts" / "master_services_agreement.txt"


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text("kept", encoding="utf-8")
    return path


def test_a_folder_to_write(tmp_path: Path, a_file: Path) -> None:
    assert folder_to_write(str(tmp_path)) == tmp_path
    assert folder_to_write(str(tmp_path / "new" / "deeper")) == tmp_path / "new" / "deeper"
    with pytest.raises(argparse.ArgumentTypeError, match="is a file, not a folder"):
        folder_to_write(str(a_file))
    with pytest.raises(argparse.ArgumentTypeError, match=r"report\.html is a file, not a folder"):
        folder_to_write(str(a_file / "inside"))


def test_a_file_to_write(tmp_path: Path, a_file: Path) -> None:
    assert file_to_write(str(a_file)) == a_file
    assert file_to_write(str(tmp_path / "new" / "out.json")) == tmp_path / "new" / "out.json"
    with pytest.raises(argparse.ArgumentTypeError, match="is a folder, not a file"):
        file_to_write(str(tmp_path))
    with pytest.raises(argparse.ArgumentTypeError, match="is a file, not a folder"):
        file_to_write(str(a_file / "out.json"))


@pytest.mark.parametrize("argv", [
    ["analyze", str(EXAMPLE), "--format", "html", "--out", "{file}"],
    ["compare", str(EXAMPLE), "--template", str(EXAMPLE), "--format", "html", "--out", "{file}"],
    ["eval", "run", "--analyzer", "baseline", "--out", "{file}"],
    ["annotate", "build-dataset", "--out", "{file}"],
    ["annotate", "export-labelstudio", "--out", "{folder}"],
    ["annotate", "export-labelstudio", "--out", "{folder}/tasks.json", "--config", "{folder}"],
    ["batch", "submit", str(EXAMPLE), "--json", "{folder}"],
])
def test_a_command_given_the_wrong_kind_of_path_stops_on_one_line(
        argv: list[str], tmp_path: Path, a_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.format(file=a_file, folder=tmp_path) for a in argv]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert "is a file, not a folder" in last or "is a folder, not a file" in last
    assert a_file.read_text(encoding="utf-8") == "kept"
