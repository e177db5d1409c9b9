import pytest

from lexrisk.cli import main


@pytest.mark.parametrize("action", ["train", "eval"])
def test_help(action, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["baseline", action, "--help"])
    assert exit_info.value.code == 0
    assert "--cuad" in capsys.readouterr().out


@pytest.mark.parametrize("action", ["train", "eval"])
def test_bad_cuad_dir_is_one_line_and_exit_2(action, tmp_path, capsys):
    assert main(["baseline", action, "--cuad", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "CUAD folder not found" in err
    (tmp_path / "empty").mkdir()
    assert main(["baseline", action, "--cuad", str(tmp_path / "empty")]) == 2
    assert "no cuad_spans.jsonl" in capsys.readouterr().err


def test_analyze_with_a_missing_baseline_model_is_one_line(tmp_path, monkeypatch, capsys):
    from contracts.settings import get_settings

    sample = tmp_path / "c.txt"
    sample.write_text("1. Assignment. Neither party may assign this Agreement.\n", encoding="utf-8")
    monkeypatch.setenv("LEXRISK_BASELINE_MODEL", str(tmp_path / "no-model"))
    get_settings.cache_clear()
    try:
        assert main(["analyze", str(sample)]) == 2
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "lacks model.json" in err
