"""Template comparison: align a contract's clauses with a template's, redline each difference and
judge it against the playbook's positions. Pure functions over two Documents."""

from contracts.compare.engine import compare_documents, document_redline, spans_of
from contracts.compare.models import ClauseRef, Comparison, ComparisonPair, ComparisonSummary, RedlineOp

__all__ = ["ClauseRef", "Comparison", "ComparisonPair", "ComparisonSummary", "RedlineOp", "compare_documents",
           "document_redline", "spans_of"]
