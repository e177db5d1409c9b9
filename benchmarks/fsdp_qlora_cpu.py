"""FSDP2 + QLoRA on 2 CPU processes (gloo), by hand.

accelerate only turns FSDP on for accelerator devices (on CPUs its FSDP config silently becomes DDP), so
this script applies torch's `fully_shard` itself to the tiny recipe's 4-bit model with LoRA, the way
accelerate does on GPUs, and trains a few steps: it shows whether 4-bit weights stored as bfloat16 shard
and whether the sharded model trains. Run: python benchmarks/fsdp_qlora_cpu.py

What it showed on 2 CPU processes (eval/results/fsdp_qlora_cpu.json): torch's own fully_shard shards every
parameter and trains with either storage. The uint8 case still fails in practice under accelerate, which
leaves non-floating Params4bit unsharded (accelerate/utils/fsdp_utils.py), so the recipe needs bfloat16 storage.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def worker(rank: int, world: int, base: str, storage: str, result_file: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=os.environ.get("FSDP_PORT", "29533"))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    from peft import get_peft_model
    from torch.distributed.fsdp import fully_shard
    from torch.distributed.tensor import DTensor

    from training.build import load_base_model, peft_config
    from training.config import load_config

    config = load_config(REPO / "training/recipes/tiny-cpu.yaml",
                         [f"model.name_or_path={base}", f"quantization.quant_storage={storage}"])
    torch.manual_seed(0)
    model = get_peft_model(load_base_model(config, base), peft_config(config))
    outcome: dict = {"rank": rank, "storage": storage}
    try:
        for layer in model.base_model.model.model.layers:
            fully_shard(layer)
        fully_shard(model)
        params = list(model.parameters())
        outcome["sharded_params"] = sum(isinstance(p, DTensor) for p in params)
        outcome["params"] = len(params)
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
        ids = torch.randint(300, 500, (2, 64), generator=torch.Generator().manual_seed(0))
        losses = []
        for _ in range(4):
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(round(loss.item(), 4))
        outcome["losses"] = losses
    except Exception as exc:  # report whatever the backend refuses, per storage type
        outcome["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    with open(f"{result_file}.{rank}", "w") as fh:
        json.dump(outcome, fh)
    dist.destroy_process_group()


def main() -> int:
    from training.config import load_config
    from training.tiny import build_tiny_model

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        spec = load_config(REPO / "training/recipes/tiny-cpu.yaml").model.tiny
        base = str(build_tiny_model(spec, Path(tmp) / "base"))
        for i, storage in enumerate(("bfloat16", "uint8")):
            os.environ["FSDP_PORT"] = str(29533 + i)
            out = str(Path(tmp) / f"result-{storage}")
            mp.spawn(worker, args=(2, base, storage, out), nprocs=2, join=True)
            results[storage] = [json.loads(Path(f"{out}.{r}").read_text()) for r in range(2)]
    print(json.dumps(results, indent=2))
    target = REPO / "eval/results/fsdp_qlora_cpu.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
