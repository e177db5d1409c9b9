"""The model registry: register with lineage and eval, gated promotion, rollback, per-tenant scope; on SQLite
and on PostgreSQL, through the `lexrisk models` commands."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from lexrisk.cli import main
from serving.registry import RegistryError, gate_decision
from tests.serving.conftest import PG_URL


def write_adapter(adapter: Path) -> None:
    """A LoRA adapter's two files as PEFT writes them (a config and one rank-8 tensor), enough for check-adapter."""
    adapter.mkdir(parents=True)
    (adapter / "adapter_config.json").write_text(json.dumps({
        "peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"], "bias": "none"}))
    header = json.dumps({"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight":
                         {"dtype": "F32", "shape": [8, 1], "data_offsets": [0, 32]}}).encode()
    (adapter / "adapter_model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(32))


def training_run(tmp: Path, name: str, precision: float, recall: float, **dataset: str) -> tuple[Path, Path]:
    """A training run folder with its adapter and model card, and an eval run with its metrics.json."""
    adapter = tmp / name / "adapter"
    write_adapter(adapter)
    (adapter / "lexrisk_model_card.json").write_text(json.dumps({
        "base_model": "models/smollm2-135m-instruct", "base_revision": None,
        "dataset": {"version": "v1", "content_hash": f"hash-{name}", **dataset}, "config": {"lora": {"r": 64}}}))
    evaluation = tmp / f"eval-{name}"
    evaluation.mkdir()
    f1 = 2 * precision * recall / (precision + recall)
    (evaluation / "metrics.json").write_text(json.dumps({"micro": {"precision": precision, "recall": recall,
                                                                   "f1": f1}}))
    return tmp / name, evaluation


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path, monkeypatch):
    from contracts.settings import clear_settings

    if request.param == "sqlite":
        monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
        clear_settings()
        yield
    else:
        pg_schema = request.getfixturevalue("pg_schema")
        monkeypatch.setenv("LEXRISK_DATABASE_URL", PG_URL + f"?options=-csearch_path%3D{pg_schema}")
        clear_settings()
        yield
    clear_settings()


def test_promote_roll_back_and_refuse_a_worse_adapter(database, tmp_path, capsys):
    runs = {name: training_run(tmp_path, name, p, r) for name, p, r in
            [("first", 0.30, 0.20), ("better", 0.32, 0.35), ("worse", 0.50, 0.10), ("sloppy", 0.10, 0.60)]}
    for name, (run, evaluation) in runs.items():
        assert main(["models", "register", str(run), "--name", name, "--eval", str(evaluation)]) == 0
    assert main(["models", "register", str(runs["first"][0]), "--name", "first", "--eval",
                 str(runs["first"][1])]) == 2
    assert "already registered" in capsys.readouterr().err

    assert main(["models", "promote", "first"]) == 0  # nothing served yet
    assert main(["models", "promote", "worse"]) == 2  # recall falls
    assert "recall 0.100 does not beat the served 0.200 (by -0.100)" in capsys.readouterr().err
    assert main(["models", "promote", "sloppy"]) == 2  # recall rises but precision falls
    assert "precision falls by -0.200" in capsys.readouterr().err
    assert main(["models", "promote", "better"]) == 0
    capsys.readouterr()
    assert main(["models", "list"]) == 0
    listed = {line[2:].split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert listed["better"].startswith("*") and not listed["first"].startswith("*")
    assert main(["models", "rollback"]) == 0
    assert capsys.readouterr().out.strip() == "serving first again"
    assert main(["models", "list"]) == 0
    assert next(line for line in capsys.readouterr().out.splitlines() if " first " in line).startswith("*")
    assert main(["models", "rollback"]) == 2  # first was the first served: nothing is earlier
    assert "no earlier adapter to roll back to" in capsys.readouterr().err


def test_each_rollback_goes_one_further_back(database, tmp_path, capsys):
    """After A, B and C were promoted, rollbacks serve B, then A (an undo), not B then C again; a promotion
    after a rollback is undone by the next one."""
    for name, p, r in [("a", 0.30, 0.20), ("b", 0.30, 0.30), ("c", 0.30, 0.40), ("d", 0.30, 0.50)]:
        run, evaluation = training_run(tmp_path, name, p, r)
        assert main(["models", "register", str(run), "--name", name, "--eval", str(evaluation)]) == 0
    for name in ("a", "b", "c"):
        assert main(["models", "promote", name]) == 0
    capsys.readouterr()
    for expected in ("b", "a"):
        assert main(["models", "rollback"]) == 0
        assert capsys.readouterr().out.strip() == f"serving {expected} again"
    assert main(["models", "rollback"]) == 2
    assert main(["models", "promote", "d"]) == 0
    assert main(["models", "rollback"]) == 0
    assert capsys.readouterr().out.strip().endswith("serving a again")


def test_a_tenants_own_adapter_is_served_to_that_tenant_only(database, tmp_path, capsys):
    from sqlmodel import Session

    from lexrisk.settings import get_settings
    from serving.db import make_engine
    from serving.registry import served

    shared, acme = training_run(tmp_path, "shared", 0.3, 0.3), training_run(tmp_path, "acme-own", 0.4, 0.4)
    weak = training_run(tmp_path, "acme-weak", 0.2, 0.2)
    assert main(["models", "register", str(weak[0]), "--name", "acme-weak", "--eval", str(weak[1]),
                 "--tenant", "acme"]) == 0
    assert main(["models", "register", str(shared[0]), "--name", "shared", "--eval", str(shared[1])]) == 0
    assert main(["models", "register", str(acme[0]), "--name", "acme-own", "--eval", str(acme[1]),
                 "--tenant", "acme"]) == 0
    assert main(["models", "promote", "shared"]) == 0
    assert main(["models", "promote", "acme-own"]) == 2  # not registered for every tenant
    assert "no model named 'acme-own' is registered" in capsys.readouterr().err
    # a tenant's own adapter must beat what that tenant is served now: the shared one
    assert main(["models", "promote", "acme-weak", "--tenant", "acme"]) == 2
    assert main(["models", "promote", "acme-own", "--tenant", "acme"]) == 0
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            assert served(session, "acme").name == "acme-own"
            assert served(session, "globex").name == "shared"
    finally:
        engine.dispose()


def test_gate_rules():
    assert gate_decision("f1", {"f1": 0.5}, None).passed
    assert not gate_decision("f1", {"f1": 0.5}, {"f1": 0.5}).passed  # a tie does not replace what is served
    assert gate_decision("precision", {"precision": 0.6, "recall": 0.3}, {"precision": 0.5, "recall": 0.3}).passed
    with pytest.raises(RegistryError, match="unknown gate"):
        gate_decision("accuracy", {}, None)
    with pytest.raises(RegistryError, match="no micro recall"):
        gate_decision("recall", {"precision": 0.5}, None)


def test_the_served_adapter_is_asked_with_the_prompt_it_was_trained_on(database, tmp_path, capsys):
    """The dataset's prompt style travels in the adapter's lineage to each job; a card from before the style
    was recorded means the full prompt; a style this version does not know is refused at registration."""
    from sqlmodel import Session

    from lexrisk.settings import get_settings
    from serving.db import make_engine
    from serving.registry import served_adapter

    old, brief = training_run(tmp_path, "old", 0.3, 0.3), training_run(tmp_path, "brief", 0.4, 0.4, prompt="brief")
    odd = training_run(tmp_path, "odd", 0.5, 0.5, prompt="verbose")
    for name, (run, evaluation) in {"old": old, "brief": brief}.items():
        assert main(["models", "register", str(run), "--name", name, "--eval", str(evaluation)]) == 0
    assert main(["models", "register", str(odd[0]), "--name", "odd", "--eval", str(odd[1])]) == 2
    assert "unknown system prompt style 'verbose'" in capsys.readouterr().err
    engine = make_engine(get_settings().database_url)
    try:
        prompts = []
        for name in ("old", "brief"):
            assert main(["models", "promote", name]) == 0
            with Session(engine) as session:
                adapter = served_adapter(session)
                prompts.append((adapter.name, adapter.prompt))
        assert prompts == [("old", "full"), ("brief", "brief")]
    finally:
        engine.dispose()


def test_register_needs_a_model_card_and_an_eval(database, tmp_path, capsys):
    run, evaluation = training_run(tmp_path, "r", 0.3, 0.3)
    (evaluation / "metrics.json").write_text("{}")
    assert main(["models", "register", str(run), "--name", "r", "--eval", str(evaluation)]) == 2
    assert "no 'micro' measures" in capsys.readouterr().err
    assert main(["models", "register", str(tmp_path), "--name", "r", "--eval", str(evaluation)]) == 2
    assert "cannot read the adapter's model card" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["no-weights", "cut-weights", "no-config"])
def test_register_refuses_an_adapter_vllm_could_not_load(database, tmp_path, capsys, damage):
    """A promoted adapter vLLM cannot load fails every job at its start: it is refused at registration."""
    run, evaluation = training_run(tmp_path, "r", 0.3, 0.3)
    weights = run / "adapter" / "adapter_model.safetensors"
    if damage == "no-weights":
        weights.unlink()
    elif damage == "cut-weights":
        weights.write_bytes(weights.read_bytes()[:-4])
    else:
        (run / "adapter" / "adapter_config.json").unlink()
    assert main(["models", "register", str(run), "--name", "r", "--eval", str(evaluation)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("vLLM cannot serve it" in err or "no adapter_config.json" in err), err
    assert main(["models", "list"]) == 0 and capsys.readouterr().out == ""


def test_register_refuses_an_evaluation_of_the_baseline(database, tmp_path, capsys):
    """The baseline's scores are the classifier's, not the adapter's: with them any adapter would pass the gate."""
    run, evaluation = training_run(tmp_path, "r", 0.9, 0.9)
    (evaluation / "run.json").write_text(json.dumps({"analyzer": "baseline", "adapter": None}))
    assert main(["models", "register", str(run), "--name", "r", "--eval", str(evaluation)]) == 2
    assert "scored the 'baseline' analyzer, not an adapter" in capsys.readouterr().err
    (evaluation / "run.json").write_text(json.dumps({"analyzer": "openai", "adapter": "contract-risk"}))
    assert main(["models", "register", str(run), "--name", "r", "--eval", str(evaluation)]) == 0
