"""Fixtures for the training tests: a tiny random Llama built once per session, a training set built from
real CUAD contracts by `lexrisk annotate build-dataset` with that model's tokenizer, and one
crash-and-resume training run on it that several tests read (each run costs tens of seconds on 2 cores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.annotation.conftest import write_small_cuad

REPO = Path(__file__).resolve().parents[2]
RECIPES = REPO / "training" / "recipes"
# three short CUAD contracts; with --dev 0.34 --test 0.0 and seed 0 two land in train and one in dev
TRAINING_CUAD = [
    "2ThemartComInc_19990826_10-12G_EX-10.10_6700288_EX-10.10_Co-Branding Agreement_ Agency Agreement.txt",
    "ABILITYINC_06_15_2020-EX-4.25-SERVICES AGREEMENT.txt",
    "ADAMSGOLFINC_03_21_2005-EX-10.17-ENDORSEMENT AGREEMENT.txt",
]


@pytest.fixture(autouse=True)
def no_clocked_progress(monkeypatch):
    """Off a terminal `train prepare` and `annotate` print a progress line every PLAIN_PROGRESS_EVERY_S seconds: on a
    slow machine a test reading stderr would see lines a fast one does not. None here; the test of the lines asks
    for them."""
    monkeypatch.setattr("lexrisk.commands.annotate_common.PLAIN_PROGRESS_EVERY_S", float("inf"))


def tiny_config(tmp: Path, *overrides: str, dataset_dir: Path | None = None, base: Path | None = None):
    from training.config import load_config

    sets = ([f"data.dataset_dir={dataset_dir}"] if dataset_dir else []) + \
        ([f"model.name_or_path={base}"] if base else []) + list(overrides)
    return load_config(RECIPES / "tiny-cpu.yaml", sets, output_dir=tmp)


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    from training.config import load_config
    from training.tiny import build_tiny_model

    spec = load_config(RECIPES / "tiny-cpu.yaml").model.tiny
    return build_tiny_model(spec, tmp_path_factory.mktemp("tiny") / "base")


@pytest.fixture(scope="session")
def training_store(tmp_path_factory, cuad_dir) -> str:
    """A SQLite annotation store holding TRAINING_CUAD, imported with `lexrisk annotate import-cuad`."""
    from lexrisk.cli import main

    root = tmp_path_factory.mktemp("store")
    cuad = write_small_cuad(cuad_dir, root / "cuad", TRAINING_CUAD)
    url = f"sqlite:///{root / 'store.db'}"
    assert main(["annotate", "--db", url, "import-cuad", str(cuad)]) == 0
    return url


@pytest.fixture(scope="session")
def training_set(tmp_path_factory, training_store, tiny_base) -> Path:
    """The set `lexrisk annotate build-dataset` writes from the store, tokenized by the tiny model's tokenizer
    at the tiny recipe's max_length."""
    from lexrisk.cli import main
    from training.config import load_config

    out = tmp_path_factory.mktemp("dataset") / "sft"
    max_length = load_config(RECIPES / "tiny-cpu.yaml").data.max_length
    assert main(["annotate", "--db", training_store, "build-dataset", "--tokenizer", str(tiny_base),
                 "--max-length", str(max_length), "--negatives", "0", "--dev", "0.34", "--test", "0",
                 "--out", str(out)]) == 0
    card = json.loads((out / "dataset_card.json").read_text())
    assert card["examples"].get("train", 0) > 0 and card["examples"].get("dev", 0) > 0, card["examples"]
    return out


@pytest.fixture(scope="session")
def repeated_set(tmp_path_factory, training_set) -> Path:
    """The built set's first training example repeated eight times (dev and test as built): a model that
    learns at all must lower its loss on it. Its card is the built card re-hashed through the hand-off
    module, with no store version: these bytes were never a dataset version."""
    import hashlib
    import shutil

    from contracts.training_set import SplitFile, folder_hash, read_card, split_file, write_card

    folder = tmp_path_factory.mktemp("repeated") / "sft"
    shutil.copytree(training_set, folder)
    first = (training_set / split_file("train")).read_bytes().splitlines(keepends=True)[0]
    (folder / split_file("train")).write_bytes(first * 8)
    card = read_card(training_set)
    card = card.model_copy(update={
        "content_hash": folder_hash(folder), "dataset_version": None, "examples": {**card.examples, "train": 8},
        "files": {**card.files, "train": SplitFile(examples=8, sha256=hashlib.sha256(first * 8).hexdigest())}})
    write_card(folder, card)
    return folder


class Crash(RuntimeError):
    pass


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory, tiny_base, repeated_set):
    """Train 6 steps with a checkpoint every 3, crash at step 4, then `--resume`. Returns (config, crash
    info, result)."""
    from transformers import TrainerCallback

    import training.trainer as trainer_module

    out = tmp_path_factory.mktemp("run") / "out"
    config = tiny_config(out, "train.max_steps=6", "train.save_steps=3", "train.eval_steps=3",
                         "train.learning_rate=1e-2", dataset_dir=repeated_set, base=tiny_base)

    class CrashAt4(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 4:
                raise Crash("simulated crash at step 4")

    original = trainer_module.build_trainer
    first_steps: list[int] = []

    def crashing_build(*args, **kwargs):
        trainer = original(*args, **kwargs)
        trainer.add_callback(CrashAt4())
        return trainer

    trainer_module.build_trainer = crashing_build
    try:
        with pytest.raises(Crash):
            trainer_module.run_training(config)
    finally:
        trainer_module.build_trainer = original
    checkpoints = sorted(p.name for p in out.glob("checkpoint-*"))

    class RecordFirstStep(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            first_steps.append(state.global_step)

    def recording_build(*args, **kwargs):
        trainer = original(*args, **kwargs)
        trainer.add_callback(RecordFirstStep())
        return trainer

    trainer_module.build_trainer = recording_build
    try:
        result = trainer_module.run_training(config, resume=True)
    finally:
        trainer_module.build_trainer = original
    return config, {"checkpoints_after_crash": checkpoints, "steps_after_resume": first_steps}, result


@pytest.fixture(scope="session")
def smollm2_base(tmp_path_factory) -> Path:
    """SmolLM2-135M-Instruct as `lexrisk models import-gguf` writes it (the packaged GGUF; ~30 s)."""
    from lexrisk.cli import main

    out = tmp_path_factory.mktemp("smollm2") / "smollm2-135m-instruct"
    assert main(["models", "import-gguf", "--out", str(out)]) == 0
    return out
