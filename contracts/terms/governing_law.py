"""Governing law: the jurisdiction named in the governing-law clause, as a lawyer writes it, with its
ISO 3166-1 country code. Names come from pycountry (countries, and the states and provinces of the
federal countries whose contracts name a sub-national law), plus the few ways contracts name a
jurisdiction that no register lists ("England and Wales", "the PRC")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

from contracts.terms.sentences import sentence_around

# the countries whose states or provinces have their own law of contract
FEDERAL = ("US", "CA", "AU")
# names no register spells the way contracts do, and countries a lawyer names differently from ISO
ALIASES = {
    "england and wales": ("England and Wales", "GB"), "england & wales": ("England and Wales", "GB"),
    "england": ("England", "GB"), "wales": ("Wales", "GB"), "scotland": ("Scotland", "GB"),
    "northern ireland": ("Northern Ireland", "GB"),
    "united kingdom": ("United Kingdom", "GB"), "the united kingdom": ("United Kingdom", "GB"),
    "people's republic of china": ("People's Republic of China", "CN"),
    "peoples republic of china": ("People's Republic of China", "CN"),
    "p.r.c.": ("People's Republic of China", "CN"), "prc": ("People's Republic of China", "CN"),
    "china": ("People's Republic of China", "CN"),
    "hong kong": ("Hong Kong", "HK"), "hong kong sar": ("Hong Kong", "HK"),
    "taiwan": ("Taiwan", "TW"), "republic of china": ("Taiwan", "TW"),
    "korea": ("Republic of Korea", "KR"), "republic of korea": ("Republic of Korea", "KR"),
    "south korea": ("Republic of Korea", "KR"),
    "united states": ("United States", "US"), "united states of america": ("United States", "US"),
    "the netherlands": ("Netherlands", "NL"), "russia": ("Russian Federation", "RU"),
    "switzerland": ("Switzerland", "CH"), "vietnam": ("Vietnam", "VN"),
    "district of columbia": ("District of Columbia", "US"),
}
TRIGGER = re.compile(r"govern(?:ed|s|ing)\b|construed|interpreted\s+(?:in\s+accordance|under)|laws?\s+of\s+the\s+"
                     r"(?:state|commonwealth|province)", re.IGNORECASE)
_AFTER = re.compile(r"\blaws?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    country: str


@cache
def _table() -> tuple[dict[str, Jurisdiction], re.Pattern[str]]:
    names: dict[str, Jurisdiction] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names.setdefault(value.lower(), Jurisdiction(getattr(country, "common_name", None) or country.name,
                                                             country.alpha_2))
    for code in FEDERAL:
        for sub in pycountry.subdivisions.get(country_code=code) or []:
            names[sub.name.lower()] = Jurisdiction(sub.name, code)
    for alias, (name, code) in ALIASES.items():
        names[alias] = Jurisdiction(name, code)
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)


def resolve(words: str) -> list[Jurisdiction]:
    """Every jurisdiction named in `words`, in order; a state or province swallows the country after it
    ("Ontario, Canada" is Ontario)."""
    names, pattern = _table()
    found: list[Jurisdiction] = []
    for m in pattern.finditer(words):
        j = names[m.group().lower()]
        if found and found[-1].country == j.country and j.name == _country_name(j.country) and found[-1].name != j.name:
            continue
        if j not in found:
            found.append(j)
    return found


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return (getattr(country, "common_name", None) or country.name) if country else code


@dataclass(frozen=True)
class LawHit:
    start: int
    end: int
    jurisdiction: Jurisdiction | None
    confidence: float


def find_governing_law(text: str) -> LawHit | None:
    """The first governing-law sentence and the jurisdiction whose law it names."""
    names, pattern = _table()
    for trigger in TRIGGER.finditer(text):
        s, e = sentence_around(text, trigger.start(), trigger.end())
        sentence = text[s:e]
        if not re.search(r"\blaws?\b", sentence, re.IGNORECASE):
            continue
        law = _AFTER.search(text, trigger.start(), e) or _AFTER.search(text, s, e)
        if law is None:
            continue
        m = pattern.search(text, law.end(), min(e, law.end() + 200))
        if m is None:
            continue
        jurisdiction = names[m.group().lower()]
        after = text[m.end():m.end() + 40]
        if jurisdiction.name in ("England", "Wales") and re.match(r"\s*(?:and|&)\s*(?:wales|england)", after, re.I):
            jurisdiction = Jurisdiction("England and Wales", "GB")
        strong = bool(re.search(r"govern", sentence, re.IGNORECASE))
        return LawHit(s, e, jurisdiction, 0.95 if strong else 0.7)
    return None
