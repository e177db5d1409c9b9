# `make demo`: set up and analyze the sample contract. `make test`: everything, then the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
EXTRAS := eval,annotation,training,dev

.PHONY: demo test lint bench clean

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
	$(BIN)/python -c "import pytest, pdfplumber, sqlmodel, alembic"
	touch $@ $(VENV)/.core

demo: $(VENV)/.core
	$(BIN)/lexrisk analyze examples/contracts/master_services_agreement.pdf

test: $(VENV)/.all
	bash scripts/services.sh
	bash scripts/lint.sh
	$(BIN)/python -m pytest

lint: $(VENV)/.all
	bash scripts/lint.sh

bench: $(VENV)/.all
	$(BIN)/python benchmarks/pdf_extractors.py
	$(BIN)/python benchmarks/analyzer_speed.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
