"""The grounding/severity/de-duplication every backend's proposals go through."""

from __future__ import annotations

from analyzers.base import Analyzer, Proposal
from contracts.documents import Document

TEXT = (
    "7.1 Customer’s liability under this Section shall be unlimited.\n"
    "7.2 In no event shall Provider's aggregate liability exceed the fees paid.\n"
    "9.2 This Agreement shall be governed by the laws of Delaware."
)


class Scripted(Analyzer):
    name = "scripted"
    version = "1"

    def __init__(self, proposals: list[Proposal]) -> None:
        super().__init__()
        self.proposals = proposals

    def propose(self, document):
        return self.proposals


def _analyze(*proposals: Proposal):
    document = Document.from_text("c.txt", TEXT)
    return document, Scripted(list(proposals)).analyze(document)


def test_quotes_are_grounded_and_offsets_are_real():
    document, result = _analyze(
        Proposal("Uncapped Liability", "Customer's liability under this Section shall be unlimited.", 0.9),
        Proposal("Cap on Liability", "In no event shall Provider's aggregate liability exceed the fees paid.", 0.8),
    )
    assert [f.category for f in result.findings] == ["Uncapped Liability", "Cap on Liability"]
    for f in result.findings:
        assert document.text[f.start:f.end] == f.quote
    assert result.findings[0].quote.startswith("Customer’s")  # the document's own apostrophe, not the model's
    assert result.stats.proposed == 2 and result.stats.ungrounded_dropped == 0


def test_invented_quotes_and_unknown_categories_are_dropped_and_counted():
    _, result = _analyze(
        Proposal("Uncapped Liability", "Supplier shall indemnify Customer for all losses whatsoever.", 0.9),
        Proposal("Force Majeure", "This Agreement shall be governed by the laws of Delaware.", 0.9),
        Proposal("Governing Law", "This Agreement shall be governed by the laws of Delaware.", 0.7),
    )
    assert [f.category for f in result.findings] == ["Governing Law"]
    assert result.stats.ungrounded_dropped == 2


def test_severity_and_explanation_come_from_the_playbook_unless_given():
    quote = "In no event shall Provider's aggregate liability exceed the fees paid."
    _, result = _analyze(Proposal("Cap on Liability", quote, 0.8))
    assert result.findings[0].severity == "low"  # the playbook's rule for a clear monetary cap
    assert "cap" in result.findings[0].explanation.lower()
    _, result = _analyze(Proposal("Cap on Liability", quote, 0.8, severity="high", explanation="Caps it at fees paid."))
    assert (result.findings[0].severity, result.findings[0].explanation) == ("high", "Caps it at fees paid.")


def test_a_model_explanation_stating_what_its_clause_does_not_is_replaced_by_the_clause_facts():
    """The LLM path's explanations are grounded too (#28): one that names an amount, a period or a law its
    quote does not state gives way to the facts read from the quote, then the playbook's reason."""
    quote = "9.2 This Agreement shall be governed by the laws of Delaware."
    kept = "Delaware law governs (section 9.2)."
    _, result = _analyze(Proposal("Governing Law", quote, 0.8, explanation=kept))
    assert result.findings[0].explanation == kept
    _, result = _analyze(Proposal("Governing Law", quote, 0.8, explanation="Governed by the laws of New York."))
    explanation = result.findings[0].explanation
    assert "New York" not in explanation and "Delaware" in explanation


def test_an_explanation_of_a_clause_in_capitals_writes_the_documents_defined_terms_as_it_defines_them():
    """finalize reads the document's definitions once and hands them to each clause's explanation: "the
    Territory", not "the territory", in a clause the contract writes in capitals."""
    clause = "EXCEPT FOR SALES OUTSIDE THE TERRITORY, IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR INDIRECT DAMAGES."
    document = Document.from_text("c.txt", f'1.1 "Territory" means Canada.\n8.1 {clause}')
    result = Scripted([Proposal("Cap on Liability", clause, 0.8)]).analyze(document)
    assert "excludes sales outside the Territory." in result.findings[0].explanation


def test_overlapping_duplicates_keep_the_longer_quote():
    full = "In no event shall Provider's aggregate liability exceed the fees paid."
    _, result = _analyze(
        Proposal("Cap on Liability", full[:40], 0.95),
        Proposal("Cap on Liability", full, 0.6),
        Proposal("Cap on Liability", full, 0.5),
    )
    assert len(result.findings) == 1
    assert result.findings[0].quote == full and result.findings[0].score == 0.95
    assert result.stats.duplicates_merged == 2


def test_page_is_set_from_the_page_map():
    document = Document.from_pages("p.pdf", ["First page text.", "Governed by the laws of Delaware."],
                                   source_type="pdf", sha256="0" * 64)
    result = Scripted([Proposal("Governing Law", "Governed by the laws of Delaware.", 0.9)]).analyze(document)
    assert result.findings[0].page == 2


def test_the_settings_know_the_same_builtin_analyzers_as_the_registry() -> None:
    from analyzers import ANALYZERS
    from analyzers.settings import BUILTIN_ANALYZERS

    assert sorted(BUILTIN_ANALYZERS) == sorted(ANALYZERS)
