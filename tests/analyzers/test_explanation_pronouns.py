"""The party an explanation names is never a pronoun a click-through or franchise contract calls a party by
("Gives we a first right", "Lets we audit the books"): it is the role the clause gives the pronoun where it
gives one (`We (the "Franchisor")`), else the explanation leaves the party out. A first right is its holder's,
never its grantor's ("X grants Y a right of first refusal" does not give X the right)."""

from __future__ import annotations

import re

from analyzers.clause_facts import explain, read_facts
from analyzers.clause_readings import assignment_roles
from analyzers.clause_words import names_as_written, pronoun_roles

# the key terms of a franchise agreement whose franchisor is defined as "we" (as CUAD's bw-3 agreement is)
FRANCHISE = ["bw-3 FRANCHISE SYSTEMS, INC.", "we", "Lessee"]
_PRONOUN_AS_PARTY = re.compile(r"\b(?:Gives|Lets|Requires|Restricts|Bars|Commits|names|of|needs) "
                               r"(?:we|us|you|our|your)\b|\b(?:we|us|you)['’]s\b", re.I)


def _no_pronoun_party(explanation: str | None) -> str:
    assert explanation is not None
    assert not _PRONOUN_AS_PARTY.search(explanation), explanation
    return explanation


def test_a_first_right_held_by_we_names_no_party():
    quote = ("If you or your owners propose to sell the Franchised Restaurant, we will have the right of first "
             "refusal for 30 days from the date of delivery of such offer to us.")
    assert _no_pronoun_party(explain("Rofr/Rofo/Rofn", quote, FRANCHISE)).startswith(
        "Gives a first right for 30 days from the date of delivery of such offer to us")


def test_a_first_right_held_by_a_pronoun_the_clause_gives_a_role_names_the_role():
    quote = 'We (the "Franchisor") shall have a right of first refusal for 30 days.'
    assert explain("Rofr/Rofo/Rofn", quote, FRANCHISE) == "Gives Franchisor a first right for 30 days."
    quote = 'Franchisor ("we" or "us") will have a right of first refusal for 30 days; our right is assignable.'
    assert read_facts(quote, FRANCHISE).parties == ["Franchisor"]


def test_a_first_right_is_never_said_to_be_its_grantors():
    granted = explain("Rofr/Rofo/Rofn", "We grant you a right of first refusal to buy the Products for 2 years.",
                      ["we", "you"])
    assert _no_pronoun_party(granted) == "Gives a first right for 2 years."
    given = explain("Rofr/Rofo/Rofn", 'You (the "Franchisee") shall give us a first right to buy the Restaurant for '
                    "30 days.", FRANCHISE)
    assert not _no_pronoun_party(given).startswith("Gives Franchisee")
    named = explain("Rofr/Rofo/Rofn", "TELKOM hereby grants SAP AFRICA the right of first refusal for 90 days.",
                    ["TELKOM", "SAP AFRICA"])
    assert named is not None and named.startswith("Gives a first right for 90 days")
    held = explain("Rofr/Rofo/Rofn", "Buyer shall have a right of first refusal for 30 days.", ["Supplier", "Buyer"])
    assert held == "Gives Buyer a first right for 30 days."


def test_an_audit_by_we_names_no_party():
    quote = "Upon notice to you, we may audit your books and records at any time for 3 years."
    assert _no_pronoun_party(explain("Audit Rights", quote, FRANCHISE)) == (
        "Allows an audit of the books and records for 3 years.")


def test_insurance_you_carry_names_no_party():
    quote = "You shall carry insurance of $1,000,000 per occurrence."
    assert _no_pronoun_party(explain("Insurance", quote, ["Acme Inc.", "You"])) == (
        "Requires insurance of $1,000,000.")


def test_a_non_compete_binding_you_names_your_role_or_no_one():
    assert _no_pronoun_party(explain("Non-Compete", "You shall not compete with us for 2 years.",
                                     ["Acme Inc.", "You"])) == "Restricts competition for 2 years."
    assert explain("Non-Compete", 'You (the "Franchisee") shall not compete with us for 2 years.', FRANCHISE) == (
        "Restricts Franchisee from competing for 2 years.")


def test_exclusivity_names_no_pronoun():
    quote = "We will not grant an exclusive license to anyone else for 2 years."
    assert _no_pronoun_party(explain("Exclusivity", quote, ["Acme Inc.", "We"])) == (
        "Makes the relationship exclusive for 2 years.")


def test_an_assignment_needing_our_consent_names_no_pronoun():
    quote = "You may not assign this Agreement without the prior written consent of Us."
    assert explain("Anti-Assignment", quote, FRANCHISE) == "Restricts assignment without consent."
    quote = ('You (the "Franchisee") may not assign this Agreement without the prior written consent of Us '
             '("Franchisor").')
    assert explain("Anti-Assignment", quote, FRANCHISE) == (
        "Restricts assignment without the consent of Franchisor; names Franchisee.")


def test_assignment_roles_do_not_read_a_pronoun_as_a_name():
    quote = "you may not assign this Agreement without the consent of Franchisor."
    parties = ["you", "Franchisor"]
    said = [r.said for r in assignment_roles(quote, parties, names_as_written(tuple(parties)))]
    assert not any(re.match(r"you\b", s, re.I) for s in said), said


def test_pronoun_roles_reads_the_role_the_clause_gives_a_pronoun():
    assert pronoun_roles('Franchisor (“we” or “us”) and you (the "Franchisee")') == {
        "we": "Franchisor", "us": "Franchisor", "our": "Franchisor", "ours": "Franchisor",
        "you": "Franchisee", "your": "Franchisee", "yours": "Franchisee"}
    assert pronoun_roles("You, the Franchisee, shall pay.") == {"you": "Franchisee", "your": "Franchisee",
                                                                 "yours": "Franchisee"}
    assert pronoun_roles("as listed in Schedule (I) and Exhibit (A)") == {}
