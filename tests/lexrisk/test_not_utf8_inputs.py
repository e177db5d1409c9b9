"""A file a command reads as text that is not UTF-8 (a playbook, a training recipe, CUAD's
master_clauses.csv, an eval run's run.json) is the user's to fix: one line naming the file and saying it is
not UTF-8 text, exit 2, where each used to end in a UnicodeDecodeError traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexrisk.cli import main
from tests.conftest import SAMPLE_TXT

NOT_UTF8 = b"\xff\xfe\x00categories:\xc3"


pytestmark = pytest.mark.usefixtures("fresh_settings")


@pytest.fixture
def junk(tmp_path: Path) -> Path:
    path = tmp_path / "junk.bin"
    path.write_bytes(NOT_UTF8)
    return path


def _one_line(capsys, path: Path) -> str:
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]  # a progress bar's blank line
    assert len(lines) == 1 and lines[0].startswith("lexrisk: error: "), lines
    assert str(path) in lines[0] and "not UTF-8 text" in lines[0], lines
    return lines[0]


def test_playbook(junk: Path, capsys) -> None:
    assert main(["analyze", str(SAMPLE_TXT), "--playbook", str(junk)]) == 2
    _one_line(capsys, junk)


@pytest.mark.parametrize("argv", [["train", "--config", "{junk}"], ["train", "plan", "--config", "{junk}"],
                                  ["train", "prepare", "{junk}"]])
def test_training_recipe(argv: list[str], junk: Path, capsys) -> None:
    assert main([a.format(junk=junk) for a in argv]) == 2
    _one_line(capsys, junk)


def test_a_recipe_file_is_named_once(junk: Path, capsys) -> None:
    """The command prefixed the path to a message that began with it: "X: X: not UTF-8 text"."""
    assert main(["train", "--config", str(junk)]) == 2
    assert _one_line(capsys, junk).count(str(junk)) == 1


def test_cuad_master_clauses(tmp_path: Path, capsys) -> None:
    cuad = tmp_path / "cuad"
    (cuad / "full_contract_txt").mkdir(parents=True)
    master = cuad / "master_clauses.csv"
    master.write_bytes(b"Filename,Parties\n\xff\xfeA.pdf,x\n")
    assert main(["annotate", "--db", f"sqlite:///{tmp_path / 'a.db'}", "import-cuad", str(cuad)]) == 2
    _one_line(capsys, master)


def test_eval_run_json(tmp_path: Path, capsys) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "metrics.json").write_text(json.dumps({"micro": {}, "per_category": {}, "aupr": {}, "ci": {}}),
                                      encoding="utf-8")
    (run / "run.json").write_bytes(NOT_UTF8)
    assert main(["eval", "report", str(run), "--out", str(tmp_path / "report")]) == 2
    _one_line(capsys, run / "run.json")
