"""The key terms the playbook judges as clauses (Governing Law, Expiration Date, Renewal Term, Notice Period to
Terminate Renewal) are categories of the comparison: the analyzer's findings cover CUAD's clause categories only,
so a draft that dropped the template's governing-law clause showed a missing clause with no category and a
generic verdict, not the playbook's requirement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts.compare import compare_documents, document_redline, spans_of
from contracts.compare.models import Comparison
from contracts.documents import Document
from contracts.findings import Finding
from contracts.ingest import load_document
from contracts.key_terms import GoverningLawTerm, KeyTerms, RenewalTerm
from contracts.terms import extract_terms
from serving.compare_render import render_html

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"


@pytest.fixture(scope="module")
def msa() -> Document:
    return load_document(TEMPLATES / "master_services_agreement.txt")


def _law(document: Document) -> str:
    return re.search(r"7\.3 Governing Law\..*\n", document.text).group(0)  # type: ignore[union-attr]


def _compare(contract: Document, template: Document) -> Comparison:
    """As the CLI and the service compare: each side's categories from its findings (none here) and key terms."""
    return compare_documents(contract, template,
                             contract_categories=spans_of([], extract_terms(contract), contract.text),
                             template_categories=spans_of([], extract_terms(template), template.text))


def test_a_dropped_governing_law_clause_is_the_playbooks_required_category(msa: Document) -> None:
    draft = Document.from_text("draft.txt", msa.text.replace(_law(msa), ""))
    comparison = _compare(draft, msa)
    [missing] = [p for p in comparison.pairs if p.status == "missing"]
    assert missing.category == "Governing Law" and missing.verdict == "not_acceptable" and missing.severity == "high"
    assert missing.explanation.startswith("The contract has no Governing Law clause, which the playbook requires.")
    page = render_html(comparison, document_redline(comparison, msa, draft))
    assert "<td>missing</td><td>not acceptable</td><td>Governing Law</td>" in page


def test_a_governing_law_clause_only_the_draft_has_is_named(msa: Document) -> None:
    template = Document.from_text("template.txt", msa.text.replace(_law(msa), ""))
    [extra] = [p for p in _compare(msa, template).pairs if p.status == "extra"]
    assert extra.category == "Governing Law"
    assert extra.explanation.startswith("A Governing Law clause the template does not have.")


def test_a_draft_that_renews_automatically_is_judged_as_renewal(msa: Document) -> None:
    # the template's renewal is not automatic ("successive" terms would read as automatic renewal): one word
    # makes it so, and the playbook rates the draft's clause above the template's
    template = Document.from_text("template.txt", msa.text.replace("renews for successive", "renews for further"))
    draft = Document.from_text("draft.txt", template.text.replace("renews for further",
                                                                  "renews automatically for further"))
    [modified] = [p for p in _compare(draft, template).pairs if p.status == "modified"]
    assert modified.category == "Renewal Term" and modified.severity == "high"
    assert modified.explanation.startswith("Wording changed (1 word). Automatic renewal locks the client in")
    # one word, but never "within the standard position": the template's clause is suggested back
    assert modified.verdict == "needs_review" and "Not the standard position" in modified.explanation
    assert modified.suggestion is not None and "renews for further" in modified.suggestion


def test_only_terms_quoted_from_the_text_give_spans(msa: Document) -> None:
    law = msa.text.index("This Agreement is governed by")
    quote = msa.text[law:msa.text.index("\n", law)]
    grounded = GoverningLawTerm(value="New York", quote=quote, start=law, end=law + len(quote))
    elsewhere = grounded.model_copy(update={"start": law + 1, "end": law + 1 + len(quote)})  # another text's offsets
    unquoted = GoverningLawTerm(value="New York", quote="", start=0, end=0, source="lawyer")  # a lawyer's value
    renewal = RenewalTerm(value="P1Y", quote=quote, start=law, end=law + len(quote))
    possible = Finding(category="Audit Rights", severity="medium", quote=msa.text[:10], start=0, end=10, page=1,
                       score=0.02, explanation="", possible=True)  # still no span, with terms or without
    assert spans_of([possible], KeyTerms(governing_law=grounded, renewal_term=renewal), msa.text) == [
        (law, law + len(quote), "Renewal Term"), (law, law + len(quote), "Governing Law")]
    assert spans_of([], KeyTerms(governing_law=elsewhere), msa.text) == []
    assert spans_of([], KeyTerms(governing_law=unquoted), msa.text) == []
    assert spans_of([], KeyTerms(governing_law=grounded)) == []  # no text to check the quote against
