"""What one training run produced, as the trainer returns it and the model card records it (its own
module so that the model card does not import the trainer that writes it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from training.data import DatasetInfo
from training.loss_curves import LossHistory


@dataclass
class TrainResult:
    output_dir: Path
    adapter_dir: Path
    global_step: int
    train_loss: float | None  # mean over the whole run, every sitting of a resumed one (training.run_loss)
    eval_loss: float | None
    losses: list[float]
    wall_time_s: float
    peak_memory_bytes: int
    peak_memory_source: str
    tokens_per_second: float | None
    dataset: DatasetInfo
    dropped_overlong: int
    history: LossHistory
    resumed_from_step: int | None = None  # where a --resume run's sitting began; wall time and speed are the sitting's
    train_loss_steps: int | None = None  # steps train_loss covers: fewer than global_step when a crash lost unlogged ones
