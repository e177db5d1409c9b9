"""The one proofing item: a mechanical defect of the drafting (an undefined term, a dangling reference, a
blank), not a risk finding. Declared once here and re-exported by contracts.wire. Grounded like a
finding: `quote == document.text[start:end]`."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

from contracts.documents import Document
from contracts.playbook import Severity

ProofingKind = Literal["undefined_term", "unused_definition", "duplicate_definition", "missing_reference",
                       "placeholder", "redaction", "numbering", "party_name"]
PROOFING_KINDS: tuple[str, ...] = get_args(ProofingKind)


class ProofingItem(BaseModel):
    kind: ProofingKind = Field(description="which check found it", examples=["missing_reference"])
    severity: Severity = Field(description="high, medium, low or info")
    message: str = Field(description="what is wrong, for people", examples=["Section 9.4 is referred to but does not exist"])
    quote: str = Field(description="the text the item is about, exactly as it stands in the document")
    start: int = Field(ge=0, description="character offset of the quote in the document text")
    end: int = Field(ge=0, description="character offset just past the quote")
    page: int = Field(ge=1, description="1-based page the quote starts on")
    suggestion: str | None = Field(None, description="a fix, where one can be proposed")


def make_item(document: Document, kind: ProofingKind, severity: Severity, message: str, start: int, end: int,
              suggestion: str | None = None) -> ProofingItem:
    """The item with its quote and page read from the document, so that it is grounded by construction."""
    return ProofingItem(kind=kind, severity=severity, message=message, quote=document.text[start:end], start=start,
                        end=end, page=document.page_of(start), suggestion=suggestion)
