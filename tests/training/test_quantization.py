"""The base really is bitsandbytes 4-bit NF4 with double quantization; prepare_model_for_kbit_training is a switch."""

from __future__ import annotations

import pytest

from tests.training.conftest import tiny_config

bnb = pytest.importorskip("bitsandbytes")


def test_decoder_linears_are_nf4_double_quant(tiny_base, tmp_path):
    import torch

    from training.build import load_base_model

    model = load_base_model(tiny_config(tmp_path, base=tiny_base), str(tiny_base))
    linears = {name: m for name, m in model.named_modules() if name.split(".")[-1].endswith("_proj")}
    assert len(linears) == 2 * 7  # 2 layers x q/k/v/o/gate/up/down
    for name, module in linears.items():
        assert isinstance(module, bnb.nn.Linear4bit), name
        state = module.weight.quant_state
        assert state.quant_type == "nf4", name
        assert state.nested, f"{name}: double quantization is off"
        assert module.weight.dtype == torch.uint8 and module.weight.numel() * 2 == module.in_features * module.out_features
    assert not isinstance(model.lm_head, bnb.nn.Linear4bit)
    assert model.model.embed_tokens.weight.dtype == torch.float32


@pytest.mark.parametrize("prepare", [False, True])
def test_prepare_for_kbit_training_is_a_switch(tiny_base, tmp_path, prepare):
    import torch

    from training.build import load_base_model, prepare_for_training

    config = tiny_config(tmp_path, "quantization.compute_dtype=bfloat16", "train.bf16=true",
                         f"quantization.prepare_for_kbit_training={str(prepare).lower()}", base=tiny_base)
    model = prepare_for_training(config, load_base_model(config, str(tiny_base)))
    expected = torch.float32 if prepare else torch.bfloat16
    assert model.model.embed_tokens.weight.dtype == expected
    assert model.lm_head.weight.dtype == expected
    assert model.model.norm.weight.dtype == expected
    assert isinstance(model.model.layers[0].mlp.down_proj, bnb.nn.Linear4bit)
