#!/usr/bin/env bash
# The one lint command: CI (`make test`) and people run the same thing.
set -euo pipefail
cd "$(dirname "$0")/.."
"${VENV:-.venv}/bin/ruff" check .
"${VENV:-.venv}/bin/lint-imports" --no-cache
