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

from text_to_num import alpha2digit

from analyzers.clause_readings import (
    about_prices,
    assignment_roles,
    caps,
    hedge,
    limits,
    period,
    price_limit,
    uncapped,
)
from analyzers.clause_words import (
    CASE,
    COMPANY_SUFFIXES,
    NUMBER,
    PRONOUNS,
    mask,
    names_as_written,
    party_said,
    places,
    pronoun_roles,
    quiet,
    trim,
    unmask,
)
from contracts.proofing.definitions import find_definitions

_MONEY = re.compile(
    r"(?:(?:US|U\.S\.)?\$|USD|EUR|GBP|€|£)\s?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?(?:million|billion|thousand|[mk]\b))?"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:million |billion |thousand )?(?:dollars|euros|pounds)\b", re.I)
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I)
_FEES = re.compile(r"\b(?:the\s+)?(?:total\s+|aggregate\s+)?(?:fees|amounts|charges|sums|consideration)\s+"
                   r"(?:actually\s+)?(?:paid|payable|received)\b[^.;:,]{0,90}", re.I)
_UNIT = r"(?:calendar\s+|business\s+|working\s+)?(?:days?|weeks?|months?|years?)"
# whose liability: "Licensor's total liability", "Supplier's aggregate liability"
_LIABILITY_OF = re.compile(r"\b([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,2})['’]s?\s+(?:[\w-]+\s+){0,2}?liabilit(?:y|ies)\b")
# a period said alone, with nothing it is counted from ("for 3 years")
_BARE_PERIOD = re.compile(rf"for \d+ {_UNIT}(?:, \d+ {_UNIT})*", re.I)
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
# what a carve-out reads to: the end of its sentence or clause (dots that end none are masked first, mask);
# long enough to hold a cross-reference's section headings whole, then trimmed to MAX_PHRASE
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
# where a carve-out that opens its sentence ("Except for X, neither party shall") gives way to the main
# clause: a comma before a subject and its verb, before "in no event" / "neither" / "nothing", or before the
# clause's next verb ("excluding its conflict of laws provisions, and be subject to ...")
_MAIN_CLAUSE = re.compile(r",\s+(?=in\s+no\s+event\b|neither\b|nothing\b|notwithstanding\b|"
                          r"(?:and|or)\s+(?:be|shall|will)\b|"
                          r"(?:[\w'’-]+\s+){0,3}?(?:shall|will|may|must|agrees?|is|are)\b)", re.I)
# a carve-out that is only a cross-reference ("other than pursuant to Sections 13.3.2 (…) or 13.3.3 (…)"):
# it is said as one ("except under Sections 13.3.2 or 13.3.3"), not as what is excluded
_REF = r"(?:(?:Sections?|Articles?|Clauses?|Paragraphs?|Exhibits?|Schedules?|subclauses?)\s+)?[\dA-Z][\w.]*"
_REF_ONLY = re.compile(rf"(?:pursuant\s+to|under|in\s+accordance\s+with)\s+((?:the\s+)?(?:Sections?|Articles?|Clauses?|"
                       rf"Paragraphs?|Exhibits?|Schedules?|subclauses?)\s+[\dA-Z][\w.]*"
                       rf"(?:\s*(?:,\s*)?(?:and/or|and|or|,)\s*{_REF})*)(?:\s+(?:of|to)\s+this\s+Agreement)?\s*(?:,|$)",
                       re.I)
_SCOPE = re.compile(r"\b(non-?exclusive|exclusive|royalty[- ]free|fully[- ]paid(?:[- ]up)?|worldwide|perpetual|irrevocable|"
                    r"non-?transferable|non-?assignable|non-?sublicensable|sublicensable|revocable|terminable)\b", re.I)
# whose consent: a name, its later words capitalised ("the Company", "Licensor", not "Licensor in its")
_CONSENT = re.compile(r"(?i:\bwithout\s+(?:the\s+)?(?:prior\s+)?(?:express\s+)?(?:written\s+)?consent\s+of\s+)"
                      r"((?:[Tt]he\s+)?[A-Za-z][\w&-]*(?:\.[a-z]\w*)?(?:\s+[A-Z][\w&-]*){0,2})")
_CROSS_REFERENCE = ("provided", "set forth", "otherwise", "stated", "described", "permitted", "expressly", "specified",
                    "contemplated", "required", "noted", "specifically", "explicitly")
_LAW = re.compile(r"\blaws?\s+of\s+((?:the\s+)?(?:State\s+of\s+|Commonwealth\s+of\s+|Province\s+of\s+)?"
                  r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})")
# the same in a clause written in capitals, where every word is capitalised: the place is read from the register
# of places (places), not as the capitalised words that follow ("NEW YORK WITHOUT REGARD TO ...")
_LAW_IN_CAPITALS = re.compile(r"\bLAWS?\s+OF\s+((?:THE\s+)?(?:STATE\s+OF\s+|COMMONWEALTH\s+OF\s+|PROVINCE\s+OF\s+)?)")
# a party as a contract names it: a defined term of one capitalised word ("Supplier"), or either/each party
_ACTS = r"\s*(?:\([^)]{1,40}\)\s*)?(?:shall|will|may|must|agrees?|is\s+entitled|hereby|grants)\b"
# not "Employer's liability insurance", a kind of insurance and no liability of the employer's
_OWNS = r"['’]s\s+(?:\w+\s){0,2}?(?:liability(?!\s+insurance)|obligations?|rights?|right|option|consent|sole)\b"
_ACTOR = re.compile(rf"\b([A-Z][a-zA-Z-]+|[Ee]ither\s+[Pp]arty|[Ee]ach\s+[Pp]arty|[Nn]either\s+[Pp]arty){_ACTS}")
_POSSESSIVE = re.compile(rf"\b([A-Z][a-zA-Z-]+){_OWNS}")
_OWNED = _OWNS.removeprefix(r"['’]s")  # what a pronoun owns: "our right", "your obligations"
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
# not "without limitation", which drafters write for "including but not limited to"
# the parts that continue an explanation's lead ("Caps liability at …", "Restricts Customer from competing during
# the term and for 2 years after it"), not ones said after it
_CONTINUATIONS = ("at ", "of ", "for ", "on ", "if ", "unless ", "upon ", "subject to ", "provided that ",
                  "in the event ", "without ", "during ", "from ", "throughout ")
_UNLIMITED = re.compile(r"\b(?:unlimited|uncapped|shall\s+not\s+be\s+limited)\b", re.I)
# a word of four letters or more in capitals: a clause that shouts, or a name it writes so ("the consent of
# AIRSOPURE"), which its explanation may quote (in_capitals)
_CAPITALS = re.compile(r"\b[A-Z][A-Z'’-]{2,}[A-Z]\b")


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
    # of the durations, those something lasts or runs for, as the explanation says them with what they are
    # counted from ("for 2 years after the Effective Date", "during the term and for 2 years after it"), and the
    # payment deadlines ("due within 30 days of each anniversary"); a duration of neither kind it leaves out
    lasting: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)
    # of the lasting periods, those a price word is near: the periods a price restriction states
    priced: list[str] = field(default_factory=list)
    # where each carve-out and condition is read in the normalized clause (start, end): one inside a reading
    # that says it whole (an assignment's "except that X may assign ... if ...") is not said again
    at: dict[str, tuple[int, int]] = field(default_factory=dict)

    def values(self) -> list[str]:
        return [*self.amounts, *self.durations, *self.notice, *self.parties, *self.carve_outs, *self.conditions,
                *self.laws, *self.scope]

    def __bool__(self) -> bool:
        return bool(self.values())


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
    # a short name defined as "the Manufacturer" is called "The Manufacturer" at a sentence's start; a pronoun a
    # contract calls a party by ("we") is none of its names, and said as the role the clause gives it, if any
    parties = [p for p in parties if p and p.strip() and p.strip().lower() not in PRONOUNS]
    names = sorted({re.sub(r"^(?:the|The|THE)\s+", "", " ".join(p.split())) for p in parties}, key=len, reverse=True)
    roles = pronoun_roles(text)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    out: list[str] = []
    for tail, generic, pronoun, its in ((_ACTS, _ACTOR, "we|you", _ACTS), (_OWNS, _POSSESSIVE, "our|your", _OWNED)):
        known = [(m.start(1), m.end(1), " ".join(m.group(1).split()))
                 for m in re.finditer(rf"(?<![\w-])({alternatives}){tail}", text) if names
                 and not (text[m.start(1)].isupper() and _modified(text, m.start(1)))]  # "we" is no term's tail
        guessed = [(start, m.end(1), name) for m in generic.finditer(text)
                   for start, name in [_guess(text, m.start(1), m.group(1), parties)]]
        pronouns = [(m.start(1), m.end(1), roles[m.group(1).lower()])
                    for m in re.finditer(rf"\b({pronoun}){its}", text, re.I) if m.group(1).lower() in roles]
        found = known + pronouns + [g for g in guessed if g[2] and not any(s <= g[0] < e for s, e, _ in known)]
        out += [name for _, _, name in sorted(found)]
    return out


def _one_percent_per_number(found: list[str]) -> list[str]:
    """Each percentage once: "ten percent (10%)" reads as "10 percent" and "10%", one rate said twice (a
    rate said in words and in figures, as contracts write them); the first wording is kept."""
    out: dict[str, str] = {}
    for said in found:
        number = NUMBER.match(said)
        out.setdefault(number.group() if number else said, said)
    return list(out.values())


def read_facts(quote: str, parties: Sequence[str] = (), defined: Sequence[str] = ()) -> ClauseFacts:
    """The facts `quote` states, in reading order, each once; `parties`, the contract's party names and
    short names, are read whole where the clause names them; they and `defined`, the terms the contract
    defines (defined_terms), keep the contract's case in a clause written in capitals."""
    text = normalize(quote)
    names = names_as_written(tuple(parties), tuple(defined))
    facts = ClauseFacts()
    facts.amounts = _unique(_one_per_number([m.group(0) for m in _MONEY.finditer(text)])
                            + _one_percent_per_number([m.group(0) for m in _PERCENT.finditer(text)])
                            + [trim(m.group(0), names) for m in _FEES.finditer(text)])
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
        opens = _LASTS_BEFORE.search(text, window, m.start())
        if opens or _LASTS_AFTER.match(text, m.end()):
            lasting = period(text, opens.start(), m.start(), m.end(), said, names) if opens else f"for {said}"
            facts.lasting.append(lasting)
            if about_prices(text, m.start(), m.end()):
                facts.priced.append(lasting)
        elif due := _DUE_BEFORE.search(text, window, m.start()):  # "due within 30 days of each anniversary"
            deadline = re.split(r"[,;(.]", mask(text[due.start(1) if due.group(1) else due.end():]))[0]
            facts.due.append("due " + trim(unmask(deadline), names))
    facts.durations, facts.lasting, facts.due, facts.priced = (_unique(facts.durations), _unique(facts.lasting),
                                                               _unique(facts.due), _unique(facts.priced))
    facts.parties = _unique(_actors(text, parties))
    _read_exceptions(text, names, facts)
    facts.scope = _unique([m.group(1).lower() for m in _SCOPE.finditer(text)])
    facts.laws = _unique([f"the laws of {trim(m.group(1), names).rstrip('.')}" for m in _LAW.finditer(text)])
    if text.upper() == text:  # a clause in capitals: its phrases read in lower case, its names as written
        facts.laws = _unique([f"the laws of {quiet(m.group(1) + place.group(0), names)}"
                              for m in _LAW_IN_CAPITALS.finditer(text) if (place := places()[1].match(text, m.end()))])
        for kind in ("amounts", "carve_outs", "conditions"):
            setattr(facts, kind, [quiet(v, names) if v.isupper() else v for v in getattr(facts, kind)])
        facts.at = {quiet(v, names) if v.isupper() else v: span for v, span in facts.at.items()}
    return facts


def _read_exceptions(text: str, names: Mapping[str, str], facts: ClauseFacts) -> None:
    """The carve-outs and conditions of normalized `text`, each once with where it is read (facts.at). A
    condition inside an "except that" clause is the exception's ("except that Tickets may assign ... if another
    entity acquires ..."), not the clause's; one that is a carve-out's own words ("except in the event of a
    breach") is that carve-out; and one after "even" ("even if advised of the possibility of such damages") is
    the opposite of a condition: none is read as the clause's condition."""
    masked = mask(text)
    carve_outs, clauses, opens = [], [], set()
    for m in _CARVE_OUT.finditer(masked):
        if _in_heading(masked, m.start()):
            continue
        phrase = unmask(m.group(1))
        reach = m.start(1) + _reach(phrase)
        opens.add(m.start(1))
        if re.match(r"that\b", phrase, re.I):  # "except that X may ... if ...": a clause of its own
            clauses.append((m.start(), reach))
        if said := _carve_out(phrase[:reach - m.start(1)], names):
            carve_outs.append(said)
            facts.at.setdefault(said, (m.start(), reach))
    conditions = []
    for m in _CONDITION.finditer(masked):
        if (m.group(2).lower().startswith(("the terms", "this agreement", "the provisions"))
                or "notice" in m.group(2).lower() or _in_heading(masked, m.start())
                or re.search(r"\beven\s+$", masked[max(0, m.start() - 6):m.start()], re.I)
                or m.start() in opens or any(start < m.start() < end for start, end in clauses)):
            continue
        said = f"{m.group(1).lower()} {trim(unmask(m.group(2)), names)}"
        conditions.append(said)
        facts.at.setdefault(said, m.span())
    roles = pronoun_roles(text)
    for m in _CONSENT.finditer(text):
        whose = re.sub(r"^the\s+", "", m.group(1), flags=re.I)  # "the consent of Us": a party called by a pronoun
        pronoun = whose.lower() in PRONOUNS
        said = (f"without the consent of {trim(m.group(1), names)}" if not pronoun
                else f"without the consent of {roles[whose.lower()]}" if whose.lower() in roles else "without consent")
        conditions.append(said)
        facts.at.setdefault(said, m.span())
    facts.carve_outs, facts.conditions = _unique(carve_outs), _unique(conditions)


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
    text = normalize(quote)
    names = names_as_written(tuple(parties), tuple(defined))
    party = facts.parties[0] if facts.parties else ""
    kind = category.lower()
    if kind == "cap on liability" and _UNLIMITED.search(quote):
        kind = category = "Uncapped Liability"  # a liability clause of the cap's family that removes the cap
    if kind in ("cap on liability", "uncapped liability"):
        party = _liable(text, facts.parties) or party
    if kind == "uncapped liability":
        return _uncapped(text, facts, party, names)
    if kind == "rofr/rofo/rofn":  # the first right is the holder's, not the grantor's ("We grant you a right")
        party = next((p for p in facts.parties if not _grants(text, p)), "")
    if not facts:
        return None
    lead, lead_form, parties_said = _lead(category, text, facts, party)
    # what the lead is followed by with a colon: who may assign and who needs consent, what a price may not do
    roles = assignment_roles(text, [*parties, *facts.parties], names) if kind == "anti-assignment" else []
    said_whole = [(r.start, r.end) for r in roles]
    terms = [r.said for r in roles[:2]] + ([limit] if kind == "price restrictions" and (limit := price_limit(
        text, names)) else [])
    parts = list(terms)
    amounts = [a for a in facts.amounts if not any(a in said for said in terms)]  # not one a term says
    if amounts:
        parts.append(("at " if lead_form and lead_form.endswith("liability") else "of ") + ", ".join(amounts[:2]))
    lasting = facts.priced if kind == "price restrictions" else facts.lasting
    if lasting:
        parts.append(_periods(lasting))
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
        terms.append(parts[-1])
    conditions, carve_outs = (_outside(facts, said, said_whole) for said in (facts.conditions, facts.carve_outs))
    if roles:  # the roles say whose consent is needed
        conditions = [c for c in conditions if not c.startswith(("without the consent of", "without consent"))]
    if conditions:
        parts.append(conditions[0])
    if carve_outs:
        parts.append(("except " if CASE.match(carve_outs[0]) else "excludes ") + carve_outs[0])
    if facts.parties and not parties_said and not roles:
        parts.append("names " + " and ".join(facts.parties[:2]))
    if not parts:  # the one fact is the party the lead names
        return f"{lead}."
    return _sentence(lead, lead_form, parts[0] in terms, parts)


def _lead(category: str, text: str, facts: ClauseFacts, party: str) -> tuple[str, str | None, bool]:
    """How the explanation of a clause of `category` opens (_LEADS, with `party` where it binds one), its
    form (None for a category without one: "Category:") and whether it names the party. An exclusivity clause
    that says the relation is not exclusive leads as one; a cap on liability that only excludes kinds of damages
    "Limits" liability, as it caps no amount."""
    kind = category.lower()
    if kind == "exclusivity" and "exclusive" not in facts.scope and any(
            w.startswith("non") and w.endswith("exclusive") for w in facts.scope):
        category = "Non-Exclusivity"
    forms = next((v for k, v in _LEADS.items() if k.lower() == category.lower()), None)
    if kind == "cap on liability" and not caps(text) and limits(text):
        forms = "Limits {party}liability"
    lead_form = forms if forms is None or isinstance(forms, str) else forms[0] if party else forms[1]
    if lead_form is None:
        return f"{category}:", None, False
    owner = f"{party}'s " if "liability" in lead_form and party else f"{party} " if party else ""
    lead = lead_form.format(party=owner) if "{party}" in lead_form else lead_form
    return (lead if party else lead.replace("  ", " ")), lead_form, bool(party) and "{party}" in lead_form


def _grants(text: str, party: str) -> bool:
    """Whether the clause makes `party` grant or give a right ("Supplier hereby grants", "You (the "Franchisee")
    shall give us"): the grantor of a first right, whom "Gives X a first right" would make its holder."""
    return bool(re.search(rf"(?<![\w-]){re.escape(party)}[\"”’)]*\s*(?:\([^)]{{1,40}}\)\s*)?"
                          r"(?:(?:shall|will|hereby|agrees?\s+to|must)\s+)*(?:grant|give|offer)s?\b", text))


def _outside(facts: ClauseFacts, said: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """The carve-outs or conditions in `said` that no reading in `spans` states whole."""
    return [s for s in said if not any(a <= facts.at.get(s, (-1, -1))[0] < b for a, b in spans)]


def _periods(lasting: list[str]) -> str:
    """The periods something lasts for, as one part: "for 3 years, 2 years" where neither says what it is
    counted from, else each whole ("during the term and for 2 years after it")."""
    out: list[str] = []
    for said in lasting[:2]:
        if out and _BARE_PERIOD.fullmatch(out[-1]) and _BARE_PERIOD.fullmatch(said):
            out[-1] += ", " + said.removeprefix("for ")
        else:
            out.append(said)
    return ", ".join(out)


def _uncapped(text: str, facts: ClauseFacts, party: str, names: Mapping[str, str]) -> str | None:
    """The explanation of an uncapped-liability clause: what it leaves uncapped, read from its carve-outs and
    what it says it does not limit (analyzers.clause_readings.uncapped), never the cap's own amount or period;
    a limitation that states no such exception says so, so as not to contradict the cap it also is; a clause
    that limits nothing ("Customer's liability shall be unlimited") is said to leave liability uncapped."""
    owner = f"{party}'s " if party else ""
    carve_outs = [c for c in facts.carve_outs if CASE.match(c) or _opens_its_clause(text, facts.at.get(c, (0, 0))[0])]
    said = uncapped(text, carve_outs, owner, names)
    if said:
        return _sentence(said[0], None, False, [*said[1:2], *facts.conditions[:1]], continues=False)
    if _UNLIMITED.search(text) or not limits(text):
        if not party and not facts.conditions:
            return None
        return _sentence(f"Leaves {owner}liability uncapped", "Leaves", False, facts.conditions[:1])
    reference = trim(hedge(text), names)
    check = (f"what it leaves uncapped is set out in {reference} — check" if reference
             else "no exception in these words leaves it uncapped — check")
    conditions = [c for c in facts.conditions[:1] if not (reference and reference in c)]  # said by the check
    return _sentence(f"Limits {owner}liability", "Limits", False, [*conditions, check])


def _liable(text: str, parties: list[str]) -> str:
    """Of the clause's `parties`, the one whose liability it is ("Licensor's total liability", not the
    "Licensee's indemnity obligations" it excepts first); "" where the clause names no one's liability."""
    for m in _LIABILITY_OF.finditer(text):
        if m.group(1) in parties:
            return m.group(1)
    return ""


def _opens_its_clause(text: str, start: int) -> bool:
    """Whether the carve-out of a thing at `start` excepts from the whole clause ("Except for X, in no event ...",
    ", except for X", "... and except for X", "12.2 Except for X", "this limitation shall not apply to X"), not a
    word inside a list of damages ("any damages other than direct damages", which are no liability left uncapped);
    one of a case ("... whatsoever except in the cases of fraud") excepts from the clause wherever it stands."""
    before = text[:start].rstrip()
    return (not before or before[-1] in ",;:.(" or bool(re.search(r"\b(?:and|or)$|(?:^|\s)\(?\w{1,3}\)$|"
                                                                   r"(?:^|\s)\d+(?:\.\d+)*\.?$", before, re.I))
            or bool(re.match(r"(?:shall|does|will)\s+not\s+apply", text[start:], re.I)))


def _sentence(lead: str, lead_form: str | None, colon: bool, parts: list[str], continues: bool = True) -> str:
    """The lead and its parts as one sentence: what the lead grants or says of each party after a colon
    ("Grants a licence: non-exclusive", "Restricts assignment: Customer needs Provider's consent"), else the
    first part continues the lead where it can ("Caps liability at …"); a sentence whose last phrase was cut
    ("…") takes no full stop after it."""
    if not parts:
        said = lead
    elif colon:
        said = "; ".join([f"{lead.rstrip(':')}: {parts[0]}", *parts[1:]])
    elif not continues or (lead_form is not None and not parts[0].startswith(_CONTINUATIONS)):
        said = "; ".join([lead, *parts])
    else:
        said = "; ".join([f"{lead} {parts[0]}", *parts[1:]])
    return said if said.endswith("…") else said + "."


def unsupported_facts(explanation: str, quote: str) -> list[str]:
    """The amounts, durations and notice periods whose numbers, and the governing laws, that `explanation`
    states and its quote does not: a model's explanation naming any is not grounded in its clause (a model
    may write "capped at $5 million" over a clause that says twelve months' fees). Numbers are compared as
    digits (words read as numbers on both sides), so a faithful paraphrase passes."""
    stated = read_facts(explanation)
    quote_numbers = set(NUMBER.findall(normalize(quote)))
    quote_text = normalize(quote).lower()
    missing = [fact for fact in (*stated.amounts, *stated.durations, *stated.notice)
               if not set(NUMBER.findall(normalize(fact))) <= quote_numbers]
    return missing + [law for law in stated.laws if law.lower() not in quote_text]


def facts_in(explanation: str, quote: str) -> list[str]:
    """The facts read in `quote` that `explanation` states (word for word, numbers as digits): what the
    explanations' measurement counts."""
    said = normalize(explanation).lower()
    return [v for v in read_facts(quote).values() if v.lower() in said]


def _in_heading(text: str, start: int) -> bool:
    """Whether the word at `start` is capitalised inside a sentence ("(Effects of Termination Based Upon
    Ginkgo's Election)"): a section's title, which states no condition or carve-out of this clause. Not a word of
    a sentence written in capitals under a heading in title case ("12.3 Limitations on Liability. SUBJECT TO
    ..., AND EXCEPT WITH RESPECT TO ...")."""
    before = text[:start].rstrip()
    sentence = text[max(text.rfind(".", 0, start), text.rfind(";", 0, start)) + 1:start]
    return (text[start].isupper() and text.upper() != text and bool(before) and (before[-1].isalpha()
                                                                                 or before[-1] in "'’")
            and sentence.upper() != sentence)


def _reach(phrase: str) -> int:
    """How far the carve-out `phrase` (normalized: one spacing) reads: to where its clause resumes, a comma
    before the main clause's subject and verb ("Except for X, neither party shall"), not inside an "except
    that" clause, whose own subject and verb follow its comma; else to its end."""
    depth = 0
    for i, char in enumerate(phrase):
        depth += (char == "(") - (char == ")")
        if depth < 0:  # the carve-out began inside a parenthesis ("(except as set forth in Section 7.1)")
            return i
        if depth == 0 and char == "," and _MAIN_CLAUSE.match(phrase, i) and not re.match(r"that\b", phrase, re.I):
            return i
    return len(phrase)


def _carve_out(phrase: str, names: Mapping[str, str]) -> str | None:
    """The carve-out `phrase` (to its _reach) states, as the explanation says it; a cross-reference to a section
    ("pursuant to Sections 13.3.2 (…) or 13.3.3 (…)") as that reference without its headings; None for a hedge
    that only points elsewhere ("as otherwise provided in Section 6")."""
    phrase = " ".join(phrase.split())
    if re.sub(r"^(?:as\s+(?:may\s+be\s+|is\s+|are\s+)?)", "", phrase, flags=re.I).lower().startswith(_CROSS_REFERENCE):
        return None
    bare = phrase
    while (shorter := re.sub(r"\s*\([^()]*\)", "", bare)) != bare:  # the headings, innermost first
        bare = shorter
    if reference := _REF_ONLY.match(bare):
        return " ".join(bare[:reference.end(1)].split())
    return trim(phrase, names) or None


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
        return start, party_said(word)
    run = _capitalised_run(text, start)
    if not run:
        return start, party_said(word)
    words = [w.lower() for w in [*run, word]]
    known = [[w.strip(",.").lower() for w in re.sub(r"^the\s+", "", " ".join(p.split()), flags=re.I).split()]
             for p in parties]
    if any(k[:len(words)] == words for k in known) or words[-1].strip(".") in COMPANY_SUFFIXES:
        return start - sum(len(w) + 1 for w in run), " ".join([*run, word])
    starts_a_name = any(k[:1] == [word.lower()] for k in known)
    # not "1.3 RESEARCH PROJECTS will", a term in capitals
    if not word.isupper() and (_after_heading(text, start, _NUMBERED_CAPS_HEADING_BEFORE)
                               or (starts_a_name and _after_heading(text, start))):
        return start, party_said(word)
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


def in_capitals(quote: str) -> bool:
    """Whether `quote` has words in capitals ("IN NO EVENT SHALL", "the consent of AIRSOPURE"), which its
    explanation writes in lower case but for the contract's names and terms (quiet): only a document with such
    a clause needs its defined_terms, which take a few milliseconds to read."""
    return bool(_CAPITALS.search(quote))


def defined_terms(text: str) -> list[str]:
    """The terms contract `text` defines where it defines them ("Licensed Products" means, (the "Territory")),
    as it writes them; not one it writes only in capitals, nor one it writes as an ordinary word in lower case
    at least as often as it writes the term (the "Act" of a contract that speaks of "any act or omission" and
    "an act of God"): in a clause written in capitals (quiet) the term cannot be told from the word, and a
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


def _one_per_number(amounts: list[str]) -> list[str]:
    """One amount for each number: "Six Hundred Dollars ($600)" reads as "600 Dollars" and "$600", and the
    one with its currency's sign is kept."""
    signed = {n for a in amounts if a[:1] in "$€£" or a[:3].isupper() for n in NUMBER.findall(a)}
    return [a for a in amounts if a[:1] in "$€£" or a[:3].isupper() or not set(NUMBER.findall(a)) <= signed]


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out
