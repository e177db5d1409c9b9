"""Lawyers' labels -> clean, versioned training data: the store, importers (CUAD, Label Studio),
agreement and adjudication, and the training-set builder."""
