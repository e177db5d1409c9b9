"""training/bench_gpu.py at tiny size on the CPU: the GPU run uses this same code, so it must work here first."""

from __future__ import annotations

import json

import pytest

bnb = pytest.importorskip("bitsandbytes")


def test_layerwise_quantized_build_is_nf4_double_quant():
    import torch

    from training.bench_gpu import TINY_SHAPES, build_model

    model = build_model(TINY_SHAPES["8b"], quantized=True, device=torch.device("cpu"))
    linears = [m for name, m in model.named_modules() if name.endswith("_proj")]
    assert len(linears) == 2 * 7
    for module in linears:
        assert isinstance(module, bnb.nn.Linear4bit)
        assert module.weight.quant_state.quant_type == "nf4" and module.weight.quant_state.nested
    assert not any(p.is_meta for p in model.parameters()) and not any(b.is_meta for b in model.buffers())


def test_bench_runs_at_tiny_size(tmp_path):
    from training.bench_gpu import main

    only = ["70b/qlora-seed", "70b/qlora-savers-offload", "8b/lora-bf16"]
    assert main(["--tiny", "--steps", "1", "--seq", "64", "--out", str(tmp_path), "--only", *only]) == 0
    (result,) = tmp_path.glob("bench_gpu_*_tiny-cpu.json")
    rows = {r["name"]: r for r in json.loads(result.read_text())["rows"]}
    assert set(rows) == {"qlora-seed", "qlora-savers-offload", "lora-bf16"}
    for name in ("qlora-seed", "lora-bf16"):
        assert "error" not in rows[name], rows[name]
        assert rows[name]["tokens_per_s"] > 0 and len(rows[name]["losses"]) == 2
    assert rows["qlora-savers-offload"]["error"].startswith("skipped")


def test_chunked_cross_entropy_matches_full():
    import torch

    from training.bench_gpu import chunked_cross_entropy

    torch.manual_seed(0)
    hidden = torch.randn(2, 33, 16, requires_grad=True)
    weight = torch.randn(50, 16, requires_grad=True)
    labels = torch.randint(0, 50, (2, 33))
    labels[0, 5] = -100
    chunked = chunked_cross_entropy(hidden, weight, labels, chunk=7)
    logits = hidden[:, :-1] @ weight.t()
    full = torch.nn.functional.cross_entropy(logits.reshape(-1, 50), labels[:, 1:].reshape(-1), ignore_index=-100)
    assert torch.allclose(chunked, full, atol=1e-5)
    (g1,) = torch.autograd.grad(chunked, weight)
    (g2,) = torch.autograd.grad(full, weight)
    assert torch.allclose(g1, g2, atol=1e-5)


def test_length_distribution_liger_and_long_context_setups_run_at_tiny_size(tmp_path):
    """The #17 setups on the CPU: padded vs packed on a length distribution (useful tokens counted apart from pad),
    the Liger row skipped without a GPU, and both long-context sweeps (the offloading one skipped on a CPU)."""
    from training.bench_gpu import main

    lengths = tmp_path / "lengths.json"
    lengths.write_text(json.dumps({"lengths": [5000, 8000, 3000, 6000, 7000, 2000, 6500, 5500]}))
    only = ["70b/qlora-savers", "70b/qlora-savers-padded", "70b/qlora-savers-packed", "70b/qlora-savers-packed-1row",
            "70b/qlora-savers-liger",
            "70b/qlora-savers-long", "70b/qlora-savers-offload-long"]
    assert main(["--tiny", "--steps", "2", "--seq", "128", "--lengths", str(lengths), "--long-context",
                 "--long-seqs", "64", "160", "--out", str(tmp_path), "--only", *only]) == 0
    (result,) = tmp_path.glob("bench_gpu_*_tiny-cpu.json")
    data = json.loads(result.read_text())
    rows: dict[str, list[dict]] = {}
    for row in data["rows"]:
        rows.setdefault(row["name"], []).append(row)
    (padded,), (packed,) = rows["qlora-savers-padded"], rows["qlora-savers-packed"]
    for row in (padded, packed):
        assert "error" not in row, row
        assert row["useful_tokens_per_s"] > 0 and row["timed_steps"] == 2 and row["examples"] == 8
    assert packed["pad_share"] == 0 and padded["pad_share"] > 0
    (one_row,) = rows["qlora-savers-packed-1row"]
    assert "error" not in one_row and one_row["batch"] == 1 and one_row["pad_share"] == 0
    assert padded["useful_tokens_per_s"] < padded["tokens_per_s"]
    assert data["packed_over_padded_useful_tokens_per_s_70b"] == pytest.approx(
        packed["useful_tokens_per_s"] / padded["useful_tokens_per_s"], rel=1e-2)
    (liger,) = rows["qlora-savers-liger"]
    assert liger["error"].startswith("skipped")
    long_rows = rows["qlora-savers-long"]
    assert [r["seq"] for r in long_rows] == [64, 160] and all(r["batch"] == 1 for r in long_rows)
    assert all("error" not in r and r["includes_warmup"] and r["planned_gib"] > 0 for r in long_rows)
    assert [r["error"].startswith("skipped") for r in rows["qlora-savers-offload-long"]] == [True, True]


def test_lengths_file_errors_are_one_line(tmp_path, capsys):
    from training.bench_gpu import main

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"lengths": []}))
    assert main(["--tiny", "--lengths", str(bad), "--out", str(tmp_path)]) == 2
    assert "non-empty 'lengths'" in capsys.readouterr().err
    assert main(["--tiny", "--lengths", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "no train.meta.jsonl" in capsys.readouterr().err
