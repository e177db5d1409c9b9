#!/usr/bin/env bash
# Download the wheels of deploy/gpu/wheels.txt into .whl/ (git-ignored) for the offline GPU host: Linux x86_64,
# CPython $PYVER (default 3.11; pydantic_core is the one compiled wheel that depends on it). Run from the repo root.
set -euo pipefail
PYVER=${PYVER:-3.11}
mkdir -p .whl
grep -v '^#' deploy/gpu/wheels.txt | xargs pip download --no-deps -q -d .whl --only-binary=:all: \
  --python-version "$PYVER" --platform manylinux_2_28_x86_64 --platform manylinux_2_24_x86_64 \
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64
du -sh .whl
