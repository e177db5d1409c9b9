"""The embedded analyzer's cascade: the n-gram model scores every sentence and passes its best few per
category to a fine-tuned MiniLM encoder run by onnxruntime (no torch at run time); a logistic stack of
the two scores decides. Trained by `lexrisk baseline train-encoder`, measured by benchmarks/cascade.py."""
