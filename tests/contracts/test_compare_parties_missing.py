"""Compare: a contract's own parties are noted, not flagged as a departure, and a template clause whose
category the contract covers elsewhere is not reported as absent (UX review of the MSA comparison)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contracts.compare import compare_documents
from contracts.compare.models import Comparison, ComparisonPair
from contracts.documents import Document
from contracts.ingest import load_document
from contracts.playbook import load_playbook

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"


@pytest.fixture(scope="module")
def msa() -> Document:
    return load_document(TEMPLATES / "master_services_agreement.txt")


def _pair(result: Comparison, template_start: str) -> ComparisonPair:
    return next(p for p in result.pairs if p.template_clause and p.template_clause.text.startswith(template_start))


def _preamble(result: Comparison) -> ComparisonPair:
    return next(p for p in result.pairs if p.template_clause and "Northwind Analytics LLC" in p.template_clause.text)


def test_other_party_names_alone_are_the_deals_parties_not_a_departure(msa: Document) -> None:
    draft = Document.from_text("d.txt", msa.text.replace("Northwind Analytics LLC", "Harbor Freight Logistics LLC"))
    pair = _preamble(compare_documents(draft, msa))
    assert pair.status == "modified"
    assert pair.verdict == "acceptable" and pair.severity == "info" and pair.suggestion is None
    assert pair.explanation == ('The deal\'s parties: Harbor Freight Logistics LLC as "Customer"; the template names '
                                'Northwind Analytics LLC as "Customer". Within the standard position.')


def test_a_reworded_preamble_names_the_parties_once_and_never_proposes_the_templates(msa: Document) -> None:
    preamble = re.search(r"This Master Services Agreement .*", msa.text).group(0)  # type: ignore[union-attr]
    ours = ('This Master Services Agreement (the "Agreement") is entered into as of March 1, 2026 (the "Effective '
            'Date") by and between Northwind Analytics, Inc., a Delaware corporation ("Provider"), and Harbor '
            'Freight Logistics LLC, a New York limited liability company ("Customer").')
    pair = _preamble(compare_documents(Document.from_text("d.txt", msa.text.replace(preamble, ours)), msa))
    assert pair.explanation.startswith(
        'The deal\'s parties: Northwind Analytics, Inc. as "Provider" and Harbor Freight Logistics LLC as '
        '"Customer"; the template names Northwind Analytics LLC as "Customer". Wording changed')
    assert ".." not in pair.explanation and "Party changed" not in pair.explanation
    assert pair.verdict == "needs_review" and pair.suggestion is None  # the template's text would restore its names


def test_a_changed_amount_beside_the_parties_is_still_material(msa: Document) -> None:
    clause = re.search(r"6\.5 Insurance\..*", msa.text).group(0)  # type: ignore[union-attr]
    ours = clause.replace("$2,000,000", "$1,000,000") + " Harbor Freight Logistics LLC shall be named as insured."
    pair = _pair(compare_documents(Document.from_text("d.txt", msa.text.replace(clause, ours)), msa), "6.5 Insurance")
    assert "Amount changed from $2,000,000 to $1,000,000." in pair.explanation  # not the $5,000,000 it keeps
    assert pair.severity in ("medium", "high") and pair.verdict == "needs_review"


def test_a_clause_whose_category_the_contract_covers_elsewhere_is_not_absent(tmp_path: Path, msa: Document) -> None:
    playbook_file = tmp_path / "playbook.yaml"
    playbook_file.write_text("""
categories:
  Cap on Liability:
    severity: medium
    reason: Recovery is limited.
    required: true
""", encoding="utf-8")
    playbook = load_playbook(playbook_file)
    cap = re.search(r"6\.2 Limitation of Liability\..*", msa.text).group(0)  # type: ignore[union-attr]
    exclusion = re.search(r"6\.3 Exclusion of Damages\..*", msa.text).group(0)  # type: ignore[union-attr]
    t_spans = [(msa.text.index(c), msa.text.index(c) + len(c), "Cap on Liability") for c in (cap, exclusion)]
    draft = Document.from_text("d.txt", msa.text.replace(exclusion + "\n", ""))
    c_spans = [(draft.text.index(cap), draft.text.index(cap) + len(cap), "Cap on Liability")]

    covered = _pair(compare_documents(draft, msa, playbook=playbook, template_categories=t_spans,
                                      contract_categories=c_spans), "6.3 Exclusion")
    assert covered.status == "missing" and covered.category == "Cap on Liability"
    assert covered.verdict == "needs_review" and covered.severity == "medium"
    assert "covers Cap on Liability in clause 6.2 instead" in covered.explanation
    assert "has no Cap on Liability clause" not in covered.explanation
    assert covered.suggestion == exclusion  # the dropped wording can still be proposed

    # the same clause dropped from a contract with no cap anywhere: absent, as the playbook requires one
    absent = _pair(compare_documents(draft, msa, playbook=playbook, template_categories=t_spans), "6.3 Exclusion")
    assert absent.verdict == "not_acceptable" and "has no Cap on Liability clause" in absent.explanation


def test_the_category_the_contract_lacks_is_the_one_reported(msa: Document) -> None:
    clause = re.search(r"1\.3 Subcontracting\..*", msa.text).group(0)  # type: ignore[union-attr]
    start = msa.text.index(clause)
    t_spans = [(start, start + len(clause), "Anti-Assignment"), (start, start + len(clause), "Insurance")]
    assignment = re.search(r"7\.1 Assignment\..*", msa.text).group(0)  # type: ignore[union-attr]
    draft = Document.from_text("d.txt", msa.text.replace(clause + "\n", ""))
    at = draft.text.index(assignment)
    missing = _pair(compare_documents(draft, msa, template_categories=t_spans,
                                      contract_categories=[(at, at + len(assignment), "Anti-Assignment")]),
                    "1.3 Subcontracting")
    assert missing.category == "Insurance" and "drops the template's Insurance clause" in missing.explanation


def test_a_protection_a_reworded_clause_drops_but_another_clause_gives_is_not_removed(msa: Document) -> None:
    """A paired clause that no longer caps liability, in a contract that caps it in another clause, said
    "Cap on Liability removed" and was high risk; it now says where the contract covers it."""
    cap = re.search(r"6\.2 Limitation of Liability\..*", msa.text).group(0)  # type: ignore[union-attr]
    exclusion = re.search(r"6\.3 Exclusion of Damages\..*", msa.text).group(0)  # type: ignore[union-attr]
    at = msa.text.index(cap)
    reworded = cap.replace("shall", "will")
    draft = Document.from_text("d.txt", msa.text.replace(cap, reworded))
    t_spans = [(at, at + len(cap), "Cap on Liability")]
    other = draft.text.index(exclusion)
    moved = _pair(compare_documents(draft, msa, template_categories=t_spans,
                                    contract_categories=[(other, other + len(exclusion), "Cap on Liability")]),
                  "6.2 Limitation")
    assert moved.status == "modified" and moved.severity != "high"
    assert "Cap on Liability not in this clause (the contract covers it in clause 6.3)" in moved.explanation
    assert "Cap on Liability removed" not in moved.explanation
    gone = _pair(compare_documents(draft, msa, template_categories=t_spans), "6.2 Limitation")  # capped nowhere
    assert gone.severity == "high" and "Cap on Liability removed" in gone.explanation
