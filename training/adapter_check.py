"""Will vLLM load this adapter? Checked from adapter_config.json and the safetensors header alone, so
it runs in a second on a laptop without torch."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from training.config import LLAMA_LINEAR_MODULES, VLLM_LORA_RANKS, VLLM_UNSUPPORTED_MODULES_TO_SAVE


class AdapterError(ValueError):
    """Not an adapter folder at all."""


def _safetensors_keys(path: Path) -> list[str]:
    """The tensor names in a safetensors file's header, after checking that the header and the data it
    describes are all there: a truncated or overwritten file is refused here, not by vLLM at load time."""
    total = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
        size = struct.unpack("<Q", head)[0] if len(head) == 8 else None
        if size is None or size > total - 8:
            raise ValueError(f"{total} bytes, too short for its header")
        try:
            header = json.loads(fh.read(size))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError("its header is not JSON") from None
    if not isinstance(header, dict):
        raise ValueError("its header is not a JSON object")
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    try:
        end = max((int(v["data_offsets"][1]) for v in tensors.values()), default=0)
    except (TypeError, KeyError, IndexError, ValueError):
        raise ValueError("a tensor in its header has no data_offsets") from None
    if 8 + size + end > total:
        raise ValueError(f"{total} bytes, but its header describes {8 + size + end} (truncated?)")
    return list(tensors)


def check_adapter(adapter_dir: Path) -> list[str]:
    """Problems that stop vLLM from serving the adapter; empty when it will load."""
    config_path = adapter_dir / "adapter_config.json"
    if not config_path.is_file():
        raise AdapterError(f"{adapter_dir}: no adapter_config.json (not a PEFT adapter folder)")
    try:
        cfg = json.loads(config_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AdapterError(f"{config_path}: not JSON ({exc.msg})") from None
    if not isinstance(cfg, dict):
        raise AdapterError(f"{config_path}: not a JSON object (not a PEFT adapter config)")
    problems = []
    if cfg.get("peft_type") != "LORA":
        problems.append(f"peft_type is {cfg.get('peft_type')!r}; vLLM serves LORA adapters only")
    rank = cfg.get("r")
    if rank not in VLLM_LORA_RANKS:
        problems.append(f"rank r={rank} is not one vLLM accepts ({', '.join(map(str, VLLM_LORA_RANKS))})")
    for name in cfg.get("modules_to_save") or []:
        if any(name.endswith(u) for u in VLLM_UNSUPPORTED_MODULES_TO_SAVE):
            problems.append(f"modules_to_save contains {name}; vLLM cannot load trained copies of embeddings or lm_head")
    if cfg.get("use_dora"):
        problems.append("use_dora is true; vLLM does not serve DoRA adapters")
    if cfg.get("bias", "none") != "none":
        problems.append(f"bias={cfg['bias']!r}; vLLM expects bias='none'")
    targets = cfg.get("target_modules") or []
    if isinstance(targets, str):
        problems.append(f"target_modules is a regex ({targets!r}); list the modules by name")
    elif unknown := sorted(set(targets) - set(LLAMA_LINEAR_MODULES)):
        problems.append(f"target_modules {', '.join(unknown)} are not Llama linear layers vLLM can adapt")
    return problems + _weights_problems(adapter_dir / "adapter_model.safetensors")


def _weights_problems(weights: Path) -> list[str]:
    """What stops vLLM from loading the weights file: missing, unreadable, or holding full module copies."""
    if not weights.is_file():
        return ["no adapter_model.safetensors (vLLM needs safetensors weights)"]
    try:
        keys = _safetensors_keys(weights)
    except ValueError as exc:
        return [f"adapter_model.safetensors is not a readable safetensors file ({exc})"]
    full_copies = [k for k in keys if any(f"{u}." in k for u in VLLM_UNSUPPORTED_MODULES_TO_SAVE) and "lora_" not in k]
    if full_copies:
        return [f"weights hold full copies of {full_copies[0]} (and {len(full_copies) - 1} more); "
                "vLLM cannot load them"]
    return []
