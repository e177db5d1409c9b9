"""Write the sizing tables of docs/deploy.md (between the `sizing` markers) from the memory planner:
`python scripts/gen_deploy_sizing.py`. tests/deploy/test_sizing_doc.py fails when the doc drifts.

Training: the planner's estimate per GPU (training/planner.py, the model behind `lexrisk train plan
--seed-table`), at the recipes' 4,096 tokens, and the fewest 80 GiB GPUs that hold it when FSDP shards
the weights, gradients and optimizer state (activations and the loss are per GPU, not sharded).
Serving: weight bytes per precision from the same model shapes, and the fewest GPUs (tensor parallel)
that keep weights under 75% of each GPU, leaving the rest for vLLM's KV cache."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from training.planner import (  # noqa: E402
    CUDA_OVERHEAD_BYTES,
    FRAGMENTATION,
    SEED_TABLE_METHODS,
    SHAPES,
    TRANSIENT_PARTS,
    GiB,
    Plan,
    estimate,
)

DOC = REPO / "docs" / "deploy.md"
GPU_GIB = 80
SEQ_LEN = 4096
MODELS = {"Llama 3.1 8B": "llama31-8b", "Code Llama 34B": "codellama-34b", "Llama 3.1 70B": "llama31-70b"}
SHARDED = ("base weights", "LoRA weights", "gradients", "optimizer state")
# Measured on one H200 capped at 80 GiB, 4,096 tokens, LoRA r64 (issue #16): (setup, batch) -> (GiB, tok/s)
MEASURED = {("Llama 3.1 70B", "QLoRA NF4 (savers)", 1): (46.2, 1005), ("Llama 3.1 70B", "QLoRA NF4 (savers)", 2): (53.6, 1044),
            ("Llama 3.1 8B", "QLoRA NF4 (savers)", 2): (10.3, 6462), ("Llama 3.1 8B", "LoRA bf16", 2): (21.1, None)}
# the planner's setup for each measured row: the recipes' r64 on every linear layer, paged 8-bit AdamW
MEASURED_PLAN = {"QLoRA NF4 (savers)": "qlora", "LoRA bf16": "lora"}
# vLLM weight formats: bytes per linear-layer weight; embeddings and norms stay bf16
SERVING = {"bf16": 2.0, "FP8 (W8A8)": 1.0, "AWQ int4 (group 128)": (4 + 16 / 128) / 8}
SERVING_SOURCES = {
    "bf16": "vLLM `--dtype bfloat16`; deploy/vllm/serve-70b-tp.sh",
    "FP8 (W8A8)": "vLLM `--quantization fp8` (dynamic FP8 on Hopper/Ada GPUs); deploy/vllm/serve-70b-single-gpu.sh",
    "AWQ int4 (group 128)": "vLLM `--quantization awq_marlin`, a pre-quantized AWQ checkpoint (Ampere and newer)",
}


def _per_gpu_gib(parts: dict[str, int], gpus: int) -> float:
    persistent = sum(v / gpus if k.startswith(SHARDED) else v for k, v in parts.items() if k not in TRANSIENT_PARTS)
    transient = max((v for k, v in parts.items() if k in TRANSIENT_PARTS), default=0)
    return ((persistent + transient) * (1 + FRAGMENTATION) + CUDA_OVERHEAD_BYTES) / GiB


def measured_plan_gib(model: str, setup: str, batch: int) -> float:
    plan = Plan(shape=SHAPES[MODELS[model]], method=MEASURED_PLAN[setup], batch=batch, seq_len=SEQ_LEN, lora_r=64)
    return _per_gpu_gib(estimate(plan).parts, 1)


def training_table() -> str:
    rows = ["| model | method | planner, 1 GPU, batch 1 (GiB) | fewest 80 GiB GPUs (FSDP), batch 1 | per GPU there (GiB) |",
            "|---|---|---|---|---|"]
    for model, key in MODELS.items():
        for label, kwargs in SEED_TABLE_METHODS.items():
            parts = estimate(Plan(shape=SHAPES[key], batch=1, seq_len=SEQ_LEN, **kwargs)).parts  # type: ignore[arg-type]
            single = _per_gpu_gib(parts, 1)
            gpus = next((n for n in (1, 2, 4, 8, 16, 32, 64) if _per_gpu_gib(parts, n) <= GPU_GIB * 0.95), None)
            fit = f"{gpus}" if gpus else "more than 64"
            per = f"{_per_gpu_gib(parts, gpus):.1f}" if gpus else "-"
            rows.append(f"| {model} | {label} | {single:.1f} | {fit} | {per} |")
    measured = ["| model | setup | batch | measured peak (GiB) | planner (GiB) | tokens/s |", "|---|---|---|---|---|---|"]
    for (model, setup, batch), (gib, tps) in MEASURED.items():
        measured.append(f"| {model} | {setup} | {batch} | {gib} | {measured_plan_gib(model, setup, batch):.1f} | "
                        f"{f'{tps:,}' if tps else '-'} |")
    return "\n".join(rows) + "\n\nMeasured (one H200 capped at 80 GiB, 4,096 tokens, LoRA r64):\n\n" + "\n".join(measured)


def serving_table() -> str:
    rows = ["| model | weights | weight memory (GB) | fewest 80 GB GPUs (TP) | source |", "|---|---|---|---|---|"]
    for model, key in MODELS.items():
        shape = SHAPES[key]
        for fmt, linear_bytes in SERVING.items():
            weights = shape.linear_params * linear_bytes + (shape.embedding_params + shape.norm_params) * 2
            tp = next(n for n in (1, 2, 4, 8) if weights / n <= 0.75 * GPU_GIB * GiB)
            rows.append(f"| {model} | {fmt} | {weights / 1e9:.0f} | {tp} | {SERVING_SOURCES[fmt]} |")
    return "\n".join(rows)


def block() -> str:
    return (f"<!-- sizing:start (scripts/gen_deploy_sizing.py) -->\n### Training, {SEQ_LEN:,} tokens\n\n"
            f"{training_table()}\n\n### Serving (vLLM)\n\n{serving_table()}\n<!-- sizing:end -->")


def main() -> None:
    text = DOC.read_text("utf-8")
    new = re.sub(r"<!-- sizing:start.*?<!-- sizing:end -->", lambda _m: block(), text, flags=re.S)
    DOC.write_text(new, "utf-8")


if __name__ == "__main__":
    main()
