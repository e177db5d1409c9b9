"""The embedded baseline: trained on a small CUAD subset it finds real clauses in unseen contracts,
training is reproducible to the byte, and the shipped artifact analyzes the sample contract."""

from pathlib import Path

import numpy as np
import pytest

from contracts.documents import Document
from contracts.ingest import load_document
from contracts.segment import Span
from contracts.settings import get_settings
from contracts.taxonomy import risk_categories
from eval.cuad_metric import jaccard
from serving.analyzers import get_analyzer
from serving.analyzers.baseline import BaselineAnalyzer, shipped_model_dir
from serving.analyzers.baseline.artifact import ArtifactError, digest
from serving.analyzers.baseline.corpus import Label, load_contracts, unit_groups, unit_is_positive
from serving.analyzers.baseline.model import BaselineModel
from serving.analyzers.baseline.train import prepare, split, train

SAMPLE = Path(__file__).parents[2] / "examples" / "contracts" / "master_services_agreement.pdf"
SUBSET = 40  # first contracts by name: about 32 to train on, 8 held out


@pytest.fixture(scope="module")
def small(cuad_dir, tmp_path_factory):
    docs = prepare(load_contracts(cuad_dir, limit=SUBSET), risk_categories())
    train_docs, dev_docs = split(docs)
    result = train(cuad_dir, train_docs=train_docs, dev_docs=dev_docs)
    folder = tmp_path_factory.mktemp("model")
    result.model.save(folder)
    return result, folder, train_docs, dev_docs


def test_unit_overlap_rule():
    # half of the unit inside the excerpt, or half of the excerpt inside the unit
    assert unit_is_positive(Span(0, 10), (5, 100))
    assert not unit_is_positive(Span(0, 10), (6, 100))
    assert unit_is_positive(Span(0, 100), (10, 20))  # short excerpt wholly inside a long unit
    assert not unit_is_positive(Span(0, 100), (90, 200))
    assert not unit_is_positive(Span(0, 10), (10, 20))  # touching is not overlapping
    units = [Span(0, 10), Span(11, 20), Span(21, 30)]
    labels = [Label("Anti-Assignment", ((0, 20),)), Label("Cap on Liability", ((21, 30),))]
    assert unit_groups(units, labels, "Anti-Assignment") == [[0, 1]]


@pytest.mark.cuad
def test_finds_anti_assignment_in_unseen_contracts(small):
    result, folder, train_docs, dev_docs = small
    train_names = {d.contract.name for d in train_docs}
    analyzer = BaselineAnalyzer.load(folder)
    found = labelled = 0
    for d in dev_docs:
        assert d.contract.name not in train_names
        text = d.contract.text
        findings = analyzer.analyze(Document.from_text(d.contract.name, text)).findings
        for f in findings:
            assert f.quote == text[f.start:f.end]
            assert 0.0 <= f.score <= 1.0
        gold = [lab.text(text) for lab in d.contract.labels if lab.category == "Anti-Assignment"]
        predicted = [f.quote for f in findings if f.category == "Anti-Assignment"]
        labelled += len(gold)
        found += sum(any(jaccard(g, p) >= 0.5 for p in predicted) for g in gold)
    assert labelled >= 3
    assert found / labelled >= 0.5, f"found {found} of {labelled} Anti-Assignment clauses"
    assert result.dev.micro.f1 > 0.2  # 32 training contracts; the full model scores about 0.6


@pytest.mark.cuad
def test_saved_model_reloads_with_the_same_predictions(small):
    result, folder, _, dev_docs = small
    loaded = BaselineModel.load(folder)
    d = dev_docs[0]
    original = result.model.unit_scores(d.contract.text, d.units)
    np.testing.assert_allclose(loaded.unit_scores(d.contract.text, d.units), original, rtol=1e-5)
    assert loaded.predict(d.contract.text, d.units) == result.model.predict(d.contract.text, d.units)


@pytest.mark.cuad
def test_training_twice_gives_identical_bytes(cuad_dir, small, tmp_path):
    _, folder, train_docs, dev_docs = small
    again = train(cuad_dir, train_docs=train_docs, dev_docs=dev_docs).model
    again.save(tmp_path)
    for name in ("model.json", "weights.npz"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
    assert digest(tmp_path) == digest(folder)


def test_shipped_artifact_is_small_and_safe():
    folder = shipped_model_dir()
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    assert size <= 20 * 1024 * 1024
    assert (folder / "MODEL_CARD.md").is_file()
    with np.load(folder / "weights.npz", allow_pickle=False) as arrays:  # raises if anything is pickled
        assert arrays["weights"].shape[1] == len(risk_categories())


def test_shipped_analyzer_finds_risks_in_the_sample_contract():
    analyzer = get_analyzer("baseline", get_settings())
    assert analyzer.name == "baseline"
    assert analyzer.version == digest(shipped_model_dir())[:12]
    document = load_document(SAMPLE)
    result = analyzer.analyze(document)
    categories = {f.category for f in result.findings}
    assert categories & {"Exclusivity", "Cap on Liability", "Uncapped Liability"}, categories
    for f in result.findings:
        assert document.text[f.start:f.end] == f.quote
    assert result.stats.ungrounded_dropped == 0


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ArtifactError, match="lacks"):
        BaselineModel.load(tmp_path)
