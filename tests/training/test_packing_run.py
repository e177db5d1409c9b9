"""`train.packing` end to end on the tiny recipe (#17): trl packs the built CUAD set best-fit-decreasing into
padding-free rows, every packed example keeps exactly its assistant tokens as labels (trl builds the labels from
the chat template's assistant mask before packing), the collated batch carries restarting position ids and no
attention mask, and a few optimizer steps train."""

from __future__ import annotations

import math

import pytest

from tests.training.conftest import tiny_config

pytest.importorskip("trl")
torch = pytest.importorskip("torch")

# twice the tiny set's build length, so two ~2k-token examples share a row and packing really packs
PACKED_LENGTH = 5120


def _assistant_labels(tokenizer, messages: list[dict]) -> tuple[list[int], list[int]]:
    """The example's ids and the labels assistant_only_loss asks for, from the chat template's own mask."""
    out = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = out["input_ids"], out["assistant_masks"]
    return ids, [token if bit else -100 for token, bit in zip(ids, mask, strict=True)]


def test_config_maps_packing_to_padding_free_bfd(tmp_path):
    from training.trainer import sft_config

    args = sft_config(tiny_config(tmp_path, "train.packing=true"), 10)
    assert args.packing and args.packing_strategy == "bfd" and args.assistant_only_loss
    assert not sft_config(tiny_config(tmp_path), 10).packing


def test_packed_rows_hold_each_example_with_only_its_assistant_tokens_as_labels(tmp_path, tiny_base, training_set):
    from training.build import load_tokenizer
    from training.data import load_training_set
    from training.trainer import build_trainer, drop_overlong

    config = tiny_config(tmp_path / "out", "train.packing=true", f"data.max_length={PACKED_LENGTH}",
                         dataset_dir=training_set, base=tiny_base)
    tokenizer = load_tokenizer(str(tiny_base))
    train, _ = drop_overlong(config, load_training_set(config.data).train, tokenizer, "train")
    trainer = build_trainer(config, str(tiny_base), train, None, tokenizer)
    assert trainer.model.config.use_cache is False

    expected = sorted(_assistant_labels(tokenizer, e["messages"]) for e in train)
    assert all(any(label != -100 for label in labels) for _, labels in expected)
    segments = []
    for row in trainer.train_dataset:
        assert sum(row["seq_lengths"]) == len(row["input_ids"]) <= PACKED_LENGTH
        start = 0
        for length in row["seq_lengths"]:
            segments.append((row["input_ids"][start:start + length], row["labels"][start:start + length]))
            start += length
    assert sorted(segments) == expected  # every example once, whole, with its assistant tokens and nothing else
    assert len(trainer.train_dataset) < len(train)  # rows really hold several examples

    batch = next(iter(trainer.get_train_dataloader()))
    assert "attention_mask" not in batch and batch["input_ids"].shape[0] == 1
    starts = (batch["position_ids"][0] == 0).nonzero().flatten().tolist()
    assert len(starts) > 2  # the per-device batch of 2 packed rows, flattened: more than two examples
    trained = batch["labels"][batch["labels"] != -100]
    assert trained.numel() > 0 and torch.equal(trained, batch["input_ids"][batch["labels"] != -100])


def test_a_packed_tiny_run_trains(tmp_path, tiny_base, training_set):
    from training.trainer import run_training

    config = tiny_config(tmp_path / "out", "train.packing=true", f"data.max_length={PACKED_LENGTH}",
                         "train.max_steps=3", "train.save_steps=3", "train.eval_steps=3",
                         dataset_dir=training_set, base=tiny_base)
    result = run_training(config)
    assert result.global_step == 3 and len(result.losses) == 3
    assert all(math.isfinite(loss) for loss in result.losses) and math.isfinite(result.eval_loss or math.nan)
    assert (result.adapter_dir / "adapter_model.safetensors").is_file()


def test_check_packing_turns_the_cache_off_and_warns_about_flattened_rows(tmp_path, caplog):
    from types import SimpleNamespace

    from training.trainer import check_packing

    model = SimpleNamespace(config=SimpleNamespace(use_cache=True))
    with caplog.at_level("WARNING", logger="training.trainer"):
        check_packing(tiny_config(tmp_path, "train.packing=true"), model)
    assert model.config.use_cache is False
    assert "use_cache to False" in caplog.text and "flattened into one sequence" in caplog.text
    caplog.clear()
    model.config.use_cache = True
    with caplog.at_level("WARNING", logger="training.trainer"):
        check_packing(tiny_config(tmp_path, "train.packing=true", "train.per_device_train_batch_size=1"), model)
        check_packing(tiny_config(tmp_path), model)
    assert "flattened" not in caplog.text
    assert model.config.use_cache is False  # the batch-1 packed config fixed it; the unpacked one left it alone
