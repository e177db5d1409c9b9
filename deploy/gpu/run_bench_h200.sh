#!/usr/bin/env bash
# The one prepared GPU run for #17 (about 8 minutes on an H200 capped at 80 GiB by training/bench_gpu.py).
# From the repo root, with .whl/ filled by deploy/gpu/fetch_wheels.sh and carried along (device tool: carry [".whl"]):
#   bash deploy/gpu/run_bench_h200.sh            # results under $OUT (default eval/results/h200), one folder per part
# Three parts, each under its own time limit so one slow part cannot eat the others; bench_gpu rewrites its JSON
# after every setup, so a part cut short keeps what it measured.
#   a: 70B padded vs packed (padding-free) on the real training-set length distribution (the token counts of
#      eval/results/packing_cpu.json: CUAD built at max length 8,192), 2 examples padded per step vs 1 and 2
#      packed rows of 8,192 (2 rows flatten into one sequence that sdpa attends as a whole);
#   b: 70B qlora-savers vs the same plus Liger kernels (on and off in one run), batch 1 x 4,096 (the issue's
#      1,005 tokens/s setup);
#   c: 70B long-context sweep with activation offloading, batch 1, one step each at 16k, 32k and 64k tokens.
# What comes back from the device is at most 8 files, 2 folders down: versions.txt, one log and one JSON per part.
# CPU rehearsal of the same setups at tiny size: DRY_RUN=1 bash deploy/gpu/run_bench_h200.sh (OUT=/tmp/...).
set -uo pipefail
OUT=${OUT:-eval/results/h200}
mkdir -p "$OUT"
export PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True PYTHONUNBUFFERED=1
if [ -n "${DRY_RUN:-}" ]; then
  PY=${PYTHON:-python3}; TINY=(--tiny)
  export PYTHONPATH=$PWD
else
  PY=python3; TINY=()
  "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 12), f"wheels are for CPython 3.12, not {sys.version}"' \
    || { echo "rerun deploy/gpu/fetch_wheels.sh with PYVER=<this python's X.Y>"; exit 2; }
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH=/tmp/site:$PWD || exit 2
  "$PY" -c 'import torch, transformers, peft, bitsandbytes, trl, pydantic, liger_kernel.transformers
print("torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__,
      "bnb", bitsandbytes.__version__, "trl", trl.__version__, "pydantic", pydantic.__version__,
      torch.cuda.get_device_name())' 2>&1 | tee "$OUT/versions.txt"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv >> "$OUT/versions.txt" 2>&1
fi
part() {  # part NAME SECONDS ARGS...: one bench_gpu run, its log and JSON under $OUT/NAME
  local name=$1 seconds=$2; shift 2
  mkdir -p "$OUT/$name"
  timeout "$seconds" "$PY" -m training.bench_gpu --out "$OUT/$name" \
    ${TINY[@]+"${TINY[@]}"} "$@" 2>&1 | tee "$OUT/$name.log"
  echo "$name: rc ${PIPESTATUS[0]}" | tee -a "$OUT/$name.log"
}
part a 270 --batch 2 --seq 8192 --steps 2 --lengths eval/results/packing_cpu.json \
  --only 70b/qlora-savers-padded 70b/qlora-savers-packed-1row 70b/qlora-savers-packed
part b 110 --batch 1 --seq 4096 --steps 2 --only 70b/qlora-savers 70b/qlora-savers-liger
part c 100 --long-context --long-seqs 16384 32768 65536 --only 70b/qlora-savers-offload-long
find "$OUT" -type f | sort
