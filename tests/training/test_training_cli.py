"""Every `lexrisk train` command answers --help without loading anything heavy."""

from __future__ import annotations

import pytest

from lexrisk.cli import main


@pytest.mark.parametrize("argv", [["train"], ["train", "plan"], ["train", "check-adapter"], ["train", "merge"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    assert "usage: lexrisk train" in capsys.readouterr().out


def test_train_without_config(capsys):
    assert main(["train"]) == 2
    assert "--config RECIPE is required" in capsys.readouterr().err
