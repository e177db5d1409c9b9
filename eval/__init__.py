"""Evaluation: CUAD's metric, benchmarks' results (eval/results/), reports."""
