"""What a deviation from the template means: its severity, an explanation naming what changed, and a
verdict against the playbook's positions with the text to propose instead.

The playbook sets the base severity from the clause's category; it is raised when the change touches
money, durations, percentages, dates, parties or governing law, or when it flips the category's risk
(a cap on liability removed, exclusivity added). Suggestions only ever quote the playbook (its fallback
or standard text) or the template; nothing is invented."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from contracts.compare.facts import material_changes
from contracts.compare.models import RedlineOp, Verdict
from contracts.playbook import SEVERITY_ORDER, CategoryPolicy, Playbook, Severity

_NAME = re.compile(r"\b[A-Z][a-zA-Z&]+(?:\s+[A-Z][a-zA-Z&.]+)*(?:,?\s+(?:Inc|LLC|Ltd|Corp|Corporation|Limited|GmbH|plc|S\.A)\b\.?)")
_ROLE = re.compile(r'\(\s*(?:the\s+)?["“]([A-Z][\w ]{0,30})["”]\s*\)')  # ("Customer"), (the "Provider")

# categories whose presence is itself the risk (added: worse) and those whose absence is (removed: worse)
RISK_WHEN_PRESENT = frozenset({"Exclusivity", "Non-Compete", "Uncapped Liability", "Most Favored Nation",
                               "Minimum Commitment", "Liquidated Damages", "IP Ownership Assignment",
                               "Change of Control", "Covenant Not to Sue", "Rofr/Rofo/Rofn",
                               "Irrevocable or Perpetual License", "Non-Disparagement", "Audit Rights"})
RISK_WHEN_ABSENT = frozenset({"Cap on Liability", "Governing Law", "Anti-Assignment", "Warranty Duration",
                              "Insurance"})
SIMILAR_ENOUGH = 0.85  # a clause this close to a position's text takes that position


def similarity(a: str, b: str) -> float:
    return fuzz.ratio(" ".join(a.split()).casefold(), " ".join(b.split()).casefold()) / 100


def containment(position_text: str, clause_text: str) -> float:
    """How well a position's wording appears within the clause (a position is usually a sentence of it)."""
    a, b = " ".join(position_text.split()).casefold(), " ".join(clause_text.split()).casefold()
    return (fuzz.partial_ratio(a, b) if len(a) <= len(b) else fuzz.ratio(a, b)) / 100


def party_names(text: str) -> list[str]:
    """The company names a text gives (a name ending in Inc, LLC, Ltd ...), sorted, each once."""
    return sorted({" ".join(m.group(0).split()) for m in _NAME.finditer(text)})


def deal_parties(template_text: str, contract_text: str) -> str | None:
    """A note naming the contract's parties where they differ from the template's, else None.

    A template's parties are placeholders or the firm's usual counterparty and every real contract
    names its own, so different names are the deal's parties, not a departure: they neither raise the
    severity nor count against the standard position."""
    before, after = party_names(template_text), party_names(contract_text)
    if not after or before == after:
        return None
    note = f"The deal's parties: {_and(_with_roles(contract_text))}"
    return note + (f"; the template names {_and(_with_roles(template_text))}" if before else "")


def _with_roles(text: str) -> list[str]:
    """Each company name once, in order of first mention, with the role it is defined as where one follows
    before the next name ('Northwind Analytics, Inc., a Delaware corporation ("Provider")'), so that
    a swap of roles shows."""
    matches = list(_NAME.finditer(text))
    named: dict[str, str] = {}
    for k, m in enumerate(matches):
        name = " ".join(m.group(0).split())
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        role = _ROLE.search(text, m.end(), min(stop, m.end() + 120))
        named.setdefault(name, f'{name} as "{role.group(1)}"' if role else name)
    return list(named.values())


def _clauses(labels: Sequence[str]) -> str:
    """ "clause 7.2", "clauses 7.1 and 7.2": the contract's clauses as a lawyer finds them."""
    return ("clause " if len(labels) == 1 else "clauses ") + _and(list(labels))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _unnamed(text: str) -> str:
    """The text with every company name replaced by one placeholder, to compare wording, not parties."""
    return _NAME.sub("[party]", text)


def _sentences(*parts: str) -> str:
    """The parts as sentences, each ending in one full stop (a name such as "Inc." already has it)."""
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in (p.strip() for p in parts) if p)


def raise_severity(severity: Severity, steps: int = 1) -> Severity:
    order = ["info", "low", "medium", "high"]
    return order[min(order.index(severity) + steps, 3)]  # type: ignore[return-value]


def _base(playbook: Playbook, category: str | None, text: str) -> tuple[Severity, str]:
    if category and category in playbook.categories:
        return playbook.assess(category, text)
    return "low", "The clause departs from the template."


@dataclass
class Assessment:
    severity: Severity | None
    verdict: Verdict | None
    explanation: str
    suggestion: str | None


def assess_modified(playbook: Playbook, category: str | None, template_categories: frozenset[str],
                    contract_categories: frozenset[str], template_text: str, contract_text: str,
                    redline: list[RedlineOp], elsewhere: Mapping[str, Sequence[str]] | None = None) -> Assessment:
    """A clause the contract words otherwise. `elsewhere`: for each category, the contract's other clauses that
    cover it, by label: a protection this clause no longer gives ("Cap on Liability removed") that the contract
    gives in another clause is said to be there, not absent, and does not make the clause high risk."""
    severity, reason = _base(playbook, category, contract_text)
    notes: list[str] = []
    changes = material_changes(template_text, contract_text)
    if changes:
        severity = raise_severity(severity) if SEVERITY_ORDER[severity] >= 1 else "medium"
        notes.extend(c.describe() for c in changes)
    added = (contract_categories - template_categories) & RISK_WHEN_PRESENT
    gone = (template_categories - contract_categories) & RISK_WHEN_ABSENT
    moved = {c: list((elsewhere or {}).get(c, ())) for c in gone if (elsewhere or {}).get(c)}
    removed = gone - moved.keys()
    if added or removed:
        severity = "high"
        notes.extend(f"{c} added" for c in sorted(added))
        notes.extend(f"{c} removed" for c in sorted(removed))
    notes.extend(f"{c} not in this clause (the contract covers it in {_clauses(moved[c])})" for c in sorted(moved))
    # the playbook rates the contract's words above the template's (a renewal made automatic): a change of
    # a word or two, but never "within the standard position"
    rule_raised = SEVERITY_ORDER[severity] > SEVERITY_ORDER[_base(playbook, category, template_text)[0]]
    parties = deal_parties(template_text, contract_text)
    policy = playbook.categories.get(category) if category else None
    verdict, suggestion, why = _verdict(policy, template_text, contract_text,
                                        material=bool(changes or added or removed or rule_raised))
    if (parties and not notes and verdict == "acceptable"
            and _unnamed(template_text).split() == _unnamed(contract_text).split()):
        return Assessment("info", verdict, _sentences(parties, why), suggestion)  # the names are all that changed
    if not notes:
        changed = _changed_words(redline)
        notes.append(f"wording changed ({changed} word{'' if changed == 1 else 's'})")
    summary = "; ".join(notes)
    if verdict != "acceptable":
        why += _guidance(policy)
    return Assessment(severity, verdict, _sentences(parties or "", summary[:1].upper() + summary[1:], reason, why),
                      suggestion)


def _guidance(policy: CategoryPolicy | None) -> str:
    return f" Guidance: {policy.guidance}" if policy and policy.guidance else ""


def _changed_words(redline: list[RedlineOp]) -> int:
    return sum(len(o.text.split()) for o in redline if o.op != "equal")


def _verdict(policy: CategoryPolicy | None, template_text: str, contract_text: str, *,
             material: bool) -> tuple[Verdict, str | None, str]:
    """Against the playbook: an unacceptable position -> not acceptable; the standard (the playbook's
    text, else the template's; a material change is never "close enough" to it) or a fallback ->
    acceptable; anything else -> needs review, with the first fallback (or the standard) as the
    suggestion.

    Party names take no part (the contract's own parties are not a departure), and a suggestion that
    would put other company names in place of the contract's is not made."""
    standard = policy.standard if policy and policy.standard else template_text
    fallbacks = policy.fallbacks if policy else ()
    for position in policy.unacceptable if policy else ():
        if position.holds(contract_text, containment, SIMILAR_ENOUGH):
            note = f" ({position.note})" if position.note else ""
            suggestion = fallbacks[0].text if fallbacks and fallbacks[0].text else standard
            return "not_acceptable", _own_parties(suggestion, contract_text), \
                f"The playbook does not accept this position{note}."
    if not material and similarity(_unnamed(standard), _unnamed(contract_text)) >= 0.97:
        return "acceptable", None, "Within the standard position."
    for n, position in enumerate(fallbacks, start=1):
        if position.holds(contract_text, containment, SIMILAR_ENOUGH):
            return "acceptable", None, f"Matches fallback position {n} of the playbook."
    proposed = _own_parties(next((p.text for p in fallbacks if p.text), None) or standard, contract_text)
    if proposed is None:
        return "needs_review", None, ("Not the standard position; check the wording (no fallback: the template's "
                                      "text names the template's parties, not the deal's).")
    return "needs_review", proposed, "Not the standard position; propose the suggestion."


def _own_parties(suggestion: str, contract_text: str) -> str | None:
    """The suggestion, or None where it names a company the contract does not: proposing it would swap
    the deal's parties for the template's."""
    return None if set(party_names(suggestion)) - set(party_names(contract_text)) else suggestion


def assess_missing(playbook: Playbook, category: str | None, template_text: str,
                   covered_in: Sequence[str] = ()) -> Assessment:
    """A template clause with no counterpart. `covered_in` names the contract's clauses of the same category
    (found by category, where alignment found no counterpart by wording): the category is then not absent,
    only this clause's wording is, so neither the playbook's "required" nor the risk of absence applies."""
    policy = playbook.categories.get(category) if category else None
    standard = policy.standard if policy and policy.standard else template_text
    if covered_in:
        where = _clauses(covered_in)
        reason = f" {policy.reason}" if policy else ""
        return Assessment(policy.severity if policy else "medium", "needs_review",
                          f"The template's clause has no counterpart in the contract, which covers {category} in "
                          f"{where} instead: check that it gives what this clause did.{reason}{_guidance(policy)}",
                          standard)
    if policy is None:
        return Assessment("medium", "needs_review", "The template's clause has no counterpart in the contract.",
                          standard)
    severity, reason = policy.severity, policy.reason
    if policy.required:
        return Assessment("high", "not_acceptable", f"The contract has no {category} clause, which the playbook "
                          f"requires. {reason}{_guidance(policy)}", standard)
    if category in RISK_WHEN_ABSENT:
        severity = raise_severity(severity)
    return Assessment(severity, "needs_review",
                      f"The contract drops the template's {category} clause. {reason}{_guidance(policy)}", standard)


def assess_extra(playbook: Playbook, categories: frozenset[str], contract_text: str) -> Assessment:
    if not categories:
        return Assessment("low", "needs_review", "A clause the template does not have.", None)
    category = max(sorted(categories), key=lambda c: SEVERITY_ORDER[_base(playbook, c, contract_text)[0]])
    severity, reason = _base(playbook, category, contract_text)
    policy = playbook.categories.get(category)
    for position in policy.unacceptable if policy else ():
        if position.holds(contract_text, containment, SIMILAR_ENOUGH):
            return Assessment("high", "not_acceptable",
                              f"{_article(category)} {category} clause the template does not have, in a position the playbook "
                              f"does not accept. {reason}", policy.fallbacks[0].text if policy and policy.fallbacks else None)
    if category in RISK_WHEN_PRESENT:
        severity = raise_severity(severity)
    return Assessment(severity, "needs_review", f"{_article(category)} {category} clause the template does not have. {reason}", None)


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"
