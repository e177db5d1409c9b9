"""Measure a recipe's real peak memory on fixed-size batches, to hold the planner to account.

The batch is `batch x seq_len` tokens of random ids, all of them labelled, so the measured run does
exactly the work the planner assumes (every example at max_length); the model is loaded and trained
through the same code as `lexrisk train`."""

from __future__ import annotations

import time
from dataclasses import dataclass

from training.config import TrainConfig
from training.memory import PeakMemory, TensorPeak, model_bytes


@dataclass
class Measurement:
    peak_bytes: int
    source: str
    seconds_per_step: float
    tokens_per_second: float
    losses: list[float]


def measure_training_peak(config: TrainConfig, steps: int = 2) -> Measurement:
    """Peak memory of loading the model and training `steps` optimizer steps. On a GPU: the allocator's
    peak over the whole run. On the CPU: the weights as loaded (counted storage by storage) plus the peak
    of tensors allocated during training (TensorPeak), since a CPU process has no allocator peak."""
    import torch
    from datasets import Dataset
    from trl import SFTTrainer

    from training.build import base_model_path, load_base_model, load_tokenizer, peft_config, prepare_for_training
    from training.trainer import sft_config

    t = config.train
    base = base_model_path(config)
    tokenizer = load_tokenizer(base)
    generator = torch.Generator().manual_seed(0)
    seq = config.data.max_length
    rows = [{"input_ids": torch.randint(300, tokenizer.vocab_size, (seq,), generator=generator).tolist()}
            for _ in range(t.per_device_train_batch_size * t.gradient_accumulation_steps * steps)]
    config = config.model_copy(update={"train": t.model_copy(update={"max_steps": steps, "save_steps": 10**6,
                                                                    "logging_steps": 1}),
                                       "data": config.data.model_copy(update={"evaluate": False})})
    args = sft_config(config, len(rows), has_eval=False)
    args.assistant_only_loss = False
    args.save_strategy = "no"
    args.disable_tqdm = True
    on_gpu = torch.cuda.is_available()
    with PeakMemory() as gpu_peak:
        model = prepare_for_training(config, load_base_model(config, base))
        trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                             peft_config=peft_config(config))
        static = model_bytes(trainer.model)
        started = time.perf_counter()
        if on_gpu:
            trainer.train()
        else:
            with TensorPeak() as cpu_peak:
                trainer.train()
        elapsed = time.perf_counter() - started
    if on_gpu:
        peak, source = gpu_peak.peak_bytes, gpu_peak.source
    else:
        peak, source = static + cpu_peak.peak_bytes, f"weights as loaded + {cpu_peak.source}"
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    tokens = len(rows) * seq
    return Measurement(peak, source, elapsed / steps, tokens / elapsed, losses)


def tiny_shape(config: TrainConfig):
    from training.planner import ModelShape

    tiny = config.model.tiny
    if tiny is None:
        raise ValueError("measure_training_peak's planner comparison needs a recipe with model.tiny")
    return ModelShape("tiny", tiny.num_hidden_layers, tiny.hidden_size, tiny.intermediate_size,
                      tiny.num_attention_heads, tiny.num_key_value_heads, tiny.vocab_size)

