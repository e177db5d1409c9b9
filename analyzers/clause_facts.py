"""The facts a clause states, read from its own words: amounts, durations, notice periods, parties,
carve-outs and conditions; and the one-line explanation built from them ("Caps Supplier's liability at the
fees paid in the 12 months before the claim; excludes breaches of confidentiality").

Why: an explanation that only repeats the category's reason reads the same for every clause of that
category. One that states the clause's own amounts, periods and exceptions tells the lawyer what this
clause does before they read it, and each fact can be checked against the quote (`facts_in`). Pure
functions over text; numbers written in words ("thirty (30) days", "twelve months") are read with text2num."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pycountry
from text_to_num import alpha2digit

from contracts.proofing.definitions import find_definitions
from contracts.terms.governing_law import ALIASES, FEDERAL

_MONEY = re.compile(
    r"(?:(?:US|U\.S\.)?\$|USD|EUR|GBP|€|£)\s?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?(?:million|billion|thousand|[mk]\b))?"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:million |billion |thousand )?(?:dollars|euros|pounds)\b", re.I)
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I)
_FEES = re.compile(r"\b(?:the\s+)?(?:total\s+|aggregate\s+)?(?:fees|amounts|charges|sums|consideration)\s+"
                   r"(?:actually\s+)?(?:paid|payable|received)\b[^.;:,]{0,90}", re.I)
_UNIT = r"(?:calendar\s+|business\s+|working\s+)?(?:days?|weeks?|months?|years?)"
_DURATION = re.compile(rf"\b(\d+)\s*(?:\(\d+\)\s*)?({_UNIT})\b", re.I)
# what a duration is of: something lasts or runs for it ("for a period of 3 years", "a term of 2 years", "an
# initial 5 year term") or a payment falls due by it ("due within 30 days of …"); a duration the clause gives
# otherwise ("within 30 days", "during the 1 year period preceding") is a deadline or a window of something
# this reader cannot name, and the explanation leaves it out rather than say the clause lasts for it
_LASTS_BEFORE = re.compile(r"(?:\bfor|\bperiod\s+of|\bterm\s+of|\bduration\s+of|\blasts?|\bruns?|\bcontinues?|"
                           r"\bthroughout)\s+(?:(?:a|an|the|further|additional|initial|renewal|successive|consecutive|"
                           r"minimum|maximum|total|period|term|of|not\s+less\s+than|no\s+less\s+than|at\s+least|"
                           r"up\s+to|not\s+more\s+than|no\s+more\s+than)\s+)*$", re.I)
_LASTS_AFTER = re.compile(r"\s*(?:-\s*)?(?:initial\s+|renewal\s+)?term\b", re.I)
_DUE_BEFORE = re.compile(r"\b(?:due|payable)\s+((?:with)?in\s+|(?:no|not)\s+later\s+than\s+)?$", re.I)
_NOTICE = re.compile(rf"\b(\d+)\s*(?:\(\d+\)\s*)?({_UNIT})['’]?\s*(?:prior\s+|advance\s+)?(?:written\s+)?notice\b"
                     rf"|\bnotice\b[^.;]{{0,60}}?\b(?:at\s+least|no\s+less\s+than|not\s+less\s+than)\s+"
                     rf"(\d+)\s*(?:\(\d+\)\s*)?({_UNIT})", re.I)
# what a carve-out reads to: the end of its sentence or clause (dots that end none are masked first, _mask);
# long enough to hold a cross-reference's section headings whole, then trimmed to _MAX_PHRASE
_CARVE_OUT = re.compile(r"\b(?:except(?:\s+for)?|excluding|other\s+than|save\s+for|"
                        r"with\s+the\s+exception\s+of|(?:shall|does|will)\s+not\s+apply\s+to)\s+([^.;:]{4,400})",
                        re.I)
# "upon" after a verb it completes ("to be agreed upon jointly", "based upon", "binding upon the parties") opens
# no condition
_PARTICLE_UPON = "".join(rf"(?<!{verb}\s)" for verb in ("agreed", "agree", "based", "relied", "rely", "called",
                                                         "binding", "incumbent", "imposed", "conferred", "acted"))
_CONDITION = re.compile(r"\b(if|unless|provided\s+that|in\s+the\s+event\s+(?:that|of)|subject\s+to|"
                        rf"{_PARTICLE_UPON}upon)\s+"
                        r"((?:[^.;:,]|(?<=\d),(?=\d)){4,140})", re.I)  # to a comma, not one inside "$2,500"
# a dot that ends no sentence: in a section number or amount ("13.3.2", "1.5") or after an abbreviation
_INNER_DOT = re.compile(r"(?<=\d)\.(?=\d)|\b(?:e\.g|i\.e|U\.S|Inc|Ltd|Corp|Co|Secs?|vs|viz)\.|\bNos?\.(?=\s?\d)", re.I)
# the heading a section reference carries: "Section 13.3 (Effects of Termination)", "7.2.2(a) (Minimum …)"
_HEADING = re.compile(r"(?<=[\d)])\s*\((?=[A-Z])[^()]*\)")
_MASKED_DOT = "\u2024"  # one dot leader: a character no clause uses, one for one, so spans stay put
# where a carve-out that opens its sentence ("Except for X, neither party shall") gives way to the main
# clause: a comma before a subject and its verb, or before "in no event" / "neither" / "nothing"
_MAIN_CLAUSE = re.compile(r",\s+(?=in\s+no\s+event\b|neither\b|nothing\b|notwithstanding\b|"
                          r"(?:[\w'’-]+\s+){0,3}?(?:shall|will|may|must|agrees?|is|are)\b)", re.I)
# a carve-out that is only a cross-reference ("other than pursuant to Sections 13.3.2 (…) or 13.3.3 (…)"):
# it is said as one ("except under Sections 13.3.2 or 13.3.3"), not as what is excluded
_REF = r"(?:(?:Sections?|Articles?|Clauses?|Paragraphs?|Exhibits?|Schedules?|subclauses?)\s+)?[\dA-Z][\w.]*"
_REF_ONLY = re.compile(rf"(?:pursuant\s+to|under|in\s+accordance\s+with)\s+((?:the\s+)?(?:Sections?|Articles?|Clauses?|"
                       rf"Paragraphs?|Exhibits?|Schedules?|subclauses?)\s+[\dA-Z][\w.]*"
                       rf"(?:\s*(?:,\s*)?(?:and/or|and|or|,)\s*{_REF})*)(?:\s+(?:of|to)\s+this\s+Agreement)?\s*(?:,|$)",
                       re.I)
# a carve-out that opens with one of these is no thing excluded but a case ("except to the extent …",
# "except that …", "except under Section 4"): it reads "except …", a thing reads "excludes …"
_CASE = re.compile(r"(?:as|that|in|to|where|when|if|insofar|pursuant|under|with|for|on|by|upon|within|during|after|"
                   r"before|from|so|solely|only|at|while|unless)\b", re.I)
_SCOPE = re.compile(r"\b(non-?exclusive|exclusive|royalty[- ]free|fully[- ]paid(?:[- ]up)?|worldwide|perpetual|irrevocable|"
                    r"non-?transferable|non-?assignable|non-?sublicensable|sublicensable|revocable|terminable)\b", re.I)
# whose consent: a name, its later words capitalised ("the Company", "Licensor", not "Licensor in its")
_CONSENT = re.compile(r"(?i:\bwithout\s+(?:the\s+)?(?:prior\s+)?(?:express\s+)?(?:written\s+)?consent\s+of\s+)"
                      r"((?:[Tt]he\s+)?[A-Za-z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})")
_CROSS_REFERENCE = ("provided", "set forth", "otherwise", "stated", "described", "permitted", "expressly", "specified",
                    "contemplated", "required", "noted", "specifically", "explicitly")
_LAW = re.compile(r"\blaws?\s+of\s+((?:the\s+)?(?:State\s+of\s+|Commonwealth\s+of\s+|Province\s+of\s+)?"
                  r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})")
# the same in a clause written in capitals, where every word is capitalised: the place is read from the register
# of places (_places), not as the capitalised words that follow ("NEW YORK WITHOUT REGARD TO ...")
_LAW_IN_CAPITALS = re.compile(r"\bLAWS?\s+OF\s+((?:THE\s+)?(?:STATE\s+OF\s+|COMMONWEALTH\s+OF\s+|PROVINCE\s+OF\s+)?)")
# a party as a contract names it: a defined term of one capitalised word ("Supplier"), or either/each party
_ACTS = r"\s*(?:\([^)]{1,40}\)\s*)?(?:shall|will|may|must|agrees?|is\s+entitled|hereby|grants)\b"
# not "Employer's liability insurance", a kind of insurance and no liability of the employer's
_OWNS = r"['’]s\s+(?:\w+\s){0,2}?(?:liability(?!\s+insurance)|obligations?|rights?|right|option|consent|sole)\b"
_ACTOR = re.compile(rf"\b([A-Z][a-zA-Z-]+|[Ee]ither\s+[Pp]arty|[Ee]ach\s+[Pp]arty|[Nn]either\s+[Pp]arty){_ACTS}")
_POSSESSIVE = re.compile(rf"\b([A-Z][a-zA-Z-]+){_OWNS}")
_NOT_PARTIES = {"this", "the", "such", "any", "all", "no", "each", "agreement", "section", "article", "notwithstanding",
                "in", "if", "it", "upon", "subject", "except", "nothing", "neither", "either", "that", "these", "and",
                "or", "for", "unless", "during", "after", "provided", "to", "we", "you", "who", "which", "customer's",
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
                "unit", "url", "user", "website"}
# the words that open a party's name without being part of it ("The Company", "Each of AFSL and TPH-A", "At
# TPH's option"): a capitalised word before a guessed party that is none of these makes the guess the tail of a
# longer term ("EFFECTIVE DATE shall", "Renewal Periods shall", "PageMaster Corporation shall")
_NAME_OPENERS = {"the", "this", "that", "these", "those", "such", "any", "all", "no", "each", "every", "either",
                 "neither", "both", "other", "another", "a", "an", "its", "their", "his", "her", "our", "your", "said",
                 "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for", "from", "with", "without",
                 "upon", "under", "if", "unless", "when", "where", "whereas", "while", "until", "after", "before",
                 "during", "provided", "subject", "except", "notwithstanding", "nothing", "then", "thereafter",
                 "however", "further", "accordingly", "also", "as", "so", "it", "we", "you",
                 # a sentence's opening conjunction or adverb, no modifier ("Although Excite will not")
                 "although", "though", "because", "since", "once", "additionally", "moreover", "similarly",
                 "likewise", "instead", "finally", "thereupon"}
# a section's heading that flattened text runs into its first sentence, which a party's name may follow
# without being part of it: words in capitals at a sentence's start ("ASSIGNMENT Subcontractor shall", not
# "MD Anderson shall": one word of 5 letters or more, or two words), or after a section's number a heading in
# capitals or in title case ("23. NOTICE OF DEFECTS Subcontractor", "3.2 Business Expenses Telnet shall",
# "10) Indemnification Fazync shall"; not "2.1 The Operating Company", whose article opens a term)
_SECTION_DIGITS = r"(?<!\S)\d+(?:\.\d+)*[.)]?"
_SECTION_NUMBER = rf"(?:{_SECTION_DIGITS}|(?<!\S)(?:\(?[a-z]{{1,4}}\)|\(?[A-Z][.)]|(?i:section|article)\s+[\dIVXL]+(?:\.\d+)*\.?))"
_CAPS_WORD = r"[A-Z0-9][A-Z0-9&'’,/()-]*"
_CAPS_HEADING = rf"(?=[A-Z0-9&'’,/()-]*[A-Z]{{5}}|{_CAPS_WORD}\s+{_CAPS_WORD}\s)(?:{_CAPS_WORD}\s+)+"
_TITLE_WORD = r"(?!(?i:the|a|an|this|each|any|such|every|its)\b)(?:[A-Z0-9][\w&'’,/()-]*|of|and|or|for|to|in|on|with|&)"
_HEADING_BEFORE = re.compile(rf"(?:(?:^|[.:;]\s+){_CAPS_HEADING}"
                             rf"|{_SECTION_NUMBER}\s+(?:(?:{_CAPS_WORD}\s+)+|(?:{_TITLE_WORD}\s+)+))$")
# the one heading before a name the contract does not know that is surely no part of it: in capitals after a
# section's number ("3. SHIPMENT AND RISK OF LOSS Supplier shall"); not one in title case ("1.3 Career Center
# shall mean", a defined term) nor after a list's "xx)" ("xx) FLOOD Magazine will")
_NUMBERED_CAPS_HEADING_BEFORE = re.compile(rf"{_SECTION_DIGITS}\s+{_CAPS_HEADING}$")
_SENTENCE_START = re.compile(r"(?:^|[.:;!?])\s*$")
# the end of a phrase that opens a sentence without its comma ("During the term of this Agreement Distributor
# agrees", "at the option of Licensee D2 may"): the capitalised word before a party's name there ends it
_OPENING_PHRASE_END = re.compile(r"\b(?i:during|upon|of|after|following|through|throughout|on|at|in|under|before|"
                                 r"within|until|from|by)\s+(?:(?i:the|this|that|such|each|any|its|their)\s+)?$")
# the last word of a company's name: a longer term that ends in one is a party ("PageMaster Corporation"),
# not a fragment. Not "Company", which contracts make a short name and put after other words ("Operating
# Company", "FOB Company's office", a heading's "Payment Schedule Company agrees")
_COMPANY_SUFFIXES = {"corporation", "corp", "co", "inc", "incorporated", "llc", "ltd", "limited", "plc", "gmbh", "ag",
                     "sa", "lp", "llp"}
# not "without limitation", which drafters write for "including but not limited to"
_UNLIMITED = re.compile(r"\b(?:unlimited|uncapped|shall\s+not\s+be\s+limited)\b", re.I)
_MAX_PHRASE = 90
# a word of four letters or more in capitals: a clause that shouts, or a name it writes so ("the consent of
# AIRSOPURE"), which its explanation may quote (in_capitals)
_CAPITALS = re.compile(r"\b[A-Z][A-Z'’-]{2,}[A-Z]\b")
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


@dataclass
class ClauseFacts:
    """What a clause states, each as it reads in the clause (numbers in words turned into digits)."""

    amounts: list[str] = field(default_factory=list)
    durations: list[str] = field(default_factory=list)
    notice: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    carve_outs: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    laws: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)  # a licence's or right's terms: exclusive, royalty-free, …
    # of the durations, those something lasts or runs for, and the payment deadlines ("due within 30 days of
    # each anniversary"): how the explanation states them (a duration of neither kind it leaves out)
    lasting: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)

    def values(self) -> list[str]:
        return [*self.amounts, *self.durations, *self.notice, *self.parties, *self.carve_outs, *self.conditions,
                *self.laws, *self.scope]

    def __bool__(self) -> bool:
        return bool(self.values())


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalize(text: str) -> str:
    """One spacing, numbers in words as digits, "thirty (30) days" read once as "30 days"."""
    text = " ".join(text.split())
    with contextlib.suppress(ValueError, IndexError):  # text2num refuses some odd runs; words then stay words
        text = alpha2digit(text, "en", threshold=0)
    text = re.sub(r"\b(non|self|co)-\s+(?=[a-z])", r"\1-", text, flags=re.I)  # "non- exclusive" across a line break
    return re.sub(r"\b(\d+)\s*\(\1\)", r"\1", text)


def _actors(text: str, parties: Sequence[str]) -> list[str]:
    """The parties the clause makes act ("Supplier shall"), then those it gives a liability, right or
    obligation ("Customer's liability"), each in reading order: the contract's own party names and short
    names whole where it knows them ("PageMaster Corporation shall", "Go Call shall", not "Corporation" and
    "Call"), else a capitalised word that is no common noun and no fragment of a longer term (_guess)."""
    # a short name defined as "the Manufacturer" is called "The Manufacturer" at a sentence's start
    names = sorted({re.sub(r"^(?:the|The|THE)\s+", "", " ".join(p.split())) for p in parties if p and p.strip()},
                   key=len, reverse=True)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    out: list[str] = []
    for tail, generic in ((_ACTS, _ACTOR), (_OWNS, _POSSESSIVE)):
        known = [(m.start(1), m.end(1), " ".join(m.group(1).split()))
                 for m in re.finditer(rf"(?<![\w-])({alternatives}){tail}", text) if names
                 and not (text[m.start(1)].isupper() and _modified(text, m.start(1)))]  # "we" is no term's tail
        guessed = [(start, m.end(1), name) for m in generic.finditer(text)
                   for start, name in [_guess(text, m.start(1), m.group(1), parties)]]
        found = known + [g for g in guessed if g[2] and not any(s <= g[0] < e for s, e, _ in known)]
        out += [name for _, _, name in sorted(found)]
    return out


def _one_percent_per_number(found: list[str]) -> list[str]:
    """Each percentage once: "ten percent (10%)" reads as "10 percent" and "10%", one rate said twice (a
    rate said in words and in figures, as contracts write them); the first wording is kept."""
    out: dict[str, str] = {}
    for said in found:
        number = _NUMBER.match(said)
        out.setdefault(number.group() if number else said, said)
    return list(out.values())


def read_facts(quote: str, parties: Sequence[str] = (), defined: Sequence[str] = ()) -> ClauseFacts:
    """The facts `quote` states, in reading order, each once; `parties`, the contract's party names and
    short names, are read whole where the clause names them; they and `defined`, the terms the contract
    defines (defined_terms), keep the contract's case in a clause written in capitals."""
    text = normalize(quote)
    names = _names_as_written(tuple(parties), tuple(defined))
    facts = ClauseFacts()
    facts.amounts = _unique(_one_per_number([m.group(0) for m in _MONEY.finditer(text)])
                            + _one_percent_per_number([m.group(0) for m in _PERCENT.finditer(text)])
                            + [_trim(m.group(0), names) for m in _FEES.finditer(text)])
    notice_spans = []
    for m in _NOTICE.finditer(text):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        facts.notice.append(f"{number} {_unit(unit, number)}")
        notice_spans.append(m.span())
    facts.notice = _unique(facts.notice)
    durations = [m for m in _DURATION.finditer(text) if not any(a <= m.start() < b for a, b in notice_spans)]
    for m in durations:
        said = f"{m.group(1)} {_unit(m.group(2), m.group(1))}"
        if any(said.lower() in a.lower() for a in facts.amounts):
            continue
        facts.durations.append(said)
        window = max(0, m.start() - 60)
        if _LASTS_BEFORE.search(text, window, m.start()) or _LASTS_AFTER.match(text, m.end()):
            facts.lasting.append(said)
        elif due := _DUE_BEFORE.search(text, window, m.start()):  # "due within 30 days of each anniversary"
            deadline = re.split(r"[,;(.]", _mask(text[due.start(1) if due.group(1) else due.end():]))[0]
            facts.due.append("due " + _trim(_unmask(deadline), names))
    facts.durations, facts.lasting, facts.due = (_unique(facts.durations), _unique(facts.lasting),
                                                 _unique(facts.due))
    facts.parties = _unique(_actors(text, parties))
    masked = _mask(text)
    facts.carve_outs = _unique([c for m in _CARVE_OUT.finditer(masked) if not _in_heading(masked, m.start())
                                and (c := _carve_out(_unmask(m.group(1)), names))])
    facts.conditions = _unique([f"{m.group(1).lower()} {_trim(_unmask(m.group(2)), names)}" for m in _CONDITION.finditer(masked)
                                if not m.group(2).lower().startswith(("the terms", "this agreement", "the provisions"))
                                and "notice" not in m.group(2).lower() and not _in_heading(masked, m.start())]
                               + [f"without the consent of {_trim(m.group(1), names)}" for m in _CONSENT.finditer(text)])
    facts.scope = _unique([m.group(1).lower() for m in _SCOPE.finditer(text)])
    facts.laws = _unique([f"the laws of {_trim(m.group(1), names).rstrip('.')}" for m in _LAW.finditer(text)])
    if text.upper() == text:  # a clause in capitals: its phrases read in lower case, its names as written
        facts.laws = _unique([f"the laws of {_quiet(m.group(1) + place.group(0), names)}"
                              for m in _LAW_IN_CAPITALS.finditer(text) if (place := _places()[1].match(text, m.end()))])
        for kind in ("amounts", "carve_outs", "conditions"):
            setattr(facts, kind, [_quiet(v, names) if v.isupper() else v for v in getattr(facts, kind)])
    return facts


# how each category's explanation opens; the facts follow. A lead that names the party it binds has a
# second form for a clause that names none ("Lets Customer audit the books", "Allows an audit of the books").
_LEADS: dict[str, str | tuple[str, str]] = {
    "Cap On Liability": "Caps {party}liability",
    "Uncapped Liability": "Leaves {party}liability uncapped",
    "Liquidated Damages": "Sets liquidated damages",
    "Termination For Convenience": ("Lets {party}terminate without cause", "Allows termination without cause"),
    "Notice Period To Terminate Renewal": "Requires notice to stop renewal",
    "Renewal Term": "Renews the agreement",
    "Audit Rights": ("Lets {party}audit the books and records", "Allows an audit of the books and records"),
    "Non-Compete": ("Restricts {party}from competing", "Restricts competition"),
    "Exclusivity": "Makes the relationship exclusive",
    "Non-Exclusivity": "Leaves the relationship non-exclusive",
    "Anti-Assignment": "Restricts assignment",
    "Change Of Control": "Gives rights on a change of control",
    "Minimum Commitment": ("Commits {party}to a minimum", "Sets a minimum commitment"),
    "Insurance": ("Requires {party}to carry insurance", "Requires insurance"),
    "Warranty Duration": "Warrants the work",
    "Post-Termination Services": "Requires services after termination",
    "Revenue/Profit Sharing": "Shares revenue or profit",
    "Price Restrictions": "Restricts pricing",
    "Ip Ownership Assignment": "Assigns intellectual property",
    "License Grant": "Grants a licence",
    "Most Favored Nation": "Gives most-favoured terms",
    "No-Solicit Of Employees": ("Bars {party}from hiring the other side's staff", "Bars hiring the other side's staff"),
    "No-Solicit Of Customers": ("Bars {party}from soliciting customers", "Bars soliciting customers"),
    "Rofr/Rofo/Rofn": "Gives {party}a first right",
    "Volume Restriction": "Limits volumes",
    "Covenant Not To Sue": ("Bars {party}from suing", "Bars claims against the other side"),
    "Governing Law": "Chooses the governing law",
}


def explain(category: str, quote: str, parties: Sequence[str] = (), defined: Sequence[str] = ()) -> str | None:
    """One sentence of the clause's own facts, led by what a clause of `category` does; None when the
    quote states no fact this reader knows (the caller then keeps the category's reason alone). `parties`:
    the contract's party names and short names (its key terms), which the clause's actors are read as;
    `defined`: the terms the contract defines (defined_terms), written as it writes them."""
    facts = read_facts(quote, parties, defined)
    if not facts:
        return None
    party = facts.parties[0] if facts.parties else ""
    if category.lower() == "cap on liability" and _UNLIMITED.search(quote):
        category = "Uncapped Liability"  # a liability clause of the cap's family that removes the cap
    if category.lower() == "exclusivity" and "exclusive" not in facts.scope and any(
            w.startswith("non") and w.endswith("exclusive") for w in facts.scope):
        category = "Non-Exclusivity"  # a clause of the exclusivity family that says the relation is not exclusive
    forms = next((v for k, v in _LEADS.items() if k.lower() == category.lower()), None)
    lead_form = forms if forms is None or isinstance(forms, str) else forms[0] if party else forms[1]
    if lead_form is None:
        lead = f"{category}:"
        parties_said = False
    else:
        owner = f"{party}'s " if "liability" in lead_form and party else f"{party} " if party else ""
        lead = lead_form.format(party=owner) if "{party}" in lead_form else lead_form
        if not party:
            lead = lead.replace("  ", " ")
        parties_said = bool(party) and "{party}" in lead_form
    parts = []
    if facts.amounts:
        parts.append(("at " if lead_form and lead_form.startswith("Caps") else "of ") + ", ".join(facts.amounts[:2]))
    if facts.lasting:
        parts.append("for " + ", ".join(facts.lasting[:2]))
    if facts.due:
        parts.append(facts.due[0])
    if facts.notice:
        parts.append("on " + " or ".join(facts.notice[:2]) + "' notice")
    if facts.laws:
        parts.append(", ".join(facts.laws[:2]))
    # the licence's terms, less the lead's own word ("Makes the relationship exclusive", not "...: exclusive")
    scope = [w for w in facts.scope if w not in lead.lower().split()]
    if scope:
        parts.append(", ".join(scope[:4]))
    if facts.conditions:
        parts.append(facts.conditions[0])
    if facts.carve_outs:
        carve_out = facts.carve_outs[0]
        parts.append(("except " if _CASE.match(carve_out) else "excludes ") + carve_out)
    if facts.parties and not parties_said:
        parts.append("names " + " and ".join(facts.parties[:2]))
    if not parts:  # the one fact is the party the lead names
        return f"{lead}."
    return _sentence(lead, lead_form, scope, parts)


def _sentence(lead: str, lead_form: str | None, scope: list[str], parts: list[str]) -> str:
    """The lead and its parts as one sentence: the first part continues the lead where it can ("Caps liability
    at …"), and a sentence whose last phrase was cut ("…") takes no full stop after it."""
    head, *rest = parts
    if scope and head == ", ".join(scope[:4]):  # the terms of what the lead grants
        said = "; ".join([f"{lead.rstrip(':')}: {head}", *rest])
    elif lead_form is not None and not head.startswith(("at ", "of ", "for ", "on ", "if ", "unless ", "upon ",
                                                      "subject to ", "provided that ", "in the event ",
                                                      "without ")):  # not a continuation of the lead
        said = "; ".join([lead, head, *rest])
    else:
        said = "; ".join([f"{lead} {head}", *rest])
    return said if said.endswith("…") else said + "."


def unsupported_facts(explanation: str, quote: str) -> list[str]:
    """The amounts, durations and notice periods whose numbers, and the governing laws, that `explanation`
    states and its quote does not: a model's explanation naming any is not grounded in its clause (a model
    may write "capped at $5 million" over a clause that says twelve months' fees). Numbers are compared as
    digits (words read as numbers on both sides), so a faithful paraphrase passes."""
    stated = read_facts(explanation)
    quote_numbers = set(_NUMBER.findall(normalize(quote)))
    quote_text = normalize(quote).lower()
    missing = [fact for fact in (*stated.amounts, *stated.durations, *stated.notice)
               if not set(_NUMBER.findall(normalize(fact))) <= quote_numbers]
    return missing + [law for law in stated.laws if law.lower() not in quote_text]


def facts_in(explanation: str, quote: str) -> list[str]:
    """The facts read in `quote` that `explanation` states (word for word, numbers as digits): what the
    explanations' measurement counts."""
    said = normalize(explanation).lower()
    return [v for v in read_facts(quote).values() if v.lower() in said]


def _mask(text: str) -> str:
    """`text` with each dot that ends no sentence ("Sections 13.3.2", "e.g.", "Inc.") masked, so that a phrase
    read to its sentence's end is not cut at a section number's dot."""
    return _INNER_DOT.sub(lambda m: m.group(0).replace(".", _MASKED_DOT), text)


def _unmask(text: str) -> str:
    return text.replace(_MASKED_DOT, ".")


def _in_heading(text: str, start: int) -> bool:
    """Whether the word at `start` is capitalised inside a sentence ("(Effects of Termination Based Upon
    Ginkgo's Election)"): a section's title, which states no condition or carve-out of this clause."""
    before = text[:start].rstrip()
    return text[start].isupper() and text.upper() != text and bool(before) and (before[-1].isalpha()
                                                                                   or before[-1] in "'’")


def _carve_out(phrase: str, names: Mapping[str, str]) -> str | None:
    """The carve-out `phrase` states, as the explanation says it: to where its clause resumes (not inside an
    "except that" clause, whose own subject and verb follow its comma); a cross-reference
    to a section ("pursuant to Sections 13.3.2 (…) or 13.3.3 (…)") as that reference without its headings;
    None for a hedge that only points elsewhere ("as otherwise provided in Section 6")."""
    phrase = " ".join(phrase.split())
    depth = 0
    for i, char in enumerate(phrase):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char == "," and _MAIN_CLAUSE.match(phrase, i) and not re.match(r"that\b", phrase, re.I):
            phrase = phrase[:i]
            break
    if re.sub(r"^(?:as\s+(?:may\s+be\s+|is\s+|are\s+)?)", "", phrase, flags=re.I).lower().startswith(_CROSS_REFERENCE):
        return None
    bare = phrase
    while (shorter := re.sub(r"\s*\([^()]*\)", "", bare)) != bare:  # the headings, innermost first
        bare = shorter
    if reference := _REF_ONLY.match(bare):
        return " ".join(bare[:reference.end(1)].split())
    return _trim(phrase, names) or None


def _unit(unit: str, number: str) -> str:
    unit = " ".join(unit.lower().split())
    return unit.rstrip("s") if number == "1" else unit if unit.endswith("s") else unit + "s"


def _guess(text: str, start: int, word: str, parties: Sequence[str]) -> tuple[int, str]:
    """The party a capitalised word at `start` names, where the contract's names did not say (its start and
    name), else "": the word ends a longer capitalised term ("EFFECTIVE DATE shall", "Renewal Periods shall",
    "MBE Centers will") or is a noun a contract capitalises ("the Shares shall"), and naming it would tell the
    lawyer a wrong party. A longer term is taken whole where it is a company's name: the start of one of the
    contract's `parties` ("Oak Ridge" of "OAK RIDGE ENERGY TECHNOLOGIES, INC.", "Dragon Systems" of "DRAGON
    SYSTEMS, INC.") or a name that ends in "Corporation", "Inc" and the like ("PageMaster Corporation"). Words
    that are a section's heading are none of the name ("23. ASSIGNMENT Subcontractor shall"; after a heading in
    title case only a word that starts a party's name, "7. Order Processing Chase will")."""
    if " " in word.strip():  # either/each/neither party
        return start, _party(word)
    run = _capitalised_run(text, start)
    if not run:
        return start, _party(word)
    words = [w.lower() for w in [*run, word]]
    known = [[w.strip(",.").lower() for w in re.sub(r"^the\s+", "", " ".join(p.split()), flags=re.I).split()]
             for p in parties]
    if any(k[:len(words)] == words for k in known) or words[-1].strip(".") in _COMPANY_SUFFIXES:
        return start - sum(len(w) + 1 for w in run), " ".join([*run, word])
    starts_a_name = any(k[:1] == [word.lower()] for k in known)
    # not "1.3 RESEARCH PROJECTS will", a term in capitals
    if not word.isupper() and (_after_heading(text, start, _NUMBERED_CAPS_HEADING_BEFORE)
                               or (starts_a_name and _after_heading(text, start))):
        return start, _party(word)
    return start, ""


def _capitalised_run(text: str, start: int) -> list[str]:
    """The capitalised words right before `start` back to one that opens a name ("the", "Each", "During"):
    a longer term `start`'s word may end ("Renewal Periods", "the Operating Company")."""
    run: list[str] = []
    before = text[:start]
    while (m := re.search(r"(?<![^\s(\"“])([A-Z][\w&'’-]*) $", before)) and m.group(1).lower() not in _NAME_OPENERS:
        run.insert(0, m.group(1))
        before = before[:m.start()]
    return run


def _after_heading(text: str, start: int, heading: re.Pattern[str] = _HEADING_BEFORE) -> bool:
    """Whether a section's `heading` ends right before `start` ("23. ASSIGNMENT Subcontractor shall")."""
    return bool(heading.search(text, max(0, start - 150), start))


def _modified(text: str, start: int) -> bool:
    """Whether the party's name at `start` is the tail of a longer term ("the Operating Company shall",
    "a Dedicated Shipper shall", "FOB Company's office"): a capitalised word before it inside a sentence that
    ends no heading ("3.2 Business Expenses Telnet shall") and no phrase that opens the sentence ("During the
    Term Sponsor shall"). Capitalised words that open the sentence are taken for a heading ("Training Telnet
    shall"), as a modifier there is rare."""
    run = _capitalised_run(text, start)
    if not run:
        return False
    run_start = start - sum(len(w) + 1 for w in run)
    return not (_SENTENCE_START.search(text, max(0, run_start - 5), run_start) or _after_heading(text, start)
                or _OPENING_PHRASE_END.search(text, max(0, run_start - 40), run_start))


def _party(name: str) -> str:
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


def _trim(phrase: str, names: Mapping[str, str]) -> str:
    """One phrase as the explanation quotes it: inside the parenthesis it was found in, without one it opens
    and does not close, in lower case when the clause shouts (but for `names` and acronyms, _quiet), at most
    _MAX_PHRASE characters (a section reference's heading, "Section 13.3 (Effects of Termination)", dropped
    first where it is longer)."""
    phrase = " ".join(phrase.split())
    depth = 0
    for i, char in enumerate(phrase):
        depth += (char == "(") - (char == ")")
        if depth < 0:  # the phrase began inside a parenthesis: it ends where that closes
            phrase = phrase[:i]
            break
    else:  # a parenthesis the phrase opens and does not close ("Payment (as defined in 9.3"): left out
        phrase = _closed(phrase)
    phrase = phrase.rstrip(" ,")
    if phrase.isupper():
        phrase = _quiet(phrase, names)
    if len(phrase) > _MAX_PHRASE:  # a section's heading goes before the words of the clause do
        phrase = _HEADING.sub("", phrase)
    if len(phrase) <= _MAX_PHRASE:
        return phrase
    return _cut(phrase)


@lru_cache(maxsize=8)  # the same for each clause of a contract: built once for it
def _names_as_written(parties: tuple[str, ...], defined: tuple[str, ...] = ()) -> Mapping[str, str]:
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
            _COMPANY_SUFFIXES else ""
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


def in_capitals(quote: str) -> bool:
    """Whether `quote` has words in capitals ("IN NO EVENT SHALL", "the consent of AIRSOPURE"), which its
    explanation writes in lower case but for the contract's names and terms (_quiet): only a document with such
    a clause needs its defined_terms, which take a few milliseconds to read."""
    return bool(_CAPITALS.search(quote))


def defined_terms(text: str) -> list[str]:
    """The terms contract `text` defines where it defines them ("Licensed Products" means, (the "Territory")),
    as it writes them; not one it writes only in capitals, nor one it writes as an ordinary word in lower case
    at least as often as it writes the term (the "Act" of a contract that speaks of "any act or omission" and
    "an act of God"): in a clause written in capitals (_quiet) the term cannot be told from the word, and a
    word a contract mostly writes in lower case reads best so. Read once for a document, not for each of its
    clauses."""
    terms = {d.term for d in find_definitions(text) if d.strict and not d.term.isupper()}
    return sorted(t for t in terms if _mostly_as_term(text, t))


def _mostly_as_term(text: str, term: str) -> bool:
    """Whether `text` writes `term` as a term ("Party") more often than its words in lower case ("third party").
    Each count stops where the answer is known, bounded by the other: a term written 800 times and a short word
    that is part of many others ("act" of "contract") cost no more than they must."""
    lower = _count(text, term.lower(), enough=text.count(term))
    return _count(text, term, enough=lower + 1) > lower


def _count(text: str, words: str, enough: int) -> int:
    """How often, up to `enough`, `text` has `words` as words of their own ("act", not the "act" of "contract"
    or "act-based"), found with str.find: no regex to compile for each term."""
    count, at = 0, text.find(words)
    while at >= 0 and count < enough:
        end = at + len(words)
        count += not _in_word(text[at - 1:at]) and not _in_word(text[end:end + 1])
        at = text.find(words, at + 1)
    return count


def _in_word(char: str) -> bool:
    """Whether `char` continues a word as the names' patterns read one: a letter, a digit, "_" or a hyphen."""
    return char.isalnum() or char in "_-"


@cache
def _places() -> tuple[dict[str, str], re.Pattern[str]]:
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


def _quiet(phrase: str, names: Mapping[str, str]) -> str:
    """`phrase`, written in capitals, in lower case, as a clause that shouts reads in a sentence; but a party's
    name and a defined term stay as the contract writes them ("Edge", "Licensed Products", not "edge", which
    reads as a typo or another thing), a place's name as it is written ("New York", _places), a section's
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
    places, pattern = _places()
    out, at = [], 0
    for m in pattern.finditer(words):
        out += [words[at:m.start()].lower(), places[" ".join(m.group().split())]]
        at = m.end()
    return "".join([*out, words[at:].lower()])


def _cut(phrase: str) -> str:
    """`phrase` cut to at most _MAX_PHRASE characters and an ellipsis, where it reads as a phrase: before
    the last clause or list item that starts in its second half ("if you or your owners propose to sell
    the Franchised Restaurant (or its assets)…", not "… (or its assets) or a…"), else after its last whole
    word; and never on a word that needs the next one ("of the…", "within 365…")."""
    head = phrase[:_MAX_PHRASE + 1]  # one character more: a word that ends at the bound is whole
    breaks = [m.start() for m in _PHRASE_BREAK.finditer(head, _MAX_PHRASE // 2) if m.start() < _MAX_PHRASE]
    cut = _closed(phrase[:breaks[-1]] if breaks else head.rsplit(" ", 1)[0][:_MAX_PHRASE])
    words = cut.rstrip(" ,;").split(" ")
    while len(words) > 1 and (words[-1].lower() in _DANGLING or words[-1].endswith(("'s", "’s"))  # "Distributor's…"
                              or (not breaks and _cut_from_unit(words))):
        words.pop()
    return " ".join(words).rstrip(" ,;") + "…"


def _cut_from_unit(words: list[str]) -> bool:
    """Whether the last of `words` is a number cut from what it counts ("within 365…" of "within 365 days",
    "$500…" of "$500 million"), not a section's number ("under Section 7…")."""
    return bool(_NUMBER.search(words[-1])) and not (len(words) > 1 and _REFERENCE_WORD.fullmatch(words[-2]))


def _closed(phrase: str) -> str:
    """`phrase` without a parenthesis it opens and does not close ("Payment (as defined in 9.3")."""
    while (opened := phrase.rfind("(")) >= 0 and phrase.count("(", opened) > phrase.count(")", opened):
        phrase = phrase[:opened]
    return phrase


def _one_per_number(amounts: list[str]) -> list[str]:
    """One amount for each number: "Six Hundred Dollars ($600)" reads as "600 Dollars" and "$600", and the
    one with its currency's sign is kept."""
    signed = {n for a in amounts if a[:1] in "$€£" or a[:3].isupper() for n in _NUMBER.findall(a)}
    return [a for a in amounts if a[:1] in "$€£" or a[:3].isupper() or not set(_NUMBER.findall(a)) <= signed]


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out
