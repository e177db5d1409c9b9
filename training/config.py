"""The training config: typed, validated before anything heavy is imported or loaded, so a typo in a
70B recipe fails in a second instead of after twenty minutes of loading weights.

Only lexrisk's own fields live here; they are turned into trl/peft/transformers objects by
`training.build`. Defaults follow the seed recipe (Llama 3.1 70B QLoRA on one A100 80GB); where a
default differs from the library's, the field's description says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from contracts.errors import yaml_problem
from contracts.settings import PromptStyle

# vLLM's `--max-lora-rank` accepts only these values; an adapter of another rank cannot be served at its
# own rank (vllm/config/lora.py, MaxLoRARanks).
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
# modules vLLM cannot serve as fully trained copies (`modules_to_save`) inside a LoRA adapter
VLLM_UNSUPPORTED_MODULES_TO_SAVE = ("embed_tokens", "lm_head")
LLAMA_LINEAR_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")

ReportTo = Literal["none", "wandb", "mlflow", "tensorboard"]
# the AdamW variants lexrisk's planner and tests know; other transformers optimizers are not offered
Optimizer = Literal["paged_adamw_8bit", "adamw_8bit", "paged_adamw_32bit", "adamw_torch", "adamw_torch_fused"]


class ConfigError(ValueError):
    """A config that cannot run; the message names the field and the reason, on one line."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TinyModelSpec(_Section):
    """A random Llama built by the recipe itself (tests, CPUs). Saved to disk and then loaded with the
    same `from_pretrained` code as a real base, so that path is what the tests exercise."""

    hidden_size: int = Field(64, gt=0, description="model width")
    intermediate_size: int = Field(128, gt=0, description="MLP width")
    num_hidden_layers: int = Field(2, gt=0, description="decoder layers")
    num_attention_heads: int = Field(4, gt=0, description="query heads")
    num_key_value_heads: int = Field(2, gt=0, description="key/value heads (GQA, as in Llama 3.1)")
    vocab_size: int = Field(512, ge=300, description="model vocabulary; the BPE trained on the spot fills at most this many")
    max_position_embeddings: int = Field(2048, gt=0, description="longest sequence")
    seed: int = Field(0, description="seed of the random weights and of the tokenizer corpus")

    @model_validator(mode="after")
    def _heads_divide(self) -> TinyModelSpec:
        if self.hidden_size % self.num_attention_heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")
        return self


class ModelSection(_Section):
    name_or_path: str = Field(..., min_length=1,
                              description="hub name (meta-llama/Llama-3.1-70B-Instruct) or local folder of the base model")
    revision: str | None = Field(None, description="hub revision (commit) to pin the base to")
    tiny: TinyModelSpec | None = Field(None, description="build a tiny random Llama at name_or_path instead of loading one")
    attn_implementation: Literal["sdpa", "eager", "flash_attention_2"] = Field("sdpa", description="attention kernel")


class QuantizationSection(_Section):
    load_in_4bit: bool = Field(True, description="QLoRA: base weights in 4-bit; false trains LoRA on a bf16 base")
    quant_type: Literal["nf4", "fp4"] = Field("nf4", description="4-bit data type")
    double_quant: bool = Field(True, description="quantize the quantization constants too (saves ~0.37 bit/param)")
    compute_dtype: Literal["bfloat16", "float16", "float32"] = Field("bfloat16", description="matmul dtype of 4-bit layers")
    quant_storage: Literal["uint8", "bfloat16"] = Field(
        "uint8", description="storage dtype of packed 4-bit weights; bfloat16 lets FSDP shard them with the rest")
    prepare_for_kbit_training: bool = Field(
        True, description="peft's prepare_model_for_kbit_training: upcasts every non-quantized weight to fp32 "
                          "(about +4 GB at 70B); the seed makes it mandatory, here it is a switch")


class LoraSection(_Section):
    r: int = Field(64, gt=0, description="LoRA rank; must be one vLLM serves")
    alpha: int = Field(128, gt=0, description="LoRA scaling numerator (scale = alpha / r)")
    dropout: float = Field(0.05, ge=0, lt=1, description="dropout on the LoRA input")
    target_modules: tuple[str, ...] = Field(LLAMA_LINEAR_MODULES, min_length=1, description="linear layers that get adapters")
    modules_to_save: tuple[str, ...] = Field((), description="modules trained in full and saved with the adapter")

    @field_validator("r")
    @classmethod
    def _vllm_rank(cls, r: int) -> int:
        if r not in VLLM_LORA_RANKS:
            raise ValueError(f"{r} is not a rank vLLM serves; use one of {', '.join(map(str, VLLM_LORA_RANKS))}")
        return r

    @field_validator("modules_to_save")
    @classmethod
    def _vllm_modules(cls, modules: tuple[str, ...]) -> tuple[str, ...]:
        bad = [m for m in modules if any(m.endswith(u) for u in VLLM_UNSUPPORTED_MODULES_TO_SAVE)]
        if bad:
            raise ValueError(f"vLLM cannot serve an adapter with {', '.join(bad)} in modules_to_save; remove them")
        return modules


class DataSection(_Section):
    dataset_dir: Path = Field(..., description="folder written by `lexrisk annotate build-dataset` (splits and dataset card)")
    evaluate: bool = Field(True, description="evaluate on the set's dev split during training")
    max_dev_examples: int | None = Field(
        None, gt=0, description="evaluate on at most N dev examples, evenly spaced through the split and the same "
                                "at every evaluation (a CPU run keeps its dev curve affordable); default: all")
    max_length: int = Field(4096, gt=0, description="longest tokenized example (system + contract chunk + answer); "
                                                    "a set built with a larger --max-length is refused")
    drop_overlong: bool = Field(
        True, description="drop examples longer than max_length (counted and reported) instead of truncating them, "
                          "which would teach the model to stop mid-JSON")
    # how `lexrisk train prepare` builds the set (`lexrisk annotate build-dataset`'s options of the same names)
    prompt: PromptStyle = Field("full", description="system prompt style the set is built with: full, or brief (the "
                                                    "categories only, for small models; served with LEXRISK_PROMPT=brief)")
    risk_only: bool = Field(False, description="build the set from the 33 clause (risk) categories only")
    negatives: float = Field(0.3, ge=0, le=1, description="share of label-free chunks kept in the set")
    dev_fraction: float = Field(0.1, ge=0, lt=1, description="share of contracts in the set's dev split")
    test_fraction: float = Field(0.1, ge=0, lt=1, description="share of contracts in the set's test split")


# TrainSection fields that trl's SFTConfig knows under another name; every other field but those in
# TRAIN_ONLY is passed to SFTConfig under its own name (training.trainer.sft_config), so a new trainer
# option is one field here.
SFT_RENAMED = {"gradient_checkpointing": "activation_checkpointing"}
TRAIN_ONLY = frozenset({"warmup_fraction"})  # lexrisk's own; turned into SFTConfig fields by sft_config


class TrainSection(_Section):
    """Optimizer and loop settings: each field is the SFTConfig argument of the same name (see SFT_RENAMED)."""

    num_train_epochs: float = Field(3, gt=0, description="passes over the training split")
    max_steps: int = Field(-1, description="stop after this many optimizer steps (overrides epochs when > 0)")
    per_device_train_batch_size: int = Field(2, gt=0, description="sequences per device per micro-step")
    per_device_eval_batch_size: int = Field(2, gt=0, description="sequences per device when evaluating")
    gradient_accumulation_steps: int = Field(16, gt=0, description="micro-steps per optimizer step")
    learning_rate: float = Field(2e-4, gt=0, lt=1, description="peak learning rate")
    lr_scheduler_type: Literal["cosine", "linear", "constant", "constant_with_warmup"] = Field("cosine", description="schedule")
    warmup_fraction: float = Field(
        0.05, ge=0, lt=1, description="share of optimizer steps spent warming up; converted to warmup_steps "
                                      "(transformers 5 has no warmup_ratio)")
    weight_decay: float = Field(0.0, ge=0, description="AdamW weight decay")
    max_grad_norm: float = Field(1.0, gt=0, description="gradient clipping")
    optim: Optimizer = Field("paged_adamw_8bit",
                             description="transformers optimizer name (default differs: paged 8-bit AdamW, bitsandbytes)")
    gradient_checkpointing: bool = Field(True, description="recompute activations in backward (non-reentrant)")
    bf16: bool = Field(True, description="bf16 autocast for the trainable/non-quantized parts")
    logging_steps: int = Field(25, gt=0, description="log every N optimizer steps")
    save_steps: int = Field(100, gt=0, description="checkpoint every N optimizer steps")
    eval_steps: int = Field(100, gt=0, description="evaluate on the dev split every N optimizer steps")
    save_total_limit: int | None = Field(3, gt=0, description="checkpoints kept (oldest deleted)")
    seed: int = Field(42, description="data order and LoRA init")
    dataloader_num_workers: int = Field(0, ge=0, description="data loading worker processes")
    packing: bool = Field(
        False, description="padding-free packing: examples are packed best-fit-decreasing into rows of "
                           "data.max_length tokens told apart by restarting position ids (trl's 'bfd' strategy), so "
                           "no pad token is computed; the loss is the padded batch's (tests/training/test_packing.py). "
                           "Each packed row counts as one sequence of per_device_train_batch_size, and the batch's "
                           "rows are flattened into one sequence: with sdpa/eager attention that sequence is attended "
                           "as a whole (quadratic in it), so use batch size 1 there (benchmarks/packing_cpu.py) or "
                           "flash_attention_2, which attends each example alone")
    activation_offloading: bool = Field(
        False, description="trl's activation offloading: the checkpointed layer inputs wait in host memory during the "
                           "forward pass instead of on the GPU (the planner counts them as host memory), for long "
                           "sequences (lexrisk train plan weighs it against the measured speed)")
    use_liger_kernel: bool = Field(
        False, description="patch Liger's Triton kernels into the model (RMSNorm, SwiGLU, RoPE, fused linear "
                           "cross-entropy); needs a CUDA GPU and the gpu-kernels extra (liger-kernel)")


class TrainConfig(_Section):
    """A whole recipe. `output_dir` is where the adapter, tokenizer, template and model card land."""

    model: ModelSection
    quantization: QuantizationSection = QuantizationSection()
    lora: LoraSection = LoraSection()
    data: DataSection
    train: TrainSection = TrainSection()
    output_dir: Path = Field(Path("out/run"), description="run folder: checkpoint-N/ folders, then the final adapter/")
    run_name: str | None = Field(None, description="name shown by the experiment tracker")
    report_to: ReportTo = Field("none", description="experiment tracker: none, wandb, mlflow or tensorboard")

    @model_validator(mode="after")
    def _consistent(self) -> TrainConfig:
        q, t = self.quantization, self.train
        if q.prepare_for_kbit_training and not q.load_in_4bit:
            raise ValueError("quantization.prepare_for_kbit_training needs quantization.load_in_4bit: true")
        if q.quant_storage == "bfloat16" and not q.load_in_4bit:
            raise ValueError("quantization.quant_storage only applies with quantization.load_in_4bit: true")
        if t.bf16 and q.compute_dtype == "float16":
            raise ValueError("train.bf16 with quantization.compute_dtype float16 mixes dtypes; use bfloat16")
        return self

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def apply_overrides(raw: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply `--set section.key=value` overrides; the value is parsed as YAML (numbers, booleans, lists)."""
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. train.learning_rate=1e-4")
        node = raw
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"--set {item!r}: {part} is not a section")
            node = child
        node[parts[-1]] = yaml.safe_load(value) if value else None
    return raw


def _format_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "config"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling against training/recipes/llama31-70b-qlora.yaml)"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def parse_config(raw: dict[str, Any], base_dir: Path | None = None) -> TrainConfig:
    """Validate a recipe dict. Relative paths in the recipe are resolved against `base_dir` when given
    (the working directory otherwise), so a recipe runs the same from anywhere."""
    try:
        config = TrainConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc)) from None
    if base_dir is not None:
        config = _resolve_paths(config, base_dir)
    return config


def _resolve_paths(config: TrainConfig, base_dir: Path) -> TrainConfig:
    data = config.data
    if not data.dataset_dir.is_absolute():
        data = data.model_copy(update={"dataset_dir": base_dir / data.dataset_dir})
    model = config.model
    if model.tiny is not None and not Path(model.name_or_path).is_absolute():
        model = model.model_copy(update={"name_or_path": str(base_dir / model.name_or_path)})
    out = config.output_dir if config.output_dir.is_absolute() else base_dir / config.output_dir
    return config.model_copy(update={"data": data, "model": model, "output_dir": out})


def load_config(path: Path, overrides: list[str] | None = None, output_dir: Path | None = None) -> TrainConfig:
    """Read a YAML recipe, apply overrides, validate. Relative paths are taken from the working directory
    (recipes are written to be run from the repository root, as their header says)."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path}: a folder; name a recipe YAML file (training/recipes/*.yaml)")
    if not path.is_file():
        raise ConfigError(f"{path}: no such recipe file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the recipe ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; a recipe is a YAML file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({yaml_problem(exc)})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a recipe is a mapping of sections (model, data, train, ...)")
    raw = apply_overrides(raw, list(overrides or []))
    if output_dir is not None:
        raw["output_dir"] = str(output_dir)
    return parse_config(raw, base_dir=Path.cwd())

