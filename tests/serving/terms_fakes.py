"""An analyzer for the key-terms surfaces' tests: the keyword analyzer's findings plus key terms read by
a few fixed patterns, every value grounded in the text. A test sets a contract's dates by writing them
into its text (`Expires: 2027-01-31`), so each upload can have its own deadlines. Importable by RQ
worker processes through LEXRISK_ANALYZER_PLUGINS, as tests/serving/fakes.py is."""

from __future__ import annotations

import re

from contracts.deadlines import notice_deadline
from contracts.documents import Document
from contracts.findings import AnalysisResult
from contracts.key_terms import (
    DateTerm,
    ExpirationTerm,
    GoverningLawTerm,
    KeyTerms,
    NoticePeriodTerm,
    Party,
    RenewalTerm,
    TextTerm,
)
from tests.serving.fakes import KeywordAnalyzer

_PARTY = re.compile(r"([A-Z][\w&.' ]+?(?:, Inc\.| LLC| Ltd\.)), an? [^(]*?\(\"(\w+)\"\)")


def _at(match: re.Match[str], group: int = 0) -> dict[str, object]:
    return {"quote": match.group(group), "start": match.start(group), "end": match.end(group), "page": 1,
            "confidence": 0.8}


def read_terms(text: str) -> KeyTerms:
    terms = KeyTerms()
    if title := re.match(r"[A-Z][A-Z ]+AGREEMENT", text):
        terms.document_name = TextTerm(value=title.group(0), **_at(title))  # type: ignore[arg-type]
    terms.parties = [Party(name=m.group(1), short_name=m.group(2), role=m.group(2).lower(), quote=m.group(0),
                           start=m.start(), end=m.end()) for m in _PARTY.finditer(text)]
    if effective := re.search(r"as of March 1, 2026", text):
        terms.effective_date = DateTerm(value="2026-03-01", **_at(effective))  # type: ignore[arg-type]
    if expires := re.search(r"Expires: (\d{4}-\d{2}-\d{2}|\d{4}|perpetual)", text):
        terms.expiration_date = ExpirationTerm(value=expires.group(1), **_at(expires))  # type: ignore[arg-type]
    if renewal := re.search(r"automatically renew for successive one \(1\) year terms", text):
        terms.renewal_term = RenewalTerm(value="P1Y", automatic=True, **_at(renewal))  # type: ignore[arg-type]
    if notice := re.search(r"at least [a-z ]+\((\d+)\) days before", text):
        terms.notice_period_to_terminate_renewal = NoticePeriodTerm(value=f"P{notice.group(1)}D",
                                                                    **_at(notice))  # type: ignore[arg-type]
        terms.notice_period_to_terminate_renewal.deadline = notice_deadline(terms)
    if law := re.search(r"governed by the laws of (?:the State of )?([A-Z][A-Za-z ]+?)[,.]", text):
        terms.governing_law = GoverningLawTerm(value=law.group(1), country="US", **_at(law, 1))  # type: ignore[arg-type]
    return terms


class TermsAnalyzer(KeywordAnalyzer):
    name = "terms"

    def analyze(self, document: Document, observer=None) -> AnalysisResult:
        return super().analyze(document, observer).model_copy(update={"terms": read_terms(document.text)})


def factory(settings, playbook):
    return TermsAnalyzer(playbook)
