import pytest

from lexrisk.cli import main


@pytest.mark.parametrize("action", ["train", "eval", "train-terms", "train-parties"])
def test_help(action, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["baseline", action, "--help"])
    assert exit_info.value.code == 0
    assert "--cuad" in capsys.readouterr().out


@pytest.mark.parametrize("action", ["train", "eval", "train-terms", "train-parties"])
def test_bad_cuad_dir_is_one_line_and_exit_2(action, tmp_path, capsys):
    assert main(["baseline", action, "--cuad", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "CUAD folder not found" in err
    (tmp_path / "empty").mkdir()
    assert main(["baseline", action, "--cuad", str(tmp_path / "empty")]) == 2
    assert "no cuad_spans.jsonl" in capsys.readouterr().err


def test_analyze_with_a_missing_baseline_model_is_one_line(tmp_path, monkeypatch, capsys):
    from contracts.settings import clear_settings

    sample = tmp_path / "c.txt"
    sample.write_text("1. Assignment. Neither party may assign this Agreement.\n", encoding="utf-8")
    monkeypatch.setenv("LEXRISK_BASELINE_MODEL", str(tmp_path / "no-model"))
    clear_settings()
    try:
        assert main(["analyze", str(sample)]) == 2
    finally:
        clear_settings()
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "lacks model.json" in err


def test_eval_is_the_eval_runner_on_the_dev_split(tmp_path, capsys):
    """`lexrisk baseline eval` writes the same run folder as `lexrisk eval run` (one implementation)."""
    import json

    from contracts.cuad_split import is_dev
    from tests.eval.fakes import CONTRACTS, write_cuad

    dev_names = iter(n for n in (f"dev-{i}.txt" for i in range(200)) if is_dev(n))
    folder = write_cuad(tmp_path / "cuad", {name: next(dev_names) for name in CONTRACTS})
    (tmp_path / "cuad" / "full_contract_txt" / "not-dev.txt").write_text("A contract outside the dev split.")
    assert not is_dev("not-dev.txt")
    out = tmp_path / "run"
    assert main(["baseline", "eval", "--cuad", str(folder), "--out", str(out), "--results", str(tmp_path)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["contracts"] == 3 and {"micro", "per_category", "aupr", "ci"} <= set(metrics)
    assert len(list((out / "predictions").glob("*.json"))) == 3
    info = json.loads((out / "run.json").read_text())
    assert info["analyzer"] == "baseline" and info["split"] == "dev" and "training-set score" in info["note"]
    summary = json.loads((tmp_path / "baseline_dev.json").read_text())
    assert summary["scores"]["baseline"]["micro"]["tp"] == metrics["micro"]["tp"]
    assert "training-set score, not held out" in summary["protocol"]  # the shipped model was fit on dev too


def test_eval_without_dev_contracts_is_one_line(tmp_path, capsys):
    from contracts.cuad_split import is_dev
    from tests.eval.fakes import write_cuad

    names = {"alpha.txt": "not-dev.txt", "beta.txt": "not-dev-2.txt", "gamma.txt": "not-dev-3.txt"}
    assert not any(is_dev(n) for n in names.values())
    folder = write_cuad(tmp_path / "cuad", names)
    assert main(["baseline", "eval", "--cuad", str(folder), "--out", str(tmp_path / "r"), "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "no contracts selected" in err and len(err.splitlines()) == 1
