#!/usr/bin/env bash
# The one lint command: CI (`make test`) and people run the same thing. Each step fails the script:
# ruff (style, bugs), lint-imports (parts layered, no cycle between sibling modules), mypy (types, every part).
set -euo pipefail
cd "$(dirname "$0")/.."
"${VENV:-.venv}/bin/ruff" check .
"${VENV:-.venv}/bin/lint-imports" --no-cache
"${VENV:-.venv}/bin/mypy"
