"""trl's per-token metrics, weighted by the tokens they are over.

trl's SFTTrainer computes `mean_token_accuracy` and `entropy` for each micro-batch over the tokens its loss scores
(labels shifted by one, -100 left out), then logs the plain mean of those per-batch figures. Our answers are of
very unequal length: most chunks of a CUAD set answer `[]` (two scored tokens, `[]` and `<|eot_id|>`), a finding
is a hundred or more. So a batch of two `[]`, which a barely trained model ranks first, counted as much as a batch
of findings: the tiny recipe logged a dev accuracy of (1.0 + 0.008) / 2 = 0.504 for 0.025 of its tokens, and under
gradient accumulation the train figure weighed micro-batches where the loss weighs tokens. Here each batch's
figure is weighted by its scored tokens, counted from the same shifted labels, so the logged value is over all the
scored tokens of the window (a logging window in training, the whole dev set in evaluation).

Imported by the trainer only: it needs trl.
"""

from __future__ import annotations

from typing import Any

from trl import SFTTrainer

PER_TOKEN_METRICS = ("mean_token_accuracy", "entropy")


class TokenWeightedSFTTrainer(SFTTrainer):
    """SFTTrainer whose per-token metrics are token-weighted over each logging window."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scored_tokens: dict[str, list[int]] = {"train": [], "eval": []}

    def _mode(self) -> str:
        """Which metrics a call belongs to, as trl tells: by the model's training flag."""
        assert self.model is not None  # build_trainer always passes one
        return "train" if self.model.training else "eval"

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """trl's loss and metrics, plus the batch's scored tokens (across processes, as trl gathers its counts)."""
        mode = self._mode()
        shifted = inputs["shift_labels"] if inputs.get("shift_labels") is not None else inputs["labels"][..., 1:]
        scored = int(self.accelerator.gather_for_metrics((shifted != -100).sum()).sum().item())
        result = super().compute_loss(model, inputs, return_outputs=return_outputs,
                                      num_items_in_batch=num_items_in_batch)
        self._scored_tokens[mode].append(scored)  # after trl appended this batch's figures: one weight each
        return result

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        mode = self._mode()
        weights = self._scored_tokens[mode]
        total = sum(weights)
        for name in PER_TOKEN_METRICS:
            values = self._metrics[mode].get(name)
            if values and total:
                self._metrics[mode][name] = [sum(v * w for v, w in zip(values, weights, strict=True)) / total]
        weights.clear()  # trl clears its own lists in log: the next window starts empty on both sides
        super().log(logs, start_time)
