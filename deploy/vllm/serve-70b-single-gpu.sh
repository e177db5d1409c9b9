#!/usr/bin/env bash
# Llama 3.1 70B Instruct on ONE 80 GB GPU with the lexrisk LoRA adapter:
#   QUANT=fp8 (H100/H200/L40S: FP8 weights quantized on load, ~70 GB) or
#   QUANT=awq (A100: a pre-quantized AWQ int4 checkpoint, ~40 GB, e.g. hugging-quants/...-AWQ-INT4).
#   QUANT=fp8 VLLM_HOST=10.0.0.5 VLLM_API_KEY=... ADAPTER=/models/lexrisk-adapter ./serve-70b-single-gpu.sh
# The adapter was trained on the bf16 base (QLoRA over NF4); serving it over FP8/AWQ weights shifts
# outputs slightly — re-run the eval on this deployment before trusting its scores.
set -euo pipefail
: "${VLLM_HOST:?a private address to bind, e.g. 10.0.0.5}"
: "${VLLM_API_KEY:?the key the lexrisk API sends (LEXRISK_OPENAI_API_KEY)}"
: "${ADAPTER:?folder of the trained LoRA adapter}"
QUANT="${QUANT:-fp8}"
case "$QUANT" in
  fp8) MODEL="${MODEL:-meta-llama/Llama-3.1-70B-Instruct}"; QUANT_ARGS=(--quantization fp8 --kv-cache-dtype fp8) ;;
  awq) MODEL="${MODEL:?an AWQ int4 checkpoint of Llama 3.1 70B Instruct}"; QUANT_ARGS=(--quantization awq_marlin) ;;
  *) echo "QUANT must be fp8 or awq" >&2; exit 2 ;;
esac

# the lexrisk service loads the registry's promoted adapters into this server (POST /v1/load_lora_adapter,
# then asks for them by name): `lexrisk models promote/rollback` takes effect without a restart. The
# adapter folders must be readable here at the paths they were registered under (the models volume).
export VLLM_ALLOW_RUNTIME_LORA_UPDATING=True
exec vllm serve "$MODEL" \
  --host "$VLLM_HOST" --port "${PORT:-8001}" --api-key "$VLLM_API_KEY" \
  "${QUANT_ARGS[@]}" --max-model-len "${MAX_LEN:-8192}" --max-num-seqs "${MAX_SEQS:-16}" \
  --gpu-memory-utilization 0.95 --enable-prefix-caching \
  --enable-lora --lora-modules "contract-risk=$ADAPTER" --max-lora-rank 64 --max-loras 1 \
  --structured-outputs-config '{"backend":"xgrammar","disable_any_whitespace":true}'
