"""Numbers, dates and lists of names on the command line are checked as it is read: a value the command
cannot use is argparse's one error line and exit 2, before any work. Each case here used to be taken
silently (`--limit -1` imported all but the last contract), or to fail after the work or with a traceback
(`--expires-in-days nan`, `--bootstrap 0` after the whole evaluation, `--today 9999-12-31`)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from contracts.settings import clear_settings
from lexrisk.cli import main
from lexrisk.commands.args import lines_of_file, real_number, whole_number


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{tmp_path / 'lexrisk.db'}")
    clear_settings()
    yield
    clear_settings()


def _refused(argv: list[str], capsys) -> str:
    """The command line is refused by argparse (exit 2); its error line."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_whole_number() -> None:
    assert whole_number(1)("3") == 3
    for text, message in [("0", "must be at least 1, not 0"), ("-1", "must be at least 1, not -1"),
                          ("1.5", "'1.5' is not a whole number"), ("", "'' is not a whole number")]:
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            whole_number(1)(text)


def test_real_number() -> None:
    share = real_number(minimum=0, below=1)
    assert share("0") == 0 and share("0.5") == 0.5
    for text, message in [("1", "must be less than 1, not 1"), ("-0.1", "must be at least 0, not -0.1"),
                          ("nan", "'nan' is not a finite number"), ("-inf", "'-inf' is not a finite number"),
                          ("x", "'x' is not a number")]:
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            share(text)
    days = real_number(above=0, maximum=10, maximum_is="ten days")
    with pytest.raises(argparse.ArgumentTypeError, match=r"must be at most 10 \(ten days\), not 1e9"):
        days("1e9")


def test_lines_of_file(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("a.txt\nb.txt\n", encoding="utf-8")
    assert lines_of_file(str(names)) == ["a.txt", "b.txt"]
    with pytest.raises(argparse.ArgumentTypeError, match=r"cannot read /nonexistent/names\.txt"):
        lines_of_file("/nonexistent/names.txt")
    names.write_bytes(b"\xff\xfe")
    with pytest.raises(argparse.ArgumentTypeError, match="is not UTF-8 text"):
        lines_of_file(str(names))


@pytest.mark.parametrize(("days", "message"), [
    ("nan", "'nan' is not a finite number"),
    ("inf", "'inf' is not a finite number"),
    ("1e9", "must be at most 36525 (100 years), not 1e9"),
    ("3e6", "must be at most 36525 (100 years), not 3e6"),
    ("0", "must be more than 0, not 0"),
    ("-1", "must be more than 0, not -1"),
])
def test_key_expiry(days: str, message: str, capsys) -> None:
    line = _refused(["keys", "create", "--tenant", "acme", "--expires-in-days", days], capsys)
    assert line == f"lexrisk keys create: error: argument --expires-in-days: {message}"


def test_a_key_may_last_100_years(capsys) -> None:
    assert main(["keys", "create", "--tenant", "acme", "--expires-in-days", "36525"]) == 0
    assert "expires 21" in capsys.readouterr().err


@pytest.mark.parametrize(("today", "message"), [
    ("", "argument --today: '' is not a date (YYYY-MM-DD)"),
    ("2027-13-01", "argument --today: '2027-13-01' is not a date (YYYY-MM-DD)"),
])
def test_notices_today_that_is_no_date(today: str, message: str, capsys) -> None:
    assert _refused(["notices", "--today", today], capsys).endswith(message)


def test_notices_today_too_late_to_count_from(capsys) -> None:
    assert main(["notices", "--today", "9999-12-31"]) == 2
    err = capsys.readouterr().err
    assert err == "lexrisk: error: --today 9999-12-31: 30 days later is past the last date there is (9999-12-31)\n"


@pytest.mark.parametrize("count", ["0", "-3"])
def test_eval_bootstrap(count: str, tmp_path: Path, capsys) -> None:
    argv = ["eval", "run", "--analyzer", "baseline", "--data", str(tmp_path), "--out", str(tmp_path / "run"),
            "--bootstrap", count]
    assert _refused(argv, capsys).endswith(f"argument --bootstrap: must be at least 1, not {count}")


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_import_cuad_limit(limit: str, tmp_path: Path, capsys) -> None:
    argv = ["annotate", "import-cuad", str(tmp_path), "--limit", limit]
    assert _refused(argv, capsys).endswith(f"argument --limit: must be at least 1, not {limit}")


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--dev", "-0.1", "must be at least 0, not -0.1"),
    ("--dev", "nan", "'nan' is not a finite number"),
    ("--test", "1", "must be less than 1, not 1"),
    ("--negatives", "1.5", "must be at most 1, not 1.5"),
])
def test_build_dataset_shares(option: str, value: str, message: str, tmp_path: Path, capsys) -> None:
    argv = ["annotate", "build-dataset", "--tokenizer", str(tmp_path), "--max-length", "4096",
            "--out", str(tmp_path / "ds"), option, value]
    assert _refused(argv, capsys).endswith(f"argument {option}: {message}")


def test_build_dataset_leaves_contracts_for_training(tmp_path: Path, capsys) -> None:
    argv = ["annotate", "build-dataset", "--tokenizer", str(tmp_path), "--max-length", "4096",
            "--out", str(tmp_path / "ds"), "--dev", "0.9", "--test", "0.9"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()  # less the progress bar's blank line
    assert err == ("lexrisk: error: --dev 0.9 and --test 0.9 must each be at least 0 and together less than 1, "
                   "or no contract is left for training")


@pytest.mark.parametrize(("argv", "message"), [
    (["baseline", "train", "--limit", "0"], "argument --limit: must be at least 1, not 0"),
    (["baseline", "train", "--limit", "-1"], "argument --limit: must be at least 1, not -1"),
    (["baseline", "train-encoder", "--out", "{tmp}/m", "--epochs", "0"], "argument --epochs: must be at least 1, not 0"),
    (["baseline", "train-encoder", "--out", "{tmp}/m", "--max-examples", "-1"],
     "argument --max-examples: must be at least 1, not -1"),
    (["baseline", "train-encoder", "--out", "{tmp}/m", "--limit-names", "/nonexistent"],
     "argument --limit-names: cannot read /nonexistent (No such file or directory)"),
])
def test_baseline_training(argv: list[str], message: str, tmp_path: Path, capsys) -> None:
    # a CUAD folder that is not one: code that took the bad value would stop there, not train for minutes
    argv = [a.format(tmp=tmp_path) for a in argv] + ["--cuad", str(tmp_path / "no-cuad")]
    assert _refused(argv, capsys).endswith(message)
