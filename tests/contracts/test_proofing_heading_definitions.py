"""contracts.proofing: terms defined in heading style ("1.1 Business Day. Any day other than ...", a term alone
on its line above its definition, "End User is the final purchaser ..." in a definitions article) are defined,
so their uses are no undefined terms; a mere heading outside a definitions section still defines nothing."""

from __future__ import annotations

import pytest

from contracts.documents import Document
from contracts.proofing import proofread
from contracts.proofing.definitions import definition_sections, heading_definitions

PARTIES = 'This Agreement is made by Acme Notes LLC ("Company") and Beta Services Inc. ("Contractor").\n\n'
# the uses, in running text after "the", twice each, and the words in lower case too (what marks a coined term): what the undefined-term check flags when no definition is read
USES = ("3. Payments.\n3.1 The Contractor shall pay each Scheduled Payment from the Trust Account on the due date, "
        "and shall keep the Trust Account apart from its own funds. If a Scheduled Payment falls on a day that is not "
        "a Business Day, it is made on the next Business Day. The Contractor shall deliver each Note Confirmation to "
        "the Investor, and the Note Confirmation shall state the amount of the Scheduled Payment. A trust account, "
        "scheduled payment, business day or note confirmation of another kind is outside this Agreement.\n")


def _undefined(text: str) -> list[str]:
    items = proofread(Document.from_text("notes.txt", text), ["undefined_term"])
    return sorted(i.message.split('"')[1] for i in items)


# each a definitions article in one of the shapes drafters use, defining the four terms USES needs
SHAPES = {
    "numbered, full stop": ("1. DEFINITIONS\n\n1.1 Business Day. Any day other than a Saturday or Sunday.\n"
                            "1.2 Note Confirmation. An appropriate confirmation of a note's issuance.\n"
                            "1.3 Scheduled Payment. For any note, the amount of interest due on a date.\n"
                            "1.4 Trust Account. The trust account established by the trustee.\n\n"),
    "flattened lines": ("ARTICLE I  DEFINITIONS     Section 1.01 Defined Terms. Whenever used in this Agreement, "
                        "the following terms have the meanings set forth below.     Business Day. Any day other "
                        "than a Saturday or Sunday.     Note Confirmation. An appropriate confirmation of a Note's "
                        "issuance.     Scheduled Payment. For any note, the amount of interest due on a date.     "
                        "Trust Account. The trust account established by the trustee.\n  ARTICLE II  PAYMENTS\n\n"),
    "term alone on its line": ("DEFINITIONS\n\nBusiness Day\nAny day other than a Saturday or Sunday.\n\n"
                               "Note Confirmation\nAn appropriate confirmation of a note's issuance.\n\n"
                               "Scheduled Payment\nFor any note, the amount of interest due on a date.\n\n"
                               "Trust Account\nThe trust account established by the trustee.\n\n"),
    "term, then is": ("1.0 DEFINITIONS.\n\nBusiness Day is any day other than a Saturday or Sunday.\n\n"
                      "Note Confirmation is an appropriate confirmation of a note's issuance.\n\n"
                      "Scheduled Payment is, for any Note, the amount of interest due on a date.\n\n"
                      "Trust Account is the trust account established by the trustee.\n\n"),
    # outside any definitions section: the words after the heading say it defines
    "heading, then means": ("1. Business Day. means any day other than a Saturday or Sunday.\n"
                            "2. Note Confirmation: The term shall mean a confirmation of a note's issuance.\n"
                            "4. Scheduled Payment. Refers to the amount of interest due on a date.\n"
                            "5. Trust Account – is defined as the account the trustee opens.\n\n"),
}


def test_without_its_definitions_every_term_used_is_flagged() -> None:
    assert _undefined(PARTIES + USES) == ["Business Day", "Note Confirmation", "Scheduled Payment", "Trust Account"]


@pytest.mark.parametrize("shape", SHAPES)
def test_terms_defined_in_heading_style_are_not_undefined(shape: str) -> None:
    assert _undefined(PARTIES + SHAPES[shape] + USES) == []


def test_a_heading_outside_a_definitions_section_defines_nothing() -> None:
    # headings run into their text, as numbered sections are: each heading's words are used as terms elsewhere
    text = PARTIES + ("1. DEFINITIONS\n1.1 Business Day. Any day other than a Saturday or Sunday.\n\n"
                      "2. Trust Account. The Contractor shall open an account with a bank.\n"
                      "2.1 Scheduled Payment. Each payment is due monthly.\n"
                      "Note Confirmation\nThe Contractor shall confirm each note.\n\n") + USES
    assert _undefined(text) == ["Note Confirmation", "Scheduled Payment", "Trust Account"]


def test_the_definitions_section_ends_at_the_next_article() -> None:
    text = "1. DEFINITIONS\n1.1 Business Day. Any day.\n\n2. SERVICES\n2.1 Service Levels. Supplier shall meet them.\n"
    (start, end), = definition_sections(text)
    assert text[start:end].strip() == "1.1 Business Day. Any day."
    assert heading_definitions(text) == {("business", "day")}


@pytest.mark.parametrize("line", ["12. Confidentiality. Each party shall keep the other's secrets.",
                                  "CONFIDENTIALITY\nEach party shall keep the other's secrets.",
                                  "Licensee is a corporation organised under the laws of Delaware."])
def test_headings_and_sentences_outside_definitions_are_no_definitions(line: str) -> None:
    assert heading_definitions(PARTIES + line + "\n") == set()

