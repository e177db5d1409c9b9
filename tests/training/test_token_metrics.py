"""The token accuracy and entropy the trainer logs are over the tokens its loss scores (labels shifted by one, -100
left out), each batch weighted by them: a batch of two `[]` answers (two scored tokens each) must not count as
much as a batch holding a finding. The batches here are built on the random tiny model so that the share of
scored tokens it ranks first is known, then checked against the model's full logits."""

from __future__ import annotations

import pytest

from tests.training.conftest import tiny_config

pytest.importorskip("trl")

EXAMPLES = [{"messages": [{"role": "system", "content": "You list risky clauses."},
                          {"role": "user", "content": "Either party may terminate for convenience."},
                          {"role": "assistant", "content": "[]"}]}]


@pytest.fixture(scope="module")
def trainer(tiny_base, tmp_path_factory):
    from training.build import load_tokenizer
    from training.trainer import build_trainer

    config = tiny_config(tmp_path_factory.mktemp("metrics"), base=tiny_base)
    return build_trainer(config, str(tiny_base), EXAMPLES, EXAMPLES, load_tokenizer(str(tiny_base)))


def scored_batch(model, seed: int, length: int, scored: int, ranked_first: int) -> dict:
    """A one-row batch whose last `scored` tokens are labelled: the first `ranked_first` of them with the token
    the model ranks first at that position, the others with the one it ranks last."""
    import torch

    vocab = model.config.vocab_size
    input_ids = torch.randint(3, vocab, (1, length), generator=torch.Generator().manual_seed(seed))
    attention_mask = torch.ones_like(input_ids)
    with torch.no_grad():
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[0]
    labels = torch.full_like(input_ids, -100)
    for k, position in enumerate(range(length - scored, length)):
        ranked = logits[position - 1]  # the logits at position - 1 predict the token at position
        labels[0, position] = ranked.argmax() if k < ranked_first else ranked.argmin()
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


def full_logits_figures(model, batches: list[dict]) -> tuple[float, float, float]:
    """(accuracy, entropy, loss) over every scored token of `batches`, from the model's own logits."""
    import torch

    correct = entropy = nll = 0.0
    scored = 0
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
            labels = batch["labels"][:, 1:]
            mask = labels != -100
            log_probs = logits[mask].float().log_softmax(-1)
            targets = labels[mask]
            correct += float((log_probs.argmax(-1) == targets).sum())
            entropy += float(-(log_probs.exp() * log_probs).sum())
            nll += float(-log_probs.gather(-1, targets[:, None]).sum())
            scored += int(mask.sum())
    return correct / scored, entropy / scored, nll / scored


def logged(trainer, batches: list[dict], *, training: bool) -> dict:
    """What the trainer logs after computing the loss on `batches`, in training or in evaluation."""
    import torch

    trainer.model.train(training)
    losses = []
    with torch.set_grad_enabled(training):
        for batch in batches:
            losses.append(float(trainer.compute_loss(trainer.model, dict(batch)).detach()))
    trainer.log({})
    return {**trainer.state.log_history[-1], "losses": losses}


@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
def test_logged_accuracy_and_entropy_are_over_the_scored_tokens(trainer, training):
    model = trainer.model
    model.eval()
    answered_empty = scored_batch(model, seed=1, length=48, scored=2, ranked_first=2)  # like `[]<|eot_id|>`
    finding = scored_batch(model, seed=2, length=96, scored=40, ranked_first=1)  # like a finding, mostly missed
    batches = [answered_empty, finding]
    accuracy, entropy, _ = full_logits_figures(model, batches)
    per_batch = [full_logits_figures(model, [batch])[0] for batch in batches]
    assert per_batch == [1.0, 1 / 40] and accuracy == 3 / 42  # the batches are what they claim to be
    assert sum(per_batch) / len(per_batch) > 5 * accuracy  # so a per-batch mean would show here

    logs = logged(trainer, batches, training=training)
    prefix = "" if training else "eval_"
    assert logs[f"{prefix}mean_token_accuracy"] == pytest.approx(accuracy, abs=1e-6)
    assert logs[f"{prefix}entropy"] == pytest.approx(entropy, rel=1e-4)
    # the loss of each batch is over the same tokens: the mean log-loss of its scored tokens
    assert logs["losses"] == pytest.approx([full_logits_figures(model, [b])[2] for b in batches], rel=1e-4)


def test_each_logging_window_starts_afresh(trainer):
    """A window's weights are cleared with trl's figures: the next window is weighted by its own tokens only."""
    model = trainer.model
    model.eval()
    first = [scored_batch(model, seed=3, length=48, scored=2, ranked_first=2)]
    second = [scored_batch(model, seed=4, length=64, scored=10, ranked_first=0),
              scored_batch(model, seed=5, length=64, scored=30, ranked_first=3)]
    assert logged(trainer, first, training=False)["eval_mean_token_accuracy"] == pytest.approx(1.0)
    expected, _, _ = full_logits_figures(model, second)
    assert logged(trainer, second, training=False)["eval_mean_token_accuracy"] == pytest.approx(expected, abs=1e-6)
