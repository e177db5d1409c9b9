"""Key terms read from a contract's text by rules (see `extract_terms`)."""

from contracts.terms.extract import extract_terms

__all__ = ["extract_terms"]
