"""`lexrisk models import-gguf`: the real SmolLM2 GGUF becomes a folder that loads offline, computes what the GGUF
computes, and is byte-identical from run to run."""

from __future__ import annotations

import json

import pytest

from lexrisk.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("smollm2")
    assert main(["models", "import-gguf", "--out", str(out)]) == 0
    return out


def test_the_folder_loads_offline_and_matches_the_gguf_model(imported, monkeypatch):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.gguf_import import locate_packaged_gguf

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    config = json.loads((imported / "config.json").read_text())
    assert "quantization_config" not in config and config["model_type"] == "llama"
    model = AutoModelForCausalLM.from_pretrained(imported)
    tokenizer = AutoTokenizer.from_pretrained(imported)
    gguf = locate_packaged_gguf()
    reference = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    ids = tokenizer("The Supplier's liability shall not exceed the fees paid.", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert torch.equal(model(ids).logits, reference(ids).logits)
    assert tokenizer.chat_template and "<|im_start|>" in tokenizer.chat_template


def test_a_second_import_is_byte_identical(imported, tmp_path):
    assert main(["models", "import-gguf", "--out", str(tmp_path)]) == 0
    first, second = (json.loads((d / "import.json").read_text()) for d in (imported, tmp_path))
    assert first["files"] == second["files"] and first["sha256"] == second["sha256"]
    assert set(first["files"]) >= {"model.safetensors", "config.json", "tokenizer.json", "chat_template.jinja"}
    assert "not for quality claims" in first["note"]


def test_a_missing_gguf_is_a_one_line_error(tmp_path, capsys):
    assert main(["models", "import-gguf", "--gguf", str(tmp_path / "none.gguf"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such GGUF file" in err
