"""`--db` is spelled and resolved one way by every command that takes it."""

from __future__ import annotations

import argparse

import pytest

from lexrisk.commands.args import add_db_command_group, add_subcommand, database_url


def _parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="lexrisk")
    group = add_db_command_group(root.add_subparsers(dest="command"), "things", help="h", description="d",
                                 dest="things_command", metavar="ACTION")
    add_subcommand(group, "list", lambda args: 0, help="list", description="List them.")
    return root


def test_db_comes_from_the_flag_else_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from contracts.settings import clear_settings

    monkeypatch.setenv("LEXRISK_DATABASE_URL", "sqlite:///from-setting.db")
    clear_settings()
    try:
        flagged = _parser().parse_args(["things", "--db", "sqlite:///flag.db", "list"])
        assert database_url(flagged) == "sqlite:///flag.db" and flagged.handler(flagged) == 0
        assert database_url(_parser().parse_args(["things", "list"])) == "sqlite:///from-setting.db"
    finally:
        clear_settings()


def test_the_group_needs_a_sub_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        _parser().parse_args(["things"])
    assert exc.value.code == 2 and "ACTION" in capsys.readouterr().err
