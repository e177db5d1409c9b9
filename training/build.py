"""Config -> library objects: QLoRA by composition. Small pure functions build the quantization and
LoRA configs, one function loads the base the same way for a hub name, a local folder or the tiny
recipe's build; the trainer module only wires them together."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from training.chat_template import UnknownChatFamilyError, detect_family, training_chat_template
from training.config import TrainConfig

if TYPE_CHECKING:
    from peft import LoraConfig
    from transformers import BitsAndBytesConfig, PreTrainedModel, PreTrainedTokenizerBase


def torch_dtype(name: str):
    import torch

    return getattr(torch, name)


def quantization_config(config: TrainConfig) -> BitsAndBytesConfig | None:
    q = config.quantization
    if not q.load_in_4bit:
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=q.quant_type,
        bnb_4bit_use_double_quant=q.double_quant,
        bnb_4bit_compute_dtype=torch_dtype(q.compute_dtype),
        bnb_4bit_quant_storage=torch_dtype(q.quant_storage),
    )


def peft_config(config: TrainConfig) -> LoraConfig:
    from peft import LoraConfig

    lora = config.lora
    return LoraConfig(
        r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout, target_modules=list(lora.target_modules),
        modules_to_save=list(lora.modules_to_save) or None, bias="none", task_type="CAUSAL_LM",
    )


def base_model_path(config: TrainConfig) -> str:
    """The path or hub name to load; for the tiny recipe, the tiny model is built there first."""
    if config.model.tiny is not None:
        from training.tiny import build_tiny_model, wait_for_tiny_model

        target = Path(config.model.name_or_path)
        if os.environ.get("LOCAL_RANK", "0") != "0":  # under a launcher, local rank 0 builds, the others wait
            return str(wait_for_tiny_model(config.model.tiny, target))
        return str(build_tiny_model(config.model.tiny, target))
    return config.model.name_or_path


def load_tokenizer(name_or_path: str, revision: str | None = None) -> PreTrainedTokenizerBase:
    """The base tokenizer with lexrisk's training template for its family (Llama 3.1 or ChatML) and a pad token
    that is not the end of turn: each family reserves one (<|finetune_right_pad_id|>, <|endoftext|>), so
    padding can never be confused with the token the model must learn to emit."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(name_or_path, revision=revision)
    vocabulary = tokenizer.get_vocab()
    try:
        family = detect_family(tokenizer.chat_template, vocabulary)
    except UnknownChatFamilyError as exc:
        raise ValueError(f"{name_or_path}: {exc}") from None
    if family.end_of_turn not in vocabulary:
        raise ValueError(f"{name_or_path}: tokenizer has no {family.end_of_turn} token (not a {family.name} tokenizer?)")
    tokenizer.chat_template = training_chat_template(family.name)
    if tokenizer.pad_token is None or tokenizer.pad_token in (tokenizer.eos_token, family.end_of_turn):
        pad = next((token for token in family.pad_candidates if token in vocabulary), None)
        if pad is None:
            raise ValueError(f"{name_or_path}: tokenizer has no {' or '.join(family.pad_candidates)} token to pad with")
        tokenizer.pad_token = pad
    tokenizer.padding_side = "right"
    return tokenizer


def load_base_model(config: TrainConfig, name_or_path: str, *, quantized: bool = True,
                    device_map: str | dict | None = None) -> PreTrainedModel:
    """Load the base with `from_pretrained`: 4-bit per the recipe for training, or plain bf16 (quantized=False)
    for merging. Non-quantized parts are held in the compute dtype."""
    from transformers import AutoModelForCausalLM

    q = config.quantization
    kwargs: dict = {"dtype": torch_dtype(q.compute_dtype if quantized else "bfloat16"),
                    "attn_implementation": config.model.attn_implementation}
    if config.model.revision:
        kwargs["revision"] = config.model.revision
    if quantized and q.load_in_4bit:
        kwargs["quantization_config"] = quantization_config(config)
    if device_map is not None:
        kwargs["device_map"] = device_map
    model = AutoModelForCausalLM.from_pretrained(name_or_path, **kwargs)
    model.config.use_cache = False if quantized else model.config.use_cache
    return model


def prepare_for_training(config: TrainConfig, model: PreTrainedModel) -> PreTrainedModel:
    """The recipe switch for peft's prepare_model_for_kbit_training (fp32 upcast of all non-4-bit weights)."""
    if config.quantization.load_in_4bit and config.quantization.prepare_for_kbit_training:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=config.train.gradient_checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    return model
