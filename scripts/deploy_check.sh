#!/usr/bin/env bash
# `make deploy-check`: lint the Dockerfiles (hadolint), validate the compose file against the compose
# specification's schema, render every kustomize overlay (kubectl's built-in kustomize) and validate the
# manifests against the Kubernetes schemas (kubernetes-validate, schemas bundled in the package), then
# the consistency and multi-process tests of tests/deploy. All offline; `make test` runs the same tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
command -v kubectl > /dev/null || { echo "deploy-check: kubectl (with its built-in kustomize) is needed: apt-get install kubectl" >&2; exit 2; }
"$BIN/hadolint" deploy/docker/*Dockerfile
"$BIN/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose.yaml
rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
for overlay in deploy/k8s/overlays/*/; do
  kubectl kustomize "$overlay" > "$rendered/$(basename "$overlay").yaml"
done
"$BIN/kubernetes-validate" --strict --quiet "$rendered"/*.yaml
"$BIN/python" -m pytest tests/deploy -q
