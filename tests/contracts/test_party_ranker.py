"""The party ranker (contracts/terms/party_ranker.py): its candidates, and how it fills in where the preamble rules
name fewer than two parties."""

from __future__ import annotations

import zlib

import numpy as np

from contracts.documents import Document
from contracts.terms import extract_terms
from contracts.terms.extract import PARTY_CONFIDENCE
from contracts.terms.parties import PartyHit, find_parties, name_of
from contracts.terms.party_ranker import (
    COUNT_REACH,
    FILL_TO,
    FILLED_CONFIDENCE,
    PARTY_FLOOR,
    Candidate,
    candidate_features,
    candidates,
    chosen,
    filled,
    folded,
    same_name,
)
from contracts.terms.ranker import FEATURES, SentenceRanker

# a letter: no preamble names the parties, its signature blocks do
LETTER = ("March 3, 2002\n\nDear Sirs:\n\nThis letter sets out the maintenance services that Netzee, Inc. will provide "
          "to your bank for the software it licensed.\n\n1. Services. Netzee will answer calls within one day.\n\n"
          "2. Fees. The fees are set out in the schedule.\n\nNETZEE, INC.\n\nBy: ______________\nName: John Smith\n"
          "Title: President\n\nTHE BANKERS BANK\n\nBy: ______________\nName: Mary Jones\nTitle: Vice President\n")
PREAMBLE = ('This Supply Agreement is made between Acme Widgets, Inc. ("Acme") and Beta Tools Ltd. ("Beta").\n\n'
            "1. Supply. Acme shall supply widgets.\n\nGAMMA HOLDINGS LLC\n\nBy: ____\n")


class Raising(SentenceRanker):
    """A ranker that must not be asked."""

    def probabilities(self, rows):  # type: ignore[override]
        raise AssertionError("the ranker was consulted")


def _favouring(**liked: float) -> SentenceRanker:
    """A ranker that likes candidates holding the words `liked` by so much (and gives every other one 0.12)."""
    weights = np.zeros(FEATURES, dtype=np.float32)
    for word, weight in liked.items():
        weights[zlib.crc32(f"w={word}".encode()) % FEATURES] = weight
    return SentenceRanker(weights, -2.0)


def _names(text: str, hits: list[PartyHit]) -> list[str]:
    return [name_of(text, h) for h in hits]


def test_candidates_are_runs_of_capitalised_words_each_ending_with_its_paragraph() -> None:
    keys = [c.key for c in candidates(LETTER)]
    assert "the bankers bank" in keys and keys.count("netzee inc") == 2  # the body's and the signature's
    assert "inc" not in keys and "bankers bank" not in keys  # no candidate starts inside a longer run
    assert all(c.region == "head" for c in candidates(LETTER))  # a short contract is all head
    long = LETTER + "x " * 5000 + "\n\nOMEGA CORP.\n\nBy: ____\n"
    assert {c.key: c.region for c in candidates(long)}["omega corp"] == "tail"


def test_features_see_the_words_around_a_name() -> None:
    text = 'made between Acme Widgets, Inc. ("Acme") and'
    c = Candidate(13, 31, "head", "acme widgets inc")
    f = candidate_features(text, text.lower(), c)
    assert zlib.crc32(b"b0=between") % FEATURES in f and zlib.crc32(b"a0=(") % FEATURES in f
    assert zlib.crc32(b"suffix") % FEATURES in f and zlib.crc32(b"region=head") % FEATURES in f


def test_appearances_are_counted_within_a_bounded_reach() -> None:
    """A hostile upload of millions of characters costs a bounded time: each candidate's appearances are counted
    in the first `COUNT_REACH` characters only (past the longest CUAD contract, so no figure changes)."""
    head = 'made between Acme Widgets, Inc. ("Acme") and'
    c = Candidate(13, 31, "head", "acme widgets inc")
    far = head + " x" * (COUNT_REACH // 2) + " Acme Widgets, Inc." * 10
    near = head + " Acme Widgets, Inc." * 10
    assert candidate_features(far, far.lower(), c) == candidate_features(head, head.lower(), c)
    assert candidate_features(near, near.lower(), c) != candidate_features(head, head.lower(), c)


def test_nothing_is_added_where_the_rules_found_two_parties() -> None:
    hits = find_parties(PREAMBLE)
    assert _names(PREAMBLE, hits) == ["Acme Widgets, Inc.", "Beta Tools Ltd."]
    assert filled(PREAMBLE, hits, ranker=Raising(np.zeros(FEATURES, dtype=np.float32), 0.0)) == hits


def test_the_shipped_ranker_fills_a_letter_from_its_signature_blocks() -> None:
    assert find_parties(LETTER) == []
    assert _names(LETTER, filled(LETTER, [])) == ["Netzee, Inc.", "THE BANKERS BANK"]
    parties = extract_terms(Document.from_text("letter.txt", LETTER)).parties
    assert [p.name for p in parties] == ["Netzee, Inc.", "THE BANKERS BANK"]
    assert all(LETTER[p.start:p.end] == p.quote for p in parties)  # grounded like every term
    # a filled name is as sure as the filled names were right out of fold, and one to check
    assert all(p.confidence == FILLED_CONFIDENCE and p.unsure for p in parties)
    preamble = extract_terms(Document.from_text("c.txt", PREAMBLE)).parties
    assert all(p.confidence == PARTY_CONFIDENCE and not p.unsure for p in preamble)


def test_the_likeliest_candidate_fills_first_and_a_party_already_found_is_not_repeated() -> None:
    ranker = _favouring(bankers=6.0, netzee=3.0)
    assert _names(LETTER, filled(LETTER, [], ranker=ranker)) == ["THE BANKERS BANK", "Netzee, Inc."]
    netzee = next(c for c in candidates(LETTER) if c.key == "netzee inc")
    found = [PartyHit(netzee.start, netzee.end, None)]
    added = _names(LETTER, filled(LETTER, found, ranker=_favouring(netzee=6.0)))
    assert added[0] == "Netzee, Inc." and len(added) == FILL_TO and "netzee" not in folded(added[1])


def test_below_the_floor_nothing_is_added() -> None:
    low = SentenceRanker(np.zeros(FEATURES, dtype=np.float32), float(np.log(0.05 / 0.95)))  # every name at 0.05
    assert PARTY_FLOOR > 0.05 and filled(LETTER, [], ranker=low) == []
    assert len(filled(LETTER, [], ranker=low, floor=0.0)) == FILL_TO


def test_chosen_stops_at_two_parties_and_skips_names_of_one_party() -> None:
    found = [Candidate(0, 4, "head", "acme inc"), Candidate(5, 9, "head", "acme"), Candidate(10, 14, "head", "beta"),
             Candidate(15, 19, "head", "gamma")]
    assert [c.key for c in chosen(found, [0.9, 0.8, 0.7, 0.6], [], floor=0.1)] == ["acme inc", "beta"]
    assert [c.key for c in chosen(found, [0.9, 0.8, 0.7, 0.6], ["beta ltd"], floor=0.1)] == ["acme inc"]
    assert chosen(found, [0.9, 0.8, 0.7, 0.6], ["x", "y"], floor=0.1) == []
    assert same_name("acme inc", "acme") and not same_name("acme inc", "beta ltd")


# a certificate: its one defined company is named again by its short name, the other party signs
CERTIFICATE = ('CERTIFICATE OF THE AGENTS\n\nReference is made to the offering of shares of Harbor Pharmaceuticals Inc. '
               '("Corporation") under the prospectus (the "Prospectus"). The undersigned agents of the Corporation '
               'certify that each purchaser from the Corporation is an accredited investor.\n\nLAKEVIEW SECURITIES '
               'LLC\n\nBy: ____\n')


def test_a_short_name_the_ranker_favours_is_the_company_it_stands_for() -> None:
    ranker = _favouring(corporation=6.0, lakeview=3.0)
    assert _names(CERTIFICATE, filled(CERTIFICATE, [], ranker=ranker)) == [
        "Harbor Pharmaceuticals Inc.", "LAKEVIEW SECURITIES LLC"]
    # the party the rules found is not added again by its short name
    harbor = CERTIFICATE.index("Harbor")
    found = [PartyHit(harbor, harbor + len("Harbor Pharmaceuticals Inc."), None)]
    assert _names(CERTIFICATE, filled(CERTIFICATE, found, ranker=ranker)) == [
        "Harbor Pharmaceuticals Inc.", "LAKEVIEW SECURITIES LLC"]


def test_the_documents_name_on_its_cover_is_not_filled_in() -> None:
    text = "FRANCHISE AGREEMENT\n\nbetween the franchisor and you\n\nRIVERSIDE GRILL SYSTEMS, INC.\n\nBy: ____\n"
    assert "franchise agreement" in [c.key for c in candidates(text)]  # the ranker is fit on every candidate
    ranker = _favouring(agreement=6.0, riverside=3.0)
    assert _names(text, filled(text, [], ranker=ranker, floor=0.5)) == ["RIVERSIDE GRILL SYSTEMS, INC."]


# a form: the preamble names the other party by its role, the form's fields name it
FORM = ('This Content License Agreement is between Orchid Media, Inc. ("Orchid") and Reseller, as set forth below.\n\n'
        "Reseller Information\n\nProvider Name: Skyline Telecom Ltd.\n\nAddress: 1 Main Street\n")


def test_a_bare_role_gives_way_to_the_company_the_ranker_would_fill_in() -> None:
    hits = find_parties(FORM)
    assert _names(FORM, hits) == ["Orchid Media, Inc.", "Reseller"]
    assert _names(FORM, filled(FORM, hits, ranker=_favouring(skyline=6.0))) == ["Orchid Media, Inc.",
                                                                                "Skyline Telecom Ltd."]
    # where the ranker likes the role best, the contract names no company for it: the role stays
    assert _names(FORM, filled(FORM, hits, ranker=_favouring(reseller=6.0, skyline=3.0))) == ["Orchid Media, Inc.",
                                                                                              "Reseller"]
