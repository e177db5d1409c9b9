"""The training set is checked before any model loads: its card must be there and match the split files,
it must be built for the recipe's max_length, and every line must be a chat; errors name file and line."""

from __future__ import annotations

import json
import shutil

import pytest

from contracts.training_set import CARD_FILE, SPLITS, folder_hash, read_card
from lexrisk.cli import main
from tests.training.conftest import RECIPES, tiny_config
from training.data import DatasetError, load_training_set, read_chat_jsonl

GOOD = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"},
                     {"role": "assistant", "content": "[]"}]}


def _write(path, *lines):
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def test_built_set_is_in_the_trainers_format(training_set):
    card = read_card(training_set)
    for split in SPLITS:
        if not card.examples.get(split):
            continue
        examples = read_chat_jsonl(training_set / f"{split}.jsonl")
        assert len(examples) == card.examples[split] == card.files[split].examples
        for e in examples:
            assert [m["role"] for m in e["messages"]] == ["system", "user", "assistant"]
            assert isinstance(json.loads(e["messages"][-1]["content"]), list)
    assert card.content_hash == folder_hash(training_set)


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


def _copy(training_set, tmp_path):
    return shutil.copytree(training_set, tmp_path / "set")


def test_a_set_without_its_card_is_refused(training_set, tmp_path):
    folder = _copy(training_set, tmp_path)
    (folder / CARD_FILE).unlink()
    with pytest.raises(DatasetError, match="no dataset card"):
        load_training_set(tiny_config(tmp_path, dataset_dir=folder).data)
    (folder / CARD_FILE).write_text('{"content_hash": "x"}')
    with pytest.raises(DatasetError, match="not a dataset card"):
        load_training_set(tiny_config(tmp_path, dataset_dir=folder).data)


def test_a_set_edited_after_building_is_refused(training_set, tmp_path):
    folder = _copy(training_set, tmp_path)
    lines = (folder / "train.jsonl").read_text().splitlines(keepends=True)
    (folder / "train.jsonl").write_text("".join(lines[:-1]))  # one example fewer: still valid JSONL
    with pytest.raises(DatasetError, match="do not match their card"):
        load_training_set(tiny_config(tmp_path, dataset_dir=folder).data)
    (folder / "train.jsonl").write_text("".join(lines))
    assert load_training_set(tiny_config(tmp_path, dataset_dir=folder).data).card.content_hash == folder_hash(folder)


def test_a_set_built_longer_than_the_recipe_is_refused(training_set, tmp_path):
    built = read_card(training_set).params.max_length
    shorter = tiny_config(tmp_path, f"data.max_length={built - 1}", dataset_dir=training_set)
    with pytest.raises(DatasetError, match=f"built for examples up to {built} tokens .* data.max_length is {built - 1}"):
        load_training_set(shorter.data)
    longer = tiny_config(tmp_path, f"data.max_length={built + 1}", dataset_dir=training_set)
    assert load_training_set(longer.data).card.params.max_length == built


def test_cli_bad_dataset_fails_before_loading_a_model(training_set, tmp_path, capsys):
    folder = _copy(training_set, tmp_path)
    with (folder / "train.jsonl").open("a") as fh:
        fh.write("{oops\n")
    code = main(["train", "--config", str(RECIPES / "tiny-cpu.yaml"), "--output-dir", str(tmp_path / "out"),
                 "--set", f"data.dataset_dir={folder}", "--set", f"model.name_or_path={tmp_path / 'base'}"])
    assert code == 2
    assert "do not match their card" in capsys.readouterr().err
    assert not (tmp_path / "base").exists(), "the tiny model was built before the data was checked"


def test_a_set_without_dev_examples_says_what_to_do(training_store, tiny_base, tmp_path, capsys):
    """Few contracts can all land in train: the recipe's evaluation then has nothing to read, and the error
    says how to get a dev split or to train without one (it said only 'dev.jsonl: no examples')."""
    folder = tmp_path / "no-dev"
    assert main(["annotate", "--db", training_store, "build-dataset", "--tokenizer", str(tiny_base),
                 "--max-length", "2560", "--dev", "0", "--test", "0", "--out", str(folder)]) == 0
    capsys.readouterr()
    assert main(["train", "--config", str(RECIPES / "tiny-cpu.yaml"), "--output-dir", str(tmp_path / "out"),
                 "--set", f"data.dataset_dir={folder}", "--set", f"model.name_or_path={tiny_base}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "its dev split has no examples" in err and "data.evaluate=false" in err, err
    assert load_training_set(tiny_config(tmp_path, "data.evaluate=false", dataset_dir=folder).data).dev is None


def test_a_set_built_with_another_tokenizer_is_refused(training_set, tmp_path, capsys):
    """The set was fitted to max_length in the tiny base's tokens; a base with another tokenizer (here the tiny
    model at another vocabulary size) would see other lengths and drop examples silently, so it is refused."""
    other = tmp_path / "other-base"
    code = main(["train", "--config", str(RECIPES / "tiny-cpu.yaml"), "--output-dir", str(tmp_path / "out"),
                 "--set", f"data.dataset_dir={training_set}", "--set", f"model.name_or_path={other}",
                 "--set", "model.tiny.vocab_size=1024", "--set", "train.max_steps=1"])
    err = capsys.readouterr().err.splitlines()[-1]  # after the tiny model's build progress
    assert code == 2 and err.startswith("lexrisk: error: "), err
    assert f"built with the tokenizer of {read_card(training_set).params.tokenizer}" in err and str(other) in err
    assert not (tmp_path / "out" / "adapter").exists()


def test_overlong_examples_are_dropped_and_counted(tiny_base, training_set, tmp_path):
    from training.build import load_tokenizer
    from training.trainer import drop_overlong

    tokenizer = load_tokenizer(str(tiny_base))
    examples = read_chat_jsonl(training_set / "train.jsonl")
    lengths = sorted(len(tokenizer.apply_chat_template(e["messages"], tokenize=True, return_dict=True)["input_ids"])
                     for e in examples)
    limit = lengths[len(lengths) // 2]
    config = tiny_config(tmp_path, f"data.max_length={limit}", base=tiny_base)
    kept, dropped = drop_overlong(config, examples, tokenizer, "train.jsonl")
    assert dropped == sum(n > limit for n in lengths) > 0 and len(kept) + dropped == len(examples)
    with pytest.raises(DatasetError, match="every example is longer"):
        drop_overlong(tiny_config(tmp_path, "data.max_length=5", base=tiny_base), examples, tokenizer, "train.jsonl")


def test_max_dev_examples_spreads_a_fixed_subset_over_the_dev_split(training_set, tmp_path):
    full = load_training_set(tiny_config(tmp_path, "data.max_dev_examples=", dataset_dir=training_set).data).dev
    assert full is not None and len(full) >= 3, "the fixture set needs a few dev examples"
    capped = load_training_set(tiny_config(tmp_path, "data.max_dev_examples=2", dataset_dir=training_set).data).dev
    assert capped == [full[0], full[len(full) // 2]]  # spread, not the first two
    again = load_training_set(tiny_config(tmp_path, "data.max_dev_examples=2", dataset_dir=training_set).data).dev
    assert again == capped  # every evaluation sees the same ones
    roomy = tiny_config(tmp_path, f"data.max_dev_examples={len(full) + 5}", dataset_dir=training_set)
    assert load_training_set(roomy.data).dev == full
