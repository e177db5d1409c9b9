"""Key terms scored against CUAD's normalised answers: each field's matching rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.documents import Document
from contracts.findings import AnalysisResult, AnalyzerInfo
from contracts.key_terms import (
    DateTerm,
    ExpirationTerm,
    GoverningLawTerm,
    KeyTerms,
    NoticePeriodTerm,
    Party,
    RenewalTerm,
)
from eval.gold import GoldSpan, cuad_answers
from eval.term_scores import answer_date, answer_parties, answer_period, field_match, score_terms

G = {"quote": "x", "start": 0, "end": 1}


@pytest.mark.parametrize(("answer", "iso"), [
    ("6/21/1999", "1999-06-21"), ("[]/[]/2004", "2004"), ("07/[]/2033", "2033-07"), ("31/01/2025", "2025-01-31"),
    ("3/1/05", "2005-03-01"), ("[]/[]/[]", None), ("[]/[]/20[]", None), ("", None),
    ("09/14/200[]", None),  # a year left partly blank is no year (it was read as 2020)
    ("12/21/1935", "2035-12-21"), ("9/1/1945", "2045-09-01"),  # the sheet's two-digit years of 2030-2049
    ("12/31/1950", "1950-12-31"),
])
def test_cuad_dates_at_their_precision(answer: str, iso: str | None) -> None:
    assert answer_date(answer) == iso


def test_periods_and_parties_of_answers() -> None:
    assert answer_period("successive 1 year").iso == "P1Y"
    assert answer_period("60) days").iso == "P60D"
    assert answer_period("perpetual") is None
    assert answer_parties('I-ESCROW, INC.  ("i-Escrow" ); 2THEMART.COM, INC. ("2TheMart")') == [
        "i escrow inc", "2themart com inc"]
    assert answer_parties('Xencor, Inc. ("Xencor"); (the "Parties" or "Joint Venturers" if referred to '
                          'collectively)') == ["xencor inc"]


def test_each_fields_rule() -> None:
    terms = KeyTerms(
        parties=[Party(name="Premier Nutrition Company, LLC", **G), Party(name="Widget Ltd", **G)],
        agreement_date=DateTerm(value="2004", **G), effective_date=DateTerm(value="2019-10-31", **G),
        expiration_date=ExpirationTerm(value="perpetual", **G), renewal_term=RenewalTerm(value="P12M", **G),
        notice_period_to_terminate_renewal=NoticePeriodTerm(value="P90D", **G),
        governing_law=GoverningLawTerm(value="England and Wales", country="GB", **G))
    assert field_match("agreement_date", terms, "[]/[]/2004") == 1.0
    assert field_match("agreement_date", terms, "6/1/2004") == 0.0  # precision differs
    assert field_match("effective_date", terms, "10/31/2019") == 1.0
    assert field_match("expiration_date", terms, "Perpetual") == 1.0
    assert field_match("expiration_date", terms, "[]/[]/[]") is None
    assert field_match("renewal_term", terms, "successive 1 year") == 1.0
    assert field_match("notice_period_to_terminate_renewal", terms, "3 months") == 0.0
    assert field_match("governing_law", terms, "England; Wales") == 1.0
    assert field_match("governing_law", terms, "England") == 0.0
    assert field_match("governing_law", terms, "THE STATE IN WHICH THE RESTAURANT IS LOCATED") is None
    assert field_match("parties", terms, 'PREMIER NUTRITION COMPANY LLC ("Buyer"); Other Co ("Seller")') == 0.5
    assert field_match("parties", KeyTerms(), "Acme Inc") == 0.0


def test_score_terms_counts_contracts_with_a_readable_answer_and_spans_under_cuads_rule() -> None:
    text = "This Agreement shall be governed by the laws of the State of New York."
    document = Document.from_text("a.txt", text)
    law = GoverningLawTerm(value="New York", country="US", quote=text, start=0, end=len(text))
    result = AnalysisResult(document=document.info, analyzer=AnalyzerInfo(name="t", version="0"), findings=[],
                            terms=KeyTerms(governing_law=law))
    gold = [GoldSpan("Governing Law", text, 0, len(text))]
    scores = score_terms([("a.txt", result, gold), ("b.txt", None, [])],
                         {"a.txt": {"Governing Law": "New York"}, "b.txt": {"Governing Law": "Delaware",
                                                                            "Expiration Date": "[]/[]/[]"}})
    law_row = scores["fields"]["governing_law"]
    assert (law_row["contracts"], law_row["accuracy"]) == (2, 0.5)
    # b.txt has no value: a miss for the match rate, not counted in precision
    assert (law_row["given"], law_row["precision"]) == (1, 1.0)
    assert scores["fields"]["expiration_date"] == {"contracts": 0, "unreadable": 1, "accuracy": None, "given": 0,
                                                   "precision": None}
    assert scores["spans"]["per_category"]["Governing Law"]["tp"] == 1


def test_cuad_answers_are_read_from_master_clauses(cuad_dir: Path) -> None:
    answers = cuad_answers(cuad_dir)
    assert len(answers) >= 400
    first = answers["2ThemartComInc_19990826_10-12G_EX-10.10_6700288_EX-10.10_Co-Branding Agreement_ Agency Agreement.txt"]
    assert first["Governing Law"] == "California" and first["Agreement Date"] == "6/21/1999"


def test_same_party_allows_a_tail_but_not_a_different_name() -> None:
    from eval.term_scores import same_party

    assert same_party("imrs operations inc", "imrs operations inc d b a imrs inc")
    assert same_party("aduro biotech inc", "aduro biotech inc")
    assert not same_party("acme", "acme holdings")  # too short to trust a prefix
    assert not same_party("glu mobile inc", "fox mobile entertainment inc")


@pytest.mark.parametrize("answer", [
    'Howmedica Osteonics Corp. ("Stryker"); Conformis, Inc. ("Conformis"); Stryker and Conformis (“Parties” and '
    'individually as a “Party.”)',
    'Howmedica Osteonics Corp. ("Stryker"); Conformis, Inc. ("Conformis"); Stryker, Conformis (collectively, the '
    '"Parties")',
    'Howmedica Osteonics Corp. ("Stryker"); Conformis, Inc. ("Conformis"); "Stryker" and together with "Conformis" '
    '("Parties")',
])
def test_a_piece_that_names_the_parties_together_is_no_party(answer: str) -> None:
    assert answer_parties(answer) == ["howmedica osteonics corp", "conformis inc"]


def test_a_party_defined_as_a_party_is_still_a_party() -> None:
    assert answer_parties('e.l.f. Beauty, Inc. ("Company", "Party"); Marathon Partners Equity Management, LLC '
                          '("Marathon Partners", "Party", collectively with Marathon Partners L.P.)') == [
        "e l f beauty inc", "marathon partners equity management llc"]
    assert answer_parties('Marine MP, LLC (“Lender”); Lender, Endorser and Fitness (“AS Parties”)') == ["marine mp llc"]


def test_our_names_lose_their_parentheses_as_cuads_do() -> None:
    terms = KeyTerms(parties=[Party(name="GALEN (CHEMICALS) LIMITED", **G), Party(name="LEO PHARMA A/S", **G)])
    assert field_match("parties", terms, 'Leo Pharma A/S ("LEO"); Galen (Chemicals) Limited ("GALEN")') == 1.0
    assert field_match("parties", KeyTerms(parties=[Party(name="LEO PHARMA A/S", **G)]),
                       'Leo Pharma A/S ("LEO"); Galen (Chemicals) Limited ("GALEN")') == 0.5


def test_an_answer_that_lists_companies_in_one_piece_gives_each() -> None:
    assert answer_parties('Dundee Securities Ltd.("Lead Agent"); Kes 7 Capital Inc. and Bloom Burton & Co. Ltd. '
                          '(collectively with the Lead Agent, "Agents")') == [
        "dundee securities ltd", "kes 7 capital inc", "bloom burton co ltd"]
    assert answer_parties('VA Partners I, LLC, ValueAct Holdings, L.P. (collectively, the "ValueAct Group"); '
                          'Allison Transmission Holdings, Inc. (the "Company")') == [
        "va partners i llc", "valueact holdings l p", "allison transmission holdings inc"]
    # one company: its "and its affiliates", a defined "the Company", a division's description
    assert answer_parties("Jaguar Investments, Inc. and its affiliates") == ["jaguar investments inc and its affiliates"]
    assert answer_parties("Skype Online (BVI), the Company, Skype Holding") == ["skype online the company skype holding"]
    assert answer_parties("Charles Webb & Company, a Division of Keefe") == ["charles webb company a division of keefe"]


def test_a_piece_that_restates_named_parties_together_is_no_party() -> None:
    answer = ('Photronics, Inc. ("Photronics"); Dai Nippon Printing Co., Ltd. ("DNP"); Photronics DNP Photomask '
              'Corporation ("PDMC"); Phototronics and DNP ("Shareholder" and collectively as "Shareholders"); '
              'Shareholder and PDMC ("Supplier" and collectively as the Suppliers")')
    assert answer_parties(answer) == ["photronics inc", "dai nippon printing co ltd", "photronics dnp photomask corporation"]
    # a new party joined by "and" to a named one is still a party
    assert answer_parties('Photronics, Inc. ("Photronics"); Photronics and Toppan Printing ("Shareholders")') == [
        "photronics inc", "photronics and toppan printing"]


def test_a_semicolon_inside_square_brackets_splits_no_answer() -> None:
    answer = ('Quaker Chemical Corporation ("Buyer"); Gulf Oil Lubricants India, Ltd ("Gulf India"), solely for '
              'purposes of Section 1(c)[Confidentiality; Non-competition; Non-solicitation]')
    assert answer_parties(answer) == ["quaker chemical corporation", "gulf oil lubricants india ltd solely for purposes "
                                      "of section 1 confidentiality non competition non solicitation"]
