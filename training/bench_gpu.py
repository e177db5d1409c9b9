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
- on the 8B: qlora-savers and lora-bf16 (bf16 base, same LoRA) for the seed's "QLoRA is about 20% slower";
- with `--lengths FILE` (a built set's folder or benchmarks/packing_cpu.py's JSON: the real training-set
  length distribution), qlora-savers-padded and qlora-savers-packed: micro-batches of `--batch` real-length
  examples right-padded to the longest, or `--batch` rows of `--seq` tokens packed best-fit-decreasing and
  padding-free (training/packing.py, what `train.packing` does through trl); both report useful (non-pad)
  tokens/s; qlora-savers-packed-1row packs one row per micro-batch: on the sdpa path the `--batch` rows are
  flattened into one sequence whose attention is computed whole (quadratic in the flattened length);
- qlora-savers-liger: Liger kernels (RMSNorm, SwiGLU, RoPE, fused linear cross-entropy) patched into the
  model; recorded as skipped where liger-kernel does not import or there is no GPU (its kernels are Triton);
- with `--long-context`, one model per sweep, batch 1, one step at each of `--long-seqs` tokens, with and
  without activation offloading, stopping a sweep at its first out-of-memory.
The JSON is rewritten after every setup, so a run cut short by a time limit keeps what it measured.
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
    layout: str = "fixed"  # fixed: batch x seq random ids; padded / packed: the --lengths distribution
    liger: bool = False
    sweep: bool = False  # long-context sweep: batch 1, one step per length of --long-seqs
    rows: int | None = None  # packed rows per micro-batch (None: --batch)


SETUPS = [
    Setup("70b", "qlora-seed", prepare_for_kbit=True, optimizer="adamw_torch", chunked_loss=False),
    Setup("70b", "qlora-savers"),
    Setup("70b", "qlora-savers-offload", offload_activations=True),
    Setup("8b", "qlora-savers"),
    Setup("8b", "lora-bf16", quantized=False),
]
LENGTH_SETUPS = [
    Setup("70b", "qlora-savers-padded", layout="padded"),
    Setup("70b", "qlora-savers-packed", layout="packed"),
    Setup("70b", "qlora-savers-packed-1row", layout="packed", rows=1),
]
LIGER_SETUP = Setup("70b", "qlora-savers-liger", chunked_loss=False, liger=True)
SWEEP_SETUPS = [
    Setup("70b", "qlora-savers-long", sweep=True),
    Setup("70b", "qlora-savers-offload-long", offload_activations=True, sweep=True),
]
LONG_SEQS = (8192, 16384, 32768, 65536)
TINY_LONG_SEQS = (128, 256, 512)


def liger_unavailable(cuda: bool) -> str | None:
    """Why the Liger setup cannot run here, or None when it can."""
    if not cuda:
        return "skipped: Liger kernels are Triton kernels and need a GPU"
    try:
        import liger_kernel.transformers  # noqa: F401
    except ImportError as exc:
        return f"skipped: liger-kernel does not import ({exc})"
    return None


def build_model(shape: ModelShape, quantized: bool, device, max_positions: int = 8192):
    """A random Llama of `shape` on `device`; decoder linears quantized one by one when `quantized`."""
    import bitsandbytes as bnb
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    config = LlamaConfig(vocab_size=shape.vocab, hidden_size=shape.hidden, intermediate_size=shape.intermediate,
                         num_hidden_layers=shape.layers, num_attention_heads=shape.heads,
                         num_key_value_heads=shape.kv_heads, max_position_embeddings=max_positions,
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


def _workloads(setup: Setup, shape: ModelShape, batch: int, seq: int, lengths: list[int] | None,
               long_seqs: tuple[int, ...]) -> list[tuple[dict, list]]:
    """(row fields, micro-batches) for each measurement of a setup: one for most, one per length for a sweep."""
    import torch

    from training.packing import Batch, batches

    def fixed(b: int, s: int) -> list[Batch]:
        ids = torch.randint(0, shape.vocab, (b, s))
        return [Batch({"input_ids": ids, "labels": ids}, b * s, b * s)]

    if setup.sweep:
        return [({"batch": 1, "seq": s}, fixed(1, s)) for s in long_seqs]
    if setup.layout == "fixed":
        return [({"batch": batch, "seq": seq}, fixed(batch, seq))]
    if lengths is None:
        raise ValueError("padded/packed setups need --lengths")
    fitting = [n for n in lengths if n <= seq]
    per_step = setup.rows or batch
    plan = batches(fitting, batch=per_step, capacity=seq, packed=setup.layout == "packed", vocab=shape.vocab)
    return [({"batch": per_step, "seq": seq, "examples": len(fitting)}, plan)]


def run_setup(setup: Setup, shape: ModelShape, workloads: list[tuple[dict, list]], steps: int, device) -> list[dict]:
    """Build the setup's model once, then time each workload: `steps` optimizer steps after a warm-up (a sweep
    times its one step, warm-up included). The micro-batches cycle when a workload has fewer than the steps."""
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    longest = max(8192, *(fields["seq"] for fields, _ in workloads))
    model = build_model(shape, setup.quantized, device, max_positions=longest)
    build_s = time.perf_counter() - started
    if setup.liger:
        from liger_kernel.transformers import apply_liger_kernel_to_llama

        apply_liger_kernel_to_llama(rope=True, rms_norm=True, swiglu=True, cross_entropy=False,
                                    fused_linear_cross_entropy=True, model=model)
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
    autocast = torch.autocast(device.type, dtype=torch.bfloat16)
    results = []
    for fields, plan in workloads:
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        warmup = 0 if setup.sweep else 1
        times, losses, useful, computed = [], [], 0, 0
        try:
            for step in range(warmup + (1 if setup.sweep else steps)):
                micro = plan[step % len(plan)]
                inputs = {k: v.to(device) for k, v in micro.inputs.items()}
                if cuda:
                    torch.cuda.synchronize()
                t0 = time.perf_counter()
                with autocast, offload():
                    if setup.chunked_loss:
                        causal_lm: Any = model.base_model.model  # peft's wrapper types its inner model as Tensor | Module
                        labels = inputs.pop("labels")
                        hidden = causal_lm.model(**inputs).last_hidden_state
                        loss = chunked_cross_entropy(hidden, causal_lm.lm_head.weight, labels)
                    else:
                        loss = model(**inputs).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                if cuda:
                    torch.cuda.synchronize()
                if step >= warmup:  # the warm-up step builds kernels and fills the allocator
                    times.append(time.perf_counter() - t0)
                    useful += micro.useful_tokens
                    computed += micro.computed_tokens
                losses.append(round(loss.item(), 4))
        except torch.OutOfMemoryError as exc:
            results.append({**fields, "error": f"out of memory under the {CAP_GIB} GiB cap: "
                                               f"{str(exc).splitlines()[0][:200]}"})
            del exc
            gc.collect()
            if cuda:
                torch.cuda.empty_cache()
            if setup.sweep:
                break  # longer sequences need more
            continue
        seconds = sum(times)
        peak = torch.cuda.max_memory_allocated() if cuda else None
        results.append({**fields, "build_s": round(build_s, 1), "seconds_per_step": round(seconds / len(times), 3),
                        "tokens_per_s": round(computed / seconds, 1), "useful_tokens_per_s": round(useful / seconds, 1),
                        "pad_share": round(1 - useful / computed, 4), "timed_steps": len(times),
                        "includes_warmup": setup.sweep,
                        "peak_gib": None if peak is None else round(peak / 2**30, 2), "losses": losses})
    del model, optimizer
    gc.collect()
    return results


def main(argv: list[str] | None = None) -> int:
    import torch

    from training.packing import read_lengths

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="tiny shapes on the CPU (tests the script)")
    parser.add_argument("--steps", type=int, default=3, help="timed optimizer steps per setup (after one warm-up)")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--seq", type=int, default=4096, help="tokens per sequence; a packed row's capacity")
    parser.add_argument("--lengths", type=Path,
                        help="example lengths for the padded/packed setups: a build-dataset folder or a JSON "
                             "with a 'lengths' list (eval/results/packing_cpu.json)")
    parser.add_argument("--long-context", action="store_true", help="add the long-context sweeps")
    parser.add_argument("--long-seqs", type=int, nargs="+", help=f"sweep lengths (default {LONG_SEQS})")
    parser.add_argument("--only", nargs="*", help="setup names as MODEL/NAME, e.g. 70b/qlora-savers")
    parser.add_argument("--out", type=Path, default=Path("eval/results"), help="folder for the JSON result")
    args = parser.parse_args(argv)

    cuda = torch.cuda.is_available() and not args.tiny
    if not cuda and not args.tiny:
        print("bench_gpu: no GPU; use --tiny to run the script on the CPU", file=sys.stderr)
        return 2
    try:
        lengths = read_lengths(args.lengths) if args.lengths else None
    except (OSError, ValueError) as exc:
        print(f"bench_gpu: --lengths: {exc}", file=sys.stderr)
        return 2
    device = torch.device("cuda" if cuda else "cpu")
    gpu = torch.cuda.get_device_name() if cuda else "cpu"
    if cuda:
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, CAP_GIB * 2**30 / total))
    shapes = TINY_SHAPES if args.tiny else {"70b": SHAPES["llama31-70b"], "8b": SHAPES["llama31-8b"]}
    seq = min(args.seq, 128) if args.tiny else args.seq  # tiny: at most 128 tokens
    long_seqs = tuple(args.long_seqs or (TINY_LONG_SEQS if args.tiny else LONG_SEQS))
    if lengths is not None and args.tiny:  # the distribution's shape at the tiny sequence length
        scale = seq / max(lengths)
        lengths = [max(2, round(n * scale)) for n in lengths]
    peak_tflops = next((v for k, v in PEAK_TFLOPS.items() if k in gpu), None)
    setups = SETUPS + (LENGTH_SETUPS if lengths is not None else []) + [LIGER_SETUP] + \
        (SWEEP_SETUPS if args.long_context else [])
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    out = args.out / f"bench_gpu_{stamp}_{'tiny-cpu' if args.tiny else gpu.replace(' ', '-')}.json"
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    for setup in setups:
        if args.only and f"{setup.model}/{setup.name}" not in args.only:
            continue
        shape = shapes[setup.model]
        workloads = _workloads(setup, shape, args.batch, seq, lengths, long_seqs)
        base = {"model": shape.name, **asdict(setup)}
        skip = "skipped: activation offloading needs CUDA streams" if setup.offload_activations and not cuda else \
            liger_unavailable(cuda) if setup.liger else None
        print(f"running {setup.model}/{setup.name} ...", file=sys.stderr, flush=True)
        try:
            measured = [{"error": skip} for _ in workloads] if skip else \
                run_setup(setup, shape, workloads, args.steps, device)
        except torch.OutOfMemoryError as exc:
            measured = [{"error": f"out of memory under the {CAP_GIB} GiB cap: {str(exc).splitlines()[0][:200]}"}]
        except Exception as exc:  # recorded, so one failing setup does not hide the others' numbers
            measured = [{"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}]
        for (fields, _), result in zip(workloads, measured, strict=False):
            row = {**base, **fields, **result}
            plan = Plan(shape=shape, method="qlora" if setup.quantized else "lora", batch=row["batch"],
                        seq_len=row["seq"], prepare_for_kbit=setup.prepare_for_kbit, optimizer=setup.optimizer,
                        fused_loss=setup.chunked_loss or setup.liger, loss_temporaries=2 if cuda else 7,
                        offload_activations=setup.offload_activations)
            row["planned_gib"] = round(estimate(plan).total_bytes / 2**30, 2)
            if peak_tflops and "tokens_per_s" in row:
                flops_per_token = 6 * shape.total_params + 12 * shape.layers * shape.hidden * row["seq"]
                row["mfu"] = round(flops_per_token * row["tokens_per_s"] / (peak_tflops * 1e12), 4)
            rows.append(row)
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
        _write(out, rows, gpu=gpu, cuda=cuda, args=args, seq=seq, stamp=stamp, torch_version=torch.__version__)
    _print_table(rows)
    print(f"wrote {out}")
    return 0


def _ratio(rows: list[dict], model: str, name: str, base: str, key: str) -> float | None:
    """`key` of setup `name` over setup `base` on `model` ("70b" or "8b": a row's `model` is its setup's), sweeps
    left out, where both ran."""
    values = {r["name"]: r.get(key) for r in rows if r["model"] == model and not r["sweep"]}
    top, bottom = values.get(name), values.get(base)
    return round(top / bottom, 3) if top and bottom else None


def _write(out: Path, rows: list[dict], *, gpu: str, cuda: bool, args, seq: int, stamp: str,
           torch_version: str) -> None:
    lora_speedup = _ratio(rows, "8b", "qlora-savers", "lora-bf16", "tokens_per_s")
    out.write_text(json.dumps({
        "date": stamp, "gpu": gpu, "cap_gib": CAP_GIB if cuda else None, "batch": args.batch, "seq": seq,
        "steps": args.steps, "torch": torch_version, "lengths": str(args.lengths) if args.lengths else None,
        "qlora_slowdown_vs_lora_bf16_8b": None if lora_speedup is None else round(1 - lora_speedup, 3),
        "packed_over_padded_useful_tokens_per_s_70b": _ratio(rows, "70b", "qlora-savers-packed",
                                                             "qlora-savers-padded", "useful_tokens_per_s"),
        "liger_over_savers_tokens_per_s_70b": _ratio(rows, "70b", "qlora-savers-liger", "qlora-savers",
                                                     "tokens_per_s"),
        "rows": rows}, indent=2))


def _print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Seed recipe benchmark")
    for col in ("model", "setup", "batch x seq", "peak GiB", "planned GiB", "tokens/s", "useful tok/s", "MFU", "s/step",
                "note"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["model"], r["name"], f"{r['batch']} x {r['seq']}", str(r.get("peak_gib")), str(r["planned_gib"]),
                      str(r.get("tokens_per_s")), str(r.get("useful_tokens_per_s")), str(r.get("mfu")),
                      str(r.get("seconds_per_step")), r.get("error", ""))
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
