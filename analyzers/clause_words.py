"""How an explanation says a clause's words: a phrase quoted at most MAX_PHRASE characters and cut where it
reads as a phrase, a clause in capitals put in lower case but for its names, places, references and acronyms,
a party's name without the words that open it, and the dots that end no sentence masked while a phrase is read
to its sentence's end.

Why apart from analyzers.clause_facts: the facts a clause states (clause_facts) and the readings of who may do
what (clause_roles) both quote the clause through these, and neither may import the other's reader."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache

import pycountry

from contracts.terms.governing_law import ALIASES, FEDERAL

# a dot that ends no sentence: in a section number or amount ("13.3.2", "1.5"), inside a name ("MP3.com",
# "www.acme.com": a dot with a lower-case letter right after it) or after an abbreviation
_INNER_DOT = re.compile(r"(?<=\d)\.(?=\d)|(?<=\w)\.(?=(?-i:[a-z]))|\b(?:e\.g|i\.e|U\.S|Inc|Ltd|Corp|Co|Secs?|vs|viz)\."
                        r"|\bNos?\.(?=\s?\d)", re.I)


# the heading a section reference carries: "Section 13.3 (Effects of Termination)", "7.2.2(a) (Minimum …)"
_HEADING = re.compile(r"(?<=[\d)])\s*\((?=[A-Z])[^()]*\)")


_MASKED_DOT = "\u2024"  # one dot leader: a character no clause uses, one for one, so spans stay put


# the pronouns a click-through or franchise contract calls its parties by ("We grant you ..."): none is a party's
# name, and an explanation that says one in the third person ("Gives we a first right") names no one
PRONOUNS = frozenset({"we", "us", "our", "ours", "you", "your", "yours", "i", "me", "my"})


_NOT_PARTIES = {"this", "the", "such", "any", "all", "no", "each", "agreement", "section", "article", "notwithstanding",
                "in", "if", "it", "upon", "subject", "except", "nothing", "neither", "either", "that", "these", "and",
                "or", "for", "unless", "during", "after", "provided", "to", "who", "which", "customer's",
                # what a clause defines and makes act without it being a party ("the Services shall", "Licensed
                # Products shall include"), and both parties together
                "services", "products", "inventions", "software", "materials", "deliverables", "goods", "work",
                "documentation", "information", "fees", "territory", "term", "trademarks", "marks", "data", "party",
                "parties", "there",
                # the other nouns a contract capitalises and makes act or own ("the Shares shall", "Terms and
                # Conditions shall", "Insurance shall be procured", "the Product will"), each also read as a plural
                "condition", "period", "year", "month", "date", "fee", "ip", "product", "service", "order", "share",
                "warrant", "warranty", "appearance", "specification", "insurance", "proceeds", "deposit", "manual",
                "link", "notice", "clause", "paragraph", "schedule", "exhibit", "person", "stock", "equipment",
                "property", "control", "royalty", "royalties", "payment", "price", "forecast", "asset", "contract",
                "merchandise", "cost", "system", "result", "claim", "amount", "right", "compensation", "committee",
                "board", "license", "licence", "patent", "sale", "facility", "site", "report", "affiliate", "pool",
                "franchise", "option", "transfer", "support", "audit", "dispute", "termination", "regulation",
                "record", "policy", "policies", "material", "maintenance", "inspection", "image", "credit", "coverage",
                "confirmation", "commission", "catalog", "certificate", "amendment", "act", "acquisition", "addendum",
                "advertising", "appointment", "detail", "development", "extension", "improvement", "incentive",
                "interest", "note", "offer", "premises", "proposal", "receivable", "supply", "subsection", "tooling",
                "unit", "url", "user", "website"} | PRONOUNS


# the pronouns a clause may give a role ("I" is left out: "Schedule (I)" gives none)
_PRONOUN = r"(?i:we|us|our|you|your)"
_QUOTED = r"[\"“”'‘’]"
# a role the clause gives a pronoun: "Franchisor (“we” or “us”)", "the Franchisee (\"you\")", "you (the
# \"Franchisee\")", "you, the Franchisee,"
_ROLE_FOR_PRONOUNS = re.compile(rf"\b([A-Z][\w-]+)\s*\(\s*(?:{_QUOTED}?(?:the\s+)?{_QUOTED}?{_PRONOUN}{_QUOTED}?"
                                rf"(?:\s*,\s*|\s+(?:or|and)\s+|\s*,\s*(?:or|and)\s+)?)+\)")
_PRONOUN_AS_ROLE = re.compile(rf"\b({_PRONOUN})\s*(?:\(\s*(?:the\s+)?{_QUOTED}?([A-Z][\w-]+){_QUOTED}?\s*\)"
                              rf"|,\s*(?:as\s+)?the\s+([A-Z][\w-]+)\s*,)")


# the last word of a company's name: a longer term that ends in one is a party ("PageMaster Corporation"),
# not a fragment. Not "Company", which contracts make a short name and put after other words ("Operating
# Company", "FOB Company's office", a heading's "Payment Schedule Company agrees")
COMPANY_SUFFIXES = {"corporation", "corp", "co", "inc", "incorporated", "llc", "ltd", "limited", "plc", "gmbh", "ag",
                     "sa", "lp", "llp"}


MAX_PHRASE = 90

# a carve-out that opens with one of these is no thing excluded but a case ("except to the extent …",
# "except that …", "except under Section 4"): it reads "except …", a thing reads "excludes …"
CASE = re.compile(r"(?:as|that|in|to|where|when|if|insofar|pursuant|under|with|for|on|by|upon|within|during|after|"
                   r"before|from|so|solely|only|at|while|unless)\b", re.I)


# what keeps its case when a phrase in capitals is put in lower case: a section's reference ("SECTION 9.2" reads
# "Section 9.2"), a dotted abbreviation ("U.S.") and an acronym, which in capitals cannot be told from a word by
# its case: one of those contracts use ("GAAP", "IP"), or a short word with no vowel ("LLC", "PC")
_SHOUTED_REFERENCE = re.compile(r"\b(?P<ref>(?:SECTION|ARTICLE|CLAUSE|PARAGRAPH|EXHIBIT|SCHEDULE|APPENDIX|ANNEX)S?)"
                                r"(?=\s+(?:\d|\(?[A-Z]\b|[IVXL]+\b))(?P<number>\s+(?:[IVXL]+|[A-Z])\b)?")


_ACRONYMS = {"USA", "UK", "EU", "GAAP", "IFRS", "IP", "IRS", "SEC", "FDA", "FTC", "ERISA", "HIPAA", "GDPR", "CCPA",
             "NASDAQ", "NYSE", "AAA", "ICC", "JAMS", "UCC", "VAT", "OEM", "API", "SLA", "CPI", "LIBOR", "SOFR", "USD",
             "EUR", "GBP", "FOB", "CIF", "DDP", "EXW", "NDA", "SOW", "ISO", "FCPA", "OFAC", "HSR", "EBITDA"}


_SHOUTED_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}|\b[A-Z]{2,6}\b")


# where a phrase too long to quote whole may be cut: before a comma, a parenthesis or a word that opens a
# further clause ("and" and "or" join the words of a list as often as clauses: no place to cut)
_PHRASE_BREAK = re.compile(r"[,;]\s|\s\(|\s(?=(?:but|which|that|who|whether|where|when|while|including|provided|"
                           r"unless|if|except|such\s+that|in\s+which)\b)", re.I)


_REFERENCE_WORD = re.compile(r"(?:sections?|articles?|clauses?|paragraphs?|exhibits?|schedules?|appendix|annex)", re.I)


# the words a cut phrase does not end on: each needs the words cut after it ("of the…", "is not…")
_DANGLING = {"the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "under", "upon",
             "within", "between", "than", "as", "per", "and", "or", "and/or", "but", "nor", "that", "which", "such", "any",
             "each", "every", "no", "not", "all", "other", "its", "their", "his", "her", "our", "your", "this",
             "these", "those", "is", "are", "be", "been", "was", "were", "has", "have", "shall", "will", "may",
             "must", "would", "could", "should", "can", "does", "do", "provided", "including", "whether"}


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def mask(text: str) -> str:
    """`text` with each dot that ends no sentence ("Sections 13.3.2", "e.g.", "Inc.") masked, so that a phrase
    read to its sentence's end is not cut at a section number's dot."""
    return _INNER_DOT.sub(lambda m: m.group(0).replace(".", _MASKED_DOT), text)


def unmask(text: str) -> str:
    return text.replace(_MASKED_DOT, ".")


def pronoun_roles(text: str) -> dict[str, str]:
    """The roles `text` gives the pronouns it calls its parties by, each pronoun in lower case to its role
    ("we", "us" and "our" to "Franchisor" for "Franchisor (“we” or “us”)"; "you" and "your" to "Franchisee" for
    "you (the “Franchisee”)"): the name an explanation says for a party the clause only calls "we" or "you"."""
    out: dict[str, str] = {}
    found = [(m.group(1), re.findall(_PRONOUN, m.group(0)[len(m.group(1)):])) for m in _ROLE_FOR_PRONOUNS.finditer(text)]
    found += [(m.group(2) or m.group(3), [m.group(1)]) for m in _PRONOUN_AS_ROLE.finditer(text)]
    for role, pronouns in found:
        if role.lower() in PRONOUNS or role.lower() in _NOT_PARTIES:
            continue
        for pronoun in (p.lower() for p in pronouns):
            for form in _FORMS.get(pronoun, (pronoun,)):
                out.setdefault(form, role)
    return out


# a person's pronouns each stand for the others ("we" defined, "our right" said)
_FORMS = {p: forms for forms in (("we", "us", "our", "ours"), ("you", "your", "yours")) for p in forms}


def party_said(name: str) -> str:
    name = " ".join(name.split())
    words = name.split()
    while words and words[0].lower() in _NOT_PARTIES - {"either", "each", "neither"}:
        words = words[1:]
    name = " ".join(words)
    lower = name.lower()
    if not name or lower in _NOT_PARTIES or (lower.endswith("s") and lower[:-1] in _NOT_PARTIES) or (
            name.isupper() and len(name) > 12):
        return ""
    if name.lower().endswith(" party"):  # "Neither party shall …" binds both, as "either party" does
        return "either party" if name.lower().startswith("neither") else name.lower()
    return name


def trim(phrase: str, names: Mapping[str, str]) -> str:
    """One phrase as the explanation quotes it: inside the parenthesis it was found in, without one it opens
    and does not close, in lower case when the clause shouts (but for `names` and acronyms, quiet), at most
    MAX_PHRASE characters (a section reference's heading, "Section 13.3 (Effects of Termination)", dropped
    first where it is longer)."""
    phrase = " ".join(phrase.split())
    depth = 0
    for i, char in enumerate(phrase):
        depth += (char == "(") - (char == ")")
        if depth < 0:  # the phrase began inside a parenthesis: it ends where that closes
            phrase = phrase[:i]
            break
    else:  # a parenthesis the phrase opens and does not close ("Payment (as defined in 9.3"): left out
        phrase = closed(phrase)
    phrase = phrase.rstrip(" ,")
    if phrase.isupper():
        phrase = quiet(phrase, names)
    if len(phrase) > MAX_PHRASE:  # a section's heading goes before the words of the clause do
        phrase = _HEADING.sub("", phrase)
    if len(phrase) <= MAX_PHRASE:
        return phrase
    return _cut(phrase)


@lru_cache(maxsize=8)  # the same for each clause of a contract: built once for it
def names_as_written(parties: tuple[str, ...], defined: tuple[str, ...] = ()) -> Mapping[str, str]:
    """Each of the contract's party names and short names in capitals (one spacing, no "the") to how the
    contract writes it: "EDGE" to "Edge" where it defines "Edge", "ACME INC." to itself where it writes the name
    only in capitals; a company's name also without its "Inc." or "Ltd.", as clauses call it ("PRETZEL TIME" of
    "Pretzel Time, Inc."). Then each `defined` term and its plural ("LICENSED PRODUCTS" of "Licensed Product"),
    where no party's name already reads so."""
    out: dict[str, str] = {}
    for party in parties:
        name = re.sub(r"^the\s+", "", " ".join(party.split()), flags=re.I)
        words = name.split()
        short = " ".join(words[:-1]).rstrip(",") if len(words) > 1 and words[-1].strip(",.").lower() in \
            COMPANY_SUFFIXES else ""
        for said in (name, short):
            if said and (said.upper() not in out or out[said.upper()].isupper()):
                out[said.upper()] = said
    for term in defined:
        term = " ".join(term.split())
        plural = term if term.endswith("s") else term[:-1] + "ies" if re.search(r"[^aeiou]y$", term) else term + "s"
        for said in (term, plural):
            if said.upper() not in out or out[said.upper()].isupper():
                out[said.upper()] = said
    return out


@cache
def places() -> tuple[dict[str, str], re.Pattern[str]]:
    """The countries, and the states and provinces of the federal countries whose law contracts choose, in
    capitals to their names as written ("NEW YORK" to "New York", "DISTRICT OF COLUMBIA" to "District of
    Columbia"), and the pattern that finds them (the longest first: "NEW MEXICO", not its "MEXICO"): the register
    contracts.terms.governing_law reads the governing law with (pycountry, its FEDERAL countries and its
    ALIASES). Compiled once for the process: a pattern of some 700 names takes tens of milliseconds."""
    names = [getattr(c, attr, None) for c in pycountry.countries for attr in ("name", "common_name", "official_name")]
    names += [sub.name for code in FEDERAL for sub in pycountry.subdivisions.get(country_code=code) or []]
    names += [name for name, _ in ALIASES.values()]
    places = {name.upper(): name for name in names if name and "," not in name}
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(places, key=len, reverse=True))
    return places, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def quiet(phrase: str, names: Mapping[str, str]) -> str:
    """`phrase`, written in capitals, in lower case, as a clause that shouts reads in a sentence; but a party's
    name and a defined term stay as the contract writes them ("Edge", "Licensed Products", not "edge", which
    reads as a typo or another thing), a place's name as it is written ("New York", places), a section's
    reference reads "Section 9.2" and an acronym stays in capitals ("GAAP", "U.S.")."""
    known = sorted(names, key=len, reverse=True)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in known)
    name = rf"(?<![\w-])(?:{alternatives})(?![\w-])" if known else r"(?!)"
    out, at = [], 0
    for m in re.finditer(rf"(?P<name>{name})|{_SHOUTED_REFERENCE.pattern}|{_SHOUTED_ACRONYM.pattern}", phrase):
        word = m.group(0)
        if m.group("name"):
            said = names.get(" ".join(word.split()), word)
        elif m.group("ref"):  # "ARTICLE XIV" reads "Article XIV", "EXHIBIT A" reads "Exhibit A"
            said = m.group("ref").capitalize() + (m.group("number") or "")
        elif "." in word or word in _ACRONYMS or not re.search(r"[AEIOUY]", word):
            said = word
        else:
            continue
        out += [_lower(phrase[at:m.start()]), said]
        at = m.end()
    return "".join([*out, _lower(phrase[at:])])


def _lower(words: str) -> str:
    """`words`, in capitals, in lower case but for a place's name ("IN THE STATE OF NEW YORK" reads "in the
    state of New York"); looked for apart from the contract's names, so that its pattern is compiled once."""
    known, pattern = places()
    out, at = [], 0
    for m in pattern.finditer(words):
        out += [words[at:m.start()].lower(), known[" ".join(m.group().split())]]
        at = m.end()
    return "".join([*out, words[at:].lower()])


def _cut(phrase: str) -> str:
    """`phrase` cut to at most MAX_PHRASE characters and an ellipsis, where it reads as a phrase: before
    the last clause or list item that starts in its second half ("if you or your owners propose to sell
    the Franchised Restaurant (or its assets)…", not "… (or its assets) or a…"), else after its last whole
    word; and never on a word that needs the next one ("of the…", "within 365…")."""
    head = phrase[:MAX_PHRASE + 1]  # one character more: a word that ends at the bound is whole
    breaks = [m.start() for m in _PHRASE_BREAK.finditer(head, MAX_PHRASE // 2) if m.start() < MAX_PHRASE]
    cut = closed(phrase[:breaks[-1]] if breaks else head.rsplit(" ", 1)[0][:MAX_PHRASE])
    words = cut.rstrip(" ,;").split(" ")
    while len(words) > 1 and (words[-1].lower() in _DANGLING or words[-1].endswith(("'s", "’s"))  # "Distributor's…"
                              or (not breaks and _cut_from_unit(words))):
        words.pop()
    return " ".join(words).rstrip(" ,;") + "…"


def _cut_from_unit(words: list[str]) -> bool:
    """Whether the last of `words` is a number cut from what it counts ("within 365…" of "within 365 days",
    "$500…" of "$500 million"), not a section's number ("under Section 7…")."""
    return bool(NUMBER.search(words[-1])) and not (len(words) > 1 and _REFERENCE_WORD.fullmatch(words[-2]))


def closed(phrase: str) -> str:
    """`phrase` without a parenthesis it opens and does not close ("Payment (as defined in 9.3")."""
    while (opened := phrase.rfind("(")) >= 0 and phrase.count("(", opened) > phrase.count(")", opened):
        phrase = phrase[:opened]
    return phrase
