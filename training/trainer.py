"""One recipe -> one adapter. Loads data and checks it, loads the base in 4-bit, trains with trl's
SFTTrainer (training.token_metrics) on the assistant's tokens only, evaluates on dev, and writes the adapter with its
tokenizer, training template and model card. Resumes from the last checkpoint after a crash."""

from __future__ import annotations

import json
import logging
import math
import re
import time
from pathlib import Path
from typing import Any

from training.config import SFT_RENAMED, TRAIN_ONLY, TrainConfig
from training.data import DatasetError, check_tokenizer, load_training_set
from training.memory import PeakMemory
from training.result import TrainResult

logger = logging.getLogger(__name__)

ADAPTER_DIR = "adapter"
TEMPLATE_FILE = "chat_template.jinja"


class TrainingError(RuntimeError):
    """The run cannot start or continue; one line the ML engineer can act on."""


def last_checkpoint(output_dir: Path) -> Path | None:
    """The highest checkpoint-N folder, as transformers' get_last_checkpoint finds it (without importing torch)."""
    if not output_dir.is_dir():
        return None
    found = [(int(m[1]), p) for p in output_dir.iterdir() if p.is_dir() and (m := re.fullmatch(r"checkpoint-(\d+)", p.name))]
    return max(found)[1] if found else None


def checkpoint_progress(checkpoint: Path) -> tuple[int, int]:
    """(optimizer steps, input tokens) a checkpoint had reached, from its trainer_state.json: what a
    resumed run's own sitting did not do, so that its card's speed counts only what this sitting did."""
    try:
        state = json.loads((checkpoint / "trainer_state.json").read_text(encoding="utf-8"))
        return int(state["global_step"]), int(state.get("num_input_tokens_seen") or 0)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TrainingError(f"--resume: {checkpoint} has no readable trainer_state.json ({exc})") from None


def drop_overlong(config: TrainConfig, examples: list[dict], tokenizer, split: str) -> tuple[list[dict], int]:
    """Drop examples longer than data.max_length tokens, so no answer is cut mid-JSON; count them."""
    if not config.data.drop_overlong:
        return examples, 0
    limit = config.data.max_length

    def fits(example: dict) -> bool:
        return len(tokenizer.apply_chat_template(example["messages"], tokenize=True, return_dict=True)["input_ids"]) <= limit

    kept = [e for e in examples if fits(e)]
    if not kept:
        raise DatasetError(f"{split}: every example is longer than data.max_length={limit} tokens")
    return kept, len(examples) - len(kept)


def sft_config(config: TrainConfig, num_examples: int, *, has_eval: bool = True, world_size: int = 1) -> Any:
    """trl's SFTConfig from the recipe: every `train` field under its own name (or SFT_RENAMED's), plus
    what lexrisk derives or fixes. Warm-up is given in steps (transformers 5 dropped warmup_ratio),
    computed from warmup_fraction over the steps this run will take."""
    import torch
    from trl import SFTConfig

    t = config.train
    steps_per_epoch = max(1, math.ceil(num_examples / (t.per_device_train_batch_size * world_size))
                          // t.gradient_accumulation_steps)
    total_steps = t.max_steps if t.max_steps > 0 else math.ceil(steps_per_epoch * t.num_train_epochs)
    has_eval = has_eval and config.data.evaluate
    recipe = {SFT_RENAMED.get(name, name): value for name, value in t.model_dump().items() if name not in TRAIN_ONLY}
    fixed = dict(
        output_dir=str(config.output_dir),
        run_name=config.run_name,
        report_to=config.report_to,
        warmup_steps=math.ceil(total_steps * t.warmup_fraction),
        activation_checkpointing_kwargs={"use_reentrant": False} if t.gradient_checkpointing else None,
        logging_first_step=True,
        save_strategy="steps",
        eval_strategy="steps" if has_eval else "no",
        eval_steps=t.eval_steps if has_eval else None,
        data_seed=t.seed,
        max_length=config.data.max_length,
        assistant_only_loss=True,
        packing_strategy="bfd",  # with packing: padding-free rows, sequence boundaries in position_ids
        include_num_input_tokens_seen="non_padding",
        dataset_num_proc=None,
        use_cpu=not torch.cuda.is_available(),
    )
    return SFTConfig(**{**recipe, **fixed})  # lexrisk's derived values win (eval_steps without a dev split)


def check_distributed(config: TrainConfig) -> None:
    """Refuse a sharded launch that would not shard the 4-bit base: accelerate leaves 4-bit weights stored
    as uint8 whole on every GPU under FSDP (only floating storage is sharded), so 70B would not fit."""
    import os

    sharded = os.environ.get("ACCELERATE_USE_FSDP", "").lower() == "true" or \
        os.environ.get("ACCELERATE_USE_DEEPSPEED", "").lower() == "true"
    q = config.quantization
    if sharded and q.load_in_4bit and q.quant_storage != "bfloat16":
        raise TrainingError("FSDP/DeepSpeed ZeRO-3 shard 4-bit weights only when they are stored as bfloat16: "
                            "add --set quantization.quant_storage=bfloat16")


def check_kernels(config: TrainConfig) -> None:
    """train.use_liger_kernel needs liger-kernel (the gpu-kernels extra) and a GPU; say so before the model loads
    rather than let transformers raise an ImportError from inside the trainer."""
    import importlib.util

    import torch

    if not config.train.use_liger_kernel:
        return
    if importlib.util.find_spec("liger_kernel") is None:
        raise TrainingError("train.use_liger_kernel needs liger-kernel: pip install -e '.[training,gpu-kernels]' "
                            "on a CUDA host, or --set train.use_liger_kernel=false")
    if not torch.cuda.is_available():
        raise TrainingError("train.use_liger_kernel: Liger's kernels are Triton kernels and need a CUDA GPU; "
                            "--set train.use_liger_kernel=false here")


def check_packing(config: TrainConfig, model) -> None:
    """Packing's two pitfalls, one fixed and one said. Packed rows must run without a KV cache: with one,
    transformers' create_causal_mask does not detect the restarting position ids and the packed examples attend to
    each other (tests/training/test_packing.py); trl passes use_cache=False to each forward, and the config is fixed
    too, so no other path (an evaluation callback, a generate) sees a cache with packed rows. And rows of a batch
    are flattened into one sequence, which sdpa and eager attend as a whole (benchmarks/packing_cpu.py)."""
    if config.train.packing and getattr(model.config, "use_cache", False):
        logger.warning("train.packing: setting the model's use_cache to False (a KV cache would let packed "
                       "examples attend to each other)")
        model.config.use_cache = False
    if config.train.packing and config.train.per_device_train_batch_size > 1 and \
            config.model.attn_implementation != "flash_attention_2":
        logger.warning("train.packing with per_device_train_batch_size > 1 on %s attention: the packed rows are "
                       "flattened into one sequence attended as a whole; batch size 1 (more accumulation steps) or "
                       "flash_attention_2 avoids the quadratic cost", config.model.attn_implementation)


def build_trainer(config: TrainConfig, base_path: str, train: list[dict], dev: list[dict] | None, tokenizer):
    from datasets import Dataset

    from training.build import load_base_model, peft_config, prepare_for_training
    from training.run_loss import RunLoss
    from training.token_metrics import TokenWeightedSFTTrainer

    check_distributed(config)
    check_kernels(config)
    args = sft_config(config, len(train), has_eval=dev is not None)  # first: sets up the process group and device
    model = load_base_model(config, base_path)
    model = prepare_for_training(config, model)
    check_packing(config, model)
    return TokenWeightedSFTTrainer(  # trl's SFTTrainer, its token accuracy and entropy weighted by tokens
        model=model,
        args=args,
        train_dataset=Dataset.from_list(train),
        eval_dataset=Dataset.from_list(dev) if dev else None,
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=[RunLoss()],  # the card's train loss over every sitting of a resumed run
    )


def run_training(config: TrainConfig, *, resume: bool = False) -> TrainResult:
    from training.build import base_model_path, load_tokenizer
    from training.loss_curves import loss_history
    from training.model_card import write_model_card
    from training.run_loss import RunLoss

    started = time.perf_counter()
    dataset = load_training_set(config.data)  # first: bad or stale data fails before any model loads
    train, dev = dataset.train, dataset.dev
    output_dir = config.output_dir
    checkpoint = last_checkpoint(output_dir)
    if resume and checkpoint is None:
        raise TrainingError(f"--resume: no checkpoint-* folder in {output_dir} to resume from")
    if not resume and checkpoint is not None:
        raise TrainingError(f"{output_dir} already holds {checkpoint.name}; pass --resume to continue it "
                            "or choose another --output-dir")
    resumed_step, resumed_tokens = checkpoint_progress(checkpoint) if resume and checkpoint else (None, 0)

    base_path = base_model_path(config)
    check_tokenizer(dataset.card, config.data.dataset_dir, base_path)
    tokenizer = load_tokenizer(base_path, config.model.revision)
    train, dropped = drop_overlong(config, train, tokenizer, "train")
    if dev is not None:
        dev, _ = drop_overlong(config, dev, tokenizer, "dev")
    counts = {"train": len(train), "dev": len(dev or []), "dropped_overlong": dropped}
    info = dataset.info(config.data.dataset_dir, counts)
    with PeakMemory() as peak:
        trainer = build_trainer(config, base_path, train, dev, tokenizer)
        output = trainer.train(resume_from_checkpoint=str(checkpoint) if resume else None)
        eval_loss = trainer.evaluate()["eval_loss"] if dev else None
    wall = time.perf_counter() - started

    adapter_dir = output_dir / ADAPTER_DIR
    trainer.save_model(str(adapter_dir))  # collective under FSDP: every process takes part
    main_process = trainer.is_world_process_zero()
    if main_process:
        tokenizer.save_pretrained(str(adapter_dir))
        (adapter_dir / TEMPLATE_FILE).write_text(tokenizer.chat_template, encoding="utf-8")
    history = loss_history(trainer.state.log_history)
    runtime = output.metrics.get("train_runtime") or wall
    tokens = trainer.state.num_input_tokens_seen - resumed_tokens  # this sitting's, as its runtime is
    run_loss = next(cb for cb in trainer.callback_handler.callbacks if isinstance(cb, RunLoss))
    sitting_steps = trainer.state.global_step - (resumed_step or 0)
    train_loss, train_loss_steps = run_loss.whole_run(output.training_loss, sitting_steps)
    result = TrainResult(
        output_dir=output_dir, adapter_dir=adapter_dir, global_step=trainer.state.global_step,
        train_loss=train_loss, train_loss_steps=train_loss_steps, eval_loss=eval_loss,
        losses=[loss for _, loss in history.train], wall_time_s=wall,
        peak_memory_bytes=peak.peak_bytes, peak_memory_source=peak.source,
        tokens_per_second=tokens / runtime if tokens and runtime else None, dataset=info, dropped_overlong=dropped,
        history=history, resumed_from_step=resumed_step,
    )
    if main_process:
        write_model_card(adapter_dir, config, result)
    return result
