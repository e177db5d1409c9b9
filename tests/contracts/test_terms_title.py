"""The document's name (contracts.terms.title): each shape of head that filed contracts give, written short
and with one space between words, as lexrisk reads a file. The shapes came from CUAD's train split, whose
extracted text runs the exhibit label, the title and the preamble together."""

from __future__ import annotations

import pytest

from contracts.documents import Document
from contracts.terms import extract_terms
from contracts.terms.title import find_title


def title(text: str) -> str | None:
    hit = find_title(text)
    return None if hit is None else " ".join(text[hit.start:hit.end].split())


@pytest.mark.parametrize(("text", "expected"), [
    ("MASTER SUPPLY AGREEMENT\n\nThis Master Supply Agreement is made", "MASTER SUPPLY AGREEMENT"),
    ("Services Agreement\n\nThis Services Agreement is made", "Services Agreement"),
    # the title runs into the preamble
    ("STRATEGIC ALLIANCE AGREEMENT This STRATEGIC ALLIANCE AGREEMENT (the \"Agreement\") is entered into as of "
     "March 18, 2010 between Aura Systems Inc. and Zanotti East Inc., each a Delaware corporation, for the "
     "purposes set out below.", "STRATEGIC ALLIANCE AGREEMENT"),
    ("Exhibit 99.4 JOINT FILING AGREEMENT In accordance with Rule 13d-1(k)(1) promulgated under the Securities "
     "Exchange Act of 1934, as amended, the undersigned hereby agree to the joint filing.", "JOINT FILING AGREEMENT"),
    ("EXHIBIT A JOINT FILING AGREEMENT In accordance with Rule 13d-1(k) under the Securities Exchange Act of "
     "1934, as amended, the undersigned agree to the joint filing on behalf of each of them.",
     "JOINT FILING AGREEMENT"),
    # after the confidentiality legend, with or without its full stop
    ("EXHIBIT 4.25 INFORMATION IN THIS EXHIBIT IDENTIFIED BY [***] IS CONFIDENTIAL AND HAS BEEN EXCLUDED "
     "BECAUSE IT WOULD LIKELY CAUSE COMPETITIVE HARM IF PUBLICLY DISCLOSED. SERVICES AGREEMENT This Services "
     "Agreement is entered into on October 1, 2019.", "SERVICES AGREEMENT"),
    ("Exhibit 10.3 CERTAIN INFORMATION WOULD LIKELY CAUSE COMPETITIVE HARM TO THE COMPANY IF PUBLICLY DISCLOSED "
     "JOINT SUPPLY AND MARKETING AGREEMENT This Joint Supply and Marketing Agreement is made between the "
     "parties named below.", "JOINT SUPPLY AND MARKETING AGREEMENT"),
    # title case, just before the preamble's "This"
    ("EXHIBIT 10.71\n\nMay 04, 2017 Strategic Alliance Agreement This Strategic Alliance Agreement (this "
     "\"Agreement\") is entered into as of the 26th day of May, 2017 by and between Cool Technologies Inc. and "
     "Veteran Technology Group, LLC.", "Strategic Alliance Agreement"),
    # what follows the title in the same line
    ("OUTSOURCING AGREEMENT dated as of , 2012 TWIN CITIES POWER HOLDINGS, LLC and REDWATER LLC",
     "OUTSOURCING AGREEMENT"),
    ("OUTSOURCING AGREEMENT BETWEEN VIRTUAL ITEM PROCESSING SYSTEMS, INC. And BROKERS NATIONAL LIFE",
     "OUTSOURCING AGREEMENT"),
    ("Supply Agreement - FUSION\n\nThis agreement", "Supply Agreement"),
    ("JOINT VENTURE AGREEMENT MINDA IMPCO TECHNOLOGIES LIMITED\n\nThis agreement", "JOINT VENTURE AGREEMENT"),
    # what stands before it
    ("BIOPURE CORPORATION AGENCY AGREEMENT\n\nThis agreement", "AGENCY AGREEMENT"),
    ("EXECUTION VERSION NON-COMPETITION AND NON-SOLICITATION AGREEMENT\n\nThis agreement",
     "NON-COMPETITION AND NON-SOLICITATION AGREEMENT"),
    ("1 of 3 DISTRIBUTOR AGREEMENT\n\nThis agreement", "DISTRIBUTOR AGREEMENT"),
    ("Exhibit 10.1 CONSULTING AGREEMENT This Consulting Agreement is made on the first day of June, 2018, "
     "between the Company and the Consultant named on the signature page below.", "CONSULTING AGREEMENT"),
    ("STRATEGIC ALLIANCE AGREEMENT STRATEGIC ALLIANCE AGREEMENT\n\nThis agreement", "STRATEGIC ALLIANCE AGREEMENT"),
    # read as the product reads a file: the cover page's gaps are single spaces
    ("EXHIBIT 10.17 TRANSPORTATION SERVICE AGREEMENT UNDER RATE SCHEDULE FTS\n\nThis agreement",
     "TRANSPORTATION SERVICE AGREEMENT"),
    ("FRANCHISE AGREEMENT TABLE OF CONTENTS\n\n1. Grant", "FRANCHISE AGREEMENT"),
    ("SPONSORSHIP AGREEMENT for Boxing Event in China, on April 22, 2000\n\nThis agreement", "SPONSORSHIP AGREEMENT"),
    ("CORIO INC. LICENSE AND HOSTING AGREEMENT\n\nThis agreement", "LICENSE AND HOSTING AGREEMENT"),
    ("6, 2007 CHASE AFFILIATE AGREEMENT\n\nThis agreement", "CHASE AFFILIATE AGREEMENT"),
    ("-1 - TELKOM CONTRACT\n\nThis contract", "TELKOM CONTRACT"),
    ("CONFIDENTIAL DOMAIN NAME AND CONTENT LICENSE AGREEMENT\n\nThis agreement",
     "DOMAIN NAME AND CONTENT LICENSE AGREEMENT"),
    ("GLOBAL MAINTENANCE AGREEMENT Contract No. DS/CS-3957/14 issue 7\n\nThis agreement",
     "GLOBAL MAINTENANCE AGREEMENT"),
    # what a title keeps after its kind: an object in its capitals, a number
    ("SERVICE AGREEMENT FOR TRANSFER AGENT SERVICES\n\nThis agreement", "SERVICE AGREEMENT FOR TRANSFER AGENT SERVICES"),
    ("NON COMPETITION AGREEMENT AND RIGHT OF FIRST OFFER\n\nThis agreement",
     "NON COMPETITION AGREEMENT AND RIGHT OF FIRST OFFER"),
    ("MEMORANDUM OF UNDERSTANDING\n\nThe parties", "MEMORANDUM OF UNDERSTANDING"),
    # a confidentiality legend names "THIS AGREEMENT"; the title after it is the title
    ("CONFIDENTIAL TREATMENT HAS BEEN REQUESTED FOR CERTAIN REDACTED PROVISIONS OF THIS AGREEMENT. SPONSORSHIP "
     "AGREEMENT This Sponsorship Agreement is made between Tickets.com, Inc. and the Sponsor named below on the "
     "date written below.", "SPONSORSHIP AGREEMENT"),
    # a piece that opens with a title in title case, whatever follows it
    ("Promotion Agreement Between PageMaster Corporation and Go Call, Inc.\n\nThis agreement", "Promotion Agreement"),
    ("Exhibit 10.10 Road Transportation Agreement Party A (Shipper): ZTO Express Co., Ltd. Address: Building 1, "
     "No. 1685, Huazhi Road, Huaxin Town, Qingpu District, Shanghai Party B (Carrier): Tonglu Logistics Ltd.",
     "Road Transportation Agreement"),
    ("Exhibit 10.1\n\nSales, Marketing, Distribution, and Supply Agreement {***} WHEREAS HEMISPHERX is a "
     "biopharmaceutical company with headquarters at One Penn Center, Philadelphia, PA 19103, U.S.",
     "Sales, Marketing, Distribution, and Supply Agreement"),
    # an amendment's title over two lines
    ("AMENDMENT NO. 1\n\nWireless Content License Agreement Number 12965\n\nThis amendment",
     "AMENDMENT NO. 1 Wireless Content License Agreement Number 12965"),
    ("ADDENDUM TO\n\nDISTRIBUTOR AGREEMENT\n\nThis addendum", "ADDENDUM TO DISTRIBUTOR AGREEMENT"),
])
def test_the_title_of_each_shape_of_head(text: str, expected: str) -> None:
    assert title(text) == expected


@pytest.mark.parametrize("text", [
    "THIS AGREEMENT is made on 1 June 2018 between Acme Inc. and Beta LLC, for the supply of widgets.",
    "Agreement Number: CW251207\n\nThe parties agree as follows.",
    "Contract No. 076C/01\n\nThe parties agree as follows.",
    "IN WITNESS WHEREOF, the undersigned hereby execute this Agreement as of February 20, 2020.",
    "The parties agree to the terms of this agreement as set out below, and to nothing else whatever.",
    "",
])
def test_no_title_where_the_head_has_none(text: str) -> None:
    assert title(text) is None


@pytest.mark.parametrize("text", [
    "A" * 3000 + "a",
    "AGREEMENT " + "A" * 5000 + "a",
    "Acme " * 2000 + "x This",
    "   ".join(["X"] * 2000),
    "1" * 3000,
    "EXHIBIT " + "1" * 2990 + "x",
    "1 " * 1500 + "x",
    "Acme This " * 300,
])
def test_a_hostile_head_gives_no_title(text: str) -> None:
    assert title(text) is None


def test_the_title_is_quoted_where_it_stands() -> None:
    text = "EXHIBIT 10.26\n\nAMENDMENT NO. 1\n\nAGENCY  AGREEMENT\n\nMICOA and the Agency agree as follows."
    name = extract_terms(Document.from_text("a.txt", text)).document_name
    assert name is not None and name.value == "AMENDMENT NO. 1 AGENCY AGREEMENT"
    assert text[name.start:name.end] == name.quote == "AMENDMENT NO. 1\n\nAGENCY  AGREEMENT"
