"""Fixtures for the training tests: a tiny random Llama built once per session, and one crash-and-resume
training run on a repeated example that several tests read (each run costs tens of seconds on 2 cores)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RECIPES = REPO / "training" / "recipes"
FIXTURE_DATA = Path(__file__).parent / "data" / "chat"


def tiny_config(tmp: Path, *overrides: str, dataset_dir: Path = FIXTURE_DATA, base: Path | None = None):
    from training.config import load_config

    sets = [f"data.dataset_dir={dataset_dir}"] + ([f"model.name_or_path={base}"] if base else []) + list(overrides)
    return load_config(RECIPES / "tiny-cpu.yaml", sets, output_dir=tmp)


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    from training.config import load_config
    from training.tiny import build_tiny_model

    spec = load_config(RECIPES / "tiny-cpu.yaml").model.tiny
    return build_tiny_model(spec, tmp_path_factory.mktemp("tiny") / "base")


@pytest.fixture(scope="session")
def repeated_example_dir(tmp_path_factory) -> Path:
    """One training example repeated eight times: a model that learns at all must lower its loss on it."""
    folder = tmp_path_factory.mktemp("repeated")
    first = (FIXTURE_DATA / "train.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (folder / "train.jsonl").write_text((first + "\n") * 8, encoding="utf-8")
    shutil.copy(FIXTURE_DATA / "dev.jsonl", folder / "dev.jsonl")
    (folder / "dataset_card.json").write_text(json.dumps({"version": "repeated-1", "content_hash": "abc"}))
    return folder


class Crash(RuntimeError):
    pass


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory, tiny_base, repeated_example_dir):
    """Train 6 steps with a checkpoint every 3, crash at step 4, then `--resume`. Returns (config, crash
    info, result)."""
    from transformers import TrainerCallback

    import training.trainer as trainer_module

    out = tmp_path_factory.mktemp("run") / "out"
    config = tiny_config(out, "train.max_steps=6", "train.save_steps=3", "train.eval_steps=3",
                         "train.learning_rate=1e-2", dataset_dir=repeated_example_dir, base=tiny_base)

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
