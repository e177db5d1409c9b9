"""A command that only reads the store, or changes only what is already in it, refuses a SQLite file that is not
there: opening it created an empty store, so a mistyped `--db` (or LEXRISK_DATABASE_URL) left a new file behind
and the command answered as if the store were empty. The commands meant to create the store still do."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from lexrisk.cli import build_parser, main
from tests.conftest import REPO

pytestmark = pytest.mark.usefixtures("fresh_settings")

# {db}: the mistyped store's URL, given with --db where the command has it, else as LEXRISK_DATABASE_URL
WITH_DB_OPTION = [
    ["tenants", "--db", "{db}", "list"],
    ["tenants", "--db", "{db}", "set", "acme", "--share-labels", "on"],
    ["annotate", "--db", "{db}", "stats"],
    ["annotate", "--db", "{db}", "agreement"],
    ["annotate", "--db", "{db}", "adjudicate"],
    ["annotate", "--db", "{db}", "reextract"],
    ["annotate", "--db", "{db}", "export-labelstudio", "--out", "{tmp}/tasks.json"],
    # refused before the run's findings are read and the judge is asked anything
    ["eval", "judge", "{tmp}/run", "--endpoint", "http://127.0.0.1:9/v1", "--model", "gemma", "--calibrate",
     "--db", "{db}"],
    ["eval", "run", "--analyzer", "baseline", "--data", "store:dev", "--set", "database_url={db}",
     "--out", "{tmp}/run"],
]
FROM_THE_SETTING = [["keys", "list"], ["keys", "revoke", "lxk_abc"], ["models", "list"], ["models", "promote", "x"],
                    ["models", "rollback"]]


def _argv(argv: list[str], db: str, tmp_path: Path) -> list[str]:
    return [arg.format(db=db, tmp=tmp_path) for arg in argv]


def _refused(argv: list[str], missing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"lexrisk: error: no database at {missing}: this command works on an existing store and does "
                   "not create one (is the path right?)")
    assert not missing.exists() and not list(missing.parent.glob(f"{missing.name}*"))  # nor its -wal, -shm


@pytest.mark.parametrize("argv", WITH_DB_OPTION, ids=" ".join)
def test_a_missing_sqlite_file_named_by_the_command_is_refused(argv, tmp_path, capsys):
    missing = tmp_path / "typo.db"
    _refused(_argv(argv, f"sqlite:///{missing}", tmp_path), missing, capsys)


@pytest.mark.parametrize("argv", FROM_THE_SETTING, ids=" ".join)
def test_a_missing_sqlite_file_named_by_the_setting_is_refused(argv, tmp_path, monkeypatch, capsys):
    missing = tmp_path / "typo.db"
    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{missing}")
    _refused(argv, missing, capsys)


def test_a_relative_path_is_named_as_the_file_it_would_be(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _refused(["annotate", "--db", "sqlite:///typo.db", "stats"], tmp_path / "typo.db", capsys)


def test_the_same_commands_read_a_store_that_is_there(tmp_path, monkeypatch, capsys):
    """An existing store, even an empty file SQLite has not written yet, is opened and read as before."""
    store = tmp_path / "store.db"
    store.touch()
    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{store}")
    assert main(["keys", "list"]) == 0
    assert main(["tenants", "--db", f"sqlite:///{store}", "list", "--json"]) == 0
    assert '"name": "public"' in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["annotate", "--db", "{db}", "migrate"], ["keys", "create", "--tenant", "acme"]],
                         ids=" ".join)
def test_the_commands_that_make_the_store_still_make_it(argv, tmp_path, monkeypatch):
    made = tmp_path / "new" / "store.db"
    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{made}")
    assert main(_argv(argv, f"sqlite:///{made}", tmp_path)) == 0
    assert made.is_file()


def _command(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    """The sub-command `argv` runs ("keys list")."""
    words: list[str] = []
    for word in argv:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        if sub is not None and word in sub.choices:
            words.append(word)
            parser = sub.choices[word]
    return " ".join(words)


def _marked(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    found = {prefix} if parser.get_default("store_must_exist") else set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _marked(sub, f"{prefix} {name}".strip())
    return found


def test_every_command_that_refuses_a_missing_store_is_tested_here_and_documented():
    """The marks sit beside each command: a command marked (or unmarked) later shows up here."""
    parser = build_parser()
    marked = _marked(parser)
    assert marked == {_command(parser, argv) for argv in WITH_DB_OPTION + FROM_THE_SETTING}
    doc = (REPO / "docs" / "cli.md").read_text("utf-8")
    assert all(f"`{name}`" in doc for name in marked), "docs/cli.md names the commands that refuse a missing store"
