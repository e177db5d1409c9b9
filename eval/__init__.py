"""Evaluation: CUAD metrics, extraction quality, reports."""
