#!/usr/bin/env bash
# Download the wheels of deploy/gpu/wheels.txt into .whl/ (git-ignored) for the offline GPU host: Linux x86_64,
# CPython $PYVER (default 3.12, the H200 image's python3; pydantic_core is the one compiled wheel that depends on it).
# bitsandbytes ships one CUDA library per toolkit (about 130 MB unpacked); only those for CUDA 13 (the host's torch is
# cu130) and the CPU are kept, so the wheels and the tree stay under the device's 64 MiB transfer limit. Run from the
# repo root.
set -euo pipefail
PYVER=${PYVER:-3.12}
TARGET=(--only-binary=:all: --python-version "$PYVER" --implementation cp --platform manylinux_2_28_x86_64
        --platform manylinux_2_27_x86_64 --platform manylinux_2_24_x86_64 --platform manylinux_2_17_x86_64
        --platform manylinux2014_x86_64 --platform manylinux1_x86_64)
rm -rf .whl && mkdir -p .whl
grep -v '^#' deploy/gpu/wheels.txt | xargs python3 -m pip download --no-deps -q -d .whl "${TARGET[@]}"
for whl in .whl/bitsandbytes-*.whl; do
  unused=$(unzip -Z1 "$whl" | grep -E '^bitsandbytes/libbitsandbytes_(cuda(1[0-2][0-9])|rocm[0-9]+|xpu[0-9]+)\.so$' || true)
  [ -z "$unused" ] || zip -q -d "$whl" $unused
done
# the same install the host runs, into a scratch folder: fails here if a wheel does not suit CPython $PYVER
scratch=$(mktemp -d)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir "${TARGET[@]}" --target "$scratch" .whl/*.whl
ls "$scratch" | grep -q '^pydantic_core$' && ls "$scratch"/bitsandbytes/libbitsandbytes_cuda130.so >/dev/null
rm -rf "$scratch"
du -sh .whl
