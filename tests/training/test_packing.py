"""Padding-free packing (#17): several examples in one row, told apart by position ids that restart at 0, must
give the same per-token loss as the padded batch, so packing changes the speed and never the training signal.
The batch is built by TRL's own collator, exactly as `SFTConfig(packing=True, packing_strategy="bfd")` builds it,
and the model is the tiny Llama on transformers' sdpa path (which turns restarting position ids into a
block-diagonal mask)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from transformers import AutoModelForCausalLM

    from training.config import TinyModelSpec
    from training.tiny import build_tiny_model

    spec = TinyModelSpec(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=512)
    path = build_tiny_model(spec, tmp_path_factory.mktemp("tiny"))
    model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="sdpa", dtype=torch.float32)
    return model.eval()


def _examples() -> list[dict[str, list[int]]]:
    generator = torch.Generator().manual_seed(0)
    examples = []
    for length in (37, 11, 23):  # unequal, so the padded batch really pads
        ids = torch.randint(10, 500, (length,), generator=generator).tolist()
        labels = [-100] * (length // 3) + ids[length // 3:]  # a prompt that is not trained on, then the answer
        examples.append({"input_ids": ids, "labels": labels})
    return examples


def _token_losses(model, batch) -> torch.Tensor:
    """Cross-entropy of every trained-on token, in batch order (what the mean loss averages)."""
    inputs = {k: batch[k] for k in ("input_ids", "attention_mask", "position_ids") if k in batch}
    with torch.no_grad():
        logits = model(**inputs, use_cache=False).logits  # as in training: no cache, so packing is detected
    labels = batch["labels"][:, 1:]
    losses = torch.nn.functional.cross_entropy(logits[:, :-1].transpose(1, 2), labels, reduction="none",
                                               ignore_index=-100)
    return losses[labels != -100]


def test_packed_batch_gives_the_padded_batchs_token_losses(tiny):
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    pad = tiny.config.pad_token_id
    padded = DataCollatorForLanguageModeling(pad_token_id=pad)(_examples())
    packed = DataCollatorForLanguageModeling(pad_token_id=pad, padding_free=True)(_examples())
    assert packed["input_ids"].shape[0] == 1 and "attention_mask" not in packed
    assert padded["input_ids"].numel() > packed["input_ids"].numel()  # the pad tokens packing saves
    expected, got = _token_losses(tiny, padded), _token_losses(tiny, packed)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got.mean(), expected.mean(), rtol=1e-6, atol=1e-6)


def test_without_restarting_positions_the_examples_would_leak_into_each_other(tiny):
    """The control: the same packed row with plain 0..n-1 positions attends across examples and changes the loss,
    so the test above would catch a collator or attention path that ignored the boundaries."""
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    pad = tiny.config.pad_token_id
    padded = DataCollatorForLanguageModeling(pad_token_id=pad)(_examples())
    packed = DataCollatorForLanguageModeling(pad_token_id=pad, padding_free=True)(_examples())
    packed["position_ids"] = torch.arange(packed["input_ids"].shape[1])[None]
    assert not torch.allclose(_token_losses(tiny, packed), _token_losses(tiny, padded), atol=1e-3)


def test_benchmark_batches_packed_and_padded_give_the_same_loss(tiny):
    """training.packing builds the benchmarks' batches without trl: packed and padded layouts of the same examples
    give the same per-token losses, and the packed one computes no pad token."""
    from training.packing import packed_batch, padded_batch

    examples = [torch.tensor(e["input_ids"]) for e in _examples()]
    padded, packed = padded_batch(examples, pad_id=tiny.config.pad_token_id or 0), packed_batch(examples)
    assert packed.useful_tokens == packed.computed_tokens == padded.useful_tokens == 37 + 11 + 23
    assert padded.computed_tokens == 3 * 37
    torch.testing.assert_close(_token_losses(tiny, packed.inputs), _token_losses(tiny, padded.inputs),
                               rtol=1e-5, atol=1e-5)


def test_bfd_rows_fill_best_fit_decreasing():
    from training.packing import batches, bfd_rows

    lengths = [5, 9, 2, 7, 3, 1]
    rows = bfd_rows(lengths, capacity=10)
    assert sorted(i for row in rows for i in row) == list(range(6))
    assert all(sum(lengths[i] for i in row) <= 10 for row in rows)
    assert [[lengths[i] for i in row] for row in rows] == [[9, 1], [7, 3], [5, 2]]
    with pytest.raises(ValueError, match="does not fit"):
        bfd_rows([11], capacity=10)
    packed = batches(lengths, batch=2, capacity=10, packed=True, vocab=50)
    padded = batches(lengths, batch=2, capacity=10, packed=False, vocab=50)
    assert sum(b.useful_tokens for b in packed) == sum(b.useful_tokens for b in padded) == sum(lengths)
    assert sum(b.computed_tokens for b in packed) == sum(lengths) < sum(b.computed_tokens for b in padded)
