"""GPU memory planner: what a recipe needs, part by part, before a GPU is rented for it.

Every figure is counted from the model's shape and the recipe, not read from a table:
- quantized weights: NF4 is 4 bits/param plus one fp32 absmax per 64 weights (0.5 bit); double
  quantization stores those absmaxes in 8 bits with one fp32 constant per 256 (0.127 bit): 4.127 bits.
  Embeddings, lm_head and norms stay in the compute dtype (fp32 with prepare_model_for_kbit_training).
- LoRA weights r*(in+out) per target; trl casts them to bf16 on a 4-bit base, peft keeps them fp32
  otherwise. Gradients in the parameters' dtype. AdamW holds two states per trainable parameter,
  in the parameters' dtype (torch AdamW) or 8 bits (bitsandbytes 8-bit/paged).
- activations: with checkpointing, each layer's input (b*s*h in the compute dtype) plus one layer
  recomputed in full during backward; without, every layer in full. A Llama layer holds about
  (34*h + 10*i) bytes per token in bf16 (norm inputs in fp32, q/k/v/o and MLP inputs, SwiGLU
  products, LoRA dropout copies, attention output; SDPA keeps no s*s scores).
- logits and loss: trl 1.x's fused LM head allocates one fp32 tile buffer of min(tokens, 4096) x 32768
  (whatever the vocabulary) and scores the vocabulary in slices of up to 32768; its torch fallback
  (CPUs, no Triton) holds about 7 slice-sized fp32 temporaries at once, measured on the tiny model;
  the Triton path is assumed to hold 2 (to be confirmed by training/bench_gpu.py). The plain path
  holds b*s*V logits in bf16 and fp32 plus their grad.
- activation offloading (trl's, what bench_gpu's *-offload setups run): the checkpointed layer inputs wait in
  host memory instead of on the GPU; they are listed as a host part and left out of the GPU total. Fitted to the
  committed H200 measurements (eval/results/planner_offload_measurements.json, tests/training/test_planner.py):
  the one layer recomputed in backward and the loss stay on the GPU.
The peak is the persistent parts plus the larger of the two transient phases (the loss, or one layer
recomputed in backward), which never coexist. A fixed allowance covers the CUDA context, cuBLAS
workspaces and allocator fragmentation.

Checked against measurement: on the CPU, within 15% of the tiny model's measured tensor peak
(tests/training/test_planner.py, measured by training.memory.TensorPeak); on a GPU by training/bench_gpu.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from training.config import TrainConfig

GiB = 1024**3
NF4_DOUBLE_QUANT_BITS = 4 + 8 / 64 + 32 / (64 * 256)  # 4.127
NF4_BITS = 4 + 32 / 64  # 4.5
FUSED_TOKEN_TILE, FUSED_VOCAB_TILE = 4096, 32768  # trl/kernels/chunked_logprob.py, trl/trainer/utils.py
CUDA_OVERHEAD_BYTES = int(1.5 * GiB)  # context + cuBLAS/cuDNN workspaces, outside the allocator
FRAGMENTATION = 0.05  # caching-allocator slack on top of live tensors

LOSS_PART, RECOMPUTE_PART = "logits + loss (fused, tiled)", "activations (one layer recomputed)"
TRANSIENT_PARTS = {LOSS_PART, RECOMPUTE_PART, "logits + loss (full)"}
HOST_PARTS = {"activations (checkpointed layer inputs, offloaded to the host)"}

GPUS = {"a100-80gb": 80, "a100-40gb": 40, "h100-80gb": 80, "h200-141gb": 141, "l40s-48gb": 48, "a10g-24gb": 24}


@dataclass(frozen=True)
class ModelShape:
    name: str
    layers: int
    hidden: int
    intermediate: int
    heads: int
    kv_heads: int
    vocab: int
    tied_embeddings: bool = False

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def linear_shapes(self) -> dict[str, tuple[int, int]]:
        """(in, out) of each decoder linear layer."""
        h, i, kv = self.hidden, self.intermediate, self.kv_heads * self.head_dim
        return {"q_proj": (h, h), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (h, h),
                "gate_proj": (h, i), "up_proj": (h, i), "down_proj": (i, h)}

    @property
    def linear_params(self) -> int:
        return self.layers * sum(a * b for a, b in self.linear_shapes().values())

    @property
    def embedding_params(self) -> int:
        return self.vocab * self.hidden * (1 if self.tied_embeddings else 2)

    @property
    def norm_params(self) -> int:
        return (2 * self.layers + 1) * self.hidden

    @property
    def total_params(self) -> int:
        return self.linear_params + self.embedding_params + self.norm_params


# Shapes from the models' config.json files
SHAPES = {
    "llama31-8b": ModelShape("Llama 3.1 8B", 32, 4096, 14336, 32, 8, 128256),
    "llama31-70b": ModelShape("Llama 3.1 70B", 80, 8192, 28672, 64, 8, 128256),
    "llama2-7b": ModelShape("Llama 2 7B", 32, 4096, 11008, 32, 32, 32000),
    "llama2-13b": ModelShape("Llama 2 13B", 40, 5120, 13824, 40, 40, 32000),
    "codellama-34b": ModelShape("Code Llama 34B", 48, 8192, 22016, 64, 8, 32016),
    "llama2-70b": ModelShape("Llama 2 70B", 80, 8192, 28672, 64, 8, 32000),
}
_NAME_TO_SHAPE = {"llama-3.1-8b": "llama31-8b", "llama-3.1-70b": "llama31-70b", "meta-llama-3.1-8b": "llama31-8b",
                  "meta-llama-3.1-70b": "llama31-70b"}


def shape_for(name_or_path: str) -> ModelShape | None:
    """Known shape for a hub name (meta-llama/Llama-3.1-70B-Instruct -> llama31-70b), else None."""
    base = re.sub(r"-instruct$", "", name_or_path.rsplit("/", 1)[-1].lower())
    key = _NAME_TO_SHAPE.get(base)
    return SHAPES[key] if key else None


@dataclass(frozen=True)
class Plan:
    """A training setup reduced to what memory depends on."""

    shape: ModelShape
    method: str  # "qlora" | "lora" | "full"
    batch: int
    seq_len: int
    lora_r: int = 64
    lora_targets: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
    lora_dropout: bool = True
    double_quant: bool = True
    compute_bytes: int = 2
    prepare_for_kbit: bool = False
    optimizer: str = "paged_adamw_8bit"
    gradient_checkpointing: bool = True
    fused_loss: bool = True
    loss_temporaries: int = 2  # fp32 slice-sized temporaries of the fused loss: 2 with Triton, 7 on CPUs
    offload_activations: bool = False  # trl's activation offloading: checkpointed layer inputs in host memory


@dataclass
class Estimate:
    plan: Plan
    parts: dict[str, int] = field(default_factory=dict)

    @property
    def tensors_bytes(self) -> int:
        """Peak live tensors: persistent parts plus the larger transient phase."""
        persistent = sum(v for k, v in self.parts.items() if k not in TRANSIENT_PARTS | HOST_PARTS)
        return persistent + max((v for k, v in self.parts.items() if k in TRANSIENT_PARTS), default=0)

    @property
    def total_bytes(self) -> int:
        """What the GPU must hold: live tensors, allocator slack and the CUDA context."""
        return int(self.tensors_bytes * (1 + FRAGMENTATION)) + CUDA_OVERHEAD_BYTES


def lora_params(plan: Plan) -> int:
    shapes = plan.shape.linear_shapes()
    return plan.shape.layers * sum(plan.lora_r * (shapes[t][0] + shapes[t][1]) for t in plan.lora_targets)


def estimate(plan: Plan) -> Estimate:
    s, cb = plan.shape, plan.compute_bytes
    parts: dict[str, int] = {}
    other = s.embedding_params + s.norm_params
    if plan.method == "qlora":
        bits = NF4_DOUBLE_QUANT_BITS if plan.double_quant else NF4_BITS
        parts["base weights (4-bit linear)"] = int(s.linear_params * bits / 8)
        parts["base weights (embeddings, lm_head, norms)"] = other * (4 if plan.prepare_for_kbit else cb)
    else:
        parts["base weights"] = s.total_params * cb

    if plan.method == "full":
        trainable, param_bytes = s.total_params, cb
    else:
        # trl casts LoRA weights to bf16 on a 4-bit base; peft keeps them fp32 on a bf16 base
        trainable, param_bytes = lora_params(plan), (2 if plan.method == "qlora" else 4)
        parts["LoRA weights"] = trainable * param_bytes
    parts["gradients"] = trainable * param_bytes
    state_bytes = 1 if "8bit" in plan.optimizer else param_bytes
    parts[f"optimizer state ({plan.optimizer})"] = trainable * 2 * state_bytes

    tokens = plan.batch * plan.seq_len
    per_layer_full = tokens * (34 * s.hidden + 10 * s.intermediate) * cb // 2
    if not plan.lora_dropout and plan.method != "full":
        per_layer_full -= tokens * 10 * s.hidden * cb // 2  # no dropout copies of the LoRA inputs
    if plan.gradient_checkpointing:
        where = "activations (checkpointed layer inputs, offloaded to the host)" if plan.offload_activations else \
            "activations (checkpointed layer inputs)"
        parts[where] = s.layers * tokens * s.hidden * cb
        parts[RECOMPUTE_PART] = per_layer_full
    else:
        parts["activations (all layers)"] = s.layers * per_layer_full
    if plan.fused_loss:
        rows = min(tokens, FUSED_TOKEN_TILE)
        buffer = rows * FUSED_VOCAB_TILE * 4
        temporaries = plan.loss_temporaries * rows * min(s.vocab, FUSED_VOCAB_TILE) * 4
        parts[LOSS_PART] = buffer + temporaries + tokens * s.hidden * 4 * 2
    else:
        parts["logits + loss (full)"] = tokens * s.vocab * (cb + 4 + 4)
    return Estimate(plan, parts)


def plan_from_config(config: TrainConfig, shape: ModelShape, *, triton: bool = True) -> Plan:
    q, t = config.quantization, config.train
    return Plan(
        shape=shape, method="qlora" if q.load_in_4bit else "lora", batch=t.per_device_train_batch_size,
        seq_len=config.data.max_length, lora_r=config.lora.r, lora_targets=tuple(config.lora.target_modules),
        lora_dropout=config.lora.dropout > 0, double_quant=q.double_quant,
        compute_bytes=4 if q.compute_dtype == "float32" else 2,
        prepare_for_kbit=q.load_in_4bit and q.prepare_for_kbit_training, optimizer=t.optim,
        gradient_checkpointing=t.gradient_checkpointing, loss_temporaries=2 if triton else 7,
        offload_activations=t.activation_offloading and t.gradient_checkpointing,
    )


def parse_gpu(spec: str) -> tuple[str, float]:
    """`a100-80gb` or `NAME:GB` -> (name, GiB)."""
    if spec.lower() in GPUS:
        return spec.lower(), float(GPUS[spec.lower()])
    name, sep, gb = spec.partition(":")
    try:
        size = float(gb) if sep else float("nan")
    except ValueError:
        size = float("nan")
    if not name or not size > 0:
        raise ValueError(f"--gpu {spec!r}: use one of {', '.join(GPUS)} or NAME:GB (e.g. rtx4090:24)")
    return name, size


def advice(est: Estimate, gpu_bytes: float) -> list[str]:
    """What to change when it does not fit, biggest saving first, each with its size."""
    p = est.plan
    over = est.total_bytes - gpu_bytes
    tips: list[tuple[int, str]] = []
    if p.prepare_for_kbit:
        saving = (p.shape.embedding_params + p.shape.norm_params) * (4 - p.compute_bytes)
        tips.append((saving, "quantization.prepare_for_kbit_training=false"))
    if not p.gradient_checkpointing:
        tips.append((est.parts.get("activations (all layers)", 0), "train.gradient_checkpointing=true"))
    if p.batch > 1:
        act = sum(v for k, v in est.parts.items() if k.startswith("activations") and k not in HOST_PARTS)
        tips.append((act // 2, f"train.per_device_train_batch_size={p.batch // 2} and double "
                               "train.gradient_accumulation_steps"))
    if "8bit" not in p.optimizer:
        tips.append((est.parts.get(f"optimizer state ({p.optimizer})", 0) * 3 // 4, "train.optim=paged_adamw_8bit"))
    if p.seq_len > 2048:
        tips.append((0, f"data.max_length={p.seq_len // 2} (if the training set allows)"))
    if p.method != "qlora":
        tips.append((0, "quantization.load_in_4bit=true"))
    tips.sort(key=lambda t: -t[0])
    return [f"{text} (saves ~{saving / GiB:.1f} GiB)" if saving else text for saving, text in tips if over > 0]


# The seed's memory table, rows x columns: (model, method) -> shape and setup. Full FT and LoRA in bf16 with
# torch AdamW; QLoRA NF4 with paged 8-bit AdamW, as the seed configures it. Batch 1 x 512 tokens with
# checkpointing, the setting such tables are quoted for.
SEED_TABLE_MODELS = {"7B": "llama2-7b", "13B": "llama2-13b", "34B": "codellama-34b", "70B": "llama2-70b"}
SEED_TABLE_METHODS: dict[str, dict[str, Any]] = {
    "full FT bf16": {"method": "full", "optimizer": "adamw_torch"},
    "LoRA bf16": {"method": "lora", "optimizer": "adamw_torch", "lora_r": 16},
    "QLoRA NF4": {"method": "qlora", "optimizer": "paged_adamw_8bit", "lora_r": 16},
}
# Published reference for the same grid: LLaMA-Factory README hardware table, GB (rows Full pure_bf16, LoRA 16-bit,
# QLoRA 4-bit). The seed's own figures are not in this repository; its 30B column is not compared with 34B.
REFERENCE_GB = {
    ("7B", "full FT bf16"): 60, ("13B", "full FT bf16"): 120, ("70B", "full FT bf16"): 600,
    ("7B", "LoRA bf16"): 16, ("13B", "LoRA bf16"): 32, ("70B", "LoRA bf16"): 160,
    ("7B", "QLoRA NF4"): 6, ("13B", "QLoRA NF4"): 12, ("70B", "QLoRA NF4"): 48,
}


def seed_table(batch: int = 1, seq_len: int = 512) -> dict[tuple[str, str], Estimate]:
    table = {}
    for size, shape_key in SEED_TABLE_MODELS.items():
        for label, kwargs in SEED_TABLE_METHODS.items():
            table[(size, label)] = estimate(Plan(shape=SHAPES[shape_key], batch=batch, seq_len=seq_len, **kwargs))
    return table
