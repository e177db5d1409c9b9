"""The mean train loss of a whole run, across `--resume` sittings.

transformers' `TrainOutput.training_loss` averages only the steps of the `train()` call that returns it (5.x:
`_total_loss_scalar / (global_step - _initial_global_step)`), so a resumed run's card reported its last sitting
alone. This callback keeps the sum of each logged loss times the optimizer steps it covers, and transformers
saves it with every checkpoint (`ExportableState`, under `stateful_callbacks` in trainer_state.json); a
resumed sitting starts from the checkpoint's sum. Steps trained after the last log before a checkpoint were
never logged and are lost with the crash, so the figure says how many steps it covers.

Imported by the trainer only: it needs transformers.
"""

from __future__ import annotations

from typing import Any

from transformers import TrainerCallback
from transformers.trainer_callback import ExportableState


class RunLoss(TrainerCallback, ExportableState):
    """Σ (logged loss × steps it covers) and those steps, over every sitting of the run so far."""

    def __init__(self) -> None:
        self.loss_sum = 0.0
        self.loss_steps = 0
        self._before_sitting = (0.0, 0)  # the checkpoint's figures this sitting resumed from
        self._last_logged = 0

    def state(self) -> dict[str, Any]:
        return {"args": {}, "attributes": {"loss_sum": self.loss_sum, "loss_steps": self.loss_steps}}

    def on_train_begin(self, args, state, control, **kwargs) -> None:
        """Start from the resumed checkpoint's figures (none on a fresh run, or in a checkpoint written before
        lexrisk kept them: then only this sitting counts, and loss_steps says so)."""
        name = type(self).__name__
        saved = state.stateful_callbacks.get(name) if state.global_step else None
        attributes = saved.get("attributes", {}) if isinstance(saved, dict) else {}
        self.loss_sum = float(attributes.get("loss_sum", 0.0))
        self.loss_steps = int(attributes.get("loss_steps", 0))
        self._before_sitting = (self.loss_sum, self.loss_steps)
        self._last_logged = state.global_step  # as the trainer's own _globalstep_last_logged
        # transformers' checkpoint save updates this entry by name; an older checkpoint's state lacks it
        state.stateful_callbacks[name] = self.state()

    def on_log(self, args, state, control, logs=None, **kwargs) -> None:
        """A logged `loss` is the mean over the steps since the previous log (of this sitting)."""
        if logs and "loss" in logs:
            steps = state.global_step - self._last_logged
            self.loss_sum += float(logs["loss"]) * steps
            self.loss_steps += steps
            self._last_logged = state.global_step

    def whole_run(self, sitting_loss: float, sitting_steps: int) -> tuple[float | None, int]:
        """(mean train loss, steps it covers) of the whole run: the resumed checkpoint's figures plus this
        sitting's exact mean (which also holds the steps after its last log)."""
        loss_sum, steps = self._before_sitting
        loss_sum += sitting_loss * sitting_steps
        steps += sitting_steps
        return (loss_sum / steps if steps else None), steps
