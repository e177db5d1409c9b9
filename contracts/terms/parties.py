"""The parties as the preamble names them: "between ACME, INC., a Delaware corporation ("Acme"), and
Bob Smith ("Consultant")". Each party is the name before its defined short name; where the preamble
defines none, the names are split at the "and" that joins them."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD = 6000
SPAN = 2500
_BETWEEN = re.compile(r"\b(?:by\s+and\s+between|by\s+and\s+among|between|among|BETWEEN|AMONG)\b[\s:]*", re.IGNORECASE)
_STOP = re.compile(r"\b(?:WHEREAS|RECITALS?|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|NOW,?\s+THEREFORE|BACKGROUND)\b"
                   r"|\.\s*\n\s*\n")
_DEFINED = re.compile(r"\(\s*(?:[^()\"“”]{0,60}?)[\"“”']{1,2}([^\"“”()]{1,60}?)[\"“”']{1,2}"
                      r"(?:[^()]{0,80}?)\)")
_CUT = re.compile(r",?\s+(?:a|an)\s+(?:[\w.-]+\s+){0,6}?(?:corporation|company|limited|partnership|entity|"
                  r"organi[sz]ed|incorporated|individual|association|society|bank|trust|co-operative|cooperative|"
                  r"person|resident|national|citizen|\w+\s+law)"
                  r"|,\s+(?:a|an)\s|\s*,?\s+(?:having|with\s+(?:its|an?|offices)|whose|located|residing|organi[sz]ed"
                  r"|incorporated|doing\s+business|hereinafter|herein|on\s+behalf)\b|\s*\(",
                  re.IGNORECASE)
_LEAD = re.compile(r"^(?:[\s,;:]|and\b|AND\b|the\b(?=\s+[A-Z][a-z]+\s)|&)*", re.IGNORECASE)
NOT_PARTIES = {"agreement", "effective date", "contract", "amendment", "parties", "party", "territory", "products",
               "product", "services", "term", "plan", "license agreement", "this agreement"}
ROLES = {"buyer", "seller", "supplier", "customer", "licensor", "licensee", "distributor", "manufacturer", "company",
         "consultant", "contractor", "franchisor", "franchisee", "vendor", "purchaser", "client", "provider",
         "recipient", "employer", "employee", "agent", "reseller", "sponsor", "lender", "borrower", "landlord",
         "tenant", "lessor", "lessee", "developer", "publisher", "partner", "investor", "owner", "operator",
         "shipper", "transporter", "contractor", "subcontractor", "service provider", "endorser", "affiliate",
         "bank", "member", "trustee", "guarantor", "collaborator", "host", "marketer", "producer", "promoter"}


@dataclass(frozen=True)
class PartyHit:
    start: int
    end: int
    short_name: str | None
    short_start: int | None = None
    short_end: int | None = None


def _name_span(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The party's name at the start of text[s:e], without the description that follows it."""
    chunk = text[s:e]
    lead = _LEAD.match(chunk)
    a = s + (lead.end() if lead else 0)
    cut = _CUT.search(text, a, e)
    b = cut.start() if cut else e
    while b > a and text[b - 1] in " \t\n,;:":
        b -= 1
    if b - a < 2 or b - a > 150 or "\n\n\n" in text[a:b]:
        return None
    return a, b


def find_parties(text: str) -> list[PartyHit]:
    """The parties named in the preamble, in order."""
    between = _BETWEEN.search(text, 0, min(len(text), HEAD))
    if between is None:
        return []
    start = between.end()
    stop = _STOP.search(text, start, min(len(text), start + SPAN))
    end = stop.start() if stop else min(len(text), start + SPAN)
    parties: list[PartyHit] = []
    cursor = start
    for m in _DEFINED.finditer(text, start, end):
        short = m.group(1).strip()
        if short.lower() in NOT_PARTIES:
            cursor = m.end()
            continue
        span = _name_span(text, cursor, m.start())
        if span is not None:
            parties.append(PartyHit(span[0], span[1], short, m.start(1), m.start(1) + len(m.group(1).rstrip())))
        cursor = m.end()
    if parties:
        return parties
    # no short names: "between A and B." split at the joining "and"
    sentence_end = re.search(r"\.\s", text[start:end])
    body_end = start + sentence_end.start() if sentence_end else end
    joiner = re.compile(r"\s+and\s+", re.IGNORECASE).search(text, start, body_end)
    bounds = [(start, joiner.start()), (joiner.end(), body_end)] if joiner else [(start, body_end)]
    for a, b in bounds:
        span = _name_span(text, a, b)
        if span is not None:
            parties.append(PartyHit(span[0], span[1], None))
    return parties
