"""`check-adapter` refuses what vLLM cannot load."""

from __future__ import annotations

import json
import struct

import pytest

from lexrisk.cli import main
from training.adapter_check import AdapterError, check_adapter


def _adapter(folder, tensors=("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",), **config):
    folder.mkdir(parents=True, exist_ok=True)
    base = {"peft_type": "LORA", "r": 64, "lora_alpha": 128, "target_modules": ["q_proj", "v_proj"],
            "modules_to_save": None, "bias": "none", "use_dora": False}
    (folder / "adapter_config.json").write_text(json.dumps({**base, **config}))
    header = json.dumps({name: {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]} for name in tensors}).encode()
    (folder / "adapter_model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + b"\0\0")
    return folder


def test_good_adapter(tmp_path):
    assert check_adapter(_adapter(tmp_path / "a")) == []


@pytest.mark.parametrize("rank", [4, 12, 48, 96, 1024])
def test_ranks_outside_vllms_set_refused(tmp_path, rank):
    problems = check_adapter(_adapter(tmp_path / "a", r=rank))
    assert len(problems) == 1 and f"r={rank}" in problems[0]


@pytest.mark.parametrize("module", ["lm_head", "embed_tokens", "model.embed_tokens"])
def test_modules_to_save_on_embeddings_or_head_refused(tmp_path, module):
    problems = check_adapter(_adapter(tmp_path / "a", modules_to_save=[module]))
    assert any("modules_to_save" in p and module in p for p in problems)


def test_full_head_copy_in_weights_refused(tmp_path):
    folder = _adapter(tmp_path / "a", tensors=("base_model.model.lm_head.modules_to_save.default.weight",))
    assert any("full copies" in p for p in check_adapter(folder))


def test_dora_and_bias_refused(tmp_path):
    problems = check_adapter(_adapter(tmp_path / "a", use_dora=True, bias="all"))
    assert len(problems) == 2


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["train", "check-adapter", str(_adapter(tmp_path / "ok"))]) == 0
    assert main(["train", "check-adapter", str(_adapter(tmp_path / "bad", r=12))]) == 1
    assert "r=12" in capsys.readouterr().out
    assert main(["train", "check-adapter", str(tmp_path / "missing")]) == 2
    with pytest.raises(AdapterError):
        check_adapter(tmp_path / "missing")


@pytest.mark.parametrize("damage", [
    lambda b: b[:100],  # cut off inside the header
    lambda b: b"",  # empty
    lambda b: b"\xff" * 7 + b"\x7f" + b[8:],  # a header length past the end of the file
    lambda b: b[:-1],  # the header whole, the last tensor's bytes cut short
    lambda b: b[:8] + b"\xff" + b[9:],  # the header's bytes overwritten
], ids=["header-cut", "empty", "header-length-past-end", "data-cut", "header-overwritten"])
def test_a_damaged_weights_file_is_a_problem_not_a_traceback(tmp_path, capsys, damage):
    folder = _adapter(tmp_path / "a")
    weights = folder / "adapter_model.safetensors"
    weights.write_bytes(damage(weights.read_bytes()))
    problems = check_adapter(folder)
    assert len(problems) == 1 and "not a readable safetensors file" in problems[0]
    assert main(["train", "check-adapter", str(folder)]) == 1
    assert "not a readable safetensors file" in capsys.readouterr().out


def test_an_adapter_config_that_is_not_an_object_is_refused(tmp_path, capsys):
    folder = _adapter(tmp_path / "a")
    (folder / "adapter_config.json").write_text("[1, 2]")
    assert main(["train", "check-adapter", str(folder)]) == 2
    assert "not a JSON object" in capsys.readouterr().err
