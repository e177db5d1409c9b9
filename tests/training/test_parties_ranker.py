"""The party ranker's training on CUAD's train contracts: `lexrisk baseline train-parties` rebuilds the shipped
model, and the committed cross-validated figures are what it measures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from contracts.cuad_split import is_dev
from contracts.terms.party_ranker import ARTIFACT, PARTY_FLOOR
from contracts.terms.ranker import SentenceRanker
from lexrisk.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trained(cuad_dir: Path, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("party-ranker")
    assert main(["baseline", "train-parties", "--cuad", str(cuad_dir), "--out", str(out / "ranker.npz"),
                 "--results", str(out / "figures.json")]) == 0
    return out / "ranker.npz", out / "figures.json"


def test_train_parties_rebuilds_the_shipped_ranker(trained: tuple[Path, Path]) -> None:
    built, shipped = SentenceRanker.load(trained[0]), SentenceRanker.load(ARTIFACT)
    assert np.allclose(built.weights, shipped.weights, atol=1e-5) and abs(built.bias - shipped.bias) < 1e-5
    assert np.count_nonzero(built.weights) > 5_000  # fit on the names of hundreds of contracts


def test_the_committed_figures_are_what_cross_validation_measures(trained: tuple[Path, Path]) -> None:
    measured = json.loads(trained[1].read_text(encoding="utf-8"))
    committed = json.loads((REPO / "eval" / "results" / "parties-ranker.json").read_text(encoding="utf-8"))
    assert measured["decodings"] == committed["decodings"]
    assert measured["shipped_decoding"] == committed["shipped_decoding"]
    assert measured["train_contracts"] == committed["train_contracts"] > 300


def test_the_shipped_floor_is_the_best_out_of_fold(trained: tuple[Path, Path]) -> None:
    """The floor was chosen by the figures: the best share of names found, the highest floor of ties; and filling
    finds more of CUAD's names than the rules alone."""
    rows = json.loads(trained[1].read_text(encoding="utf-8"))["decodings"]
    rules, filled = rows[0], rows[1:]
    assert rules["floor"] is None and rules["filled"] == 0
    best = max(r["accuracy"] for r in filled)
    assert PARTY_FLOOR == max(r["floor"] for r in filled if r["accuracy"] == best)
    assert best > rules["accuracy"]


def test_only_train_contracts_are_read(cuad_dir: Path) -> None:
    from training.parties_ranker import load

    names = [c.name for c in load(cuad_dir)]
    assert names and not any(is_dev(n) for n in names)
    assert len(names) == len({p.name for p in (cuad_dir / "full_contract_txt").glob("*.txt") if not is_dev(p.name)})
