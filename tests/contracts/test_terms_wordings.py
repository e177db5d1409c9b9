"""The key-terms rules of the third round (#26, developed on CUAD's train split), each on a short wording of
the kind that made it: letters, blanks, signature blocks and PDF text for dates; how a term's end is
worded; and preambles that list, number or label their parties."""

from __future__ import annotations

import pytest

from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.terms import extract_terms
from contracts.terms.dates import find_dates, ordinal
from contracts.terms.parties import HEAD, SPAN, PartyHit, find_parties, name_of, resolved
from contracts.terms.sentences import lowered, sentence_around


def terms_of(text: str) -> KeyTerms:
    return extract_terms(Document.from_text("contract.txt", text))


def names(text: str) -> list[str]:
    return [name_of(text, h) for h in find_parties(text)]


@pytest.mark.parametrize(("words", "value"), [
    ("the ____ day of _______________2000", "2000"),  # no comma before the year
    ("as of [·], 2019", "2019"),
    ("made as of  , 2013, between", "2013"),  # the underscores lost from the PDF
    ("this 20th day of Friday, March 2020", "2020-03-20"),
    ("this first (1st)  day of January, 1996", "1996-01-01"),
    ("as of 31 December,          ---------          1996, between", "1996-12-31"),  # a PDF's underline
])
def test_dates_left_blank_or_broken_by_the_pdf(words: str, value: str) -> None:
    assert [h.value for h in find_dates(lowered(f"This Agreement is made {words} by the parties."))] == [value]


def test_a_year_after_a_full_date_is_not_another_date() -> None:
    assert [h.value for h in find_dates(lowered("entered into as of 12-23-2019 , 2019 (the"))] == ["2019-12-23"]
    assert [h.value for h in find_dates(lowered("pursuant to Section 5, 2013 amendments"))] == []


def test_ordinals_in_words() -> None:
    assert [ordinal(w) for w in ("second", "fifth", "twenty-third", "each")] == [2, 5, 23, None]


def test_a_letter_agreement_is_dated_above_its_salutation() -> None:
    terms = terms_of("AGENCY AGREEMENT\n\nMay 14, 2014\n\nKeefe, Bruyette & Woods, Inc.\n787 Seventh Avenue\n\n"
                     "Ladies and Gentlemen:\n\nBlue Hills Bancorp, Inc. (the \"Company\") hereby confirms its "
                     "agreement with you. The Company's deposits as of February 28, 2013 are described below.")
    assert terms.agreement_date is not None and terms.agreement_date.value == "2014-05-14"


def test_a_flattened_letter_is_dated_above_its_salutation_too() -> None:
    """A cover page flattened into one line, as lexrisk reads it (one space between words): the letter's
    date is still the one above "Dear Ladies and Gentlemen", not the settlement date in its body."""
    terms = terms_of("Exhibit 1.1 400,000 Shares BLUEROCK RESIDENTIAL GROWTH REIT, INC. AGENCY AGREEMENT May 25, "
                     "2016 Compass Point Research & Trading, LLC As Sales Agent Dear Ladies and Gentlemen: Bluerock "
                     "Residential Growth REIT, Inc. agrees to deliver the Offered Shares on May 26, 2016.")
    assert terms.agreement_date is not None and terms.agreement_date.value == "2016-05-25"


def test_an_agreement_made_into_effect_on_a_day() -> None:
    terms = terms_of('THIS RESELLER AGREEMENT is made and entered into effect the 7th day of April, 2017 '
                     '("Effective Date"), by and between i3 ICS and the Company.\n\n' + "Terms.\n" * 800 +
                     "Date: April 17, 2017")
    assert terms.agreement_date is not None and terms.agreement_date.value == "2017-04-07"


def test_signature_labels_give_the_later_of_the_dates() -> None:
    terms = terms_of("DISTRIBUTOR AGREEMENT\n\nThe parties sign below.\n\nName: A. Calderon  Title: VP\n\n"
                     "Date: 1/19/07  Date: January 22, 2007\n")
    assert terms.agreement_date is not None and terms.agreement_date.value == "2007-01-22"


def test_a_contract_dated_only_where_it_is_signed() -> None:
    body = "OUTSOURCING AGREEMENT\n\nBETWEEN: MODUS MEDIA INTERNATIONAL AND DRAGON SYSTEMS INC.\n\n" + "Clause.\n" * 800
    terms = terms_of(body + "IN WITNESS WHEREOF the parties have signed this Agreement.\n\n"
                     "John Dick, General Manager     19 Jan. 1998\n\nJanet Baker, President     12 Jan. 1998\n")
    assert terms.agreement_date is not None and terms.agreement_date.value == "1998-01-19"
    under = terms_of(body + "/s/ Geno Auriemma\n\n     5/17/12    GENO AURIEMMA\n\n     Date\n").agreement_date
    assert under is not None and under.value == "2012-05-17"  # the date above the signature's "Date" label


def test_a_month_left_without_its_day_is_completed_only_by_a_signature() -> None:
    head = 'This Co-Branding Agreement is entered into as of March ___, 1999. '
    assert terms_of(head + "Pre-launch deliverables on or around March 31, 1999.").agreement_date.value == "1999-03"
    signed = terms_of(head + "Pre-launch deliverables.\n\nDate: March 26, 1999")
    assert signed.agreement_date is not None and signed.agreement_date.value == "1999-03-26"


def test_a_year_left_alone_is_not_completed_by_a_cutoff_or_another_agreements_date() -> None:
    """A letter dated ", 2009" whose body counts deposits "as of September 30, 2009" and names "the letter
    agreement, dated June 9, 2009": neither is the day it was signed."""
    head = ("AGENCY AGREEMENT , 2009\n\nKeefe, Bruyette & Woods, Inc.\n\nLadies and Gentlemen:\n\n"
            "Athens Bancshares Corporation hereby confirms its agreement with the Agent. ")
    body = ("Depositors with Qualifying Deposits as of September 30, 2009 may subscribe. The Agent shall advise "
            "as set forth in the letter agreement, dated June 9, 2009, between the Bank and the Agent.")
    assert terms_of(head + body).agreement_date.value == "2009"


def test_the_amendment_dates_of_another_agreement_are_not_the_contracts() -> None:
    terms = terms_of("DEVELOPMENT AGREEMENT between LEO and GALEN. WHEREAS the agreement dated September 28, 1989 "
                     "between BMS and LEO, as amended July 6, 1992 and April 8, 1993, is in force.")
    assert terms.agreement_date is None


@pytest.mark.parametrize(("text", "value"), [
    ('This Development Agreement is entered into on April 15 , 2010 ("EffectiveDate") by and between A and B.',
     "2010-04-15"),
    ('1.9. "EFFECTIVE DATE" means 12:01 a.m. Eastern Standard Time on March 3, 2003.', "2003-03-03"),
    ("Signed and effective this 25th day of May, 1999.", "1999-05-25"),
    ("The term of this Agreement shall commence upon April 1, 1999 and shall continue for six (6) months.",
     "1999-04-01"),
])
def test_effective_dates_in_more_wordings(text: str, value: str) -> None:
    terms = terms_of(text)
    assert terms.effective_date is not None and terms.effective_date.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("This Agreement shall be effective through and including March 31, 2004.", "2004-03-31"),
    ("This Agreement shall be in effect until March 18. 2021, unless sooner terminated.", "2021-03-18"),
    ("The term of this Agreement will begin on December 15, 1997 and will end the later of (i) December 15, "
     "1999 or (ii) Excite's delivery of all the guaranteed click-throughs.", "1999-12-15"),
    ("This agreement will be in effect until the end of 2006 and will be evaluated at that time.", "2006-12-31"),
    ('"Term" means the period from the Effective Date to 31 July 2013.', "2013-07-31"),
])
def test_an_end_date_in_more_wordings(text: str, value: str) -> None:
    terms = terms_of(text)
    assert terms.expiration_date is not None and terms.expiration_date.value == value


def test_the_end_of_the_current_calendar_year() -> None:
    terms = terms_of("This Affiliate Agreement is dated May 8, 2014. This agreement shall begin upon its execution "
                     "and shall remain in effect until the end of the current calendar year.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "2014-12-31"
    assert terms.expiration_date.rule == "the end of the calendar year the term starts in"


def test_anniversaries_in_words_and_split_ordinals() -> None:
    lightbridge = terms_of('"Effective Date" means August 16, 2012. This Agreement is effective on the Effective '
                           "Date and shah continue in effect until the earlier of (a) the fifth (5t h) anniversary "
                           "of the Effective Date, and (b) termination by either Party.")
    assert lightbridge.expiration_date is not None and lightbridge.expiration_date.value == "2017-08-16"
    neoforma = terms_of("This Co-Branding Agreement is made as of November 19, 1999. 10.6 VerticalNet may sell "
                        "renewals until 30 days after the then current term of such Advertising expires. "
                        "1.9 INITIAL TERM shall mean the Effective Date through the day prior to the second "
                        "anniversary of the Effective Date.")
    assert neoforma.expiration_date is not None and neoforma.expiration_date.value == "2001-11-19"


def test_a_term_defined_as_term_is_read_before_an_option_to_extend_it() -> None:
    terms = terms_of("This Co-Branding Agreement is made as of March 15, 2000. 1.20. Term shall mean the Effective "
                     "Date through June 15, 2001. 7.4 LeadersOnline shall have the option to extend the Term of this "
                     "Agreement for an additional 12 months.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "2001-06-15"


def test_a_term_counted_from_the_date_it_names_not_its_start() -> None:
    terms = terms_of("This Promotion Agreement is dated as of January 26, 1998. The term of this Agreement will "
                     "begin on February 1, 1998 and end on the first anniversary of the date of this Agreement.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "1999-01-26"


def test_a_full_stop_before_a_year_ends_no_sentence() -> None:
    low = lowered("This Agreement shall be in effect until March 18. 2021, unless sooner terminated. Next.")
    assert low[slice(*sentence_around(low, 5, 10))].endswith("unless sooner terminated.")


@pytest.mark.parametrize(("text", "expected"), [
    # a letter names its parties before the body's "by and between Consultant and Company"
    ('CONSULTING AGREEMENT\n\nDear Gianluca:\n\nKiromic, Inc, a Delaware corporation (the "Company"), is pleased to '
     'offer this Consulting Agreement (this "Agreement") to retain Gianluca Rotino ("Consultant") on the following '
     'terms:\n\n'
     "1. Services. Consultant will act as agreed from time to time by and between Consultant and Company.",
     ["Kiromic, Inc", "Gianluca Rotino"]),
    # companies joined by "and" before one short name
    ('This Services Agreement is made by and between [ * * * ] (the "Provider"), and TELCOSTAR PTE, LTD., a company '
     "organized under the laws of Singapore and Ability Computer & Software Industries Ltd, a company organized "
     'under the laws of the State of Israel (each and both of them "Recipient").',
     ["TELCOSTAR PTE, LTD.", "Ability Computer & Software Industries Ltd"]),
    # a company whose name begins with a number, and "(b)" lettered parties
    ('This License is made by and between SFG Financial Corp, a Delaware Corporation ("Licensor"), and 551 FX IB '
     'Associates, LLC a Delaware Limited Liability Company ("Licensee").',
     ["SFG Financial Corp", "551 FX IB Associates, LLC"]),
    ('This Agreement is made by and among (a) Skype Communications, S.A. ("Skype"), a company incorporated in '
     'Luxembourg, (b) Skype Technologies, S.A. ("Skype Holding"), a company incorporated in Luxembourg.',
     ["Skype Communications, S.A.", "Skype Technologies, S.A."]),
    # a firm's comma-joined names, and a party listed after a comma with its description
    ('Ladies and Gentlemen:\n\nBlue Hills Bancorp, Inc. (the "Holding Company"), a newly formed Maryland '
     'corporation, Hyde Park Bancorp, MHC, a Massachusetts mutual holding company (the "MHC"), hereby confirm their '
     'agreement with Keefe, Bruyette & Woods, Inc. (the "Agent") as follows:',
     ["Blue Hills Bancorp, Inc.", "Hyde Park Bancorp, MHC", "Keefe, Bruyette & Woods, Inc."]),
    # numbered parties of an English agreement, with unquoted short names
    ("This Agreement is made on 1 October 2019\n\nBETWEEN: (1) WPP 2005 LIMITED (registered number 01003653) whose "
     "registered office is at Sea Containers, London (the Company) (2) JOHN ROGERS (the Executive).",
     ["WPP 2005 LIMITED", "JOHN ROGERS"]),
    ("This AGREEMENT is made the 20 March day of 1998\n BETWEEN\n 1. HealthGate Data Corp., a Delaware corporation "
     '("HealthGate"), having an address at 380 Pleasant Street\n AND\n 2. Blackwell Science Limited a company '
     'registered in England ("Blackwell")\n WHEREAS:', ["HealthGate Data Corp.", "Blackwell Science Limited"]),
    # names a cover page sets out
    ("SERVICING AGREEMENT\n\namong\n\nVERIZON OWNER TRUST 2020-A, as Issuer,\n\nVERIZON ABS LLC, as Depositor\n\nand"
     "\n\nCELLCO PARTNERSHIP d/b/a VERIZON WIRELESS, as Servicer\n\nDated as of January 29, 2020\n\n",
     ["VERIZON OWNER TRUST 2020-A", "VERIZON ABS LLC", "CELLCO PARTNERSHIP d/b/a VERIZON WIRELESS"]),
    ("JOINT VENTURE AGREEMENT\n\nby and among\n\nAizu Fujitsu Semiconductor Limited\n\nFujitsu Semiconductor "
     "Limited\n\nand\n\nTransphorm, Inc.\n\nDate\n\nMay 23, 2017\n\n",
     ["Aizu Fujitsu Semiconductor Limited", "Fujitsu Semiconductor Limited", "Transphorm, Inc."]),
    ("STRATEGIC ALLIANCE AGREEMENT dated as of August 26, 2015 among Sucampo Pharmaceuticals, Inc., Sucampo "
     "Pharma, LLC. and R-Tech Ueno, Ltd.\n\n",
     ["Sucampo Pharmaceuticals, Inc.", "Sucampo Pharma, LLC.", "R-Tech Ueno, Ltd."]),
    ("HOSTING AGREEMENT\n\nBETWEEN\n\nT-MOBILE NETHERLANDS B.V.\n\n&\n\nElephant Talk Communication Holding AG\n\n"
     "Hosting Agreement between ELEPHANT TALK and T-Mobile Netherlands B.V. ...",
     ["T-MOBILE NETHERLANDS B.V.", "Elephant Talk Communication Holding AG"]),
    # a form's labels, a PDF's underline, camel case and a comma after "and"
    ("TECHNICAL MAINTENANCE AGREEMENT\n\nBetween\n\nClient Name:        MEDICAL MANAGER MIDWEST, INC.\n\nAnd\n\n"
     "Customer Name:        MTS, INC.\n\n", ["MEDICAL MANAGER MIDWEST, INC.", "MTS, INC."]),
    ('This Agreement is made between iShip.com, Inc., a Washington corporation (the "Company"), and Mail   '
     '------- Boxes Etc. USA, Inc., a California corporation ("MBE").', ["iShip.com, Inc.", "Mail Boxes Etc. USA, Inc."]),
    ('This Agreement is made by and between eFashion Solutions, LLC, a New Jersey limited liability company ("EFS") '
     'and, Playboy.com, Inc., a Delaware corporation ("Client").', ["eFashion Solutions, LLC", "Playboy.com, Inc."]),
])
def test_parties_listed_numbered_and_labelled(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_between_the_parties_names_none_and_a_legend_is_no_party() -> None:
    text = ('IN ACCORDANCE WITH ITEM 601(b), CERTAIN IDENTIFIED INFORMATION (THE "CONFIDENTIAL INFORMATION") HAS '
            'BEEN EXCLUDED.\n\nTHIS ADDENDUM ("Addendum") is made on the 4th day of February 2019 between Zebra '
            'Technologies International, LLC ("Zebra") and ScanSource, Inc. ("ScanSource"). The relationship '
            "between the Parties is set out below.")
    assert names(text) == ["Zebra Technologies International, LLC", "ScanSource, Inc."]


@pytest.mark.parametrize(("text", "expected"), [
    # short names in single quotes, and a translation's unquoted "Party A"
    ("This Joint Venture Agreement is made BETWEEN IMPCO Technologies Inc., a company incorporated under the laws "
     "of Delaware (hereinafter referred to as 'IMPCO', which term shall include its successors), AND MINDA "
     "INDUSTRIES LIMITED, a company incorporated under the Companies Act (hereinafter referred to as 'MIL').",
     ["IMPCO Technologies Inc.", "MINDA INDUSTRIES LIMITED"]),
    ("Outsourcing Contract on Development of the Hotel   The Covenanter: The HUANG JIA Country CLUB and Recreation "
     "Inc. (hereinafter referred to as Party A) and the Covenanter: Chang Chen-Bin Architects Office (hereinafter "
     "referred to as Party B) hereby agree as follows:",
     ["The HUANG JIA Country CLUB and Recreation Inc.", "Chang Chen-Bin Architects Office"]),
    # "between the following two parties" names none; the names follow the colon
    ('Program License Agreement between Phoenix Satellite Television Company Limited and Beijing Tianying Co., Ltd. '
     'November 24, 2009\n\nThis Program License Agreement ("Agreement") is entered into between the following two '
     'parties on November 24, 2009 in Beijing:     Phoenix Satellite Television Company Limited ("Party A"), a '
     'foreign enterprise     and     Beijing Tianying Co., Ltd. ("Party B"), a limited liability company',
     ["Phoenix Satellite Television Company Limited", "Beijing Tianying Co., Ltd."]),
    # a letter without paragraphs: the first party follows the salutation
    ('AGENCY AGREEMENT May 21, 2015 Tribute Pharmaceuticals Canada Inc. 151 Steeles Avenue East Dear Mr. Harris: '
     'The undersigned, Dundee Securities Ltd. (the "Lead Agent"), Kes 7 Capital Inc., and Bloom Burton & Co. Ltd. '
     '(collectively with the Lead Agent, the "Agents") understand that Tribute Pharmaceuticals Canada Inc. (the '
     '"Corporation") proposes to issue shares.',
     ["Dundee Securities Ltd.", "Kes 7 Capital Inc.", "Bloom Burton & Co. Ltd.", "Tribute Pharmaceuticals Canada Inc."]),
    # companies listed by commas before the "and" of the last one
    ('This Cooperation Agreement is entered into by and between e.l.f. Beauty, Inc., a Delaware corporation (the '
     '"Company"), and Marathon Partners Equity Management, LLC ("Marathon Partners"), Marathon Partners L.P., '
     'Marathon Partners LUX Fund, L.P., Cibelli Research & Management, LLC and Mario Cibelli (collectively, the '
     '"Marathon Parties").',
     ["e.l.f. Beauty, Inc.", "Marathon Partners Equity Management, LLC", "Marathon Partners L.P.",
      "Marathon Partners LUX Fund, L.P.", "Cibelli Research & Management, LLC", "Mario Cibelli"]),
    # but not a parent company, nor a place
    ('Ingram Micro, a California corporation ("Distributor") and NETGEAR, Inc. ("NETGEAR"), a wholly owned '
     'subsidiary of Bay Networks, Inc., and ACME Corp. ("ACME") agree as follows.',
     ["Ingram Micro", "NETGEAR, Inc.", "ACME Corp."]),
    ('This Agreement is made between Prudential Bank ("Bank"), a bank located in Philadelphia, Pennsylvania and '
     'Jeffrey Hanuscin ("Executive").', ["Prudential Bank", "Jeffrey Hanuscin"]),
])
def test_parties_quoted_singly_labelled_and_listed_by_commas(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a cover page's "(as Repairer)"
    ("GLOBAL MAINTENANCE AGREEMENT\n\nBetween\n\nAZUL LINHAS AEREAS BRASILEIRAS S/A (as Company)\n\nand\n\nAVIONS DE "
     "TRANSPORT REGIONAL, G.I.E. (as Repairer)\n\nMarch 9th, 2015\n\n",
     ["AZUL LINHAS AEREAS BRASILEIRAS S/A", "AVIONS DE TRANSPORT REGIONAL"]),
    # "wholly-owned" starts no name; a word in lower case inside a company's name
    ('This Agreement is entered into by and among Nuveen Credit Income Fund, a Massachusetts business trust (the '
     '"Fund"), Nuveen Fund Advisors, LLC, a registered investment adviser and wholly-owned subsidiary of Nuveen '
     'Investments, Inc. (the "Investment Adviser").', ["Nuveen Credit Income Fund", "Nuveen Fund Advisors, LLC"]),
    ('This Agreement is made by and between: KALLO Inc. With principal offices at Markham ("KALLO") AND Petro data '
     'Management Services Limited., With principal offices at Lagos ("PDMS")',
     ["KALLO Inc.", "Petro data Management Services Limited"]),
    # a term defined after the parties' sentence has ended is no party, nor is a sentence's first word
    ('Dear Ladies and Gentlemen: Bluerock Growth REIT, Inc., a Maryland corporation (the "Company"), agrees that it '
     'may sell through Compass Point Research & Trading, LLC, acting as agent (the "Agent"), shares as set forth '
     'below. Notwithstanding the foregoing, up to 400,000 shares (the "Offered Shares") may be sold.',
     ["Bluerock Growth REIT, Inc.", "Compass Point Research & Trading, LLC"]),
    ('Ladies and Gentlemen: ACME Inc. (the "Company") hereby appoints Beta LLC (the "Agent") to sell shares (the '
     '"Shares") at a price of $1 (the "Price") and In consideration of the Agent (the "Agents Fee") ...',
     ["ACME Inc.", "Beta LLC"]),
])
def test_parties_on_covers_in_lower_case_and_after_the_preamble(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the first recital names the parties; "of the" inside a name
    ('MOVADO GROUP, INC.\nENDORSEMENT AGREEMENT\n\nWHEREAS, Movado Group, Inc. (the "Company") and the Trustees of the '
     'Grinberg Family Trust (the "Trust") entered into a Policy Collateral Assignment And Split Dollar Agreement (the '
     '"Split Dollar Agreement"); and\n\nWHEREAS, the Policy is owned by the Trust (the "Policy");',
     ["Movado Group, Inc.", "Trustees of the Grinberg Family Trust"]),
    # a quote left open
    ('This Endorsement Agreement is made between ACME Inc. ("Agent"), Healthcare Distribution Specialists LLC '
     '("HDS"), a Delaware corporation, and Paul Silas ("Celebrity), an individual.',
     ["ACME Inc.", "Healthcare Distribution Specialists LLC", "Paul Silas"]),
])
def test_parties_in_a_recital_and_with_a_quote_left_open(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_a_party_named_by_an_earlier_short_name_is_the_company_defined() -> None:
    text = ('American Champion Media, Inc. ("ACM"), a Delaware company, is the host of the Event. This Sponsorship '
            'Agreement is made by and between Shun Li De Commerce & Trading Ltd ("SLD") a Beijing company, and ACM.')
    assert names(text) == ["Shun Li De Commerce & Trading Ltd", "American Champion Media, Inc."]
    # not a place, nor the document
    text = ('KNOW ALL MEN BY THESE PRESENTS, that FEDERATED COMPANY, a trust organized under the laws of the State of '
            'Delaware (the "Adviser"), appoints FASC (the "Agent") under the Services Agreement (the "Agreement") '
            'dated as of January 1, 2004 between the Adviser and FASC.')
    assert "State of Delaware" not in names(text)


def test_a_plc_in_lower_case_and_no_party_in_a_registration_note() -> None:
    text = ('This Agreement is made by and between Information System Associates, Inc., a Florida Corporation ("ISA") '
            'and Rubicon Software Group plc, a company registered under the laws of England and Wales (Registered '
            'Company No. 5701810) whose registered office is Rubicon House ("Rubicon").')
    assert names(text) == ["Information System Associates, Inc.", "Rubicon Software Group plc"]


def test_companies_listed_by_commas_each_with_its_description() -> None:
    text = ('This Cooperation Agreement is entered into by and between Spok Holdings, Inc., a Delaware corporation (the '
            '"Company"), and White Hat Strategic Partners LP, a Delaware limited partnership, White Hat SP GP LLC, a '
            'Delaware limited liability company, and White Hat Capital Partners GP LLC, a Delaware limited liability '
            'company (collectively, the "White Hat Parties").')
    assert names(text) == ["Spok Holdings, Inc.", "White Hat Strategic Partners LP", "White Hat SP GP LLC",
                           "White Hat Capital Partners GP LLC"]
    # a firm's comma is no list
    text = ('This Agreement is made between Mutual Insurance Corporation, a Nevada corporation, and Stratton, Cheeseman '
            '& Walsh-Nevada, Inc., a Nevada corporation (together, the "Agents").')
    assert "Cheeseman & Walsh-Nevada, Inc." not in names(text)



def test_the_document_an_instruction_or_an_adverb_is_no_party() -> None:
    # the sentence after the preamble opens with an adverb that also defines a term: no party "Pursuant"
    text = ('This Promotion Agreement (the "Agreement") is dated as of January 26, 1998 between Acme Net, Inc. ("Acme") '
            'and Outpost Retail, Inc. (the "Company"). Pursuant to this Agreement, Acme will provide links '
            '(collectively, the "Promotions") to the Company.')
    assert names(text) == ["Acme Net, Inc.", "Outpost Retail, Inc."]
    # the document, named by its own defined name, is no party
    text = ('This Form of Sub-Reseller Agreement (this "Sub-Reseller Agreement") is made and entered in by and between '
            'Cloudco, inc., a Delaware corporation having its principal place of business at 1 Market Street ("CDC" or '
            '"Cloudco") and the Reseller named above and amends that certain Reseller Agreement between Cloudco and '
            'Reseller dated as of August 1, 2015 (the "Agreement"). This Sub-Reseller Agreement is effective as of the '
            'later of the dates below ("Sub-Reseller Effective Date"), provided that the dates differ.')
    assert names(text) == ["Cloudco, inc."]
    # a click-through's instruction in capitals, and its sentence about the agreement, are no parties
    text = ('IMPORTANT: PLEASE READ THIS SOFTWARE LICENSE AGREEMENT CAREFULLY.\n\nBY DOWNLOADING OR INSTALLING THE '
            'SOFTWARE, YOU OR THE ENTITY YOU REPRESENT ("CUSTOMER") AGREE TO BE BOUND BY THIS AGREEMENT. Software '
            'License Agreement. Routers Systems, Inc. or its subsidiary licensing the Software ("Routers") grants to '
            'Customer a license.')
    assert not [n for n in names(text) if n.startswith(("BY DOWNLOADING", "AGREE TO BE BOUND"))]


def test_a_short_name_after_two_companies_is_the_last_ones_unless_they_share_it() -> None:
    def short_names(text: str) -> list[tuple[str, str | None]]:
        return [(name_of(text, h), h.short_name) for h in find_parties(text)]

    text = ('This Agreement is made between Acme Insurance Corporation, a Michigan corporation and Stratton & Walsh, '
            'Inc., a Nevada corporation, ("Agency") agree as follows:')
    assert short_names(text) == [("Acme Insurance Corporation", None), ("Stratton & Walsh, Inc.", "Agency")]
    text = ('BETWEEN: Lendco.com, inc of 512 Bayshore Drive, Fort Lauderdale, and JVLS, LLC of 4060 Johns Creek Parkway '
            '(individually the "Member" and collectively the "Members").')
    assert short_names(text) == [("Lendco.com, inc", "Member"), ("JVLS, LLC", "Member")]


@pytest.mark.parametrize(("written", "name"), [
    ("Franchisee.", "Franchisee"),  # a name that closes its sentence: the full stop is the sentence's
    ("Torvec Inc..", "Torvec Inc."),
    ("Acme Corp.", "Acme Corp."),  # a company's own abbreviations stay
    ("Smith Bros.", "Smith Bros."),
    ("Inland Grain Society Limited.", "Inland Grain Society Limited"),  # a word written out whole has no dot of its own
    ("ACME TRADING COMPANY.", "ACME TRADING COMPANY"),
    ("VESA EQUITY INVESTMENT S.À R.L.", "VESA EQUITY INVESTMENT S.À R.L."),
    ("Mail ------- Boxes Etc. USA, Inc.", "Mail Boxes Etc. USA, Inc."),
])
def test_a_name_as_shown_drops_its_sentences_full_stop_only(written: str, name: str) -> None:
    text = f"signed by {written}"
    assert name_of(text, PartyHit(text.index(written), len(text), None)) == name


def test_a_short_name_is_resolved_across_the_description_of_the_company_it_defines() -> None:
    text = ('KNOW ALL PERSONS BY THESE PRESENTS, that NORTHWIND HOLDING COMPANY, a statutory trust organized under the '
            'laws of the State of Ohio (the "Principal"), appoints BLUEFIN SERVICES COMPANY, a statutory trust '
            'organized under the laws of the State of Ohio ("Bluefin"), to act as its agent under the Services '
            'Agreement dated as of March 1, 2010 between the Principal and Bluefin.')
    assert names(text) == ["NORTHWIND HOLDING COMPANY", "BLUEFIN SERVICES COMPANY"]
    # another company's definition between the name and the short name: not resolved across it
    text = ('Harbor Tools Inc., a Delaware corporation ("Harbor"), and a buyer named in Schedule 1 (the "Buyer") '
            'have agreed terms. This Agreement is made between the Buyer and Harbor.')
    assert names(text) == ["Buyer", "Harbor Tools Inc."]


def test_parties_named_after_a_recital_word_that_follows_the_title() -> None:
    text = ('Exhibit 10.4\n\nMarketing, Distribution, and Supply Agreement {***} WHEREAS ORIONPHARM is a pharmaceutical '
            'company with offices at 12 Main Street, Boston, MA 02110 ("ORIONPHARM") and Delta Medical Trading Co. Ltd '
            'is a distributor with offices in Dubai ("DELTA"), each a "Party", and WHEREAS ORIONPHARM owns rights in '
            'the products;')
    assert names(text) == ["ORIONPHARM", "Delta Medical Trading Co. Ltd"]


def test_a_footnote_number_after_a_party_does_not_hide_the_next_one() -> None:
    text = ('This Agency Agreement is made by and between Maple Stores, Inc. and its affiliated debtors (collectively, '
            '"Merchant"),1 on the one hand, and a joint venture comprised of Harbor Retail, Inc. ("Harbor") and Summit '
            'Capital, LLC ("Summit" and together with Harbor, the "Agent"), on the other hand.')
    assert names(text) == ["Maple Stores, Inc.", "Harbor Retail, Inc.", "Summit Capital, LLC"]


@pytest.mark.parametrize(("text", "expected"), [
    # a sentence after the parties opens on a capitalised word that runs on in lower case: no party
    ('This Agreement is made by and between Acme Inc., a Delaware corporation ("Acme"), and Beta LLC ("Beta"). '
     'Reference is made to the Credit Facility dated March 3, 2019 (the "Credit Facility").',
     ["Acme Inc.", "Beta LLC"]),
    # a name inside a party's description, after "issued by", its definition not its own: no party
    ('This Agreement is made by and between Acme Inc. ("Acme") and Beta Trust Company, as trustee for the notes (the '
     '"Notes") issued by BTDS, on the other hand (the "Trustee").',
     ["Acme Inc.", "Beta Trust Company"]),
    # a jurisdiction ("the laws of"), though it is defined
    ('This Agreement is made by and between Acme Inc. ("Acme") and Beta LLC ("Beta"), a company incorporated under '
     'the laws of the People\'s Republic of China ("PRC").',
     ["Acme Inc.", "Beta LLC"]),
    # a price's unit ("per")
    ('Dear Mr. Harris: The undersigned, Acme Securities Ltd. (the "Agent"), understands that Beta Corp. (the "Corporation") proposes '
     'to sell 100 shares (the "Shares") at a price of $1.00 per Offered Share (the "Offering Price").',
     ["Acme Securities Ltd.", "Beta Corp."]),
])
def test_a_sentence_opener_or_a_description_s_object_is_no_party(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # after a preposition, but defined at once: CUAD names them parties
    ('This Agreement is made by and between Marine LLC ("Lender"), for services of Arnold Schwarzenegger ("Endorser"), '
     'and Fitness Publications, Inc. ("Fitness").',
     ["Marine LLC", "Arnold Schwarzenegger", "Fitness Publications, Inc."]),
    # a name of words that opens a sentence after the first party still is one
    ('This Agreement is made by and between Acme Inc. ("Acme"). Gamma Holdings is a party hereto (the "Agent").',
     ["Acme Inc.", "Gamma Holdings"]),
])
def test_a_party_after_a_preposition_or_a_full_stop_is_still_read(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_a_short_name_is_resolved_only_to_a_definition_in_the_head() -> None:
    """The ranker resolves its candidates from a long contract's tail: the definition is looked for where the
    parties are named, so a hostile upload's tail costs a bounded scan each."""
    defined = 'Omega Industries Inc. ("Omega") shall deliver. '
    for filler, name in ((0, "Omega Industries Inc."), (HEAD + SPAN, "Omega")):
        text = "x " * (filler // 2) + defined + "Signed for Omega"
        hit = resolved(text, PartyHit(len(text) - len("Omega"), len(text), None))
        assert name_of(text, hit) == name


def test_a_role_before_a_list_in_a_sentence_is_no_label() -> None:
    text = ("This Distributor Agreement is between Orbit Optics Inc., a New York corporation, and [*] ('Distributor'). "
            "1. Appointment. Orbit shall sell the following products to the Distributor: - ClearView Scanner Model 100")
    assert names(text) == ["Orbit Optics Inc."]
    # a label after a sentence's end still labels a party
    text = ("Cooperation Agreement on the Heat Power Project. Party A: Northwind Energy Co., Ltd. We build and operate "
            "plants. Party B: Eastfield Gas Supply Co., Ltd.\n")
    assert names(text) == ["Northwind Energy Co., Ltd.", "Eastfield Gas Supply Co., Ltd."]


def test_a_name_written_in_lower_case_runs_to_its_description() -> None:
    text = ('This Hosting Agreement is entered into by and between Harbor Foods Inc., a Florida corporation '
            '("Customer"), and e-zon digital, a Florida corporation ("e-zon").')
    assert names(text) == ["Harbor Foods Inc.", "e-zon digital"]
    # a lower-case brand that a sentence follows, not a description, keeps to its own word
    text = ('This Agreement is made between Harbor Foods Inc. ("Harbor") and e-zon ("Host"). e-zon hosts '
            'the site, and e-zon shall keep it running.')
    assert names(text) == ["Harbor Foods Inc.", "e-zon"]


SCHEDULED = ('This Cooperation Agreement is by and among the persons and entities listed on Schedule A (collectively, '
             'the "Redwood Group"), Tallis Motors, Inc. (the "Company") and Jane Doe ("Designee").\n\n'
             'WHEREAS, the Redwood Group owns shares of the Company.\n\n1. Board. The Board shall appoint the '
             'Designee.\n\nIN WITNESS WHEREOF, the parties have signed this Agreement.\n\nTallis Motors, Inc.\n\n'
             'By: /s/ Ann Lee Name: Ann Lee Title: Secretary\n\nRedwood Partners I, LLC By: /s/ Bo Chan Name: Bo Chan '
             'Title: Chief Operating Officer\n\nRedwood Master Fund, L.P. By: /s/ Bo Chan Name: Bo Chan Title: Chief '
             'Investment Officer Redwood Advisers LLC By: /s/ Bo Chan\n')


def test_parties_listed_on_a_schedule_are_those_that_sign() -> None:
    assert names(SCHEDULED) == ["Tallis Motors, Inc.", "Jane Doe", "Redwood Partners I, LLC",
                                "Redwood Master Fund, L.P."]  # not the words after a signer's "Title:"
    # a preamble that names every party leaves the signature blocks alone
    named = SCHEDULED.replace("the persons and entities listed on Schedule A", "Redwood Partners I, LLC")
    assert "Redwood Master Fund, L.P." not in names(named)


def test_a_click_throughs_opening_word_is_no_party() -> None:
    """"These terms govern ..." opens the sentence that names the company: "These" is no party."""
    text = ('WEBSITE AFFILIATE TERMS\n\nThese terms govern your participation in the Affiliate Program of ShopMart.com, '
            'Inc. ("ShopMart", "we" or "us"). By enrolling, you ("Affiliate") agree to these terms.')
    assert [p.name for p in terms_of(text).parties] == ["ShopMart.com, Inc."]
