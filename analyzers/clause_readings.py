"""Readings of a clause that its bare facts (analyzers.clause_facts) miss, each of which an explanation once
misstated: what a period is counted from ("during the term and for 2 years after it", not "for 2 years"),
who needs whose consent to assign and who may assign without it, what a limitation of liability leaves
uncapped (its carve-outs, not the cap's amount), and whether a price restriction's period is about prices.

Why: an explanation that drops a period's anchor, reads an "except that ..." permission as the restriction's
condition, or glues a cap's amount onto "uncapped" tells the lawyer the opposite of the clause. Pure functions
over a clause's text as clause_facts normalizes it; phrases are quoted through analyzers.clause_words."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analyzers.clause_words import CASE, PRONOUNS, mask, party_said, pronoun_roles, trim, unmask

# --- periods: what a period something lasts for is counted from -------------------------------------------

# after the duration: "thereafter", "after it", or "after|following|from ... <anchor>" to the phrase's end
_ANCHOR = re.compile(r"\s*(?:period\s+)?(?:immediately\s+)?(?:(?P<back>thereafter|after\s+(?:it|that)(?![\w-]))"
                     r"|(?P<word>after|following|from|subsequent\s+to|succeeding)\s+(?P<anchor>[^,;:()\[\].]{3,100}))",
                     re.I)
# where an anchor ends before the next clause: a conjunction, a verb of the clause ("... after termination
# Distributor shall"), "for any reason"
_ANCHOR_END = re.compile(r"\s+(?:and|but|unless|provided|except|if|whether|neither|nor|regardless|within|during|upon|"
                         r"for\s+any\s+reason|in\s+the\s+event|(?:shall|will|may|must|agrees?)\b)", re.I)
# the end of the term: "termination of this Agreement", "the expiration or earlier termination hereof", "the Term"
_TERM_END = re.compile(r"(?:the\s+)?(?:(?:effective\s+)?date\s+of\s+(?:the\s+)?)?(?:(?:effective\s+)?(?:earlier\s+)?"
                       r"(?:termination|expiration|expiry|cancellation|end)(?:\s+or\s+(?:earlier\s+)?"
                       r"(?:termination|expiration|expiry|cancellation))?(?:\s+(?:of\s+(?:this|the)\s+(?:Agreement|"
                       r"contract|(?:initial\s+)?term)(?:\s+of\s+this\s+Agreement)?|hereof|thereof))?"
                       r"|(?:the\s+)?term(?:\s+of\s+this\s+Agreement|\s+hereof)?)", re.I)
# what a period is counted since, before it: "During the Term and for ...", "From the Effective Date and for ..."
_SINCE = re.compile(r"\b(?:during|throughout|from)\s+", re.I)
_SINCE_TAIL = re.compile(r"[^.;:]{3,80}?\s*,?\s+and\s+(?:thereafter\s+)?$", re.I)
_TERM = re.compile(r"(?:during|throughout)\s+(?:the\s+)?(?:term|contract\s+period)(?:\s*,?\s*(?:of\s+(?:this|the)\s+"
                   r"(?:Agreement|contract)|hereof))?", re.I)


def period(text: str, opens: int, start: int, end: int, said: str, names: Mapping[str, str]) -> str:
    """How the explanation says the period `said` ("2 years") that `text[start:end]` states and that a phrase
    at `opens` ("for a period of") says something lasts for: with what it is counted from where the clause
    says so ("for 2 years after the Effective Date"), a post-term period as one ("during the term and for 2
    years after it", "for 3 months after the term"); else "for 2 years"."""
    masked = mask(text)
    since = _since(masked, opens)
    during_term = bool(since and _TERM.fullmatch(since))
    anchor = _ANCHOR.match(masked, end)
    after = ""
    if anchor and anchor.group("back"):
        after = " after it" if since else ""
    elif anchor:
        words = _ANCHOR_END.split(anchor.group("anchor"), maxsplit=1)
        counted = unmask(words[0]).strip()
        rest = anchor.group("anchor")[len(words[0]):]
        cut_at_a_verb = len(words) > 1 and re.match(r"\s*(?:shall|will|may|must|agrees?)\b", rest, re.I)
        # a phrase cut inside a clause it opens ("from the 1st to occur of the date that Glamis") says no anchor
        cut_in_a_clause = len(words) > 1 and re.search(r"\b(?:that|which|who|whom|when|where|whether|until)\b",
                                                       counted, re.I)
        if _TERM_END.fullmatch(counted):
            after = " after it" if during_term else " after the term"
        elif not (cut_at_a_verb or cut_in_a_clause):
            after = f" {anchor.group('word').lower()} {trim(counted, names)}"
    if during_term and after:
        return f"during the term and for {said}{after}"
    if since and after:  # "during its consultancy for REIT and for 12 months following ..."
        since = trim(unmask(since), names)
        return f"{since[0].lower()}{since[1:]} and for {said}{after}"
    return f"for {said}{after}"


def _since(masked: str, opens: int) -> str:
    """The "during the term" or "from the Effective Date" that a period at `opens` continues ("During the
    Term and for two years thereafter"), without its "and"; "" where none comes right before it."""
    window = max(0, opens - 100)
    for m in reversed(list(_SINCE.finditer(masked, window, opens))):
        if _SINCE_TAIL.fullmatch(masked, m.end(), opens):
            return re.sub(r"\s*,?\s+and\s+(?:thereafter\s+)?$", "", masked[m.start():opens], flags=re.I)
    return ""


# --- price restrictions ------------------------------------------------------------------------------------

_PRICE_WORD = re.compile(r"\b(?:pric\w*|fees?|rates?|charges?|costs?|royalt(?:y|ies)|tariffs?|discounts?|"
                         r"increase[sd]?|decrease[sd]?|adjust\w*)\b", re.I)
_NEAR = 60
# what a clause says a price may not do: "Sponsor Fees that do not exceed a 5 percent increase", "rates may not
# increase by more than 10%"
_PRICE_LIMIT = re.compile(r"(?:\b[A-Z][\w-]*\s+)*\b(?i:(?:prices?|fees|rates|charges|royalties)\s+(?:that|which|shall|"
                          r"will|may|must)\s+(?:(?:do|does|shall|will|may)\s+)?not\s+(?:exceed|increase|be\s+increased|"
                          r"change|be\s+changed|rise))\b[^.;]*")


def about_prices(text: str, start: int, end: int) -> bool:
    """Whether a price word is within _NEAR characters of `text[start:end]` in its sentence: a period a price
    restriction states ("prices fixed for 12 months"), not one of a right the clause also gives ("for a 30
    day period ... Tickets shall have the right to renew")."""
    masked = mask(text)
    left = max(masked.rfind(".", 0, start), masked.rfind(";", 0, start), start - _NEAR)
    right = min(x for x in (masked.find(".", end), masked.find(";", end), end + _NEAR) if x >= 0)
    return bool(_PRICE_WORD.search(masked, left + 1, start) or _PRICE_WORD.search(masked, end, right))


def price_limit(text: str, names: Mapping[str, str]) -> str:
    """What the clause says a price may not do ("Sponsor Fees that do not exceed a [***] percent increase over
    the existing Sponsor Fees"), as the clause says it; "" where it says none in these words."""
    m = _PRICE_LIMIT.search(mask(text))
    return trim(unmask(m.group(0)), names) if m else ""


# --- assignment: who needs whose consent, who may assign without it ----------------------------------------

# the patterns are case-sensitive where they read a name (a capitalised word), case-blind for their words
_VERB = r"(?i:assign|transfer|delegate|subcontract|sub-?licen[cs]e|sell)"
_GENERIC_WHO = r"(?:[Tt]he\s+)?[A-Z][\w&-]*(?:\.[a-z]\w*)?(?:\s+[A-Z][\w&-]*){0,2}"
_PARTY_WORDS = r"(?i:(?:neither|no|either|each|any|a|such)\s+part(?:y|ies)(?:\s+(?:to\s+this\s+Agreement|hereto))?)"
_NO_PARTY = r"(?i:(?:neither|no)\s+part(?:y|ies)(?:\s+(?:to\s+this\s+Agreement|hereto))?)"  # "Neither party may"
_OTHER = r"(?i:(?:the\s+)?other(?:\s+part(?:y|ies))?(?:\s+hereto)?(?![\w-])|each\s+of\s+the\s+other\s+parties)"
_CONSENT_WORDS = r"(?i:(?:prior\s+|previous\s+|express\s+|written\s+|,\s*)*(?:consent|approval|permission|authori[sz]ation))"
_MODAL_NOT = (r"(?i:(?:may|shall|will|can|must)\s+(?:not|never)\b|cannot\b|agrees?\s+(?:that\s+)?(?:it|they)\s+"
              r"(?:shall|will)\s+not\b|agrees?\s+not\s+to\b)")
# what a restriction's modal verb is not followed by: a consent's verb ("Hydron may not withhold its consent to an
# assignment" restricts no assignment by Hydron)
_NOT_CONSENTS = r"(?!\s*(?i:(?:unreasonably\s+)?(?:withh[eo]ld|refuse|deny|delay|condition)))"
# ... nor cross a relative clause or another verb ("MA shall not use ... any product which MA shall convey,
# assign ..."), but for a consent's own ("shall not, without the consent of Owner, which consent will not be
# unreasonably withheld, assign")
_BETWEEN = (r"(?:(?!\b(?i:which|that|who)\s+(?!(?i:consent)\b)|\b(?i:shall|will|may|must)\b"
            r"(?!\s+(?i:not\s+(?:to\s+)?(?:be\s+)?unreasonably)))[^;]){0,160}?")
# the words between a passive restriction's verb and "by X": not those of a signature or an exception ("may not
# be assigned except in writing signed by SRP" restricts no assignment by SRP)
_BY_WHOM = r"(?:(?!(?i:except|unless|signed|executed|approv|consent|writing))[^;]){0,100}?"
_MAY = (r"(?i:may(?!\s+not\b)|shall\s+(?:have\s+the\s+right|be\s+(?:permitted|entitled|free))(?:\s+to)?|"
        r"is\s+(?:permitted|entitled|free)(?:\s+to)?|can(?!not))")
# where a clause's restriction and its exceptions part: a sentence, or "; provided, however, that", ", except that"
_OPENER = r",?\s*\b(?:provided|except)\s*,?\s*(?:however\s*,?\s*)?(?:further\s+)?that\b"
_PIECE_BREAK = re.compile(rf"\.|;(?!\s*(?:or|and)\b)|{_OPENER}", re.I)
# the words that open an exception right before the party it permits ("; except either Party may assign")
_EXCEPTION_OPENS = re.compile(r"(?:\b(?:except|provided|however|that)\b[\s,]*)+$", re.I)
# what may come right before a role's subject: a clause's start or a heading in capitals run into it ("23.
# ASSIGNMENT Subcontractor shall not"), not "a member of its Group may assign"
_SUBJECT_OPENS = re.compile(r"(?:^|[,;:()]|\b(?i:that|however|provided|except|and|or|but|then|further|also)|"
                            r"\b[A-Z]{3,}|(?:^|\s)\d+(?:\.\d+)*\.?)\s*$")
_UNREASONABLY = re.compile(r"[^;]{0,60}?\bnot\s+(?:to\s+)?(?:be\s+)?unreasonably\s+(?:withheld|delayed|conditioned)",
                           re.I)
_TERMS = re.compile(r"\b(?:without|freely|to(?!\s+(?:be|do|make|perform|comply|assign|transfer|such\s+assignment|"
                    r"the\s+extent|the\s+terms)\b)|if|"
                    r"(?<!imposed\s)(?<!binding\s)upon|in\s+connection\s+with|in\s+the\s+event|as\s+part\s+of|"
                    r"pursuant\s+to|by\s+way\s+of)\b.*", re.I)


@dataclass(frozen=True)
class Role:
    """One thing an assignment clause says about a party, and where it says it in the normalized clause
    (a condition or carve-out read inside it is part of it, not of the clause)."""

    said: str
    start: int
    end: int


@dataclass(frozen=True)
class _Reader:
    """What the assignment reading needs of the contract: `who`, the pattern of a party as a role's subject
    (the contract's names and the clause's actors, and "either party"); `anyone`, the same and any
    capitalised name (whose consent); `known`, those names in lower case, said as written; `names` (clause_words);
    `roles`, the role the clause gives each pronoun it calls a party by (pronoun_roles)."""

    who: str
    anyone: str
    known: frozenset[str]
    names: Mapping[str, str]
    roles: Mapping[str, str]


def assignment_roles(text: str, parties: Sequence[str], names: Mapping[str, str]) -> list[Role]:
    """Who the clause says needs whose consent to assign ("Tickets needs MP3.com's consent", "either party
    needs the other's consent") and who may assign without it or freely ("Tickets may assign without
    MP3.com's consent if another entity acquires ..."), in reading order; `parties` are the contract's names
    and the clause's actors (clause_facts reads them past a section's heading: "23. ASSIGNMENT Subcontractor
    shall"). Each piece of the clause (a sentence, or what follows "provided that" or "except that") says one."""
    known = sorted({re.sub(r"^(?:the|The|THE)\s+", "", " ".join(p.split())) for p in parties
                    if p and p.strip() and p.strip().lower() not in PRONOUNS}, key=len, reverse=True)  # "we": no name
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in known)
    named = [rf"(?:[Tt]he\s+)?(?:{alternatives})(?![\w-])"] if known else []
    reader = _Reader("(?:" + "|".join([*named, _PARTY_WORDS]) + ")",
                     "(?:" + "|".join([*named, _PARTY_WORDS, _GENERIC_WHO]) + ")",
                     frozenset(k.lower() for k in known), names, pronoun_roles(text))
    masked = mask(text)
    roles: list[Role] = []
    at = 0
    for piece_end in [m.start() for m in _PIECE_BREAK.finditer(masked) if m.start() > 0] + [len(text)]:
        opener = re.compile(rf"[.;]?\s*(?:{_OPENER})?\s*", re.I).match(masked, at, piece_end)
        start = opener.end() if opener else at
        role = _restriction(text, start, piece_end, reader) or _permission(text, start, piece_end, reader)
        if role:  # one holds its piece's "provided that" or the "except" before it, where a carve-out or
            # condition that says the same starts
            opens = _EXCEPTION_OPENS.search(masked, at, role.start)
            roles.append(Role(role.said, at if role.start == start or re.search(r"[a-z]", masked[at:start], re.I) else
                              opens.start() if opens else role.start, role.end))
        at = piece_end
    return roles


def _said_party(name: str, reader: _Reader) -> str:
    """A party as the role says it: "either party" for neither, no, each or any party; a name the contract
    knows as written ("Party B"), another without the words that open it (party_said); a name the clause
    shouts as the contract writes it ("EDGE" is "Edge") where the contract writes it so."""
    name = re.sub(r"^(?:the|The|THE)\s+", "", " ".join(name.split()))
    if re.fullmatch(_PARTY_WORDS, name):
        return "either party"
    if name.lower() in PRONOUNS:  # "You may not assign": the role the clause gives "you", else no one named
        return reader.roles.get(name.lower(), "")
    said = name if name.lower() in reader.known else party_said(name)
    return reader.names.get(said.upper(), said) if said.isupper() else said


def _whose(name: str, reader: _Reader) -> str:
    """Whose consent, as the role says it: "the other's", "MP3.com's", "the Publishers'"; "" for none named."""
    name = " ".join(name.split())
    if re.fullmatch(_OTHER, name):
        return "each other party's" if name.lower().startswith("each") else "the other's"
    said = _said_party(name, reader)
    if not said or said == "either party":
        return ""
    return f"{said}'" if said.endswith("s") else f"{said}'s"


def _opens_a_clause(text: str, start: int, piece_start: int) -> bool:
    """Whether a role's subject at `start` opens its clause (not "a member of its Group may assign")."""
    return start == piece_start or bool(_SUBJECT_OPENS.search(text[max(piece_start, start - 40):start]))


def _verb(text: str, start: int, end: int) -> str:
    """The verb the role says, of those text[start:end] restricts or permits: "assign" where it is one of them
    ("sell, transfer, assign", "cede, or delegate its rights ... or to assign this Agreement"), else the first
    ("subcontract" alone reads "subcontract")."""
    if re.search(r"\bassign", text[start:end], re.I):
        return "assign"
    word = text[start:end].split(None, 1)[0].lower() if text[start:end].split() else ""
    for verb in ("transfer", "delegate", "subcontract", "sell"):
        if word.startswith(verb[:6]):
            return verb
    return "sublicense"


def _restriction(text: str, start: int, end: int, reader: _Reader) -> Role | None:
    """"X may not assign ... without Y's consent" (or "Neither party may assign ...", "This Agreement may not
    be assigned by X without ...", "in no event shall X assign ..."), read between `start` and `end`; None
    where it names neither who is restricted nor whose consent is needed."""
    m, party = _restricted(text, start, end, reader)
    if m is None:
        return None
    consent = _consent(text, start, end, reader)
    verbs_end = consent.start() if consent and consent.start() > m.end("verb") else m.end("verb") + 100
    verb = _verb(text, m.start("verb"), min(end, verbs_end))
    to = "" if verb == "assign" else f" to {verb}"
    if consent is None and party and re.search(r"\b(?:consent|approval|permission|authori[sz]ation)\b",
                                               text[m.start():end], re.I):
        return Role(f"{party} needs consent{to}", m.start(), m.end())
    if consent is None:
        return Role(f"{party} may not {verb}", m.start(), m.end()) if party else None
    whose = _whose(consent.group("of") or consent.group("own"), reader)
    if party == "either party" and whose == "the other's":
        needs = f"either party needs the other's consent{to}"
    else:
        needs = f"{party or 'assignment'} needs " + (f"{whose} consent" if whose else "consent") + to
    tail = _UNREASONABLY.match(text, consent.end(), end)
    if tail or re.search(r"unreasonably\s+withh", consent.group(0), re.I):  # "consent (not to be unreasonably ...)"
        needs += ", not to be unreasonably withheld"
    return Role(needs, min(m.start(), consent.start()), max(tail.end() if tail else consent.end(), m.end()))


def _restricted(text: str, start: int, end: int, reader: _Reader) -> tuple[re.Match[str] | None, str]:
    """The words that restrict a party's assignment between `start` and `end` (their "verb" group the verb)
    and that party as the role says it ("" where a passive clause names none: "This Agreement may not be
    assigned without ..."); the first whose subject opens its clause and is a party."""
    who = reader.who
    active = re.compile(rf"(?:(?i:\bin\s+no\s+event\s+(?:shall|will|may))\s+(?P<who1>{who})\s+(?:\w+\s+){{0,3}}?"
                        rf"|(?:(?P<who2>{who})\s+(?:\([^)]{{1,40}}\)\s+)?{_MODAL_NOT}|(?P<who4>{_NO_PARTY})\s+"
                        rf"(?:\([^)]{{1,40}}\)\s+)?(?i:may|shall|will|can|must|agrees?\s+to)\b)"
                        rf"{_NOT_CONSENTS}{_BETWEEN})"
                        rf"\b(?P<verb>{_VERB})")
    for candidate in active.finditer(text, start, end):
        subject = candidate.group("who1") or candidate.group("who2") or candidate.group("who4") or ""
        opens = candidate.group("who1") or _opens_a_clause(text, candidate.start("who2") if candidate.group("who2")
                                                            else candidate.start(), start)
        if opens and (party := _said_party(subject, reader)):
            return candidate, party
    passive = re.compile(rf"(?i:(?:may|shall|will|can)\s+not\s+be|(?:is|are)\s+not|shall\s+not\s+be|\bneither\s+this\s+"
                         rf"Agreement\b[^;]{{0,160}}?\b(?:may|shall|will|can)\s+be)\s+(?:\w+,?\s+(?i:or\s+)?)??"
                         rf"(?P<verb>(?i:assign|transferr?|delegat|sub-?licens))(?i:ed|able|e)?\b"
                         rf"(?:{_BY_WHOM}(?i:\bby)\s+(?P<who3>{reader.anyone}))?")
    m = passive.search(text, start, end)
    return m, _said_party(m.group("who3"), reader) if m and m.group("who3") else ""


def _consent(text: str, start: int, end: int, reader: _Reader) -> re.Match[str] | None:
    """"without the prior written consent of Y" or "without Y's consent" between `start` and `end`: whose in
    its "of" or "own" group."""
    return re.compile(rf"(?i:\b(?:without|except\s+with)\s+(?:first\s+|1st\s+)?"
                      rf"(?:obtaining\s+|having\s+obtained\s+)?(?:(?:the|such|a|an|any)\s+)?)"
                      rf"(?:{_CONSENT_WORDS}\s+(?:\([^)]{{0,60}}\)\s+)?(?i:of|by|from)\s+(?:the\s+)?"
                      rf"(?P<of>{_OTHER}|{reader.anyone})"
                      rf"|(?P<own>{_OTHER}|{reader.anyone})['’]s?\s+{_CONSENT_WORDS})").search(text, start, end)


def _permission(text: str, start: int, end: int, reader: _Reader) -> Role | None:
    """"X may assign ... without Y's consent if ..." / "X may freely assign", read between `start` and `end`
    (not "Neither party may assign"); "X shall have the right to assign ... with the prior written consent of
    Y" is no permission but a need of consent."""
    anyone = reader.anyone
    m = re.compile(rf"(?P<who>{reader.who})\s+(?:\([^)]{{1,40}}\)\s+)?{_MAY}\s*(?P<aside>,[^,;]{{0,100}},\s*)?"
                   rf"(?:(?i:to)\s+)?(?P<freely>(?i:freely)\s+)?(?P<verb>(?i:assign|transfer))\b"
                   ).search(text, start, end)
    if (not m or re.fullmatch(_NO_PARTY, " ".join(m.group("who").split()))
            or not _opens_a_clause(text, m.start(), start) or not (party := _said_party(m.group("who"), reader))):
        return None
    verb = _verb(text, m.start("verb"), m.end("verb"))
    needed = re.compile(rf"(?i:\b(?:with|subject\s+to)\s+(?:the\s+)?)(?:{_CONSENT_WORDS}\s+(?i:of)\s+(?P<of>{_OTHER}|"
                        rf"{anyone})|(?P<own>{_OTHER}|{anyone})['’]s?\s+{_CONSENT_WORDS})").search(text, m.end(), end)
    if needed:
        whose = _whose(needed.group("of") or needed.group("own"), reader)
        return Role(f"{party} needs " + (f"{whose} consent" if whose else "consent"), m.start(), end)
    terms = _TERMS.search(text, m.end(), end)  # to the piece's end, a list's "; or (ii)" with it
    said = " ".join(p for p in ("freely" if m.group("freely") else "",
                                m.group("aside").strip(" ,") if m.group("aside") else "",
                                terms.group(0).strip(" ,") if terms else "") if p)
    said = re.sub(rf"(?i:\bwithout\s+(?:(?:the|such)\s+)?){_CONSENT_WORDS}\s+(?i:of)\s+({_OTHER}|{anyone})",
                  lambda c: f"without {_whose(c.group(1), reader) or 'its'} consent", said)
    said = re.sub(rf"(?i:\bwithout\s+(?:the\s+)?)({_OTHER}|{anyone})['’]s?\s+{_CONSENT_WORDS}",
                  lambda c: f"without {_whose(c.group(1), reader) or 'its'} consent", said)
    said = re.sub(rf"(?i:\bwithout\s+(?:such\s+)?){_CONSENT_WORDS}", "without consent", said)
    # "all the assets of Tickets" in Tickets' own permission reads "all its assets"
    said = re.sub(rf"\bthe\s+((?:[\w-]+\s+){{0,2}}?[\w-]+)\s+of\s+(?:the\s+)?{re.escape(party)}(?![\w'’-])",
                  r"its \1", said)
    return Role(f"{party} may {verb}" + (f" {trim(said, reader.names)}" if said else ""), m.start(), end)


# --- what a limitation of liability leaves uncapped --------------------------------------------------------

# a clause that caps an amount, not only one that excludes kinds of damages
_CAPS = re.compile(r"\b(?:exceed|in\s+excess\s+of|limited\s+to|greater\s+than|maximum|cap(?:ped)?|aggregate|cumulative|"
                   r"total\s+liability|fees\s+paid|amounts?\s+paid)\b|\$\s?\d", re.I)
# a clause that limits liability at all: a cap, or an exclusion of damages or of liability
_LIMITS = re.compile(rf"{_CAPS.pattern}|\b(?:consequential|indirect|incidental|punitive|exemplary|special\s+damages|"
                     r"in\s+no\s+event|not\s+be\s+liable|no\s+liability|disclaims?)\b", re.I)
# "shall not limit X", "shall neither (a) apply to X", "Nothing in this Agreement shall exclude or limit X": X is left
# unlimited
_NOT_LIMITING = re.compile(r"(?:\b(?:shall|will|does|do)\s+(?:not\s+(?:be\s+construed\s+(?:to|as\s+to)\s+)?"
                           r"(?:exclude\s+or\s+)?(?:limit|restrict)(?:\s+or\s+(?:exclude|restrict))?"
                           r"|neither\s+(?:\(\w{1,3}\)\s+)?apply\s+to)"
                           r"|\bnothing\b[^.;]{0,80}?\b(?:shall|will)\s+(?:be\s+construed\s+(?:to|as\s+to)\s+)?"
                           r"(?:limit|exclude|restrict)(?:\s+or\s+(?:limit|exclude|restrict))?)\s+([^.;:]{4,400})",
                           re.I)
_HEDGE = re.compile(r"\b(?:(?:except|other\s+than)\s+as\s+(?:otherwise\s+|expressly\s+|specifically\s+)?(?:provided|"
                    r"set\s+forth|stated|described|specified)\s+(?:below\s+|above\s+)?(?:in|under)|subject\s+to)\s+"
                    r"(?:this\s+)?((?:Sections?|Articles?|Clauses?|Paragraphs?)\s+[\dA-Z][\w.()]*"
                    r"(?:\s*(?:,|and|or)\s*\d[\w.()]*)*)", re.I)


def caps(text: str) -> bool:
    """Whether the clause caps liability at an amount, rather than only excluding kinds of damages."""
    return bool(_CAPS.search(text))


def limits(text: str) -> bool:
    """Whether the clause limits liability at all (caps it or excludes damages)."""
    return bool(_LIMITS.search(text))


def uncapped(text: str, carve_outs: Sequence[str], owner: str, names: Mapping[str, str]) -> list[str]:
    """What a limitation of liability leaves uncapped, each as the explanation says it: its carve-outs ("Leaves
    liability uncapped for breach of confidentiality ..." where it caps, "Does not limit liability for claims
    arising under section 6" where it only excludes damages) and what it says it does not limit; `owner` is
    whose liability ("Supplier's ")."""
    capping = caps(text)
    out = []
    for carve_out in carve_outs:
        if re.match(r"that\b", carve_out, re.I):
            out.append(f"Limits {owner}liability, except {carve_out}")
            continue
        lead = f"Leaves {owner}liability uncapped" if capping else f"Does not limit {owner}liability"
        if CASE.match(re.sub(r"^\(\w{1,3}\)\s*", "", carve_out)):  # "(a) for fraud" is a case too
            out.append(f"{lead} {carve_out}")
        elif re.search(r"\bliabilit(?:y|ies)\b", " ".join(carve_out.split()[:4]), re.I):
            out.append(("Leaves uncapped " if capping else "Does not limit ") + carve_out)
        else:
            out.append(f"{lead} for {carve_out}")
    for m in _NOT_LIMITING.finditer(mask(text)):
        out.append(f"Does not limit {trim(unmask(m.group(1)), names)}")
    return out


def hedge(text: str) -> str:
    """The section a limitation says its exceptions are set out in ("except as otherwise set forth in Section
    23.2"); "" where it names none."""
    m = _HEDGE.search(text)
    return " ".join(m.group(1).split()) if m else ""
