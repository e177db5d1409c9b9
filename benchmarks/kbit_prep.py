"""prepare_model_for_kbit_training on vs off, on the tiny recipe (CPU), in one run.

peft's prepare_model_for_kbit_training upcasts every non-4-bit weight (embeddings, lm_head, norms) to
fp32. The seed makes it mandatory; lexrisk makes it a recipe switch. This measures both settings on the
same tiny model and batch (bf16 compute, as on a GPU): peak memory, seconds per step, the loss after a few
steps, and the planner's figure for each. Prints a table and writes eval/results/kbit_prep_tiny.json.
Run from the repository root: python benchmarks/kbit_prep.py
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHAPE = ["model.tiny.hidden_size=256", "model.tiny.intermediate_size=768", "model.tiny.vocab_size=8192",
         "data.max_length=256", "quantization.compute_dtype=bfloat16", "train.bf16=true",
         "train.gradient_accumulation_steps=1", "lora.dropout=0.05"]


def main() -> int:
    from rich.console import Console
    from rich.table import Table

    from training.config import load_config
    from training.measure import measure_training_peak, tiny_shape
    from training.planner import estimate, plan_from_config

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for prepare in (False, True):
            config = load_config(REPO / "training/recipes/tiny-cpu.yaml",
                                 [*SHAPE, f"model.name_or_path={tmp}/base",
                                  f"quantization.prepare_for_kbit_training={str(prepare).lower()}"],
                                 output_dir=Path(tmp) / f"out-{prepare}")
            m = measure_training_peak(config, steps=3)
            planned = estimate(plan_from_config(config, tiny_shape(config), triton=False)).tensors_bytes
            rows.append({"prepare_for_kbit_training": prepare, "peak_mib": round(m.peak_bytes / 2**20, 1),
                         "planned_mib": round(planned / 2**20, 1), "seconds_per_step": round(m.seconds_per_step, 2),
                         "losses": [round(x, 4) for x in m.losses], "measured_by": m.source})
    table = Table(title="prepare_model_for_kbit_training on the tiny recipe (CPU, bf16 compute, batch 2 x 256)")
    for col in ("prepare_for_kbit_training", "peak MiB", "planned MiB", "s/step", "losses"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["prepare_for_kbit_training"]), str(r["peak_mib"]), str(r["planned_mib"]),
                      str(r["seconds_per_step"]), " ".join(map(str, r["losses"])))
    Console().print(table)
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "device": "cpu", "host": platform.machine(),
              "note": "seconds per step include the CPU tensor tracker's overhead; compare them with each other only",
              "rows": rows}
    target = REPO / "eval/results/kbit_prep_tiny.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2))
    print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
