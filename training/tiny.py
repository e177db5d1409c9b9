"""A tiny random Llama 3.1-shaped model and a tokenizer trained on the spot, for CPUs and tests.

Nothing is downloaded: the tokenizer is a byte-level BPE trained on a built-in corpus of contract
language and lexrisk's JSON answers, with Llama 3.1's special tokens, and the model is a
`LlamaForCausalLM` with random weights. Both are saved with `save_pretrained`, so the training code
loads them exactly as it loads meta-llama/Llama-3.1-70B-Instruct.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.config import TinyModelSpec

# Llama 3.1's own special tokens (the ids differ: Llama's sit above a 128k vocabulary)
BOS, EOS_TEXT, EOT = "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"
MARKER = "tiny_spec.json"  # the spec the folder was built from
PAD = "<|finetune_right_pad_id|>"  # Llama 3.1's reserved padding token, distinct from <|eot_id|>
SPECIAL_TOKENS = [BOS, EOS_TEXT, "<|start_header_id|>", "<|end_header_id|>", EOT, "<|eom_id|>",
                  "<|python_tag|>", PAD]

_CORPUS = """\
This Agreement shall be governed by the laws of the State of New York. Either party may terminate this
Agreement for convenience upon thirty (30) days' prior written notice. The Supplier shall indemnify,
defend and hold harmless the Customer from any claims arising from a breach. In no event shall either
party be liable for indirect, incidental or consequential damages. The liability of the Supplier shall
not exceed the fees paid in the twelve (12) months preceding the claim. This Agreement renews
automatically for successive one-year terms unless either party gives notice of non-renewal.
Customer shall not assign this Agreement without the prior written consent of Supplier. Confidential
Information shall not be disclosed to any third party. Exclusivity, non-compete, most favored nation,
audit rights, insurance, warranty duration, license grant, change of control, anti-assignment.
You are a contract risk analyst. Find every risk clause; answer with a JSON list of findings.
Cutting Knowledge Date: December 2023 Today Date: 26 Jul 2024 system user assistant
[{"category": "Governing Law", "severity": "low", "quote": "governed by the laws", "reason": "venue"}]
[{"category": "Cap On Liability", "severity": "high", "quote": "shall not exceed the fees", "reason": "cap"}]
[] {} "category" "severity" "quote" "reason" "medium" "critical" 0123456789 , . ; : ( ) [ ] { }
"""


def build_tokenizer(spec: TinyModelSpec):
    """Train a byte-level BPE (so any text encodes) and wrap it as Llama 3.1's fast tokenizer is wrapped."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    from training.chat_template import training_chat_template

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=spec.vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(_corpus() * 4, trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOT, pad_token=PAD,
                                   model_max_length=spec.max_position_embeddings)
    fast.chat_template = training_chat_template()
    return fast


def build_tiny_model(spec: TinyModelSpec, target: Path) -> Path:
    """Write a tiny random Llama and its tokenizer to `target` (once; an existing build is reused)."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    target = Path(target)
    if is_built(spec, target):
        return target
    tokenizer = build_tokenizer(spec)
    torch.manual_seed(spec.seed)
    if len(tokenizer) > spec.vocab_size:
        raise ValueError(f"tokenizer has {len(tokenizer)} tokens, more than vocab_size={spec.vocab_size}")
    config = LlamaConfig(
        vocab_size=spec.vocab_size, hidden_size=spec.hidden_size, intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.num_hidden_layers, num_attention_heads=spec.num_attention_heads,
        num_key_value_heads=spec.num_key_value_heads, max_position_embeddings=spec.max_position_embeddings,
        rope_parameters={"rope_type": "default", "rope_theta": 500000.0}, tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id)
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    (target / MARKER).write_text(json.dumps(spec.model_dump()))
    return target


def is_built(spec: TinyModelSpec, target: Path) -> bool:
    """Whether `target` holds the tiny model of this spec (the marker is written last, after the weights)."""
    marker = Path(target) / MARKER
    return marker.is_file() and json.loads(marker.read_text()) == spec.model_dump()


def wait_for_tiny_model(spec: TinyModelSpec, target: Path, timeout_s: float = 300) -> Path:
    """Wait until another process has finished `build_tiny_model` at `target` (the marker is written last)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if is_built(spec, target):
            return Path(target)
        time.sleep(0.5)
    raise TimeoutError(f"{target}: the tiny model was not built within {timeout_s:.0f} s")


def _corpus() -> list[str]:
    """The built-in text plus the system prompt every example starts with, so the prompt (about 9k
    characters) costs a few hundred tokens instead of thousands and a tiny run fits short sequences."""
    from contracts.prompt import system_prompt

    return _CORPUS.splitlines() + system_prompt().splitlines()
