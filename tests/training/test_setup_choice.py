"""`lexrisk train plan` picks the fastest measured setup that fits the declared GPU, from benchmark JSON files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexrisk.cli import main
from training.config import load_config
from training.planner import HOST_PARTS, SHAPES, estimate, plan_from_config
from training.setup_choice import choose, default_measurement_files, load_measurements

RECIPES = Path(__file__).resolve().parents[2] / "training" / "recipes"
RECIPE_8B = RECIPES / "llama31-8b-qlora.yaml"
RECIPE_70B = RECIPES / "llama31-70b-qlora.yaml"
COMMITTED = Path(__file__).resolve().parents[2] / "eval" / "results" / "bench_gpu_issue17_transcribed.json"


def _write(path: Path, rows: list[dict], *, gpu: str = "NVIDIA H200", date: str | None = "2026-11-01") -> Path:
    path.write_text(json.dumps({"date": date, "gpu": gpu, "cap_gib": 80, "rows": rows}), encoding="utf-8")
    return path


def _row(name: str, batch: int, tokens_per_s: float | None = None, peak_gib: float | None = None, **extra) -> dict:
    row = {"model": "8b", "name": name, "batch": batch, "seq": 4096, **extra}
    if tokens_per_s is not None:
        row["tokens_per_s"] = tokens_per_s
    if peak_gib is not None:
        row["peak_gib"] = peak_gib
    return row


@pytest.fixture
def measured(tmp_path: Path) -> Path:
    """Invented figures: the bf16 base is fastest at batch 4 but measured at 45 GiB, more than a 40 GiB GPU."""
    return _write(tmp_path / "bench_gpu_test.json", [
        _row("lora-bf16", 4, 9000.0, 45.0),
        _row("qlora-savers", 4, 8000.0, 15.0),
        _row("qlora-savers", 2, 7000.0, 11.0),
        _row("qlora-seed", 2, error="out of memory under the 80 GiB cap"),
    ])


def test_80_and_40_gib_get_different_picks_each_explained(measured: Path):
    config = load_config(RECIPE_8B)
    measurements = load_measurements([measured])
    big = choose(config, SHAPES["llama31-8b"], "a100-80gb", 80, measurements)
    small = choose(config, SHAPES["llama31-8b"], "a100-40gb", 40, measurements)
    assert big.pick and (big.pick.setup.name, big.pick.batch) == ("lora-bf16", 4)
    assert small.pick and (small.pick.setup.name, small.pick.batch) == ("qlora-savers", 4)

    lines = "\n".join(big.lines())
    assert "pick: lora-bf16, batch 4" in lines and "fastest measured: 9,000 tokens/s (bench_gpu_test.json)" in lines
    assert "measured 45.0 of 80 GiB" in lines
    assert "--set quantization.load_in_4bit=false" in lines and "--set train.per_device_train_batch_size=4" in lines
    lines = "\n".join(small.lines())
    assert "pick: qlora-savers, batch 4" in lines and "fastest measured: 8,000 tokens/s" in lines
    assert "lora-bf16, batch 4: does not fit: planned" in lines and "measured 45.0 of 40 GiB" in lines
    assert "qlora-savers, batch 2: slower: 7,000 tokens/s" in lines
    assert "qlora-savers-liger, batch 4: fits" in lines and "but not measured" in lines
    assert "qlora-seed, batch 2: does not fit: ran out of memory under the 80 GiB cap when measured" in lines


@pytest.mark.parametrize("gpu_gib", [8, 10, 12, 16, 24, 40, 80, 141])
def test_a_setup_that_does_not_fit_is_never_picked(tmp_path: Path, gpu_gib: int):
    """Every candidate measured, the biggest fastest: the pick is the fastest whose memory fits, else none."""
    config = load_config(RECIPE_8B)
    shape = SHAPES["llama31-8b"]
    everything = choose(config, shape, "any", 1000, load_measurements([]))
    rows = [_row(c.setup.measured_as[0], c.batch, 1000 + 100 * c.planned_gib, c.planned_gib * 0.9)
            for c in everything.candidates]
    choice = choose(config, shape, "gpu", gpu_gib, load_measurements([_write(tmp_path / "all.json", rows)]))
    usable = gpu_gib * 0.95
    fitting = [c for c in choice.candidates if c.planned_gib <= usable]
    if not fitting:
        assert choice.pick is None
        assert choice.lines()[0] == f"no measured setup fits gpu ({gpu_gib} GiB) at 4096 tokens"
        return
    assert choice.pick is not None
    assert choice.pick.planned_gib <= usable and choice.pick.row and choice.pick.row["peak_gib"] <= usable
    assert choice.pick.tokens_per_s == max(c.tokens_per_s or 0 for c in fitting)
    assert all(not c.fits for c in choice.candidates if c.planned_gib > usable)


def test_the_speeds_come_from_the_files_and_a_newer_run_wins(measured: Path, tmp_path: Path):
    config = load_config(RECIPE_8B)
    newer = _write(tmp_path / "bench_gpu_newer.json", [_row("qlora-savers", 2, 8500.0, 11.0)], date="2026-12-01")
    cpu = _write(tmp_path / "bench_gpu_tiny.json", [_row("qlora-savers-offload", 1, 99999.0, 1.0)], gpu="cpu")
    choice = choose(config, SHAPES["llama31-8b"], "a100-40gb", 40, load_measurements([newer, measured, cpu]))
    assert choice.pick and (choice.pick.setup.name, choice.pick.batch) == ("qlora-savers", 2)
    assert "  fastest measured: 8,500 tokens/s (bench_gpu_newer.json)" in choice.lines()
    assert str(cpu) not in choice.sources  # a CPU run says nothing about GPU speed
    offload = next(c for c in choice.candidates if (c.setup.name, c.batch) == ("qlora-savers-offload", 1))
    assert offload.tokens_per_s is None


def test_the_committed_measurements_pick_the_fastest_fitting_70b_row():
    """The 70B recipe on an A100 80GB, against the committed file: the pick is that file's fastest 70B row at
    4,096 tokens whose measured peak fits, whatever those figures are."""
    data = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert COMMITTED in default_measurement_files()
    fitting = [r for r in data["rows"] if r["model"] == "70b" and r["seq"] == 4096 and "tokens_per_s" in r
               and r["peak_gib"] <= 80 * 0.95 and r["name"] != "qlora-seed"]  # the recipe's seed uses trl's loss
    best = max(fitting, key=lambda r: r["tokens_per_s"])
    choice = choose(load_config(RECIPE_70B), SHAPES["llama31-70b"], "a100-80gb", 80, load_measurements([COMMITTED]))
    assert choice.pick and (choice.pick.setup.name, choice.pick.batch) == (best["name"], best["batch"])
    assert choice.pick.tokens_per_s == best["tokens_per_s"]


def test_train_plan_prints_the_pick_and_json(measured: Path, capsys):
    argv = ["train", "plan", "--config", str(RECIPE_8B), "--gpu", "a100-40gb", "--measurements", str(measured)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "pick: qlora-savers, batch 4 x 4096 tokens" in out and "alternatives:" in out
    assert main([*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["choice"]["pick"]["setup"] == "qlora-savers" and report["choice"]["pick"]["tokens_per_s"] == 8000.0


@pytest.mark.parametrize(("content", "message"), [("not json", "not a readable benchmark JSON"),
                                                   ('{"gpu": "H200"}', "no 'rows' list")])
def test_a_bad_measurements_file_is_one_line(tmp_path: Path, capsys, content: str, message: str):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["train", "plan", "--config", str(RECIPE_8B), "--measurements", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_activation_offloading_moves_the_layer_inputs_to_the_host():
    config = load_config(RECIPE_70B, ["train.activation_offloading=true"])
    parts = estimate(plan_from_config(config, SHAPES["llama31-70b"])).parts
    assert any(part in HOST_PARTS for part in parts)


def test_liger_without_its_package_is_refused_before_the_model_loads(monkeypatch):
    """A recipe can ask for Liger's kernels (the setup the planner may pick on a GPU host); where liger-kernel is
    not installed the trainer says which extra to install instead of an ImportError from inside transformers."""
    import importlib.util

    from training.trainer import TrainingError, check_kernels

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "liger_kernel" else real(name, *a))
    check_kernels(load_config(RECIPE_8B))  # off: nothing to check
    with pytest.raises(TrainingError, match=r"gpu-kernels"):
        check_kernels(load_config(RECIPE_8B, ["train.use_liger_kernel=true"]))
