"""Docs that cannot drift: every setting and every command is documented."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from lexrisk.cli import build_parser
from lexrisk.settings import Settings
from tests.conftest import REPO, load_script


def _commands(parser: argparse.ArgumentParser, prefix: str = "lexrisk") -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(prefix, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, f"{prefix} {name}")
    return found


def test_every_setting_is_in_the_settings_doc():
    doc = (REPO / "docs" / "settings.md").read_text("utf-8")
    for name, field in Settings.model_fields.items():
        assert f"LEXRISK_{name.upper()}" in doc, f"LEXRISK_{name.upper()} is not documented in docs/settings.md"
        assert field.description, f"setting {name} has no description"


def test_settings_doc_is_the_generated_page():
    module = load_script("gen_settings_doc")
    doc = (REPO / "docs" / "settings.md").read_text("utf-8")
    assert doc == module.render(), "docs/settings.md is stale: run python scripts/gen_settings_doc.py"
    assert "PydanticUndefined" not in doc


def test_every_command_is_in_the_cli_doc():
    doc = (REPO / "docs" / "cli.md").read_text("utf-8")
    for command, _ in _commands(build_parser()):
        assert f"`{command}`" in doc, f"{command} is not documented in docs/cli.md"


def test_every_command_has_help(capsys):
    from lexrisk.cli import main

    for command, parser in _commands(build_parser()):
        argv = [*command.split()[1:], "--help"]
        try:
            main(argv)
        except SystemExit as exc:
            assert exc.code == 0, command
        out = capsys.readouterr().out
        assert "usage: " + command in out, command
        assert parser.description and parser.description.strip(), f"{command} has no description"
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help and choice.help.strip(), f"{command} {choice.dest}: no help line"
            elif not isinstance(action, argparse._HelpAction):
                name = "/".join(action.option_strings) or action.dest
                assert action.help and action.help.strip() and action.help != argparse.SUPPRESS, \
                    f"{command} {name}: no help text"


def test_model_loop_table_is_the_committed_runs() -> None:
    """docs/ml-engineer.md's base-vs-adapter table is written from eval/results/smollm2-loop by the script that ran it."""
    module = load_script("eval_model_loop")
    page = (REPO / "docs" / "ml-engineer.md").read_text("utf-8")
    assert module.block() in page, "docs/ml-engineer.md's model-loop table is stale: python scripts/eval_model_loop.py ..."


def test_comparison_figures_are_the_committed_benchmark() -> None:
    """docs/lawyer.md's comparison paragraph is written from eval/results/compare_accuracy.json by its benchmark."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("compare_accuracy", REPO / "benchmarks" / "compare_accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = json.loads((REPO / "eval" / "results" / "compare_accuracy.json").read_text("utf-8"))
    page = (REPO / "docs" / "lawyer.md").read_text("utf-8")
    assert f"<!-- compare_accuracy:start -->\n{module.readme_figures(results)}<!-- compare_accuracy:end -->" in page, \
        "docs/lawyer.md's comparison figures are stale: python benchmarks/compare_accuracy.py --readme-only"


def test_baseline_table_is_the_committed_runs() -> None:
    """docs/ml-engineer.md's baseline table is written from eval/results/baseline-dev*/metrics.json."""
    module = load_script("gen_baseline_table")
    page = (REPO / "docs" / "ml-engineer.md").read_text("utf-8")
    assert module.block() in page, "docs/ml-engineer.md's baseline table is stale: python scripts/gen_baseline_table.py"


def test_readme_key_terms_table_is_the_committed_run() -> None:
    """README.md's key-terms table is written from eval/results/terms-dev/terms.json by scripts/terms_results.py."""
    module = load_script("terms_results")
    page = (REPO / "README.md").read_text("utf-8")
    assert module.block() in page, "README.md's key-terms table is stale: python scripts/terms_results.py --readme-only"


def test_every_kept_dev_measurement_is_counted(tmp_path: Path) -> None:
    """scripts/terms_results.py counts the earlier dev measurements by their ordinal file names; one past the
    ordinals it knows stops it instead of being left out of the count the README states."""
    module = load_script("terms_results")
    assert len(module.earlier_runs(REPO / "eval" / "results" / "terms-dev")) == len(
        list((REPO / "eval" / "results" / "terms-dev").glob("*-measurement.json")))
    (tmp_path / "first-measurement.json").write_text("{}", encoding="utf-8")
    (tmp_path / "one-hundredth-measurement.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"one-hundredth-measurement\.json"):
        module.earlier_runs(tmp_path)
