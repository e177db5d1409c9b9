"""The key-terms extractor on contract wordings: each value, its grounding and its absence."""

from __future__ import annotations

import time

import pytest

from contracts.documents import Document
from contracts.key_terms import KeyTerms
from contracts.terms import extract_terms
from contracts.terms.dates import find_dates
from contracts.terms.durations import Period, parse_period, same_length
from contracts.terms.governing_law import resolve
from contracts.terms.sentences import lowered
from contracts.terms.term import shift


def terms_of(text: str) -> KeyTerms:
    return extract_terms(Document.from_text("contract.txt", text))


def grounded(document: Document, terms: KeyTerms) -> None:
    """Every quote stands at its offsets, on its page."""
    for field in type(terms).model_fields:
        value = getattr(terms, field)
        for item in value if isinstance(value, list) else [value] if value is not None else []:
            assert document.text[item.start:item.end] == item.quote, field
            assert item.page == document.page_of(item.start)


@pytest.mark.parametrize(("words", "value"), [
    ("June 23, 2015", "2015-06-23"),
    ("23 June 2015", "2015-06-23"),
    ("the 20th day of March, 2002", "2002-03-20"),
    ("the first day of July, 2017", "2017-07-01"),
    ("the 17t h day of February 2016", "2016-02-17"),  # PDF text splits the ordinal's suffix
    ("this 15 th day of July, 2010", "2010-07-15"),
    ("this 1st day of --- November, 2003", "2003-11-01"),
    ("this thirty-first day of March 1998", "1998-03-31"),
    ("27 day of January, A.D. 2004", "2004-01-27"),
    ("Sept. 5, 2001", "2001-09-05"),
    ("03/01/05", "2005-03-01"),
    ("31/01/2025", "2025-01-31"),
    ("2015-06-23", "2015-06-23"),
    ("this ____ day of March, 2002", "2002-03"),
    ("May __, 2019", "2019-05"),
    ("December , 2010", "2010-12"),
    ("February 31, 2020", None),
    ("the 30th day of February, 2001", None),
])
def test_dates_in_many_wordings_at_the_precision_given(words: str, value: str | None) -> None:
    text = f"Signed on {words} by the parties."
    hits = list(find_dates(lowered(text)))
    assert len(hits) == 1
    assert hits[0].value == value
    assert words.removeprefix("the ").removeprefix("this ") in text[hits[0].start:hits[0].end] or \
        text[hits[0].start:hits[0].end] in words


def test_a_blank_year_is_no_value() -> None:
    assert [h.value for h in find_dates(lowered("dated March 3, 20__"))] == [None]


@pytest.mark.parametrize(("words", "iso"), [
    ("thirty (30) days", "P30D"), ("ninety days", "P90D"), ("one hundred twenty (120) days", "P120D"),
    ("twelve (12) months", "P12M"), ("5 years", "P5Y"), ("two weeks", "P14D"), ("sixty (60) calendar days", "P60D"),
])
def test_durations_read_words_as_numbers(words: str, iso: str) -> None:
    period = parse_period(f"upon {words} notice")
    assert period is not None and period.iso == iso


def test_periods_of_the_same_length() -> None:
    assert same_length(Period(months=12), Period(years=1))
    assert not same_length(Period(days=30), Period(months=1))


def test_shift_keeps_the_precision_it_can() -> None:
    assert shift("2019-10-31", Period(years=5)) == "2024-10-31"
    assert shift("2020-05-31", Period(days=90), -1) == "2020-03-02"
    assert shift("2000", Period(years=10)) == "2010"
    assert shift("2000", Period(months=6)) is None
    assert shift("perpetual", Period(years=1)) is None


SUPPLY = (
    "MASTER SUPPLY AGREEMENT\n\n"
    "This Master Supply Agreement is made as of October 31, 2019 by and between Premier Nutrition Company, LLC, "
    "a Delaware limited liability company (\"Buyer\"), and Stremicks Heritage Foods, LLC (\"Seller\").\n\n"
    "1. Term. The term of this Agreement shall commence on the Effective Date and continue for five (5) years. "
    "Thereafter this Agreement shall automatically renew for successive one (1) year periods unless either party "
    "gives written notice of non-renewal at least ninety (90) days prior to the end of the then current term.\n\n"
    "12. Governing Law. This Agreement shall be governed by the laws of the State of New York, without regard "
    "to its conflict of laws principles.\n")


def test_a_supply_agreement_read_whole() -> None:
    document = Document.from_text("supply.txt", SUPPLY)
    terms = extract_terms(document)
    grounded(document, terms)
    assert terms.document_name is not None and terms.document_name.value == "MASTER SUPPLY AGREEMENT"
    assert [(p.name, p.short_name, p.role) for p in terms.parties] == [
        ("Premier Nutrition Company, LLC", "Buyer", "buyer"), ("Stremicks Heritage Foods, LLC", "Seller", "seller")]
    assert terms.agreement_date is not None and terms.agreement_date.value == "2019-10-31"
    assert terms.effective_date is not None and terms.effective_date.value == "2019-10-31"
    assert terms.effective_date.rule == "the agreement date"
    expiration = terms.expiration_date
    assert expiration is not None and expiration.value == "2024-10-31"
    assert expiration.rule == "5 years after the effective date"
    assert terms.renewal_term is not None and terms.renewal_term.value == "P1Y" and terms.renewal_term.automatic
    notice = terms.notice_period_to_terminate_renewal
    assert notice is not None and notice.value == "P90D" and notice.deadline == "2024-08-02"
    assert terms.governing_law is not None
    assert (terms.governing_law.value, terms.governing_law.country) == ("New York", "US")


def test_an_explicit_end_date_and_effective_date() -> None:
    terms = terms_of('This Agreement is entered into on March 3, 2010 and is effective as of April 1, 2010 '
                     '(the "Effective Date"). This Agreement shall continue until December 31, 2012, unless '
                     'terminated earlier.')
    assert terms.agreement_date is not None and terms.agreement_date.value == "2010-03-03"
    assert terms.effective_date is not None and terms.effective_date.value == "2010-04-01"
    assert terms.effective_date.rule is None
    assert terms.expiration_date is not None and terms.expiration_date.value == "2012-12-31"
    assert terms.expiration_date.rule is None


def test_an_anniversary_counts_years_from_the_effective_date() -> None:
    terms = terms_of('"Effective Date" means June 1, 2015. The term of this Agreement shall end on the third (3rd) '
                     'anniversary of the Effective Date.')
    assert terms.expiration_date is not None and terms.expiration_date.value == "2018-06-01"
    assert terms.expiration_date.rule == "3 years after the effective date"


def test_a_term_counted_from_a_date_the_contract_fixes_elsewhere_has_no_value() -> None:
    terms = terms_of("Dated January 5, 2001. The term of this Agreement shall continue for one (1) year following "
                     "the Launch Date.")
    assert terms.expiration_date is not None and terms.expiration_date.value is None
    assert terms.expiration_date.rule == "1 year after the launch date"


def test_perpetual() -> None:
    terms = terms_of("This Agreement shall commence on the date hereof and shall continue in full force and effect "
                     "until terminated by either party in accordance with Section 9.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "perpetual"


def test_an_optional_renewal_is_not_automatic() -> None:
    terms = terms_of("This Agreement may be renewed for additional two (2) year terms by mutual written agreement "
                     "of the parties.")
    assert terms.renewal_term is not None and terms.renewal_term.value == "P2Y"
    assert terms.renewal_term.automatic is False
    assert terms.notice_period_to_terminate_renewal is None


def test_year_to_year_renewal() -> None:
    terms = terms_of("Thereafter, this agreement will renew automatically from year to year unless cancelled by "
                     "either Party giving the other written notice a minimum of 60 days before the end of the term.")
    assert terms.renewal_term is not None and terms.renewal_term.value == "P1Y"
    assert terms.notice_period_to_terminate_renewal is not None
    assert terms.notice_period_to_terminate_renewal.value == "P60D"
    assert terms.notice_period_to_terminate_renewal.deadline is None  # no expiration date to count back from


@pytest.mark.parametrize(("clause", "value", "country"), [
    ("This Agreement shall be governed by the laws of England and Wales.", "England and Wales", "GB"),
    ("This Agreement shall be construed in accordance with English law.", "England", "GB"),
    ("This Contract shall be governed by the laws of the People's Republic of China.",
     "People's Republic of China", "CN"),
    ("This Agreement is governed by the laws of the PRC.", "People's Republic of China", "CN"),
    ("This Agreement shall be governed by the laws of the Province of  Ontario and the federal laws of Canada.",
     "Ontario", "CA"),
    ("The laws of the Commonwealth of Pennsylvania shall govern this Agreement.", "Pennsylvania", "US"),
    ("This Agreement shall be governed by the laws of Germany.", "Germany", "DE"),
])
def test_governing_law_as_a_lawyer_writes_it(clause: str, value: str, country: str) -> None:
    law = terms_of(clause).governing_law
    assert law is not None and (law.value, law.country) == (value, country)


def test_a_party_incorporated_under_a_law_is_not_the_governing_law() -> None:
    terms = terms_of("ACME Inc., a corporation organized under the laws of the State of Delaware (\"ACME\"). "
                     "This Agreement shall be governed by the laws of the State of California.")
    assert terms.governing_law is not None and terms.governing_law.value == "California"


def test_resolve_folds_a_state_and_its_country() -> None:
    assert [j.name for j in resolve("Ontario, Canada")] == ["Ontario"]
    assert [j.name for j in resolve("England; Wales")] == ["England", "Wales"]


def test_unreadable_dates_keep_their_words_and_the_other_terms() -> None:
    text = ("This Agreement is made on February 31, 2020 between Alpha Corp. (\"Alpha\") and Beta LLC (\"Beta\"). "
            "This Agreement shall be governed by the laws of the State of Texas.")
    document = Document.from_text("bad-dates.txt", text)
    terms = extract_terms(document)
    grounded(document, terms)
    assert terms.agreement_date is not None and terms.agreement_date.value is None
    assert terms.agreement_date.quote == "February 31, 2020"
    assert [p.name for p in terms.parties] == ["Alpha Corp.", "Beta LLC"]
    assert terms.governing_law is not None and terms.governing_law.value == "Texas"


def test_nothing_stated_is_null_never_a_guess() -> None:
    terms = terms_of("The quick brown fox jumps over the lazy dog. " * 50)
    assert terms == KeyTerms()


def test_pages_of_the_quotes() -> None:
    document = Document.from_pages("two-pages.pdf", [
        "SERVICES AGREEMENT\n\nThis Agreement is dated as of May 4, 2011.",
        "This Agreement shall be governed by the laws of the State of Ohio."], source_type="pdf", sha256="0" * 64)
    terms = extract_terms(document)
    grounded(document, terms)
    assert terms.agreement_date is not None and terms.agreement_date.page == 1
    assert terms.governing_law is not None and terms.governing_law.page == 2


@pytest.mark.parametrize("unit", [
    "term of this Agreement ", "1/", "(\"", "renew 99999 ", "governed by the laws of ", "_", "June 1, 2001 ",
    "AND\n", "Source: ACME INC., 8-K, 1/2/2020 ", "agreement dated as of the ", "ACME HOLDINGS L.P. ", "Inc. ",
    "will begin on ", "day of --- ", "JOINT FILING AGREEMENT IN WITNESS WHEREOF ACME HOLDINGS L.P. By: ",
])
def test_time_grows_linearly_on_pathological_text(unit: str) -> None:
    """Eight times the text (both well past the head the preamble is read from) costs about eight times the
    time, never the square (64 times): under 24 times, a margin for a shared machine's bursts of load."""
    def seconds(text: str) -> float:
        document = Document.from_text("x.txt", text)
        started = time.perf_counter()
        extract_terms(document)
        return time.perf_counter() - started

    base = unit * (25_000 // len(unit))
    seconds(base[:1000])
    small, large = min(seconds(base) for _ in range(3)), min(seconds(base * 8) for _ in range(3))
    assert large < max(small, 0.005) * 24


def test_parties_set_out_under_labels() -> None:
    text = ("COOPERATION AGREEMENT\nParty A: Xi'an Zhonghong New Energy Technology Co., Ltd. Legal Representative: Ku\n"
            "Party B: Shenzhen iDreamSky Technology Co., Ltd. Address: 7F, EVOC Building\n\n"
            "1. Party A is responsible for the investment.")
    document = Document.from_text("labels.txt", text)
    terms = extract_terms(document)
    grounded(document, terms)
    assert [(p.name, p.short_name) for p in terms.parties] == [
        ("Xi'an Zhonghong New Energy Technology Co., Ltd.", "Party A"),
        ("Shenzhen iDreamSky Technology Co., Ltd.", "Party B")]


def test_an_address_after_the_company_is_not_its_name() -> None:
    terms = terms_of('This Agreement is made between Tigrent Learning UK Limited of Boston House, London ("Tigrent") '
                     'and Robbie Fowler ("Speaker").')
    assert [p.name for p in terms.parties] == ["Tigrent Learning UK Limited", "Robbie Fowler"]


FILLER = "The Supplier shall deliver the Products in good order. " * 100


def test_the_agreement_date_is_its_own_not_a_recited_agreements() -> None:
    terms = terms_of('This First Amendment is made and entered into as of the 1st day of January, 1999, by and between '
                     'Peregrine Inc. ("Licensor") and Neon Systems, Inc. ("Licensee"). Licensor and Licensee are '
                     'parties to that certain Distributor Agreement dated as of January 1, 1996.')
    assert terms.agreement_date is not None and terms.agreement_date.value == "1999-01-01"


def test_a_filing_footer_and_a_recited_date_give_way_to_the_later_signature() -> None:
    text = ("Source: ACME INC., 8-K, 9/18/2006\n\nThis Agreement supplements the Master Agreement dated March 1, 2001 "
            "between the parties. " + FILLER + "IN WITNESS WHEREOF the parties sign below. By: /s/ A. Smith "
            "Date: 1/26/2020 By: /s/ B. Jones Date: 1/27/2020\n\nSource: ACME INC., 8-K, 2/5/2020")
    document = Document.from_text("signed.txt", text)
    terms = extract_terms(document)
    grounded(document, terms)
    assert terms.agreement_date is not None and terms.agreement_date.value == "2020-01-27"


@pytest.mark.parametrize(("text", "value"), [
    ("OUTSOURCING AGREEMENT\n\nEFFECTIVE DATE\n\n   June 1, 1998\n\nThe parties agree as follows.", "1998-06-01"),
    ("4. Term. The term of this Agreement (the \"Term\") will begin on February 1, 1998 and end on the first "
     "anniversary of the launch.", "1998-02-01"),
    ("13.1 This Agreement shall come into force as of January 1, 2013 and remain valid for 1 year.", "2013-01-01"),
])
def test_effective_date_from_a_form_or_the_terms_start(text: str, value: str) -> None:
    terms = terms_of("This Agreement is made as of May 5, 1997.\n\n" + text)  # the agreement date is not the start
    assert terms.effective_date is not None and terms.effective_date.value == value


def test_a_term_counted_from_the_date_of_the_agreement() -> None:
    terms = terms_of("This Consulting Agreement is made as of March 1, 2020. The term of this Agreement shall be "
                     "twelve (12) months from the date of the Agreement.")
    assert terms.expiration_date is not None and terms.expiration_date.value == "2021-03-01"


@pytest.mark.parametrize(("text", "names"), [
    ("COLLABORATION AGREEMENT\n\nBY AND BETWEEN\n\nASTELLAS PHARMA INC.\n\nAND\n\nFIBROGEN, INC.\n\n"
     "Dated as of June 1, 2005\n\nTABLE OF CONTENTS", ["ASTELLAS PHARMA INC.", "FIBROGEN, INC."]),
    ('This Agreement is entered into by and between ACCURAY INCORPORATED, a Delaware corporation ("Accuray"), and '
     'SIEMENS AKTIENGESELLSCHAFT, a corporation with its registered offices located at Berlin and Munich ("Siemens").',
     ["ACCURAY INCORPORATED", "SIEMENS AKTIENGESELLSCHAFT"]),
    ('This Consulting Agreement (the "Agreement"), made this 27th day of March, 2017 is entered into by '
     'Immunotolerance, Inc., a Delaware corporation (the "Company"), and Alan Crane, an individual (the "Consultant").',
     ["Immunotolerance, Inc.", "Alan Crane"]),
    ('This agreement is effective 7/1/98 ("Effective Date") between Tripath Technology, Inc. ("Tripath"), and\n\n'
     'Uniquest Corporation 780 Montague Expressway Suite 406\n\nTripath and Distributor intend to establish a '
     'distributorship.', ["Tripath Technology, Inc.", "Uniquest Corporation"]),
    ('BETWEEN:\n\nEMERALD HEALTH NATURALS, INC., a company having its office at 7860 Venture Street\n\n("Emerald")'
     '\n\nAND:\n\nDR. GAETANO MORELLO N.D. INC., Businessperson, having an office at Vancouver\n\n'
     '(the "Contractor")\n\nWITNESSES THAT', ["EMERALD HEALTH NATURALS, INC.", "DR. GAETANO MORELLO N.D. INC."]),
    ('This Agreement is made effective March 22, 2018, by and between Freeze Tag Inc., a Delaware Corporation '
     '("Company"), with its principal place of business at 1720 Bray Central Drive, McKinney, TX 75069 and the '
     'American Diabetes Association, Inc. ("Association"), an Ohio not-for-profit corporation.',
     ["Freeze Tag Inc.", "American Diabetes Association, Inc."]),
    ("Road Transportation Agreement   Party A (Shipper): ZTO Express Co., Ltd.\nParty B (Carrier): Tonglu Tongze "
     "Logistics Ltd.\n\nDue to the need for logistics business, Party A engages Party B.",
     ["ZTO Express Co., Ltd.", "Tonglu Tongze Logistics Ltd."]),
])
def test_parties_in_more_preamble_wordings(text: str, names: list[str]) -> None:
    document = Document.from_text("preamble.txt", text)
    terms = extract_terms(document)
    grounded(document, terms)
    assert [p.name for p in terms.parties] == names


def test_a_joint_filing_agreements_parties_are_its_signatories() -> None:
    text = ("Exhibit 99.1 JOINT FILING AGREEMENT The undersigned hereby agree that the Schedule 13G is filed on behalf "
            "of each of us. IN WITNESS WHEREOF, the undersigned execute this Agreement this 14th day of February 2020. "
            "CLARUS IV-A, L.P. By: Clarus IV GP, L.P., its general partner\n\nBy: /s/ John G. Finley Name: John G. "
            "Finley Title: Chief Legal Officer\n\nUBS ONCOLOGY IMPACT FUND L.P. ONCOLOGY IMPACT FUND (CAYMAN) "
            "MANAGEMENT L.P. By: MPM Oncology Impact Management LP, its General Partner\n\nSTEPHEN A. SCHWARZMAN\n"
            "/s/ Stephen A. Schwarzman")
    document = Document.from_text("13g.txt", text)
    terms = extract_terms(document)
    grounded(document, terms)
    assert [p.name for p in terms.parties] == ["CLARUS IV-A, L.P.", "UBS ONCOLOGY IMPACT FUND L.P.",
                                               "ONCOLOGY IMPACT FUND (CAYMAN) MANAGEMENT L.P.", "STEPHEN A. SCHWARZMAN"]


def test_a_period_before_renewal_for_something_else_is_no_notice_to_stop_it() -> None:
    # NETZEE's maintenance agreement: the 60 days are the supplier's notice of a price change, and renewal is the
    # customer's option; there is no notice that stops a renewal (and so no deadline in the calendar)
    terms = terms_of("The maintenance is for a period of one (1) year commencing March 1, 2001. Following the "
                     "completion of such maintenance term, the Bank may, at its option, renew maintenance for "
                     "subsequent periods of one (1) year each, subject to adjustments proposed by the Supplier not to "
                     "exceed 5% at least sixty (60) days in advance of the applicable renewal date.")
    assert terms.renewal_term is not None and terms.renewal_term.value == "P1Y"
    assert terms.notice_period_to_terminate_renewal is None


@pytest.mark.parametrize("notice", [
    "You have given us written notice of your desire to renew at least six (6) months prior to the end of the term.",
    "You shall give the Franchisor notice in writing of Your election to renew this Agreement at least 3 months prior "
    "to the expiration of the then-current term.",
])
def test_a_notice_that_asks_for_a_renewal_stops_none(notice: str) -> None:
    # BUFFALO WILD WINGS' and AIRTECH's franchises: the franchisee renews by election, with notice; no notice stops a
    # renewal, so no deadline goes to the calendar
    terms = terms_of("The term of this Agreement is for ten (10) years commencing on January 1, 1998. You have the "
                     f"right to renew the franchise for two (2) successive terms of five (5) years each, provided {notice}")
    assert terms.renewal_term is not None and terms.renewal_term.value == "P5Y"
    assert terms.notice_period_to_terminate_renewal is None


def test_a_notice_not_to_renew_still_stops_one() -> None:
    terms = terms_of("The term of this Agreement is one (1) year from January 1, 2020 and shall renew automatically "
                     "for successive one (1) year terms unless either party gives notice of its intention not to renew "
                     "at least sixty (60) days prior to the end of the then-current term.")
    assert terms.notice_period_to_terminate_renewal is not None
    assert terms.notice_period_to_terminate_renewal.value == "P60D"


@pytest.mark.parametrize(("words", "value"), [
    ('"Term" means: 1st January 2013 to 31st December 2013 or until terminated under this Agreement.', "2013-12-31"),
    # LEGACY EDUCATION's endorsement agreement as scanned: the days unread, the month still the term's end
    ('"Term" means: 1.5t January 2013 to 315t December 2013 or until terminated under this Agreement.', "2013-12"),
])
def test_a_term_stated_as_a_range_ends_at_its_second_date(words: str, value: str) -> None:
    terms = terms_of(f"This Endorsement Agreement is made on 2 January 2013. {words}")
    assert terms.expiration_date is not None and terms.expiration_date.value == value


def test_a_range_of_another_period_is_not_the_terms_end() -> None:
    terms = terms_of("This Agreement is made on 2 January 2003. Either party may terminate this Agreement if the "
                     "turnover in the U.S. during the period 1 July 2004 - 30 June 2005 is less than US$50,000,000.")
    assert terms.expiration_date is None or terms.expiration_date.value != "2005-06-30"
