#!/usr/bin/env bash
# Llama 3.1 70B Instruct in bf16 across TP A100 80GB GPUs (TP=2 or 4) with the lexrisk LoRA adapter.
#   TP=4 VLLM_HOST=10.0.0.5 VLLM_API_KEY=... ADAPTER=/models/lexrisk-adapter ./serve-70b-tp.sh
# bf16 weights take ~141 GB: TP=2 leaves ~9 GB a GPU for KV cache (short contexts, few sequences);
# TP=4 leaves ~45 GB a GPU, the production choice.
set -euo pipefail
: "${VLLM_HOST:?a private address to bind, e.g. 10.0.0.5}"
: "${VLLM_API_KEY:?the key the lexrisk API sends (LEXRISK_OPENAI_API_KEY)}"
: "${ADAPTER:?folder of the trained LoRA adapter}"
TP="${TP:-4}"
MODEL="${MODEL:-meta-llama/Llama-3.1-70B-Instruct}"
MAX_LEN="${MAX_LEN:-16384}"   # system prompt (~3k tokens) + a 2k-token chunk + the answer, with room

# the lexrisk service loads the registry's promoted adapters into this server (POST /v1/load_lora_adapter,
# then asks for them by name): `lexrisk models promote/rollback` takes effect without a restart. The
# adapter folders must be readable here at the paths they were registered under (the models volume).
export VLLM_ALLOW_RUNTIME_LORA_UPDATING=True
exec vllm serve "$MODEL" \
  --host "$VLLM_HOST" --port "${PORT:-8001}" --api-key "$VLLM_API_KEY" \
  --tensor-parallel-size "$TP" --dtype bfloat16 --max-model-len "$MAX_LEN" \
  --gpu-memory-utilization 0.92 --enable-prefix-caching \
  --enable-lora --lora-modules "contract-risk=$ADAPTER" --max-lora-rank 64 --max-loras 1 \
  --structured-outputs-config '{"backend":"xgrammar","disable_any_whitespace":true}'
