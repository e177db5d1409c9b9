"""A contract's key terms as values: who signed it, when it starts and ends, how it renews, by when
notice must be given and which law governs. These are CUAD's eight non-clause categories, answered the
way CUAD's `master_clauses.csv` normalises them (`<Category>-Answer`), so that every value can be scored
against a lawyer's answer.

Every value is grounded as findings are: `quote == document.text[start:end]`, with its page and a
confidence. An absent term is `None` (never a guess); a term whose words were found but cannot be read
as a value (31 February) keeps its quote with `value = None`. The CLI's JSON, the API and the app all use
this one shape (contracts/wire.py re-exports it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

TERM_FIELDS = ("document_name", "parties", "agreement_date", "effective_date", "expiration_date",
               "renewal_term", "notice_period_to_terminate_renewal", "governing_law")
"""The fields of KeyTerms, in the order a lawyer reads them."""
TERM_CATEGORIES = dict(zip(TERM_FIELDS, ("Document Name", "Parties", "Agreement Date", "Effective Date",
                                         "Expiration Date", "Renewal Term", "Notice Period to Terminate Renewal",
                                         "Governing Law"), strict=True))
"""Each field's CUAD category (contracts.taxonomy's name): the gold labels it is read from."""
TERM_LABELS = dict(zip(TERM_FIELDS, ("Document", "Parties", "Agreement date", "Effective date", "Expires", "Renewal",
                                     "Notice to stop renewal", "Governing law"), strict=True))
"""Each field as a lawyer reads its name: the same words in the app, the terminal table and the HTML report."""

TermSource = Literal["analyzer", "lawyer"]
UNSURE_PARTY = 0.75
"""A party's confidence at or under which the app and the reports mark its name as one to check."""
TO_CHECK = "to check"
"""The mark beside such a name, the same words in the review panel, the Portfolio and the reports."""


class Grounded(BaseModel):
    """Where a value was read: the exact words, their offsets into `Document.text`, and the page."""

    quote: str = Field(description="the words the value was read from, exactly as in the document")
    start: int = Field(ge=0, description="character offset of the quote in the document text")
    end: int = Field(ge=0, description="character offset just past the quote")
    page: int = Field(1, ge=1, description="1-based page the quote starts on")
    confidence: float = Field(1.0, ge=0.0, le=1.0, description="how sure the extractor is of the value")
    source: TermSource = Field("analyzer", description="`lawyer` once a lawyer corrected the value")


class TextTerm(Grounded):
    value: str | None = Field(description="the term as written, e.g. the document's title",
                              examples=["MASTER SUPPLY AGREEMENT"])


class DateTerm(Grounded):
    value: str | None = Field(
        description="ISO 8601 date, at reduced precision where the contract leaves parts blank "
                    "('2015', '2015-03'); null where the words cannot be read as a date",
        examples=["2019-10-31"])
    rule: str | None = Field(None, description="how a computed date was derived",
                             examples=["5 years after the effective date"])


class ExpirationTerm(DateTerm):
    value: str | None = Field(
        description="ISO 8601 date, or 'perpetual' where the contract says so; null where the words cannot "
                    "be read as a date", examples=["2024-10-30", "perpetual"])


class RenewalTerm(Grounded):
    value: str | None = Field(description="ISO 8601 period of each renewal term", examples=["P1Y"])
    automatic: bool | None = Field(None, description="the term renews unless a party gives notice")


class NoticePeriodTerm(Grounded):
    value: str | None = Field(description="ISO 8601 period of notice needed to stop a renewal", examples=["P90D"])
    deadline: str | None = Field(None, description="ISO 8601 date: the expiration date minus the notice period",
                                 examples=["2024-08-01"])


class GoverningLawTerm(Grounded):
    value: str | None = Field(description="the jurisdiction as a lawyer writes it",
                              examples=["New York", "England and Wales"])
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code", examples=["US", "GB"])


class Party(BaseModel):
    name: str = Field(description="the party's full name as written", examples=["Premier Nutrition Company, LLC"])
    short_name: str | None = Field(None, description="the name the contract defines for it", examples=["Buyer"])
    role: str | None = Field(None, description="its role, lower case", examples=["buyer"])
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int = Field(1, ge=1)
    confidence: float = Field(1.0, ge=0.0, le=1.0, description="how sure the extractor is of the name: lower for a "
                              "name found outside the preamble (`UNSURE_PARTY` and below: to check)")
    source: TermSource = "analyzer"

    @property
    def unsure(self) -> bool:
        """A name to check: found outside the preamble (a model's guess) and not confirmed by a lawyer."""
        return self.confidence <= UNSURE_PARTY and self.source != "lawyer"


class KeyTerms(BaseModel):
    """The key terms of one contract; each field is null (or empty) when the contract does not state it."""

    document_name: TextTerm | None = None
    parties: list[Party] = Field(default_factory=list)
    agreement_date: DateTerm | None = None
    effective_date: DateTerm | None = None
    expiration_date: ExpirationTerm | None = None
    renewal_term: RenewalTerm | None = None
    notice_period_to_terminate_renewal: NoticePeriodTerm | None = None
    governing_law: GoverningLawTerm | None = None
