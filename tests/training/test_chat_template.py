"""Loss only on the assistant's tokens, <|eot_id|> included, in the same text Llama 3.1's stock template renders."""

from __future__ import annotations

import json

import pytest

from tests.training.conftest import tiny_config

pytest.importorskip("trl")

MESSAGES = [
    {"role": "system", "content": "You are a contract risk analyst."},
    {"role": "user", "content": "Either party may terminate for convenience."},
    {"role": "assistant", "content": '[{"category": "Termination For Convenience"}]'},
    {"role": "user", "content": "And this: governed by the laws of New York."},
    {"role": "assistant", "content": '[{"category": "Governing Law"}]'},
]


@pytest.fixture(scope="module")
def tokenizer(tiny_base):
    from training.build import load_tokenizer

    return load_tokenizer(str(tiny_base))


def test_renders_exactly_what_the_stock_llama31_template_renders(tokenizer):
    from trl.chat_template_utils import llama3_1_chat_template

    ours = tokenizer.apply_chat_template(MESSAGES, tokenize=False)
    stock = tokenizer.apply_chat_template(MESSAGES, tokenize=False, chat_template=llama3_1_chat_template)
    assert ours == stock
    prompt = tokenizer.apply_chat_template(MESSAGES[:2], tokenize=False, add_generation_prompt=True)
    assert prompt == tokenizer.apply_chat_template(MESSAGES[:2], tokenize=False, add_generation_prompt=True,
                                                   chat_template=llama3_1_chat_template)
    assert "{% generation %}" not in llama3_1_chat_template and "{%- generation %}" in tokenizer.chat_template


def test_mask_covers_each_assistant_reply_and_its_eot(tokenizer):
    out = tokenizer.apply_chat_template(MESSAGES, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = out["input_ids"], out["assistant_masks"]
    spans, current = [], []
    for token, bit in zip(ids, mask, strict=True):
        if bit:
            current.append(token)
        elif current:
            spans.append(current)
            current = []
    if current:
        spans.append(current)
    decoded = [tokenizer.decode(span) for span in spans]
    assert decoded == [MESSAGES[2]["content"] + "<|eot_id|>", MESSAGES[4]["content"] + "<|eot_id|>"]


@pytest.fixture(scope="module")
def sft_trainer(tiny_base, training_set, tmp_path_factory):
    from training.build import load_tokenizer
    from training.data import read_chat_jsonl
    from training.trainer import build_trainer

    config = tiny_config(tmp_path_factory.mktemp("labels"), base=tiny_base, dataset_dir=training_set)
    tokenizer = load_tokenizer(str(tiny_base))
    train = read_chat_jsonl(training_set / "train.jsonl")[:4]
    return build_trainer(config, str(tiny_base), train, None, tokenizer), tokenizer


def test_trainer_labels_exactly_the_assistant_tokens(sft_trainer, training_set):
    trainer, tokenizer = sft_trainer
    eot = tokenizer.convert_tokens_to_ids("<|eot_id|>")
    examples = [json.loads(line) for line in (training_set / "train.jsonl").read_text().splitlines()][:4]
    assert len(trainer.train_dataset) == len(examples)
    for row, example in zip(trainer.train_dataset, examples, strict=True):
        messages = example["messages"]
        prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=True, add_generation_prompt=True,
                                               return_dict=True)["input_ids"]
        answer = [*tokenizer.encode(messages[-1]["content"].strip(), add_special_tokens=False), eot]
        assert row["input_ids"] == prompt + answer
        assert row["labels"] == [-100] * len(prompt) + answer


def test_padding_never_masks_the_eot(sft_trainer):
    trainer, tokenizer = sft_trainer
    eot = tokenizer.convert_tokens_to_ids("<|eot_id|>")
    assert tokenizer.pad_token_id != eot
    rows = [trainer.train_dataset[i] for i in range(len(trainer.train_dataset))]
    rows.sort(key=lambda r: len(r["input_ids"]))
    short, long = rows[0], rows[-1]
    assert len(short["input_ids"]) < len(long["input_ids"])
    batch = trainer.data_collator([{"input_ids": r["input_ids"], "labels": r["labels"]} for r in (short, long)])
    n = len(short["input_ids"])
    labels, ids = batch["labels"][0].tolist(), batch["input_ids"][0].tolist()
    assert labels[n - 1] == eot and ids[n - 1] == eot
    assert ids[n:] == [tokenizer.pad_token_id] * (len(ids) - n)
    assert labels[n:] == [-100] * (len(ids) - n)
    assert batch["labels"][1].tolist()[-1] == eot
