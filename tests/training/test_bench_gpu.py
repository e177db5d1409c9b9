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
