"""The key terms' rankers trained on CUAD's train contracts: `lexrisk baseline train-terms` and `train-parties`
rebuild the shipped models, the committed cross-validated figures are what they measure, and only train
contracts are read."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from contracts.cuad_split import is_dev
from contracts.terms.party_ranker import FILLED_CONFIDENCE, PARTY_FLOOR
from contracts.terms.ranker import SentenceRanker

REPO = Path(__file__).resolve().parents[2]
# command, the module of the shipped model, the committed figures, the training module, fewest nonzero weights
RANKERS = {
    "terms": ("train-terms", "contracts.terms.ranker", "terms-ranker.json", "training.terms_ranker", 10_000),
    "parties": ("train-parties", "contracts.terms.party_ranker", "parties-ranker.json", "training.parties_ranker", 5_000),
}


# lbfgs stops where the BLAS kernel's summation order leads it (up to 0.13 in a party's probability between
# OpenBLAS's Haswell and SkylakeX kernels): the shipped rankers were fit under Haswell's, which every x86-64 CPU
# with AVX2 runs, and are rebuilt under it here whatever the machine's own kernel
CORETYPE = "Haswell"


@pytest.fixture(scope="module", params=list(RANKERS))
def trained(request, cuad_dir: Path, tmp_path_factory) -> tuple[str, Path, Path]:
    command = RANKERS[request.param][0]
    out = tmp_path_factory.mktemp(command)
    done = subprocess.run([sys.executable, "-m", "lexrisk.cli", "baseline", command, "--cuad", str(cuad_dir),
                           "--out", str(out / "ranker.npz"), "--results", str(out / "figures.json")],
                          env={**os.environ, "OPENBLAS_CORETYPE": CORETYPE}, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return request.param, out / "ranker.npz", out / "figures.json"


def test_training_rebuilds_the_shipped_ranker(trained: tuple[str, Path, Path]) -> None:
    name, model, _ = trained
    _, module, _, _, fewest = RANKERS[name]
    built, shipped = SentenceRanker.load(model), SentenceRanker.load(importlib.import_module(module).ARTIFACT)
    assert np.allclose(built.weights, shipped.weights, atol=1e-5) and abs(built.bias - shipped.bias) < 1e-5
    assert np.count_nonzero(built.weights) > fewest  # fit on the words of hundreds of contracts


def test_the_committed_figures_are_what_cross_validation_measures(trained: tuple[str, Path, Path]) -> None:
    name, _, figures = trained
    measured = json.loads(figures.read_text(encoding="utf-8"))
    committed = json.loads((REPO / "eval" / "results" / RANKERS[name][2]).read_text(encoding="utf-8"))
    assert measured["decodings"] == committed["decodings"]
    assert measured["shipped_decoding"] == committed["shipped_decoding"]
    assert measured["train_contracts"] == committed["train_contracts"] > 300
    if name == "parties":
        # the floor was chosen by the figures: the best share of names found, the highest floor of ties; and
        # filling finds more of CUAD's names than the rules alone
        rules, filled = measured["decodings"][0], measured["decodings"][1:]
        assert rules["floor"] is None and rules["filled"] == 0
        best = max(r["accuracy"] for r in filled)
        assert max(r["floor"] for r in filled if r["accuracy"] == best) == PARTY_FLOOR
        assert best > rules["accuracy"]
        # a filled party's confidence is the share of the names filled out of fold that are CUAD's parties
        shipped = measured["shipped_decoding"]
        assert round(shipped["added_right"] / shipped["added"], 2) == FILLED_CONFIDENCE


@pytest.mark.parametrize("name", list(RANKERS))
def test_only_train_contracts_are_read(name: str, cuad_dir: Path) -> None:
    names = [c.name for c in importlib.import_module(RANKERS[name][3]).load(cuad_dir)]
    assert names and not any(is_dev(n) for n in names)
    assert len(names) == len({p.name for p in (cuad_dir / "full_contract_txt").glob("*.txt") if not is_dev(p.name)})
