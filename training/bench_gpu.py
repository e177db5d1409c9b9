"""GPU benchmark of the seed recipe: peak memory, tokens/s and MFU of QLoRA on Llama-3.1-70B- and
8B-shaped models with random weights, on one GPU capped at 80 GB to stand for the A100 80GB.

    python -m training.bench_gpu                 # on the GPU host, one command, under 10 minutes
    python -m training.bench_gpu --tiny          # the same code at tiny size on the CPU (what CI runs)

The bf16 70B is never held: the model skeleton is built on the meta device, then each decoder layer's
linear weights are drawn in bf16 on the GPU, quantized to NF4 (double quant) at once and freed. Each
setup runs a warm-up step and `--steps` timed optimizer steps of 2 x 4096 tokens:
- qlora-seed: QLoRA as the seed configures it (prepare_model_for_kbit_training, torch AdamW, the
  full-logits cross-entropy of the model's own forward);
- qlora-savers: no fp32 upcast, paged 8-bit AdamW, chunked cross-entropy (logits built 1024 tokens at a
  time and recomputed in backward);
- qlora-savers-offload: the same plus trl's activation offloading to CPU;
- on the 8B: qlora-savers and lora-bf16 (bf16 base, same LoRA) for the seed's "QLoRA is about 20% slower".
MFU counts model FLOPs as 6 x parameters + 12 x layers x hidden x sequence per token (the PaLM convention:
no recomputation, frozen-weight gradients counted as if trained), against the GPU's dense bf16 peak.
A setup that runs out of memory is recorded as such; that is a result, not a failure of the script.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from training.planner import SHAPES, ModelShape, Plan, estimate

CAP_GIB = 80
# dense bf16 peak TFLOPS by device-name fragment
PEAK_TFLOPS = {"A100": 312.0, "H100": 989.0, "H200": 989.0, "L40S": 362.0, "A10G": 70.0}
TINY_SHAPES = {"70b": ModelShape("tiny 70B-like", 4, 128, 448, 8, 2, 2048),
               "8b": ModelShape("tiny 8B-like", 2, 128, 448, 8, 2, 2048)}
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class Setup:
    model: str
    name: str
    quantized: bool = True
    prepare_for_kbit: bool = False
    optimizer: str = "paged_adamw_8bit"
    chunked_loss: bool = True
    offload_activations: bool = False


SETUPS = [
    Setup("70b", "qlora-seed", prepare_for_kbit=True, optimizer="adamw_torch", chunked_loss=False),
    Setup("70b", "qlora-savers"),
    Setup("70b", "qlora-savers-offload", offload_activations=True),
    Setup("8b", "qlora-savers"),
    Setup("8b", "lora-bf16", quantized=False),
]


def build_model(shape: ModelShape, quantized: bool, device):
    """A random Llama of `shape` on `device`; decoder linears quantized one by one when `quantized`."""
    import bitsandbytes as bnb
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    config = LlamaConfig(vocab_size=shape.vocab, hidden_size=shape.hidden, intermediate_size=shape.intermediate,
                         num_hidden_layers=shape.layers, num_attention_heads=shape.heads,
                         num_key_value_heads=shape.kv_heads, max_position_embeddings=8192,
                         rope_parameters={"rope_type": "default", "rope_theta": 500000.0},
                         tie_word_embeddings=False, use_cache=False)
    config._attn_implementation = "sdpa"
    with torch.device("meta"):
        model = LlamaForCausalLM(config)
    bf16 = torch.bfloat16

    def rand(*size):
        return (torch.randn(*size, device=device, dtype=bf16) * 0.02)

    model.model.embed_tokens = torch.nn.Embedding(shape.vocab, shape.hidden, device=device, dtype=bf16)
    model.model.embed_tokens.weight.data.normal_(0, 0.02)
    model.lm_head = torch.nn.Linear(shape.hidden, shape.vocab, bias=False, device=device, dtype=bf16)
    model.lm_head.weight.data.normal_(0, 0.02)
    with torch.device("cpu"):
        model.model.rotary_emb = LlamaRotaryEmbedding(config).to(device)
    model.model.norm.to_empty(device=device).weight.data.fill_(1.0)
    model.model.norm.to(bf16)
    for layer in model.model.layers:
        for norm in (layer.input_layernorm, layer.post_attention_layernorm):
            norm.to_empty(device=device).weight.data.fill_(1.0)
            norm.to(bf16)
        for parent in (layer.self_attn, layer.mlp):
            for name, child in list(parent.named_children()):
                if not isinstance(child, torch.nn.Linear):
                    continue
                weight = rand(child.out_features, child.in_features)
                linear: torch.nn.Module
                if quantized:
                    linear = bnb.nn.Linear4bit(child.in_features, child.out_features, bias=False, compute_dtype=bf16,
                                               compress_statistics=True, quant_type="nf4", device="meta")
                    packed: Any = bnb.nn.Params4bit(weight, requires_grad=False, compress_statistics=True,
                                                    quant_type="nf4", module=linear)  # bnb's .to() is untyped
                    linear.weight = packed.to(device)
                else:
                    linear = torch.nn.Linear(child.in_features, child.out_features, bias=False, device=device, dtype=bf16)
                    linear.weight.data.copy_(weight)
                del weight
                setattr(parent, name, linear)
    if quantized:
        cast(Any, model).is_loaded_in_4bit = True  # peft reads this flag; nn.Module's typed __setattr__ takes tensors only
    model.config.use_cache = False
    return model


def chunked_cross_entropy(hidden, weight, labels, chunk: int = 1024):
    """Mean next-token loss without holding b*s*V logits: each chunk's logits are recomputed in backward."""
    import torch
    from torch.utils.checkpoint import checkpoint

    hidden = hidden[:, :-1].reshape(-1, hidden.size(-1))
    labels = labels[:, 1:].reshape(-1)

    def piece(h, y):
        return torch.nn.functional.cross_entropy((h @ weight.t()).float(), y, reduction="sum", ignore_index=-100)

    total = sum(checkpoint(piece, hidden[i:i + chunk], labels[i:i + chunk], use_reentrant=False)
                for i in range(0, hidden.size(0), chunk))
    return total / (labels != -100).sum()


def make_optimizer(name: str, params):
    import torch

    if name == "paged_adamw_8bit":
        import bitsandbytes as bnb

        return bnb.optim.PagedAdamW8bit(params, lr=2e-4)
    return torch.optim.AdamW(params, lr=2e-4)


def run_setup(setup: Setup, shape: ModelShape, batch: int, seq: int, steps: int, device) -> dict:
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    model = build_model(shape, setup.quantized, device)
    build_s = time.perf_counter() - started
    if setup.prepare_for_kbit:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True,
                                                gradient_checkpointing_kwargs={"use_reentrant": False})
    else:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model = get_peft_model(model, LoraConfig(r=64, lora_alpha=128, lora_dropout=0.05, target_modules=list(LORA_TARGETS),
                                             task_type="CAUSAL_LM"))
    if setup.quantized:  # as trl does on a 4-bit base: LoRA weights in bf16
        for p in model.parameters():
            if p.requires_grad:
                p.data = p.data.to(torch.bfloat16)
    model.train()
    optimizer = make_optimizer(setup.optimizer, [p for p in model.parameters() if p.requires_grad])
    offload: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext
    if setup.offload_activations:
        from trl.models.activation_offloading import get_act_offloading_ctx_manager

        manager = get_act_offloading_ctx_manager(model=model)
        offload = lambda: manager  # noqa: E731
    ids = torch.randint(0, shape.vocab, (batch, seq), device=device, generator=None)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16)
    times, losses = [], []
    for step in range(steps + 1):
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        with autocast, offload():
            if setup.chunked_loss:
                causal_lm: Any = model.base_model.model  # peft's wrapper types its inner model as Tensor | Module
                hidden = causal_lm.model(input_ids=ids).last_hidden_state
                loss = chunked_cross_entropy(hidden, causal_lm.lm_head.weight, ids)
            else:
                loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.synchronize()
        if step:  # step 0 warms up kernels and allocator
            times.append(time.perf_counter() - t0)
        losses.append(round(loss.item(), 4))
    tokens_per_s = batch * seq / (sum(times) / len(times))
    peak = torch.cuda.max_memory_allocated() if cuda else None
    del model, optimizer
    gc.collect()
    return {"build_s": round(build_s, 1), "seconds_per_step": round(sum(times) / len(times), 3),
            "tokens_per_s": round(tokens_per_s, 1), "peak_gib": None if peak is None else round(peak / 2**30, 2),
            "losses": losses}


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="tiny shapes on the CPU (tests the script)")
    parser.add_argument("--steps", type=int, default=3, help="timed optimizer steps per setup (after one warm-up)")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--seq", type=int, default=4096)
    parser.add_argument("--only", nargs="*", help="setup names as MODEL/NAME, e.g. 70b/qlora-savers")
    parser.add_argument("--out", type=Path, default=Path("eval/results"), help="folder for the JSON result")
    args = parser.parse_args(argv)

    cuda = torch.cuda.is_available() and not args.tiny
    if not cuda and not args.tiny:
        print("bench_gpu: no GPU; use --tiny to run the script on the CPU", file=sys.stderr)
        return 2
    device = torch.device("cuda" if cuda else "cpu")
    gpu = torch.cuda.get_device_name() if cuda else "cpu"
    if cuda:
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, CAP_GIB * 2**30 / total))
    shapes = TINY_SHAPES if args.tiny else {"70b": SHAPES["llama31-70b"], "8b": SHAPES["llama31-8b"]}
    seq = min(args.seq, 128) if args.tiny else args.seq  # tiny: at most 128 tokens
    peak_tflops = next((v for k, v in PEAK_TFLOPS.items() if k in gpu), None)
    rows = []
    for setup in SETUPS:
        if args.only and f"{setup.model}/{setup.name}" not in args.only:
            continue
        shape = shapes[setup.model]
        plan = Plan(shape=shape, method="qlora" if setup.quantized else "lora", batch=args.batch, seq_len=seq,
                    prepare_for_kbit=setup.prepare_for_kbit, optimizer=setup.optimizer,
                    fused_loss=setup.chunked_loss, loss_temporaries=2 if cuda else 7)
        row = {"model": shape.name, **asdict(setup),
               "planned_gib": round(estimate(plan).total_bytes / 2**30, 2)}
        print(f"running {setup.model}/{setup.name} ...", file=sys.stderr, flush=True)
        if setup.offload_activations and not cuda:
            rows.append({**row, "error": "skipped: activation offloading needs CUDA streams"})
            continue
        try:
            row.update(run_setup(setup, shape, args.batch, seq, args.steps, device))
            flops_per_token = 6 * shape.total_params + 12 * shape.layers * shape.hidden * seq
            if peak_tflops:
                row["mfu"] = round(flops_per_token * row["tokens_per_s"] / (peak_tflops * 1e12), 4)
        except torch.OutOfMemoryError as exc:
            row["error"] = f"out of memory under the {CAP_GIB} GiB cap: {str(exc).splitlines()[0][:200]}"
        except Exception as exc:  # recorded, so one failing setup does not hide the others' numbers
            row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
        rows.append(row)
    _print_table(rows)
    speeds = {r["name"]: r.get("tokens_per_s") for r in rows if r["model"] == shapes["8b"].name}
    slowdown = None
    qlora, lora = speeds.get("qlora-savers"), speeds.get("lora-bf16")
    if qlora and lora:
        slowdown = round(1 - qlora / lora, 3)
        print(f"8B: QLoRA is {slowdown:.0%} slower than bf16 LoRA (the seed says about 20%)")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    name = f"bench_gpu_{stamp}_{'tiny-cpu' if args.tiny else gpu.replace(' ', '-')}.json"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / name).write_text(json.dumps({"date": stamp, "gpu": gpu, "cap_gib": CAP_GIB if cuda else None,
                                             "batch": args.batch, "seq": seq, "steps": args.steps,
                                             "torch": torch.__version__, "qlora_slowdown_vs_lora_bf16_8b": slowdown,
                                             "rows": rows}, indent=2))
    print(f"wrote {args.out / name}")
    return 0


def _print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Seed recipe benchmark")
    for col in ("model", "setup", "peak GiB", "planned GiB", "tokens/s", "MFU", "s/step", "note"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["model"], r["name"], str(r.get("peak_gib")), str(r["planned_gib"]), str(r.get("tokens_per_s")),
                      str(r.get("mfu")), str(r.get("seconds_per_step")), r.get("error", ""))
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
