# syntax=docker/dockerfile:1.7
# vLLM from its official image, serving the base model with the lexrisk adapter as LoRA module
# `contract-risk`. The adapter and the weights are mounted, not baked in:
#   /adapters/contract-risk   the output of `lexrisk train` (adapter_config.json, adapter_model.safetensors)
#   /models                   Hugging Face cache (HF_HOME) or a local checkpoint folder named by MODEL
#   docker build -f deploy/docker/vllm.Dockerfile -t lexrisk-vllm .
ARG VLLM_IMAGE=vllm/vllm-openai:v0.32.0
FROM ${VLLM_IMAGE}
ENV HF_HOME=/models/hf ADAPTER=/adapters/contract-risk VLLM_HOST=0.0.0.0 PORT=8001
COPY deploy/vllm/serve-70b-tp.sh deploy/vllm/serve-70b-single-gpu.sh deploy/vllm/container-entrypoint.sh /opt/lexrisk/
# /models and /adapters exist owned by the user, so a fresh named volume mounted there is writable by it
RUN useradd --system --uid 10001 --home-dir /home/vllm --create-home vllm && chmod 0555 /opt/lexrisk/*.sh \
 && mkdir -p /models/hf /adapters && chown -R 10001:10001 /models /adapters
USER 10001
EXPOSE 8001
# vLLM's /health is open (its --api-key guards /v1 only); the first start loads ~70-140 GB of weights
HEALTHCHECK --interval=30s --timeout=5s --start-period=900s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8001/health', timeout=4)"]
ENTRYPOINT ["/opt/lexrisk/container-entrypoint.sh"]
