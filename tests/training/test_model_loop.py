"""The model loop at toy scale on a real pretrained LLM (SmolLM2-135M-Instruct), with the product's own
commands only: import the base, import two CUAD contracts into a label store, build the training set with the
base's tokenizer, train with the SmolLM2 recipe for two steps, check the adapter for vLLM, serve base + adapter
on vLLM's CPU build, evaluate both with the `openai` analyzer, register the adapter and promote it by the gate.

Two optimizer steps teach a 135M model nothing: these tests assert the pipeline (files, lineage, well-formed
metrics, a promotion decision that follows from the numbers), never the model's quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.portable_paths import portable_text
from contracts.training_set import folder_hash
from lexrisk.cli import main
from tests.annotation.conftest import write_small_cuad
from tests.training.conftest import RECIPES

pytestmark = [pytest.mark.slow]
# two of CUAD's shortest contracts with clause labels (not only names and dates): with --dev 0.5 --test 0
# one trains, one is dev
LOOP_CUAD = ["WatchitMediaInc_20061201_8-K_EX-10.1_4148672_EX-10.1_Content License Agreement.txt",
             "BellringBrandsInc_20190920_S-1_EX-10.12_11817081_EX-10.12_Manufacturing Agreement2.txt"]
MAX_LENGTH = 1024  # SmolLM2's tokens: the brief prompt and chat framing are 477 (the full ones 2,015), as the CPU recipe runs


@pytest.fixture(scope="module")
def loop(tmp_path_factory, cuad_dir, smollm2_base) -> dict[str, Path]:
    """Store -> build-dataset -> train (2 steps), each through `lexrisk`."""
    root = tmp_path_factory.mktemp("loop")
    cuad = write_small_cuad(cuad_dir, root / "cuad", LOOP_CUAD)
    store = f"sqlite:///{root / 'labels.db'}"
    assert main(["annotate", "--db", store, "import-cuad", str(cuad)]) == 0
    dataset = root / "set"
    assert main(["annotate", "--db", store, "build-dataset", "--tokenizer", str(smollm2_base),
                 "--max-length", str(MAX_LENGTH), "--prompt", "brief", "--dev", "0.5", "--test", "0",
                 "--out", str(dataset)]) == 0
    run = root / "run"
    assert main(["train", "--config", str(RECIPES / "smollm2-135m-cuad.yaml"), "--output-dir", str(run),
                 "--set", f"model.name_or_path={smollm2_base}", "--set", f"data.dataset_dir={dataset}",
                 "--set", f"data.max_length={MAX_LENGTH}", "--set", "train.max_steps=2",
                 "--set", "train.gradient_accumulation_steps=1", "--set", "train.eval_steps=2",
                 "--set", "train.save_steps=2"]) == 0
    return {"cuad": cuad, "store": Path(store.removeprefix("sqlite:///")), "dataset": dataset, "run": run}


def test_recipe_is_the_seed_qlora_on_smollm2() -> None:
    from training.config import LLAMA_LINEAR_MODULES, load_config

    config = load_config(RECIPES / "smollm2-135m-cuad.yaml")
    q, lora, t = config.quantization, config.lora, config.train
    assert (q.load_in_4bit, q.quant_type, q.double_quant) == (True, "nf4", True)
    assert (lora.r, lora.alpha, lora.target_modules) == (64, 128, LLAMA_LINEAR_MODULES)
    assert (t.optim, t.lr_scheduler_type, t.learning_rate, t.warmup_fraction) == ("paged_adamw_8bit", "cosine", 2e-4, 0.05)
    assert t.max_steps == -1 and t.num_train_epochs == 3  # full epochs unless the CPU command caps the steps


def test_adapter_carries_the_lineage_and_loss_curves(loop, smollm2_base, capsys) -> None:
    adapter = loop["run"] / "adapter"
    built = json.loads((loop["dataset"] / "dataset_card.json").read_text())
    card = json.loads((adapter / "lexrisk_model_card.json").read_text())
    assert card["base_model"] == portable_text(str(smollm2_base))  # written as any checkout reads it (#33)
    assert card["dataset"]["content_hash"] == built["content_hash"] == folder_hash(loop["dataset"])
    assert card["dataset"]["version"] == built["dataset_version"] is not None
    assert card["dataset"]["prompt"] == built["params"]["prompt"] == "brief"  # it is served with the prompt it learnt
    assert card["config"]["quantization"]["quant_type"] == "nf4" and card["config"]["lora"]["r"] == 64
    assert card["metrics"]["global_step"] == 2
    assert [p["step"] for p in card["loss_history"]["train"]] == [1, 2]
    assert [p["step"] for p in card["loss_history"]["dev"]] == [2]
    assert (adapter / "loss_curves.png").read_bytes().startswith(b"\x89PNG")
    assert "<|im_start|>" in (adapter / "chat_template.jinja").read_text()  # SmolLM2's ChatML, not Llama's
    capsys.readouterr()
    assert main(["train", "check-adapter", str(adapter)]) == 0
    assert "vLLM can serve this adapter" in capsys.readouterr().out


def _eval(cuad: Path, out: Path, url: str, base: Path, adapter: str | None) -> dict:
    """`lexrisk eval run --analyzer openai` on the two contracts, against the vLLM server at `url`, with
    decoding bounds that let a CPU answer each one-chunk contract in seconds."""
    target = ["--adapter", adapter] if adapter else ["--set", f"openai_model={base}"]
    assert main(["eval", "run", "--analyzer", "openai", *target, "--set", f"openai_base_url={url}",
                 "--set", f"openai_tokenizer={base}", "--set", "chunk_tokens=256", "--set", "prompt=brief",
                 "--set", "openai_max_tokens=192",
                 "--set", "openai_max_findings=2", "--set", "openai_max_quote_chars=120",
                 "--set", "openai_max_explanation_chars=60", "--set", "openai_max_retries=1",
                 "--set", "openai_timeout_s=300", "--data", str(cuad), "--bootstrap", "50", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    for measure in ("precision", "recall", "f1"):
        assert 0.0 <= metrics["micro"][measure] <= 1.0, metrics["micro"]
    return metrics


@pytest.mark.vllm
def test_vllm_serves_base_and_adapter_and_the_gate_decides(loop, smollm2_base, tmp_path, monkeypatch, capsys) -> None:
    from sqlmodel import Session

    from contracts.settings import clear_settings
    from lexrisk.settings import get_settings
    from lexrisk.testing.vllm_server import LORA_NAME, vllm_server
    from serving.db import make_engine
    from serving.registry import ServedAdapter, gate_decision, served_adapter

    adapter = loop["run"] / "adapter"
    with vllm_server(smollm2_base, adapter, tmp_path / "vllm.log", max_model_len=4096) as url:
        base_metrics = _eval(loop["cuad"], tmp_path / "eval-base", url, smollm2_base, None)
        adapter_metrics = _eval(loop["cuad"], tmp_path / "eval-adapter", url, smollm2_base, LORA_NAME)
    assert json.loads((tmp_path / "eval-adapter" / "run.json").read_text())["adapter"] == LORA_NAME
    for metrics in (base_metrics, adapter_metrics):
        assert metrics["contracts"] == len(LOOP_CUAD) and metrics["failed"] == 0, metrics["failed"]

    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    clear_settings()
    try:
        assert main(["models", "register", str(loop["run"]), "--name", "smollm2-toy",
                     "--eval", str(tmp_path / "eval-adapter")]) == 0
        assert main(["models", "promote", "smollm2-toy"]) == 0  # nothing served yet: the first one passes
        assert "promoted smollm2-toy: nothing served yet" in capsys.readouterr().out
        engine = make_engine(get_settings().database_url)
        with Session(engine) as session:
            assert served_adapter(session) == ServedAdapter("smollm2-toy", str(adapter.resolve()), "brief")
        engine.dispose()
        # a second registration with the same evaluation must not replace the served one: recall does not rise
        assert main(["models", "register", str(loop["run"]), "--name", "smollm2-toy-vs-base",
                     "--eval", str(tmp_path / "eval-adapter")]) == 0
        code = main(["models", "promote", "smollm2-toy-vs-base"])
    finally:
        clear_settings()
    refused = capsys.readouterr().err
    assert code == 2 and "refused to promote smollm2-toy-vs-base: recall" in refused  # equal recall never passes
    # the registry holds adapters only; the adapter against the base is the same gate on the two eval runs
    versus_base = gate_decision("recall", adapter_metrics["micro"], base_metrics["micro"])
    rise = adapter_metrics["micro"]["recall"] - base_metrics["micro"]["recall"]
    held = adapter_metrics["micro"]["precision"] - base_metrics["micro"]["precision"]
    assert versus_base.passed == (rise > 0 and held >= 0), versus_base.message
