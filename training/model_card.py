"""The model card written beside every adapter: what it was trained from, on what, how, and what it cost.
A JSON file for tools and a README.md for people, from the same facts."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.portable_paths import portable
from training.config import TrainConfig
from training.loss_curves import LOSS_PNG, write_loss_plot
from training.result import TrainResult

CARD_JSON = "lexrisk_model_card.json"


def card_facts(config: TrainConfig, result: TrainResult) -> dict[str, Any]:
    import torch

    return portable({
        "base_model": config.model.name_or_path if config.model.tiny is None else "tiny random Llama (recipe-built)",
        "base_revision": config.model.revision,
        "dataset": asdict(result.dataset),
        "config": config.to_dict(),
        "metrics": {"train_loss": result.train_loss, "train_loss_steps": result.train_loss_steps,
                    "eval_loss": result.eval_loss,
                    "final_logged_loss": result.losses[-1] if result.losses else None,
                    "global_step": result.global_step},
        "loss_history": result.history.to_dict(),
        "wall_time_s": round(result.wall_time_s, 1),
        "resumed_from_step": result.resumed_from_step,
        "peak_memory_bytes": result.peak_memory_bytes,
        "peak_memory_source": result.peak_memory_source,
        "tokens_per_second": None if result.tokens_per_second is None else round(result.tokens_per_second, 1),
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    })


def write_model_card(adapter_dir: Path, config: TrainConfig, result: TrainResult) -> dict[str, Any]:
    facts = card_facts(config, result)
    write_loss_plot(result.history, adapter_dir / LOSS_PNG, f"{facts['base_model']}: {Path(config.output_dir).name}")
    (adapter_dir / CARD_JSON).write_text(json.dumps(facts, indent=2, default=str), encoding="utf-8")
    ds, m = facts["dataset"], facts["metrics"]
    lines = [
        "---", "library_name: peft", f"base_model: {facts['base_model']}", "tags: [lexrisk, qlora, contract-risk]", "---",
        "", "# lexrisk contract-risk adapter", "",
        f"- Base model: `{facts['base_model']}`" + (f" @ `{facts['base_revision']}`" if facts["base_revision"] else ""),
        f"- Dataset: `{ds['path']}`, version {ds['version'] if ds['version'] is not None else 'not in a store'}, "
        f"content hash `{ds['content_hash']}` (checked against the split files), built for {ds['max_length']} tokens",
        f"- Examples: {ds['counts']}",
        f"- LoRA r={config.lora.r}, alpha={config.lora.alpha}, dropout={config.lora.dropout} on "
        f"{', '.join(config.lora.target_modules)}; base 4-bit: {config.quantization.load_in_4bit} "
        f"({config.quantization.quant_type}, double quant {config.quantization.double_quant})",
        f"- Final metrics: train loss {m['train_loss']} ({_loss_span(m)}), dev loss {m['eval_loss']}, "
        f"steps {m['global_step']}",
        f"- Wall time {facts['wall_time_s']} s on {facts['device']}"
        + (f" (the sitting resumed from step {result.resumed_from_step})" if result.resumed_from_step else "")
        + "; peak memory "
        f"{facts['peak_memory_bytes'] / 2**30:.2f} GiB ({facts['peak_memory_source']}); "
        f"{facts['tokens_per_second']} tokens/s",
        "", "## Loss", "", f"![train and dev loss]({LOSS_PNG})", "",
        "| step | train loss | dev loss |", "| ---: | ---: | ---: |", *_loss_rows(result),
        "", "Prompt format: `chat_template.jinja` (the base family's format, with generation markers). Serve with vLLM `--enable-lora "
        f"--max-lora-rank {config.lora.r}`; check with `lexrisk train check-adapter`.",
        "", "Full config and figures: `lexrisk_model_card.json`.", "",
    ]
    (adapter_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")
    return facts


def _loss_span(metrics: dict[str, Any]) -> str:
    """What the train loss averages: every step, or (a resumed run whose crash lost unlogged steps, or whose
    checkpoint predates the figure) only some of them, said as such."""
    covered, steps = metrics["train_loss_steps"], metrics["global_step"]
    return "mean over all steps" if covered == steps else f"mean over {covered} of the {steps} steps"


def _loss_rows(result: TrainResult) -> list[str]:
    """One table row per step that logged a train or a dev loss."""
    train, dev = dict(result.history.train), dict(result.history.dev)
    return [f"| {step} | {_cell(train.get(step))} | {_cell(dev.get(step))} |" for step in sorted(train.keys() | dev.keys())]


def _cell(loss: float | None) -> str:
    return "" if loss is None else f"{loss:.4f}"
