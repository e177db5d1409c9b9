"""The whole-run train loss (training.run_loss.RunLoss) on trainer states built by hand: logged losses weighted
by the steps they cover, a resumed sitting added to its checkpoint's figures, and a checkpoint written before
the figures existed counted honestly (the steps it covers say so). The real crash-and-resume run is in
test_train_run.py."""

from __future__ import annotations

import pytest
from transformers import TrainerState

from training.run_loss import RunLoss


def test_logged_losses_weighted_by_the_steps_they_cover():
    loss = RunLoss()
    state = TrainerState(stateful_callbacks=[loss])
    loss.on_train_begin(None, state, None)
    for step, logged in ((1, 4.0), (3, 2.0), (6, 1.0)):  # logs after step 1, then every 2-3 steps
        state.global_step = step
        loss.on_log(None, state, None, logs={"loss": logged})
    assert (loss.loss_sum, loss.loss_steps) == (4.0 + 2 * 2.0 + 3 * 1.0, 6)
    # a fresh run: its own sitting's exact mean (7 steps, the last one after the last log) is the run's
    assert loss.whole_run(1.5, 7) == (1.5, 7)


def test_a_resumed_sitting_adds_to_its_checkpoints_figures():
    saved = RunLoss()
    saved.loss_sum, saved.loss_steps = 9.0, 3  # steps 1-3 at a mean of 3.0
    state = TrainerState(global_step=3, stateful_callbacks={"RunLoss": saved.state()})
    loss = RunLoss()
    loss.on_train_begin(None, state, None)
    state.global_step = 4
    loss.on_log(None, state, None, logs={"loss": 1.0})  # covers step 4 alone, not 1-4
    assert state.stateful_callbacks["RunLoss"]["attributes"] == {"loss_sum": 9.0, "loss_steps": 3}
    assert loss.state()["attributes"] == {"loss_sum": 10.0, "loss_steps": 4}  # what the next checkpoint carries
    assert loss.whole_run(1.0, 3) == pytest.approx((12.0 / 6, 6))


def test_a_checkpoint_without_the_figures_counts_only_this_sitting():
    state = TrainerState(global_step=3, stateful_callbacks={"TrainerControl": {}})
    loss = RunLoss()
    loss.on_train_begin(None, state, None)
    assert "RunLoss" in state.stateful_callbacks  # transformers' checkpoint save looks it up by name
    assert loss.whole_run(1.0, 3) == (1.0, 3)  # 3 of the run's 6 steps: the card says so


def test_the_cards_readme_says_what_the_loss_averages():
    from training.model_card import _loss_span

    assert _loss_span({"train_loss_steps": 6, "global_step": 6}) == "mean over all steps"
    assert _loss_span({"train_loss_steps": 3, "global_step": 6}) == "mean over 3 of the 6 steps"
