"""The embedded baseline: trained on a small CUAD subset it finds real clauses in unseen contracts,
training is reproducible to the byte, and the shipped artifact analyzes the sample contract."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from analyzers import get_analyzer
from analyzers.baseline import BaselineAnalyzer, shipped_model_dir
from analyzers.baseline.artifact import ArtifactError, digest
from analyzers.baseline.features import FeatureConfig, Featurizer, UnitTexts
from analyzers.baseline.model import BaselineModel
from contracts.documents import Document
from contracts.ingest import load_document
from contracts.segment import Span, split_sentences
from contracts.taxonomy import risk_categories
from eval.cuad_metric import jaccard
from lexrisk.settings import get_settings
from training.baseline.corpus import Label, load_contracts, unit_groups, unit_is_positive
from training.baseline.train import prepare, split, train

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


@pytest.mark.cuad
def test_dev_labels_reach_neither_weights_nor_thresholds(cuad_dir, small):
    """The dev scores are an estimate for unseen contracts only if fitting never reads dev labels."""
    result, _, train_docs, dev_docs = small
    unlabelled = [replace(d, contract=replace(d.contract, labels=[]), y=np.zeros_like(d.y),
                          groups=[[] for _ in d.groups]) for d in dev_docs]
    blind = train(cuad_dir, train_docs=train_docs, dev_docs=unlabelled).model
    np.testing.assert_array_equal(blind.thresholds, result.model.thresholds)
    np.testing.assert_array_equal(blind.weights, result.model.weights)


@pytest.mark.cuad
def test_refit_on_all_contracts_keeps_the_held_out_score(cuad_dir, small):
    result, _, train_docs, dev_docs = small
    refit = train(cuad_dir, train_docs=train_docs, dev_docs=dev_docs, refit_all=True)
    assert refit.dev.micro.as_dict() == result.dev.micro.as_dict()  # the score of the train-only fit
    assert refit.model.meta["fit_on"] == "train+dev"
    assert refit.model.meta["fit_contracts"] == len(train_docs) + len(dev_docs)
    assert refit.model.meta["held_out"]["dev_micro"]["tp"] == result.dev.micro.tp
    assert not np.array_equal(refit.model.weights, result.model.weights)


def test_presence_features_do_not_shrink_in_long_sentences():
    """One signalling phrase weighs the same in a short and in a long sentence (TF-IDF rows of unit
    length would shrink it with the sentence's length)."""
    short = "Any change of control terminates this agreement."
    long = short + " " + " ".join(f"filler{i} words{i}" for i in range(60))
    featurizer = Featurizer.fit(FeatureConfig(word_min_df=1, char_max_features=0),
                                [UnitTexts([short, long, "Other text here."], ["", "", ""])])
    x = featurizer.transform(UnitTexts([short, long], ["", ""])).toarray()
    column = featurizer.vocabulary("word")["change of"]
    assert x[0, column] == x[1, column] > 0
    tfidf = Featurizer.fit(FeatureConfig(word_min_df=1, char_max_features=0, binary=False),
                           [UnitTexts([short, long, "Other text here."], ["", "", ""])])
    y = tfidf.transform(UnitTexts([short, long], ["", ""])).toarray()
    column = tfidf.vocabulary("word")["change of"]
    assert y[1, column] < y[0, column] / 3


@pytest.mark.parametrize("binary", [True, False])
def test_ties_at_the_feature_limit_go_to_the_terms_that_sort_first(binary):
    """sklearn breaks these ties with an unstable sort whose order differs between CPUs; the artifact
    must be the same on every machine."""
    texts = ["echo alpha", "charlie bravo", "delta alpha"]  # alpha twice, every other term once
    config = FeatureConfig(word_max_features=3, word_min_df=1, char_max_features=0, binary=binary)
    featurizer = Featurizer.fit(config, [UnitTexts(texts, [""] * 3)])
    assert featurizer.vocabulary("word") == {"alpha": 0, "bravo": 1, "charlie": 2}
    assert featurizer.transform(UnitTexts(["bravo alpha"], [""])).nnz == 2


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


def test_shipped_model_card_is_rendered_from_the_results_json():
    """Every figure in MODEL_CARD.md comes from the model's files and eval/results/*.json: rendering the card
    from them gives the shipped page byte for byte, and a changed result changes the page."""
    import json

    from analyzers.baseline.model import BaselineModel
    from tests.conftest import REPO
    from training.baseline.card import FEATURES_JSON, HOLDOUT_JSON, model_card

    folder = shipped_model_dir()
    model = BaselineModel.load(folder)
    holdout = json.loads((REPO / "eval" / "results" / HOLDOUT_JSON).read_text())
    features = json.loads((REPO / "eval" / "results" / FEATURES_JSON).read_text())
    card = model_card(model, holdout, features)
    assert card == (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    holdout["scores"]["oracle units"]["micro"]["f1"] = 0.5
    features["scores"]["MiniLM + neighbours, LR"]["f1"] = 0.9
    changed = model_card(model, holdout, features)
    assert "micro F1 about 0.50" in changed and "micro F1\n0.90 there" in changed and "better but far slower" in changed


@pytest.fixture(scope="module")
def shipped():
    return BaselineAnalyzer.load(shipped_model_dir()).model


@pytest.mark.cuad
def test_batched_predict_equals_decoding_every_score(cuad_dir, shipped, monkeypatch):
    """`predict` scores the units a batch at a time and keeps only those above threshold: the excerpts
    (offsets and scores) are exactly those of decoding the dense scores of all units. Batches of 64,
    thresholds at half and merged, capped runs make many batch edges and excerpts of several units."""
    from analyzers.baseline import model as model_module
    from analyzers.baseline.model import DecodeConfig, decode

    monkeypatch.setattr(model_module, "SCORE_BATCH", 64)
    contracts = load_contracts(cuad_dir, limit=6)
    merged = 0
    for config in (shipped.decode_config, DecodeConfig(merge_adjacent=True, cap=3)):
        for thresholds in (shipped.thresholds, shipped.thresholds * 0.5):
            monkeypatch.setattr(shipped, "thresholds", thresholds)
            monkeypatch.setattr(shipped, "decode_config", config)
            for contract in contracts:
                units = split_sentences(contract.text)
                expected = decode(shipped.unit_scores(contract.text, units), units, shipped.categories,
                                  thresholds, config)
                assert shipped.predict(contract.text, units) == expected, contract.name
                end_of = {u.start: u.end for u in units}
                merged += sum(end_of[p.start] != p.end for p in expected)  # an excerpt of several units
    assert merged


def test_a_repeated_text_gets_the_row_it_gets_alone(shipped, sample_text):
    """Unit texts are featurized once each: with repeats, every row equals the row of its text featurized
    on its own."""
    texts = [sample_text[s.start:s.end] for s in split_sentences(sample_text)][:40]
    repeated = texts + texts[::-1] + texts[:7]
    together = shipped.featurizer.transform(UnitTexts(repeated, [""] * len(repeated)))
    for i, text in enumerate(repeated):
        alone = shipped.featurizer.transform(UnitTexts([text], [""]))
        row = together[i]
        assert (row.indices.tolist(), row.data.tolist()) == (alone.indices.tolist(), alone.data.tolist())


def test_predict_does_not_hold_every_units_scores(shipped):
    """200,000 distinct one-line units: predict's peak allocation (tracemalloc) stays well under the dense
    scores and their logistic temporaries (196 MB before scoring went by batches)."""
    import tracemalloc

    text = "".join(f"{i % 999 + 1}. Item {i}\n" for i in range(200_000))
    units = split_sentences(text)
    shipped.predict("1. Warm up.", split_sentences("1. Warm up."))
    tracemalloc.start()
    try:
        shipped.predict(text, units)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 120 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_possible_findings_lie_between_the_floor_and_the_threshold(shipped, sample_text):
    """Issue #28: the possible excerpts are the units scored in [floor x threshold, threshold) of their
    category, none overlaps a found one of its category, and the found ones are `predict`'s, unchanged."""
    units = split_sentences(sample_text)
    scores = shipped.unit_scores(sample_text, units)
    sure, possible = shipped.predict_with_possible(sample_text, units, 0.1)
    assert sure == shipped.predict(sample_text, units)
    assert shipped.predict_with_possible(sample_text, units, 0.0) == (sure, [])
    assert possible
    threshold = dict(zip(shipped.categories, shipped.thresholds, strict=True))
    index = {u.start: i for i, u in enumerate(units)}
    expected = {(shipped.categories[k], units[i].start) for i in range(len(units)) for k in range(len(shipped.categories))
                if 0.1 * shipped.thresholds[k] <= scores[i, k] < shipped.thresholds[k]}
    assert {(p.category, p.start) for p in possible} == expected
    for p in possible:
        assert 0.1 * threshold[p.category] <= p.score < threshold[p.category]
        assert p.score == pytest.approx(scores[index[p.start], shipped.categories.index(p.category)])
        assert not any(s.category == p.category and s.start < p.end and p.start < s.end for s in sure)


def test_the_analyzer_flags_possible_findings_and_explains_from_the_clause(sample_text):
    analyzer = BaselineAnalyzer.load(shipped_model_dir())
    analyzer.possible_floor = 0.1
    result = analyzer.analyze(Document.from_text("msa.txt", sample_text))
    found = [f for f in result.findings if not f.possible]
    assert found and any(f.possible for f in result.findings)
    cap = next(f for f in found if f.category == "Cap on Liability" and "one (1) month" in f.quote)
    assert cap.explanation.startswith("Caps Provider's liability at the fees paid by Customer in the 1 month "
                                      "preceding the claim")
    analyzer.possible_floor = 0.0
    assert not any(f.possible for f in analyzer.analyze(Document.from_text("msa.txt", sample_text)).findings)
