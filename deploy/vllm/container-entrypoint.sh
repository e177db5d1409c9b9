#!/usr/bin/env bash
# Container entry of deploy/docker/vllm.Dockerfile: QUANT=bf16 runs serve-70b-tp.sh over TP GPUs,
# QUANT=fp8 or awq runs serve-70b-single-gpu.sh on one. MODEL, TP, MAX_LEN, VLLM_API_KEY as those say.
set -euo pipefail
case "${QUANT:-bf16}" in
  bf16) exec /opt/lexrisk/serve-70b-tp.sh ;;
  fp8|awq) exec /opt/lexrisk/serve-70b-single-gpu.sh ;;
  *) echo "QUANT must be bf16, fp8 or awq" >&2; exit 2 ;;
esac
