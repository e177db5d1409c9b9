"""The training set is checked line by line before any model loads; errors name the file and line."""

from __future__ import annotations

import json
import time

import pytest

from lexrisk.cli import main
from tests.training.conftest import FIXTURE_DATA, RECIPES
from training.data import DatasetError, dataset_info, read_chat_jsonl

GOOD = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"},
                     {"role": "assistant", "content": "[]"}]}


def _write(path, *lines):
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def test_fixture_is_in_the_builders_format():
    for split in ("train", "dev", "test"):
        examples = read_chat_jsonl(FIXTURE_DATA / f"{split}.jsonl")
        for e in examples:
            assert [m["role"] for m in e["messages"]] == ["system", "user", "assistant"]
            assert isinstance(json.loads(e["messages"][-1]["content"]), list)


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "train.jsonl:2: not JSON"),
    ({"text": "x"}, "train.jsonl:2: expected {\"messages\""),
    ({"messages": [{"role": "user", "content": "u"}]}, "train.jsonl:2: the last message must be the assistant's"),
    ({"messages": [{"role": "robot", "content": "u"}, {"role": "assistant", "content": "a"}]}, "message 0 needs a role"),
    ({"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "a"}]}, "string content"),
    ({"messages": [{"role": "user", "content": "u"}, {"role": "system", "content": "s"},
                   {"role": "assistant", "content": "a"}]}, "system message may only come first"),
])
def test_bad_lines_named_by_file_and_line(tmp_path, line, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(").replace("{", r"\{")):
        read_chat_jsonl(_write(tmp_path / "train.jsonl", GOOD, line))


def test_empty_and_missing(tmp_path):
    with pytest.raises(DatasetError, match="no examples"):
        read_chat_jsonl(_write(tmp_path / "train.jsonl", ""))
    with pytest.raises(DatasetError, match="no such file"):
        read_chat_jsonl(tmp_path / "nope.jsonl")


def test_dataset_info_hashes_the_bytes_and_reads_the_card(tmp_path):
    train = _write(tmp_path / "train.jsonl", GOOD)
    (tmp_path / "dataset_card.json").write_text(json.dumps({"version": "2026-11-01", "content_hash": "feed"}))
    info = dataset_info(tmp_path, [train], {"train": 1})
    assert (info.version, info.card_hash, len(info.content_hash)) == ("2026-11-01", "feed", 64)
    _write(train, GOOD, GOOD)
    assert dataset_info(tmp_path, [train], {"train": 2}).content_hash != info.content_hash


def test_cli_bad_dataset_fails_before_loading_a_model(tmp_path, capsys):
    _write(tmp_path / "train.jsonl", GOOD, "{oops")
    _write(tmp_path / "dev.jsonl", GOOD)
    started = time.perf_counter()
    code = main(["train", "--config", str(RECIPES / "tiny-cpu.yaml"), "--output-dir", str(tmp_path / "out"),
                 "--set", f"data.dataset_dir={tmp_path}", "--set", f"model.name_or_path={tmp_path / 'base'}"])
    assert code == 2
    assert "train.jsonl:2: not JSON" in capsys.readouterr().err
    assert not (tmp_path / "base").exists(), "the tiny model was built before the data was checked"
    assert time.perf_counter() - started < 3


def test_overlong_examples_are_dropped_and_counted(tiny_base, tmp_path):
    from tests.training.conftest import tiny_config
    from training.build import load_tokenizer
    from training.trainer import drop_overlong

    tokenizer = load_tokenizer(str(tiny_base))
    examples = read_chat_jsonl(FIXTURE_DATA / "train.jsonl")
    lengths = sorted(len(tokenizer.apply_chat_template(e["messages"], tokenize=True, return_dict=True)["input_ids"])
                     for e in examples)
    limit = lengths[len(lengths) // 2]
    config = tiny_config(tmp_path, f"data.max_length={limit}", base=tiny_base)
    kept, dropped = drop_overlong(config, examples, tokenizer, "train.jsonl")
    assert dropped == sum(n > limit for n in lengths) > 0 and len(kept) + dropped == len(examples)
    with pytest.raises(DatasetError, match="every example is longer"):
        drop_overlong(tiny_config(tmp_path, "data.max_length=5", base=tiny_base), examples, tokenizer, "train.jsonl")
