"""Train and dev loss over the optimizer steps of one run: taken from the trainer's log history (which a
resumed run restores from its checkpoint, so a crash leaves no gap), kept in the model card, and drawn as a
PNG beside the adapter so a reviewer sees at a glance whether dev loss followed train loss down."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOSS_PNG = "loss_curves.png"


@dataclass
class LossHistory:
    """(optimizer step, loss) pairs in step order; `dev` is empty when the run did not evaluate."""

    train: list[tuple[int, float]] = field(default_factory=list)
    dev: list[tuple[int, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[dict[str, float]]]:
        return {name: [{"step": step, "loss": loss} for step, loss in points]
                for name, points in (("train", self.train), ("dev", self.dev))}


def loss_history(log_history: list[dict[str, Any]]) -> LossHistory:
    """Read transformers' `state.log_history`: entries with `loss` are training logs, with `eval_loss`
    evaluations. A step evaluated twice (the periodic eval and the final one on the same step) is kept once."""
    train: dict[int, float] = {}
    dev: dict[int, float] = {}
    for entry in log_history:
        step = int(entry.get("step", 0))
        if "loss" in entry:
            train[step] = float(entry["loss"])
        if "eval_loss" in entry:
            dev[step] = float(entry["eval_loss"])
    return LossHistory(train=sorted(train.items()), dev=sorted(dev.items()))


def write_loss_plot(history: LossHistory, path: Path, title: str) -> Path:
    """Draw both curves on one axis (steps on x) with the non-interactive Agg backend: no display needed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4), dpi=100)
    try:
        for name, points, style in (("train", history.train, "-o"), ("dev", history.dev, "-s")):
            if points:
                steps, losses = zip(*points, strict=True)
                axis.plot(steps, losses, style, markersize=3, label=f"{name} loss")
        axis.set_xlabel("optimizer step")
        axis.set_ylabel("loss (assistant tokens)")
        axis.set_title(title, fontsize=10)
        axis.grid(alpha=0.3)
        axis.legend()
        figure.tight_layout()
        figure.savefig(path)
    finally:
        plt.close(figure)
    return path
