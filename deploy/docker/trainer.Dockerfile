# syntax=docker/dockerfile:1.7
# QLoRA training on GPUs: the training extra on a CUDA base, launched by `accelerate launch`.
#   docker build -f deploy/docker/trainer.Dockerfile -t lexrisk-trainer .
#   docker run --gpus all --shm-size 16g -v /data:/data lexrisk-trainer   # FSDP over every visible GPU
# torch's CUDA wheels carry their own CUDA libraries; the CUDA runtime base gives the driver glue and
# the libraries bitsandbytes loads. Ubuntu 24.04's Python is 3.12 (lexrisk needs 3.11+).
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu24.04

FROM ${CUDA_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* && python3 -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY contracts contracts
COPY analyzers analyzers
COPY word word
COPY annotation annotation
COPY training training
COPY serving serving
COPY eval eval
COPY lexrisk lexrisk
RUN /opt/venv/bin/pip install ".[training]" && /opt/venv/bin/lexrisk train --help > /dev/null

FROM ${CUDA_IMAGE}
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 DEBIAN_FRONTEND=noninteractive \
    HF_HOME=/data/hf
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /home/lexrisk --create-home lexrisk
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY deploy/training deploy/training
USER 10001
# a batch job, not a server: Kubernetes and compose judge it by its exit status
HEALTHCHECK NONE
ENTRYPOINT ["accelerate", "launch", "--config_file", "deploy/training/accelerate_fsdp_qlora.yaml"]
# add --resume to continue a run folder that holds checkpoints
CMD ["-m", "lexrisk", "train", "--config", "/data/recipe.yaml", "--output-dir", "/data/runs/latest"]
