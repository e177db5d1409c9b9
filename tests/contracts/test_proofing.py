"""contracts.proofing: each check on a contract with known defects, the items grounded, the bad inputs
(no headings, 10,000 nested brackets, a million quote marks) bounded."""

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from contracts.documents import Document
from contracts.proofing import DEFAULT_KINDS, PROOFING_KINDS, ProofingItem, proofread

EVERY = list(PROOFING_KINDS)

CONTRACT = """SUPPLY AGREEMENT

This Supply Agreement (the "Agreement") is made by Acme Widgets, Inc., a Delaware corporation ("Supplier"),
and Northwind Traders LLC ("Purchaser").

1. Definitions.
"Products" means the widgets listed in Exhibit A.
"Products" means the gadgets sold by Supplier.
"Territory" means the United States.
"Launch Date" means the first day of sales.

2. Supply.
2.1 Supplier shall sell the Products to Purchaser in the Territory, subject to Sections 2.3 and 6.
2.2 The price is $[____] per unit, payable on [insert date].
2.3 Purchaser shall pay the Delivery Charge, and the Delivery Charge is due on delivery, a charge apart from the price. [***]

3. Term.
The term runs as set out in Section 7 and Sections 1 through 3. Suplier may end it on notice.

5. Law.
Section 409A of the Internal Revenue Code applies to no payment here.

EXHIBIT A
Widgets.
"""


def _items(text: str = CONTRACT, kinds=None) -> list[ProofingItem]:
    return proofread(Document.from_text("supply.txt", text), EVERY if kinds is None else kinds)


def _kind(items: list[ProofingItem], kind: str) -> list[ProofingItem]:
    return [i for i in items if i.kind == kind]


def test_every_item_is_grounded_in_the_text() -> None:
    items = _items()
    assert items
    for item in items:
        assert item.quote == CONTRACT[item.start:item.end] and item.end > item.start


def test_missing_references_are_read_item_by_item_and_external_ones_skipped() -> None:
    messages = [i.message for i in _kind(_items(), "missing_reference")]
    assert any(m.startswith("Section 6 is referred to") for m in messages)  # the list "Sections 2.3 and 6"
    assert any(m.startswith("Section 7 is referred to") for m in messages)
    assert not any("Section 2.3 " in m or "Section 1 " in m or "Section 3 " in m for m in messages)
    assert not any("409A" in m for m in messages)  # another instrument's section
    assert not any("Exhibit A" in m for m in messages)  # attached


def test_a_range_names_the_sections_between_its_ends() -> None:
    text = "1. One.\nSee Sections 1 through 4.\n\n2. Two.\nText.\n\n4. Four.\nText.\n"
    messages = [i.message for i in _kind(_items(text), "missing_reference")]
    assert messages == ["Section 3 is referred to but the document has no Section 3"]


def test_an_attachment_referred_to_but_missing() -> None:
    items = _kind(_items("The prices are in Schedule B.\n\nEXHIBIT A\nForm.\n"), "missing_reference")
    assert [i.message.split(" is ")[0] for i in items] == ["Schedule B"]


def test_placeholders_and_redactions_are_apart() -> None:
    items = _items()
    blanks = [i.quote for i in _kind(items, "placeholder")]
    assert blanks == ["$[____]", "[insert date]"]
    assert [i.quote for i in _kind(items, "redaction")] == ["[***]"]
    assert {i.severity for i in _kind(items, "redaction")} == {"info"}


@pytest.mark.parametrize("blank", ["[●]", "[__]", "_____", "[TBD]", "[Date]", "$[ ]", "[•]", "[to be determined]"])
def test_each_form_of_blank(blank: str) -> None:
    text = f"The price shall be {blank} per unit.\n"
    items = _kind(_items(text), "placeholder")
    assert [i.quote for i in items] == [blank.strip()]


def test_signature_lines_are_not_blanks() -> None:
    text = "IN WITNESS WHEREOF\nBy: ______________\nName: ____________\nTitle: ___________\n"
    assert _kind(_items(text), "placeholder") == []


def test_duplicate_definitions_say_whether_the_meanings_differ() -> None:
    items = _kind(_items(), "duplicate_definition")
    assert len(items) == 1 and "different meaning" in items[0].message
    same = '"Fee" means ten dollars.\nThe Fee is due.\n"Fee" means ten dollars.\n'
    assert "same wording" in _kind(_items(same), "duplicate_definition")[0].message


def test_a_pointer_to_a_definition_is_no_second_definition() -> None:
    text = '"Fee" has the meaning set forth in Section 2.\n2. Fees.\nThe buyer pays a fee (the "Fee"). The Fee is due.\n'
    assert _kind(_items(text), "duplicate_definition") == []


def test_unused_and_undefined_terms() -> None:
    items = _items()
    assert [i.quote for i in _kind(items, "unused_definition")] == ["Launch Date"]
    undefined = [i.message for i in _kind(items, "undefined_term")]
    assert any('"Delivery Charge"' in m for m in undefined)
    assert not any(w in m for m in undefined for w in ('"Products"', '"Territory"', '"United States"', '"Exhibit'))


def test_a_renamed_definition_leaves_its_uses_undefined() -> None:
    text = CONTRACT.replace('"Launch Date" means', '"Start Date" means') + (
        "No sale is made before the Launch Date; the launch is set for the date the Launch Date falls on.\n")
    undefined = [i.message for i in _kind(_items(text), "undefined_term")]
    assert any('"Launch Date"' in m for m in undefined)


def test_numbering_gaps_and_repeats() -> None:
    gaps = _kind(_items(), "numbering")
    assert [i.message for i in gaps] == ["numbering skips from 3 to 5: no 4"]
    repeat = "1. Scope\nText.\n\n2. Price\nText.\n\n2. Payment\nText.\n"
    assert [i.message for i in _kind(_items(repeat), "numbering")] == ["2 is numbered twice in a row"]


def test_a_party_misspelled() -> None:
    items = _kind(_items(), "party_name")
    assert [i.quote for i in items] == ["Suplier"] and "Supplier" in items[0].message
    wrong_form = CONTRACT.replace("Suplier may", "Acme Widgets LLC may")
    assert any("wrong legal form" in i.message for i in _kind(_items(wrong_form), "party_name"))


def test_a_document_without_headings_still_gets_the_checks_that_apply() -> None:
    text = ('The seller (the "Seller") sells the goods (the "Goods") for $[ ] as set out in Section 4 and '
            "Schedule 2. The Seller delivers the Goods.")
    items = _items(text)
    kinds = {i.kind for i in items}
    assert "placeholder" in kinds
    assert [i.message.split(" is ")[0] for i in _kind(items, "missing_reference")] == ["Schedule 2"]  # no numbering
    assert _kind(items, "numbering") == []


def test_pages_come_from_the_document() -> None:
    doc = Document.from_pages("two.pdf", ["1. One.\nText.", "2. Two.\nPrice: [TBD]."], source_type="pdf", sha256="0" * 64)
    (item,) = _kind(proofread(doc, EVERY), "placeholder")
    assert item.page == 2


def test_default_kinds_and_the_setting() -> None:
    assert set(DEFAULT_KINDS) <= set(PROOFING_KINDS)
    assert {i.kind for i in proofread(Document.from_text("c.txt", CONTRACT))} <= set(DEFAULT_KINDS)
    assert _items(kinds=["placeholder"]) and {i.kind for i in _items(kinds=["placeholder"])} == {"placeholder"}
    from lexrisk.settings import Settings

    with pytest.raises(ValidationError, match="unknown proofing check"):
        Settings(proofing_kinds=["spelling"])


def test_the_item_model_is_declared_once() -> None:
    import contracts.wire as wire
    from contracts.proofing import models

    assert wire.ProofingItem is models.ProofingItem and wire.PROOFING_KINDS is models.PROOFING_KINDS


@pytest.mark.parametrize("text", [
    "[" * 10_000 + "x" + "]" * 10_000,
    '"' * 1_000_000,
    '"a' * 500_000,
    " " * 1_000_000 + "1. Heading",
    "Section " * 100_000,
    "the Term " * 100_000,
])
def test_pathological_text_is_proofread_in_bounded_time(text: str) -> None:
    """Linear patterns only: each of these (up to a million characters) takes well under a few seconds; a
    quadratic scan of any of them would take minutes."""
    started = time.process_time()
    items = proofread(Document.from_text("bad.txt", text), EVERY)
    assert time.process_time() - started < 20
    assert all(i.quote == text[i.start:i.end] for i in items)


def test_undefined_terms_skip_headings_and_references() -> None:
    text = ("1. Definitions.\n\"Products\" means the goods.\n\n"
            "2. Payment of Fees. The fees are paid monthly, and each payment covers the fees of the month.\n"
            "3. Loans. The Borrower repays the Loan Amount (as defined in the Loan Agreement) as the loan "
            "falls due, and the Loan Amount bears an amount of interest.\n"
            "4. Reports. The Licensee sends the Sales Report, with the sales of each report month, and the Sales "
            "Report lists the sales. The Licensee keeps the Records and the Records stay with the records clerk.\n")
    undefined = [i.message for i in _kind(_items(text), "undefined_term")]
    assert any('"Sales Report"' in m for m in undefined)  # two ordinary words, used twice, never defined
    assert any('"Records"' in m for m in undefined)  # one ordinary word, twice after "the", never defined
    assert not any(w in m for m in undefined for w in ('"Payment of Fees"', '"Loan Amount"', '"Licensee"'))


def _undefined(text: str) -> list[str]:
    return [i.message.split('"')[1] for i in _kind(_items(text, ["undefined_term"]), "undefined_term")]


SINGLE = ('This Agreement is made by Acme Widgets, Inc. ("Supplier") and Northwind LLC ("Buyer").\n'
          "1. Supply. Supplier shall sell in the Territory, and the Territory covers each territory Buyer names. "
          "Buyer may not resell outside the Territory.\n")


def test_a_single_word_used_as_a_defined_term_but_never_defined_is_flagged() -> None:
    assert _undefined(SINGLE) == ["Territory"]
    assert _undefined(SINGLE.replace("1. Supply.", '"Territory" means Canada.\n1. Supply.')) == []
    # its definition renamed, as the recall benchmark injects it: its uses are undefined again
    assert _undefined(SINGLE.replace("1. Supply.", '"Sales Territory" means Canada.\n1. Supply.')) == ["Territory"]
    # used as a name, without "the", but often: "Sponsor shall pay"
    named = "The sponsor pays. " + "Then, Sponsor shall pay, and Sponsor agrees. " * 3
    assert _undefined(named) == ["Sponsor"]


@pytest.mark.parametrize("line", [
    "Supplier shall notify the other Party, and the Parties agree, and each Party signs; a party may not.",  # parties
    "The Buyer files with the Securities and Exchange Commission, and the securities and the Securities and "
    "Exchange Commission's rules apply.",  # a part of an institution's name
    "As under the Rule 424 and the Rule 430 and the Rule 415, a rule applies.",  # a numbered instrument
    "The pension plan (the Plan) pays, and the Plan and the Plan's trustee stay.",  # defined in brackets
    "Under this Plan the plan pays, and the Plan and the Plan bind.",  # the document's own name
    "In the State of the state, the State and the State's courts sit.",  # a place
    "Services: " + "\u2022 Processing transfers " * 6 + "and the processing.",  # a bulleted list
    "The Licensed\nProducts and the Licensed\nProducts, licensed products.",  # a name broken by a line
    "See " + "the drkoop.com Website, " * 5 + "a website.",  # a web name
])
def test_single_words_that_are_no_undefined_terms(line: str) -> None:
    assert _undefined(SINGLE.replace("the Territory", "the territory") + line + "\n") == []


def test_a_label_or_a_party_opening_a_line_defines_nothing() -> None:
    text = SINGLE.replace("1. Supply.", "Territory shall be agreed by the parties.\n1. Supply.")
    assert _undefined(text) == ["Territory"]
    assert _undefined(SINGLE + "TERRITORY:\n") == ["Territory"]
    assert _undefined(SINGLE + "Territory shall mean Canada.\n") == []


def test_no_term_is_undefined_where_the_contract_takes_its_definitions_from_another() -> None:
    text = ("Capitalized terms used but not defined herein have the meanings given in the Supply Agreement.\n"
            "The Sales Report lists the sales, and each report month the Sales Report is sent.\n")
    assert _kind(_items(text), "undefined_term") == []


def test_titles_signature_labels_and_attachments_are_no_second_definitions() -> None:
    body = ('This Agreement is made by Acme Widgets, Inc. ("Acme") and Northwind LLC ("Buyer").\n'
            '"Fees" means the fees in Clause 9 ("Fees and Payment").\n' + "The parties agree. " * 300 + "\n"
            'Insurance is governed by Clause 9 ("Fees and Payment").\n'
            "IN WITNESS WHEREOF the parties sign.\nAcme Widgets, Inc. (\"Acme\")\n\n"
            'EXHIBIT A\nFORM OF ASSIGNMENT\n"Fees" means the assignment fee.\n')
    assert _kind(_items(body), "duplicate_definition") == []
    twice = body.replace("Insurance is governed", '"Fees" means the charges in Schedule 2.\nInsurance is governed')
    assert [i.quote for i in _kind(_items(twice), "duplicate_definition")] == ["Fees"]


@pytest.mark.parametrize("line", ["Initialed ACME CORP:______", "_X_ Option A   ___Option B",
                                  "Milestones: 7/23 ● FT4-CE mark 9/14 ● Study", "see Section 10.4 [Company Termination]"])
def test_initials_check_boxes_bullets_and_bracketed_titles_are_no_blanks(line: str) -> None:
    assert _kind(_items(f"1. Terms.\n{line}\n"), "placeholder") == []


def test_a_redacted_section_fills_its_place_and_other_instruments_are_not_referred_to() -> None:
    text = ("1. One.\nText.\n\n2. Two.\nText. 3. [***]\n\n4. Four.\nAs in Section 2.1 thereof, "
            "and a Schedule 13D filed.\n")
    items = _items(text)
    assert _kind(items, "numbering") == []
    assert _kind(items, "missing_reference") == []


def test_definitions_lists_without_quotes_and_pointers_written_set_out() -> None:
    text = ('"Fees" has the meaning set out below.\n\n1. Terms.\n(h) Initial Parties: The Initial Parties are the '
            "founders and the initial buyers.\n   Equipped Capacity - the capacity in place.\n"
            "The Initial Parties share the Equipped Capacity, and each of the Initial Parties pays for the "
            "Equipped Capacity it is equipped with, as initial parties do.\n"
            '2. Fees.\nThe charges (the "Fees") are paid, and the Fees are due.\n')
    items = _items(text)
    assert _kind(items, "undefined_term") == []
    assert _kind(items, "duplicate_definition") == []


def test_attachments_without_a_space_and_zero_padded_ranges_are_found() -> None:
    text = ("1. Terms.\n1.01 One.\n1.02 Two.\n1.03 Three.\nAs in Sections 1.01 to 1.03 and Schedule 2.15.1 and "
            "Schedule 2.\n\nSCHEDULE2\nPrices.\n\nSCHEDULE 2.15.1\nSuppliers.\n")
    assert _kind(_items(text), "missing_reference") == []


def test_dotted_terms_are_not_called_unused_and_print_name_lines_are_no_blanks() -> None:
    text = ('1. Terms.\nThe United States of America (the "U.S.") is the territory.\nSales in the U.S. only.\n'
            "By: ______________\n_____________________ (Print Name)\n")
    items = _items(text)
    assert _kind(items, "unused_definition") == []
    assert _kind(items, "placeholder") == []


def _reference_labels(text: str) -> list[str]:
    return [i.message.split(" is ")[0] for i in _kind(_items(text), "missing_reference")]


def test_a_heading_is_no_reference_to_itself() -> None:
    """The injection picks a section someone refers to: its own heading ("Section 10. Survival") is not one."""
    from contracts.proofing.references import references

    text = "Section 9. Term.\nAs in Section 9 above.\n\n   Section 10. Survival of Agreements. Text.\nARTICLE V\nText.\n"
    assert [(r.kind, r.label) for r in references(text)] == [("Section", "9")]


def test_a_capital_keyword_before_a_wide_gap_ends_a_title() -> None:
    """'PENAL PECUNIARY CLAUSE    12.1 In case of' is a heading's title run into its first sub-section."""
    text = ("1. Terms.\nText.\n\nCLAUSE 12 PENAL CLAUSE\n\nPENAL PECUNIARY CLAUSE    12.1 In case of delay.\n"
            "PROJECTED OPENING SCHEDULE   1-1 Expiration Date. Text.\n")
    from contracts.proofing.references import references

    assert list(references(text)) == []  # "CLAUSE 12" opens its line: a heading too
    assert _reference_labels(text) == []


def test_sub_sections_spaced_at_their_dots_are_sections() -> None:
    """'9. 1     SAP AFRICA shall' is Section 9.1, and '9. 9' no heading '9' of its own: taking out the
    heading '9.' leaves Section 9 missing."""
    from contracts.proofing.outline import inline_numbers

    text = ("8. Fees.\nText.\n\n9.    MAINTENANCE   9. 1     SAP AFRICA shall maintain it.   9. 9    SAP AFRICA shall "
            "meet them.\n\n10. Law.\nAs in clause 9. 1 and clause 9.\n")
    found = inline_numbers(text)
    assert {"9.1", "9.9"} <= set(found) and len(found["9"]) == 1
    assert _reference_labels(text) == []
    assert _reference_labels(text.replace("9.    MAINTENANCE", "MAINTENANCE")) == []  # 9.1 still implies Section 9
    flat = ("1. Terms.\n\n10. 10.1.\n\n14. 14.1.\n\nIntellectual Property is kept.\n")
    assert "14.1" in inline_numbers(flat)  # a dotted number after 'N. ' is still a heading


def test_statute_sections_are_not_the_contracts() -> None:
    """Sections 1 and 2 stand; a Section 4 the contract could have is each time a statute's."""
    text = ("1. Terms.\nText.\n\n2. Law.\nSections 4 or 4971 of the Internal Revenue Code, "
            "SECTIONS 4-1401 AND 4-1402 OF THE GENERAL OBLIGATIONS LAW, Section 4(35 A) of the Bankruptcy Code, "
            "article 4 of the petroleum code and section 4(2) of said act apply; so does Section 3.\n")
    assert _reference_labels(text) == ["Section 3"]


def test_attachments_headed_with_a_dash_or_at_a_lines_end_are_attached() -> None:
    text = ("1. Terms.\nThe products are in Schedule A, the integrity terms in Appendix 1 and the prices in "
            "Schedule C.\n\nSCHEDULE - A  Description of the products\nText.\n\n"
            "Telecom Contract No.: JSXCS1200166CC000   Appendix 1:\n\nIntegrity Agreement\nText.\n")
    assert _reference_labels(text) == ["Schedule C"]


def test_a_number_after_a_reference_word_and_a_wide_gap_is_no_heading() -> None:
    """Justified text puts a wide gap between 'Section' and its number: that number is still a reference."""
    text = ("1. Terms.\nText.\n\n2. Option.\nThe parties agree to the terms of this Section and Section"
            "           2.2.\n\nOPTION TO PURCHASE. The option.\n\n2.1 Purchase. Text.\n")
    assert _reference_labels(text) == ["Section 2.2"]


def test_a_laws_sections_and_chained_numbers_are_not_the_contracts() -> None:
    """A law named just before ("General Business Law Sections 4 through 5", "Law, Article 4, Sections 4") or a
    section number chained by hyphens ("Section 4-19-09, N.D.C.C.") is a statute's; "Applicable Law. Section 3"
    is a reference of the contract's own."""
    text = ("1. Terms.\nText.\n\n2. Law.\nThe New York General Business Law Sections 4 through 5 apply, as do the "
            "General Business Law, Article 4, Sections 4 and 5 (Section 4-19-09, N.D.C.C.). Each party obeys "
            "Applicable Law. Section 3 governs.\n")
    assert _reference_labels(text) == ["Section 3"]


def test_pages_labels_and_sub_exhibits_are_attachments() -> None:
    """'FDD Exhibit H-3' at the foot of each attached page labels the page; 'Exhibit F' attached as F-1 and F-2
    is attached; an exhibit attached nowhere is still missing."""
    pages = "".join(f"Text of page {k}. FDD Exhibit H-{k}\n\n\n\n" for k in range(3, 7))
    text = ("1. Terms.\nThe forms are in Exhibit F and the prices in Exhibit G.\n\nEXHIBIT F-1\nForm one.\n\n"
            "EXHIBIT F-2\nForm two.\n\n" + pages)
    assert _reference_labels(text) == ["Exhibit G"]
    assert _reference_labels(text.replace(pages, "Text. FDD Exhibit H-3\n\n")) == ["Exhibit G", "Exhibit H-3"]


def test_sub_sections_run_into_a_line_or_after_a_title_in_capitals_are_sections() -> None:
    text = ("SECTION 1. SERVICES Section 1.1 Acme will act as agent.\n\n2. Limits.\nNeither party shall:   2.1 "
            "acquire shares;   2.2 make offers.\n\n3. Other.\nAs in Sections 1.1, 2.1 and 2.2, and Section 2.3.\n")
    assert _reference_labels(text) == ["Section 2.3"]


def test_scoped_definitions_and_signature_labels_are_no_second_definitions() -> None:
    body = ('This Agreement is made by Acme Widgets, Inc. ("Licensee") and Northwind LLC ("Licensor").\n'
            '"Develop" means to research the product. "Term" means one year. "Buyer" means Northwind.\n'
            + "The parties agree. " * 10 + "\n"
            'When used as a verb, "Develop" means to engage in development. The term of the addendum (the "Term" '
            'of the Facility Addendum) is two years. The buyer and its affiliates (collectively for this section '
            'only known as "Buyer") are indemnified.\nACME WIDGETS, INC.   ("Licensee")   By: /s/ A. Smith\n')
    assert _kind(_items(body), "duplicate_definition") == []
    twice = body.replace("The parties agree. ", '"Term" means two years. ', 1)
    assert [i.quote for i in _kind(_items(twice), "duplicate_definition")] == ["Term"]


def test_an_attached_instrument_defines_its_own_terms_and_a_forms_fields_are_no_blanks() -> None:
    text = ('1. Terms.\nThe franchisee (the "Franchisee") pays the fee of $[____].\n\nIN WITNESS WHEREOF the parties '
            "sign.\nBy: ________\n\nEXHIBIT E\nSAMPLE FORM OF CERTIFICATE\nThe undersigned (\"Franchisee\") certifies "
            "on ________ that the store at [insert address] is open.\n\nELECTRONIC FUNDS TRANSFER AUTHORIZATION\n"
            'The depositor ("Franchisee") authorizes the debits.\n\nSCHEDULE 1\nTerritory: ________\n')
    items = _items(text)
    assert _kind(items, "duplicate_definition") == []
    assert [i.quote for i in _kind(items, "placeholder")] == ["$[____]", "________"]
    assert _kind(items, "placeholder")[1].start > text.index("SCHEDULE 1")


def test_page_initials_and_a_bullet_before_an_amount_are_no_blanks() -> None:
    text = "1. Terms.\nThe prices are: ● $9 per kilogram.\nAnd page text 1 ____ ____\n\n\nMore text 2 ____ ____\n\n"
    assert _kind(_items(text), "placeholder") == []


def test_a_word_of_a_title_in_capitals_and_a_legal_form_written_out_are_no_party_slips() -> None:
    text = ('WIRELESS CONTENT LICENSE AGREEMENT\n\nThis agreement is made by Acme Widgets, Inc. ("Licensee") and '
            'Gentech USA LLC ("Gentech"). Gentech USA Limited Liability Company grants the license to Licensee, and '
            "the Licensee pays.\n")
    assert _kind(_items(text), "party_name") == []
    assert len(_kind(_items(text.replace("the Licensee pays", "the Licnesee pays")), "party_name")) == 1


def test_a_signature_line_labelled_below_and_a_contract_named_with_a_paragraph_are_apart() -> None:
    text = ("1. Terms.\nSee Article 2, Paragraph 1 of the Securities Act and Sections 8.1 and 8.2, respectively, of "
            "that certain Holdings Agreement.\n\n/s/ E. Shulman      ____________________\n     Print Name\n")
    items = _items(text)
    assert _kind(items, "placeholder") == []
    assert _kind(items, "missing_reference") == []


def test_a_contract_that_capitalizes_ordinary_words_by_style_gets_no_single_word_items() -> None:
    words = ["Crude", "Shipper", "Sender", "Manual", "Quality", "Capacity", "Nomination"]
    text = "".join(f"The buyer checks the {w} and the {w}, and any {w.lower()} too. " for w in words)
    assert sorted(_undefined(text[:text.index(" Nomination")])) == sorted(words[:6])  # six: each reported
    assert _undefined(text + "The Sales Report and the Sales Report, a sales report.") == ["Sales Report"]


def test_the_default_kinds_are_those_the_latest_judged_round_supports() -> None:
    """DEFAULT_KINDS is what the latest held-out round's verdicts allow (benchmarks/proofing_quality.py writes its
    "default_kinds"), so a kind is switched on by judged evidence, not by hand."""
    import json
    from pathlib import Path

    results = Path(__file__).resolve().parents[2] / "eval" / "results" / "proofing"
    latest = max(results.glob("precision_heldout*.json"), key=lambda p: int(p.stem.removeprefix("precision_heldout") or 1))
    assert list(DEFAULT_KINDS) == json.loads(latest.read_text("utf-8"))["default_kinds"]


def test_a_use_said_to_be_defined_here_whose_definition_is_missing_is_flagged_once() -> None:
    """"(as defined below)", "as defined herein", "(as defined in Section 4)" say this document defines the term: one
    such use is enough when no definition is found; a pointer into another instrument or a term that is defined is
    not flagged."""
    text = ('This Agreement is made by Acme Widgets, Inc. ("Acme") and Northwind LLC ("Northwind").\n'
            "1. Terms.\nAcme shall deliver the Licensed Products (as defined below) to Northwind during the Term. "
            "Northwind pays the Royalty (as defined in Section 4) monthly and the Fee (as defined in Section 2.1 of the "
            "Loan Agreement) too. Northwind uses the Credit (as defined in the Loan Agreement), and the Term (as defined "
            'below) is long. Acme keeps the Records, as defined herein.\n"Term" means one year.\n')
    assert _undefined(text) == ["Licensed Products", "Royalty", "Records"]
    defined = text + '"Licensed Products" means the widgets. "Royalty" means five percent. "Records" means the books.\n'
    assert _undefined(defined) == []
