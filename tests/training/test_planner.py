"""The memory planner: the seed recipe on an A100 80GB, the seed table, and the tiny model measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lexrisk.cli import main
from training.config import load_config
from training.planner import (
    NF4_DOUBLE_QUANT_BITS,
    REFERENCE_GB,
    SHAPES,
    GiB,
    Plan,
    advice,
    estimate,
    parse_gpu,
    plan_from_config,
    seed_table,
    shape_for,
)

RECIPES = Path(__file__).resolve().parents[2] / "training" / "recipes"
SEED = RECIPES / "llama31-70b-qlora.yaml"


def test_weights_of_70b_nf4_double_quant():
    shape = SHAPES["llama31-70b"]
    assert shape_for("meta-llama/Llama-3.1-70B-Instruct") == shape
    assert 70.0e9 < shape.total_params < 71.0e9
    est = estimate(Plan(shape=shape, method="qlora", batch=2, seq_len=4096))
    assert abs(NF4_DOUBLE_QUANT_BITS - 4.127) < 0.001
    assert est.parts["base weights (4-bit linear)"] == int(shape.linear_params * NF4_DOUBLE_QUANT_BITS / 8)
    assert est.parts["base weights (embeddings, lm_head, norms)"] == (shape.embedding_params + shape.norm_params) * 2


def test_seed_recipe_fits_a100_80gb_not_40gb(capsys):
    config = load_config(SEED)
    est = estimate(plan_from_config(config, SHAPES["llama31-70b"]))
    assert 55 * GiB < est.total_bytes < 80 * GiB
    assert main(["train", "plan", "--config", str(SEED), "--gpu", "a100-80gb", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["fits"] and report["advice"] == []
    assert main(["train", "plan", "--config", str(SEED), "--gpu", "a100-40gb", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["fits"]
    assert any("prepare_for_kbit_training=false" in tip for tip in report["advice"])


def test_prepare_for_kbit_costs_about_4gb_at_70b():
    shape = SHAPES["llama31-70b"]
    on = estimate(Plan(shape=shape, method="qlora", batch=2, seq_len=4096, prepare_for_kbit=True))
    off = estimate(Plan(shape=shape, method="qlora", batch=2, seq_len=4096, prepare_for_kbit=False))
    assert 3.5 * GiB < on.tensors_bytes - off.tensors_bytes < 4.5 * GiB


def test_advice_when_it_does_not_fit():
    est = estimate(Plan(shape=SHAPES["llama31-70b"], method="qlora", batch=4, seq_len=8192,
                        optimizer="adamw_torch", gradient_checkpointing=False, prepare_for_kbit=True))
    tips = advice(est, 80 * GiB)
    assert tips[0].startswith("train.gradient_checkpointing=true")
    assert any("paged_adamw_8bit" in t for t in tips)


def test_seed_table_reproduced(capsys):
    """Every cell the reference publishes is matched within 25% below it (the reference rounds up to a
    card size); full FT > LoRA > QLoRA in every row; 70B QLoRA under 48 GB."""
    table = seed_table()
    assert len(table) == 12
    for (size, method), ref in REFERENCE_GB.items():
        planned = table[(size, method)].total_bytes / GiB
        assert 0.75 * ref <= planned <= ref, (size, method, planned, ref)
    for size in ("7B", "13B", "34B", "70B"):
        full, lora, qlora = (table[(size, m)].total_bytes for m in ("full FT bf16", "LoRA bf16", "QLoRA NF4"))
        assert full > lora > qlora
    assert main(["train", "plan", "--seed-table"]) == 0
    out = capsys.readouterr().out
    assert "34B" in out and "QLoRA NF4" in out


def test_gpu_spec():
    assert parse_gpu("a100-80gb") == ("a100-80gb", 80.0)
    assert parse_gpu("rtx4090:24") == ("rtx4090", 24.0)
    for bad in ("v100", "x:0", "x:abc"):
        with pytest.raises(ValueError, match="NAME:GB"):
            parse_gpu(bad)


def test_unknown_model_shape_is_a_clear_error(capsys):
    code = main(["train", "plan", "--config", str(SEED), "--set", "model.name_or_path=acme/unknown-13b"])
    assert code == 2
    assert "shape unknown to the planner" in capsys.readouterr().err


# The planner's tolerance against a measured peak on the CPU, stated here and in training/planner.py's docs
PLANNER_TOLERANCE = 0.15


def test_planner_within_tolerance_of_measured_tiny_peak(tmp_path):
    """CPU measurement: the loaded weights counted storage by storage, plus the peak of tensors allocated while
    training (a TorchDispatchMode with storage weakrefs), for 2 optimizer steps at batch 2 x 384 tokens."""
    pytest.importorskip("trl")
    from tests.training.conftest import tiny_config
    from training.measure import measure_training_peak, tiny_shape

    config = tiny_config(tmp_path / "out", "model.tiny.hidden_size=256", "model.tiny.intermediate_size=768",
                         "model.tiny.vocab_size=8192", "data.max_length=384", "train.gradient_accumulation_steps=1",
                         base=tmp_path / "base")
    measured = measure_training_peak(config, steps=2)
    planned = estimate(plan_from_config(config, tiny_shape(config), triton=False)).tensors_bytes
    assert abs(planned - measured.peak_bytes) <= PLANNER_TOLERANCE * measured.peak_bytes, (planned, measured)


OFFLOAD_MEASUREMENTS = Path(__file__).resolve().parents[2] / "eval" / "results" / "planner_offload_measurements.json"


@pytest.mark.parametrize("row", json.loads(OFFLOAD_MEASUREMENTS.read_text())["rows"], ids=lambda r: str(r["seq_len"]))
def test_offload_plan_within_ten_percent_of_the_measured_peak(row):
    """#17: with trl's activation offloading the checkpointed layer inputs live in host memory; the plan that leaves
    them out of the GPU lands within +-10% of each committed H200 peak (it planned +47% to +70% before)."""
    measured = json.loads(OFFLOAD_MEASUREMENTS.read_text())
    shape = SHAPES[measured["model"]]
    plan = Plan(shape=shape, method="qlora", batch=row["batch"], seq_len=row["seq_len"])
    assert estimate(plan).total_bytes / GiB == pytest.approx(row["planned_before_gib"], abs=0.05)  # the same plan
    offloaded = estimate(Plan(shape=shape, method="qlora", batch=row["batch"], seq_len=row["seq_len"],
                              offload_activations=True))
    assert offloaded.total_bytes / GiB == pytest.approx(row["measured_peak_gib"], rel=0.10)
    assert any("host" in part for part in offloaded.parts)
