"""Useful (non-pad) tokens/s of padded vs packed batches on the real training-set length distribution, tiny model,
CPU (#17). Run: python benchmarks/packing_cpu.py

The lengths are real: CUAD contracts imported with `lexrisk annotate import-cuad` and turned into a training set by
`lexrisk annotate build-dataset` at max length 8,192 (the 70B recipe's set), counted with the tiny model's own
tokenizer; the benchmark reads them from the set's train meta file. The token ids are random (speed does not depend
on them). Both layouts train the same tiny Llama (sdpa attention, AdamW, fp32) on the same examples in the same run:
padded, `--batch` examples right-padded to the longest; packed, `--batch` rows of 8,192 tokens filled
best-fit-decreasing and flattened padding-free into one sequence, as `train.packing` does through trl; and packed
with one row per micro-batch. The layouts take turns step by step. On a CPU with a model this small attention
dominates, and sdpa computes the flattened sequence's full block-diagonal mask (quadratic in the whole
micro-batch, not in each example), so the figure says what packing costs or saves on the sdpa path, not what a
GPU's varlen flash attention gains; the GPU setup is training/bench_gpu.py's `qlora-savers-packed`. The machine is shared by several engineers: the absolute tokens/s are noisy, the
packed/padded ratio of one run is the result.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CUAD = Path("/work/shared/data/cuad")
MAX_LENGTH = 8192


def build_lengths(work: Path, contracts: int, tokenizer: Path) -> tuple[list[int], dict]:
    """Import `contracts` CUAD contracts, build the training set at MAX_LENGTH, return its train token counts."""
    from lexrisk.cli import main
    from training.packing import read_lengths

    url = f"sqlite:///{work / 'store.db'}"
    if main(["annotate", "--db", url, "import-cuad", str(CUAD), "--limit", str(contracts), "--skip-bad"]) != 0:
        raise SystemExit("import-cuad failed")
    out = work / "sft"
    if main(["annotate", "--db", url, "build-dataset", "--tokenizer", str(tokenizer), "--max-length", str(MAX_LENGTH),
             "--dev", "0", "--test", "0", "--out", str(out)]) != 0:
        raise SystemExit("build-dataset failed")
    card = json.loads((out / "dataset_card.json").read_text())
    return read_lengths(out), card["tokens"]["train"]


def measure(model, plans: dict[str, list], steps: int) -> dict[str, dict]:
    """One warm-up micro-batch per layout, then `steps` timed forward+backward+AdamW steps of each, the layouts
    taking turns step by step so that the shared machine's load falls on all of them alike."""
    import torch

    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    times: dict[str, list[float]] = {name: [] for name in plans}
    useful = dict.fromkeys(plans, 0)
    computed = dict.fromkeys(plans, 0)
    for index in range(steps + 1):
        for name, plan in plans.items():
            batch = plan[index]
            started = time.perf_counter()
            loss = model(**batch.inputs, use_cache=False).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if index:
                times[name].append(time.perf_counter() - started)
                useful[name] += batch.useful_tokens
                computed[name] += batch.computed_tokens
    out = {}
    for name in plans:
        seconds = sum(times[name])
        out[name] = {"steps": steps, "seconds": round(seconds, 2), "useful_tokens": useful[name],
                     "computed_tokens": computed[name], "pad_share": round(1 - useful[name] / computed[name], 4),
                     "useful_tokens_per_s": round(useful[name] / seconds, 1),
                     "seconds_per_step": round(statistics.fmean(times[name]), 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    import torch
    from transformers import AutoModelForCausalLM

    from training.config import TinyModelSpec
    from training.packing import batches, bfd_rows
    from training.tiny import build_tiny_model

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=40, help="CUAD contracts to build the set from")
    parser.add_argument("--batch", type=int, default=2, help="examples (padded) or rows (packed) per micro-batch")
    parser.add_argument("--steps", type=int, default=3, help="timed micro-batches per layout")
    parser.add_argument("--out", type=Path, default=REPO / "eval/results/packing_cpu.json")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    spec = TinyModelSpec(vocab_size=2048, max_position_embeddings=MAX_LENGTH)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = build_tiny_model(spec, work / "tiny")
        lengths, percentiles = build_lengths(work, args.contracts, base)
        model = AutoModelForCausalLM.from_pretrained(base, attn_implementation="sdpa", dtype=torch.float32)
    model.train()
    layouts = {"padded": (args.batch, False), "packed": (args.batch, True), "packed, 1 row": (1, True)}
    plans = {name: batches(lengths, batch=batch, capacity=MAX_LENGTH, packed=packed, vocab=spec.vocab_size)
             for name, (batch, packed) in layouts.items()}
    print("measuring, the layouts taking turns ...", file=sys.stderr, flush=True)
    measured = measure(model, plans, args.steps)
    rows = {name: {"micro_batch": f"{batch} {'rows' if packed else 'examples'}", "micro_batches": len(plans[name]),
                   "pad_share_whole_set": round(1 - sum(b.useful_tokens for b in plans[name])
                                                / sum(b.computed_tokens for b in plans[name]), 4), **measured[name]}
            for name, (batch, packed) in layouts.items()}
    ratio = round(rows["packed"]["useful_tokens_per_s"] / rows["padded"]["useful_tokens_per_s"], 3)
    ratio_one_row = round(rows["packed, 1 row"]["useful_tokens_per_s"] / rows["padded"]["useful_tokens_per_s"], 3)
    result = {
        "what": "useful (non-pad) tokens/s, padded vs padding-free packed, same tiny model and examples, one run",
        "machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, shared by "
                   "several engineers: absolute figures are noisy, compare the two layouts of this run",
        "torch": torch.__version__, "model": spec.model_dump(), "max_length": MAX_LENGTH, "batch": args.batch,
        "contracts": args.contracts, "train_examples": len(lengths), "token_percentiles": percentiles,
        "packed_rows_of_max_length": len(bfd_rows(lengths, MAX_LENGTH)),
        "layouts": rows, "packed_over_padded_useful_tokens_per_s": ratio,
        "packed_1_row_over_padded_useful_tokens_per_s": ratio_one_row,
        "lengths": lengths,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    _print_table(rows, ratio)
    print(f"wrote {args.out}")
    return 0


def _print_table(rows: dict, ratio: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Padded vs packed, tiny model on CPU: packed/padded useful tokens/s = {ratio}")
    for col in ("layout", "micro-batch", "micro-batches (set)", "pad share (set)", "timed steps", "useful tok/s",
                "s/step"):
        table.add_column(col)
    for name, r in rows.items():
        table.add_row(name, r["micro_batch"], str(r["micro_batches"]), f"{r['pad_share_whole_set']:.1%}", str(r["steps"]),
                      str(r["useful_tokens_per_s"]), str(r["seconds_per_step"]))
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
