"""What changed in a clause: each changed value named with the value it replaced (a fresh-eyes review found
"Duration changed from three (3) years to five (5) years, thirty (30) days": the term and the notice period
of one clause joined in one sentence, the notice cut left with no "from")."""

from __future__ import annotations

import re
from pathlib import Path

from contracts.compare import compare_documents
from contracts.compare.facts import material_changes
from contracts.documents import Document
from contracts.ingest import load_document

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
CLAUSE = ("5.1 Term. This Agreement has an initial term of three (3) years. Either party may terminate it on "
          "one hundred eighty (180) days' prior written notice to the other party.")


def _described(before: str, after: str) -> list[str]:
    return [change.describe() for change in material_changes(before, after)]


def test_two_durations_changed_in_one_clause_are_each_named_with_the_value_they_replaced() -> None:
    draft = CLAUSE.replace("three (3) years", "five (5) years").replace("one hundred eighty (180)", "thirty (30)")
    assert _described(CLAUSE, draft) == ["duration changed from three (3) years to five (5) years; notice period "
                                         "changed from one hundred eighty (180) days to thirty (30) days"]


def test_a_value_with_no_counterpart_is_added_or_removed_and_a_kept_one_is_not_named() -> None:
    cure = " Either party may cure a breach within ten (10) business days."
    assert _described(CLAUSE, CLAUSE + cure) == ["duration added: ten (10) business days"]
    assert _described(CLAUSE + cure, CLAUSE) == ["duration removed: ten (10) business days"]
    fees = "Fees are $10 per seat and $10 per report."
    assert _described(fees, "Fees are $10 per seat and $20 per report.") == ["amount changed from $10 to $20"]
    assert _described(fees, "Fees are $10 per seat.") == ["amount removed: $10"]  # one of two is gone
    assert _described("governed by the laws of the State of New York", "governed by the laws of the State of "
                      "Delaware") == ["governing law changed from New York to Delaware"]


def test_values_pair_by_unit_and_the_words_around_them_not_by_their_order() -> None:
    before = "Provider shall respond within two (2) days and resolve the issue within three (3) months."
    after = "Provider shall resolve the issue within six (6) months and respond within one (1) day."
    assert _described(before, after) == ["duration changed from two (2) days to one (1) day; duration changed from "
                                         "three (3) months to six (6) months"]
    term = "The initial term is three (3) years."
    assert _described(term, term.replace("three (3) years", "thirty-six (36) months")) == [
        "duration changed from three (3) years to thirty-six (36) months"]


def test_a_notice_period_is_named_only_where_notice_is_next_to_it() -> None:
    renewal = "It renews for sixty (60) days unless a party objects; notice is given in writing."
    assert _described(renewal, renewal.replace("sixty (60)", "ninety (90)")) == [
        "duration changed from sixty (60) days to ninety (90) days"]
    assert _described("by notice of non-renewal at least 60 days before", "by notice of non-renewal at least 30 "
                      "days before") == ["notice period changed from 60 days to 30 days"]


def test_the_comparison_explains_each_change_of_the_clause() -> None:
    msa = load_document(TEMPLATES / "master_services_agreement.txt")
    term = re.search(r"3\.1 Term\..*", msa.text).group(0)  # type: ignore[union-attr]
    ours = term.replace("three (3) years", "five (5) years").replace("sixty (60) days", "thirty (30) days")
    result = compare_documents(Document.from_text("d.txt", msa.text.replace(term, ours)), msa)
    pair = next(p for p in result.pairs if p.template_clause and p.template_clause.text.startswith("3.1 Term"))
    assert pair.status == "modified" and pair.severity in ("medium", "high")
    assert pair.explanation.startswith("Duration changed from three (3) years to five (5) years; notice period "
                                       "changed from sixty (60) days to thirty (30) days.")
