"""A tiny random Llama with a tokenizer trained here and a random LoRA adapter, saved like the real
ones (`save_pretrained`), so the real loading code — vLLM's, transformers' and PEFT's — runs on them.
Nothing is downloaded. The model knows nothing: tests on it assert the pipeline, never the content."""

from __future__ import annotations

import json
from pathlib import Path

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
SPECIAL = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
           "<|pad|>"]
SPEC = {"vocab_size": 1024, "hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 16384, "seed": 0,
        "lora_r": 8}


def _corpus(root: Path) -> list[str]:
    from contracts.prompt import system_prompt

    text = (root / "examples" / "contracts" / "master_services_agreement.txt").read_text()
    return [*system_prompt().splitlines(), *text.splitlines(), '[{"category": "Exclusivity", "severity": "high", '
            '"quote": "exclusively", "explanation": "lock-in"}]', "[]"] * 3


def build(target: Path, root: Path) -> tuple[Path, Path]:
    """(base model folder, adapter folder) under `target`, built once and reused while SPEC is unchanged."""
    base, adapter = target / "base", target / "adapter"
    marker = target / "spec.json"
    if marker.is_file() and json.loads(marker.read_text()) == SPEC:
        return base, adapter
    import torch
    from peft import LoraConfig, get_peft_model
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=SPEC["vocab_size"] - 16, special_tokens=SPECIAL, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(_corpus(root), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=SPECIAL[0], eos_token="<|eot_id|>",
                                        pad_token="<|pad|>", model_max_length=SPEC["max_position_embeddings"])
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(SPEC["seed"])
    config = LlamaConfig(vocab_size=SPEC["vocab_size"], hidden_size=SPEC["hidden_size"],
                         intermediate_size=SPEC["intermediate_size"], num_hidden_layers=SPEC["num_hidden_layers"],
                         num_attention_heads=SPEC["num_attention_heads"],
                         num_key_value_heads=SPEC["num_key_value_heads"],
                         max_position_embeddings=SPEC["max_position_embeddings"], tie_word_embeddings=False,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    model = LlamaForCausalLM(config)
    model.save_pretrained(base)
    tokenizer.save_pretrained(base)
    lora = get_peft_model(model, LoraConfig(r=SPEC["lora_r"], lora_alpha=16, lora_dropout=0.0,
                                            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]))
    with torch.no_grad():  # a fresh LoRA's B is zero; make the adapter actually change the outputs
        for name, param in lora.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 0.02)
    lora.save_pretrained(str(adapter))
    marker.write_text(json.dumps(SPEC))
    return base, adapter



def random_adapter(base: Path, target: Path, seed: int, scale: float = 0.2) -> Path:
    """Another random LoRA adapter for the tiny base, saved like a trained one: a different `seed` gives
    an adapter that makes the model answer differently, so a test can tell which one the server ran."""
    marker = target / "spec.json"
    spec = {**SPEC, "adapter_seed": seed, "adapter_scale": scale}
    if marker.is_file() and json.loads(marker.read_text()) == spec:
        return target
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    lora = get_peft_model(LlamaForCausalLM.from_pretrained(base),
                          LoraConfig(r=SPEC["lora_r"], lora_alpha=16, lora_dropout=0.0,
                                     target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]))
    with torch.no_grad():
        for name, param in lora.named_parameters():
            if "lora_" in name:
                param.normal_(0, scale)
    lora.save_pretrained(str(target))
    marker.write_text(json.dumps(spec))
    return target
