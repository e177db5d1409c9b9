"""Merge an adapter into its base for those who want one set of weights. The base is reloaded in bf16:
merging into the 4-bit model would bake NF4 rounding into every weight and save a model that is
neither the base nor what was trained."""

from __future__ import annotations

import json
from pathlib import Path


class MergeError(ValueError):
    """The merge cannot be done as asked."""


def merge_adapter(adapter_dir: Path, output_dir: Path, base: str | None = None) -> Path:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    config_path = adapter_dir / "adapter_config.json"
    if not config_path.is_file():
        raise MergeError(f"{adapter_dir}: no adapter_config.json (not a PEFT adapter folder)")
    base = base or json.loads(config_path.read_text(encoding="utf-8")).get("base_model_name_or_path")
    if not base:
        raise MergeError(f"{config_path} names no base model; pass --base")
    if output_dir.exists() and any(output_dir.iterdir()):
        raise MergeError(f"{output_dir} is not empty; choose a new folder")

    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.bfloat16)  # never quantization_config here
    if getattr(model, "is_loaded_in_4bit", False) or getattr(model, "is_quantized", False):
        raise MergeError(f"{base} loaded quantized; merge needs the bf16 base")
    merged = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    output_dir.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(output_dir)
    AutoTokenizer.from_pretrained(str(adapter_dir)).save_pretrained(output_dir)
    return output_dir
