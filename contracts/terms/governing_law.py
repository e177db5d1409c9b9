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
TRIGGER = re.compile(r"govern|constru|interpret|(?:accordance\s+with|according\s+to|subject\s+to)\s+the\s+laws?\s+of")
_AGREEMENT = re.compile(r"(?:this|the)\s+(?:agreement|contract|amendment|license|lease)|hereunder|governing\s+law")
_INCORPORATED = re.compile(r"(?:organi[sz]ed|incorporated|existing|chartered|formed|standing|registered|company|"
                           r"corporation|trust|entity)\s+(?:[\w,]+\s+){0,4}?under\s+the\s+laws?\s+of\s+(?:the\s+)?"
                           r"(?:(?:state|commonwealth|province|republic)\s+of\s+)?$")
MAX_SENTENCES = 80  # a bound on the work a text full of "governed by" can cause
_LAW = re.compile(r"\blaws?\b|legislation|regulations")
# "construed in accordance with English law": the law named by its adjective
DEMONYMS = {"english": "england", "german": "germany", "french": "france", "swiss": "switzerland",
            "dutch": "netherlands", "israeli": "israel", "japanese": "japan", "chinese": "china", "italian": "italy",
            "colombian": "colombia", "korean": "korea", "swedish": "sweden", "irish": "ireland", "singapore": "singapore",
            "indian": "india", "scottish": "scotland", "canadian": "canada", "australian": "australia"}
_DEMONYM = re.compile(rf"\b({'|'.join(DEMONYMS)})\s+(?:\w+\s+)?law")


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
    alternation = "|".join(re.escape(n).replace("\\ ", r"\s+") for n in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")


def resolve(words: str) -> list[Jurisdiction]:
    """Every jurisdiction named in `words`, in order; a state or province swallows the country after it
    ("Ontario, Canada" is Ontario)."""
    names, pattern = _table()
    found: list[Jurisdiction] = []
    for m in pattern.finditer(words.lower()):
        j = names[" ".join(m.group().split())]
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
    """The governing-law sentence and the jurisdiction whose law it names. A sentence that speaks of this
    agreement ("This Agreement shall be governed by") wins over one that does not (a legal opinion on
    "matters governed by the laws of Tennessee"); in a sentence, the first jurisdiction after the trigger
    wins, else one before it ("accepted in the State of Nevada and governed by the laws thereof"), a US
    state over the United States, never the law a party is incorporated under. `text` in lower case."""
    read = 0
    last_end = -1
    fallback: LawHit | None = None
    for trigger in TRIGGER.finditer(text):
        if trigger.start() < last_end:
            continue  # inside the sentence just read
        if read >= MAX_SENTENCES:
            break
        s, e = sentence_around(text, trigger.start(), trigger.end())
        last_end = e
        read += 1
        if not _LAW.search(text, s, e):
            continue
        jurisdiction = _named(text, s, e, trigger.start(), trigger.end())
        if jurisdiction is None:
            continue
        strong = bool(_AGREEMENT.search(text, s, e)) and jurisdiction.name != "United States"
        hit = LawHit(s, e, jurisdiction, 0.95 if strong else 0.7)
        if strong:
            return hit
        fallback = fallback or hit
    return fallback


def _named(text: str, s: int, e: int, t0: int, t1: int) -> Jurisdiction | None:
    names, pattern = _table()
    demonym = _DEMONYM.search(text, s, e)
    found = [m for m in (*pattern.finditer(text, t1, e), *pattern.finditer(text, s, t0))
             if not _INCORPORATED.search(text, max(s, m.start() - 120), m.start())]
    if demonym and (not found or demonym.start() < found[0].start()):
        return names[DEMONYMS[demonym.group(1)]]
    if not found:
        return None
    jurisdictions = [names[" ".join(m.group().split())] for m in found]
    states = [j for j in jurisdictions if j.country == "US" and j.name != "United States"]
    first, m = jurisdictions[0], found[0]
    if first.name == "United States" and states:
        return states[0]
    if first.name in ("England", "Wales") and re.match(r"\s*(?:and|&)\s*(?:wales|england)", text[m.end():m.end() + 20]):
        return Jurisdiction("England and Wales", "GB")
    return first
