"""The parties as the preamble names them: "between ACME, INC., a Delaware corporation ("Acme"), and
Bob Smith ("Consultant")". Each party's words run from after the previous party to its defined short
name; its name is the run of capitalised words at their start (a company's "Inc.", "L.P." or "GmbH"
after a comma included), so the description that follows ("a Delaware corporation with offices at")
is left out. Where the preamble defines no short names, the names are split at the "and" that joins them."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD = 6000
SPAN = 3000
SECTION_GAP = 12
LOWER_NAME_WORDS = 3  # the most words in lower case a name written in lower case runs on ("i-on interactive")
# "between the Parties" (the body's words for them) introduces no names
_BETWEEN = re.compile(r"\b(?:between|among|BETWEEN|AMONG|Between|Among|(?<=into\s)by(?!\s+and\s+between))\b"
                      r"(?!\s+(?:the\s+)?(?:following\s+(?:\w+\s+)?)?(?:[Pp]arties|PARTIES|[Pp]arty|PARTY)\b)")
_STOP = re.compile(r"\b(?:WHEREAS|Whereas|RECITALS?|Recitals|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|NOW,?\s+THEREFORE|"
                   r"BACKGROUND|Background:|IN\s+CONSIDERATION)\b")
_DEFINED = re.compile(r"\(\s*(?:[^()\"“”]{0,60}?)[\"“”]{1,2}(?P<a>[^\"“”()]{1,60}?)[\"“”]{1,2}(?:[^()]{0,160}?)\)"
                      r"|(?:referred\s+to\s+(?:herein\s+|in\s+this\s+[Aa]greement\s+)?as|hereinafter\s+(?:called|"
                      r"referred\s+to\s+as)?)\s*(?:the\s+)?(?:[\"“](?P<b>[^\"“”]{1,60})[\"”]|['‘](?P<d>[^'‘’\"“”]{1,60})['’]"
                      # a translation's unquoted "(hereinafter referred to as Party A)"
                      r"|(?P<e>Party\s[A-D])\b)"
                      # "[*] ('Distributor')": single quotes; "Paul Silas ("Celebrity), an individual": no closing quote
                      r"|\((?:the\s)?['‘](?P<f>[^'‘’\"“”()]{1,60})['’]\)|\([\"“](?P<g>[A-Z][\w .&-]{0,40})\)"
                      # an English preamble's unquoted "(the Company)", "(the Executive)"; a cover's "(as Repairer)"
                      r"|\((?:the|as)\s(?P<c>[A-Z][a-z]{2,20})\)")
NAME_TOKEN = re.compile(r"[^\s,()]+|,")
_SUFFIX = re.compile(r"(?:inc|incorporated|llc|l\.l\.c|ltd|limited|l\.?p|llp|corp|corporation|co|company|n\.?a|s\.?a"
                     r"|s\.?a\.?s|s\.?a\.?r\.?l|a/s|s\.?l|s\.?p\.?a|b\.?v|n\.?v|a\.?g|ag|gmbh|plc|pte|pty|p\.?c|pllc|lp|kk"
                     r"|k\.?k|ab|as|asa|oy|se|sas|srl|spa|bv|nv|sa|dba|d/b/a|mhc|fsb|jr|sr|ii|iii)\.?",
                     re.IGNORECASE)
_CONNECT = {"of", "and", "the", "de", "du", "des", "la", "le", "van", "von", "der", "y", "e", "&", "d/b/a", "dba",
            "für", "und", "et", "for", "/", "-"}
# "drkoop.com", "e.l.f.", "i3", "i-on": names that start in lower case (not "wholly-owned")
_BRAND = re.compile(r"[a-z][\w.&-]*[\d.][\w.&-]*|[a-z]{1,2}-[\w.&-]+")
_CAMEL = re.compile(r"[a-z]+[A-Z]")  # "iDreamSky", "eBay"
_LABELLED = re.compile(r"\b(?P<label>Party\s+[A-D]|Licensor|Licensee|Buyer|Seller|Supplier|Customer|Lessor|Lessee|Company|"
                       r"Distributor|Purchaser|Vendor|Client|Consultant|Contractor)(?:/[\w-]+)?(?:[ \t]?\([\w \t-]{1,20}\))?[ \t]*[:：][ \t]*")
_LABEL_WORD = re.compile(r"\b(?:Party\s+[A-D]|Licensor|Licensee|Buyer|Seller|Supplier|Customer|Lessor|Lessee|"
                         r"Distributor|Purchaser|Vendor|Client|Consultant|Contractor)\b")
_SHARED = re.compile(r"\b(?:collectively|together|jointly|each|both|severally)\b", re.IGNORECASE)
_ENUMERATOR = re.compile(r"\(?[0-9a-z]{1,3}[.)]$")
_LIST_NUMBER = re.compile(r"\d{1,2}\)")
_ARTICLE = re.compile(r"\b(?:a|an)\s+$")
_RULE = re.compile(r"-{3,}")
# a company word written out whole: its full stop is the sentence's, not an abbreviation's ("Inc." keeps its own)
_WHOLE_SUFFIXES = {"limited.", "company.", "corporation.", "incorporated."}
_FIRM = re.compile(r",[ \t]+[A-Z][\w'-]*(?:,?[ \t]+(?:&|and)[ \t]+[A-Z][\w'-]*)+,?[ \t]+(?:Inc|LLC|L\.?L\.?P|L\.?P|Ltd)\b")
# "(the "Holding Company"), a newly formed Maryland corporation, Hyde Park Bancorp, MHC, a Massachusetts ...":
# a party listed after a comma, its description after it
_LISTED = re.compile(r",\s+(?=[A-Z0-9])")
_DESCRIBED = re.compile(r",\s+an?\s")
# "(1) SHBV (HONG KONG) LTD, a company ...": the list's number before each party
_PARTY_NUMBER = re.compile(r"\(\s?(?:\d|[a-h]|[ivx]{1,3})\s?\)\s+(?=[A-Z0-9])")
_LABEL_END = re.compile(r"(?<=\w):\s+(?:[Tt]he\s+undersigned,\s+)?")
_FIELD_LABEL = re.compile(r"(?:[A-Z][a-z]+[ \t]){0,2}[A-Z][a-z]+:\s")
# a word and a full stop ("GSMS."), not an initial ("J.") or an abbreviation inside a name ("Mail Boxes Etc. USA")
_SENTENCE_STOP = re.compile(r"(?!(?:etc|bros|mfg|intl|natl|assn|dept)\.)[A-Za-z]{3,}\.", re.IGNORECASE)
_ADDRESS = re.compile(r"\d+\s+[A-Z]")  # "512 Bayshore Drive" (but "551 FX IB Associates, LLC" is a company)
_NOT_A_NAME = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October"
                         r"|November|December)\b|(?:Schedule|Exhibit|Annex|Appendix|Section|Article|Page)\b",
                         re.IGNORECASE)
_WORD = re.compile(r"(?<![\w])[^\W\d_]{2,}")
_FUNCTION_WORDS = {"the", "this", "that", "in", "on", "to", "we", "through", "by", "of", "and", "if", "for",
                   "pursuant", "certain", "notwithstanding", "subject", "except", "upon", "under", "whereas",
                   "these", "those", "such", "each", "any", "all", "every"}
# the document itself ("Supply Agreement", "This Sub-Reseller Agreement", "Affiliate Program"), or a
# click-through's instruction ("BY DOWNLOADING OR INSTALLING THE SOFTWARE"), is no party
_DOCUMENT = re.compile(r"(?:.*\s)?(?:agreement|contract|program|programme|amendment|addendum)\W*|by\s+\w+ing\b.*")
_AND = re.compile(r"(?P<joined>(?<=[),])\s*|(?<=\)\s)\s*|\n\s*)?\b(?:and|AND|And)\b[:,]?\s+(?:the\s+)?")
# a full stop that ends a sentence, not the one of "Inc." or "Ltd."
_STOP_WORD = re.compile(r"\b((?!(?i:etc|bros|mfg|intl|natl|assn|dept|nos?)\.)(?=[A-Za-z]{0,40}[a-z])[A-Za-z]{3,40}\.)\s+(?=[A-Z])")
# the full stop of a sentence that a definition closes, just before a name: "... and Beta LLC ("Beta"). Reference is made"
_CLOSED_STOP = re.compile(r"(?<=[)\"”’])\.\s+$")
_LOWER_NEXT = re.compile(r"\s+[a-z]")
# a preposition (and its determiner) before a name whose definition does not follow it: the name is the object of a
# party's description ("notes issued by BTDS, on the other hand (the "Notes Trustee")"), not a party the preamble
# lists; one it defines at once may be ("for services of Arnold Schwarzenegger ("Endorser")")
_OBJECT = re.compile(r"\b(?:by|of|in|under)\s+(?:(?:the|its|their|such|said)\s+)?$")
# words before a name that is never a party's, defined or not: a jurisdiction ("under the laws of the People's Republic
# of China ("PRC")"), a unit of a price ("at $0.92 per Offered Share (the "Offering Price")")
_NEVER_PARTY = re.compile(r"\b(?:laws\s+of|per)\s+(?:the\s+)?$", re.IGNORECASE)
_FULL_STOP = re.compile(r"\.\s")
_AND_TAIL = re.compile(r"[\s,]*(?:and|AND|And)\b[:,]?\s+(?:the\s+)?")
_AND_LINE = re.compile(r"\n[ \t]*(?:and|AND|And|&):?[ \t]*\n")
_LINE_LIST = re.compile(r",?[ \t]*\n\s*\n")
_SECTION = re.compile(r"\n\s*(?:1\.|ARTICLE|Article\s+[1I]\b|Section\s+1\b|SECTION\s+1\b)")
NOT_PARTIES = {"agreement", "effective date", "contract", "amendment", "parties", "party", "territory", "products",
               "product", "services", "term", "plan", "license agreement", "this agreement", "execution date",
               "commencement date", "closing date", "date", "premises", "property", "purchase agreement",
               "confidential information", "addendum"}
ROLES = {"buyer", "seller", "supplier", "customer", "licensor", "licensee", "distributor", "manufacturer", "company",
         "consultant", "contractor", "franchisor", "franchisee", "vendor", "purchaser", "client", "provider",
         "recipient", "employer", "employee", "agent", "reseller", "sponsor", "lender", "borrower", "landlord",
         "tenant", "lessor", "lessee", "developer", "publisher", "partner", "investor", "owner", "operator",
         "shipper", "transporter", "subcontractor", "service provider", "endorser", "affiliate", "bank",
         "member", "trustee", "guarantor", "collaborator", "host", "marketer", "producer", "promoter"}


@dataclass(frozen=True)
class PartyHit:
    start: int
    end: int
    short_name: str | None


def starts_name(token: str) -> bool:
    """A word that can open a party's name: a capital, a digit, a redaction's "[" or "*", or a brand written in
    lower case ("eFashion")."""
    return token[:1].isupper() or token[:1].isdigit() or token[:1] in "[*" or bool(_BRAND.fullmatch(token)) \
        or bool(_CAMEL.match(token))  # "eFashion Solutions, LLC"


def name_span(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The run of name words at the start of text[s:e] (leading lower-case words and commas skipped)."""
    tokens = list(NAME_TOKEN.finditer(text, s, e))
    i = 0
    while i < len(tokens) and (not starts_name(tokens[i].group()) or _ENUMERATOR.fullmatch(tokens[i].group())
                               or _LIST_NUMBER.match(text, tokens[i].start()) or _footnote(tokens, i)):
        i += 1  # "(1) Oaktree Capital Management, L.P.": the list's number is not the name
    label = _FIELD_LABEL.match(text, tokens[i].start()) if i < len(tokens) else None
    while label is not None and i < len(tokens) and tokens[i].start() < label.end():
        i += 1  # "Client Name:   MEDICAL MANAGER MIDWEST, INC.": a form's label is not the name
    if i == len(tokens) or _ARTICLE.search(text, max(s, tokens[i].start() - 4), tokens[i].start()):
        return None  # "a Delaware corporation": a description, not a name
    first = last = i
    j = i + 1
    ended = False  # a company suffix ("Inc.", "Limited", "AG") was read: only more suffixes may follow
    while j < len(tokens):
        word = tokens[j].group()
        if ended and word != "," and not _SUFFIX.fullmatch(word):
            break  # "Tigrent Learning UK Limited of Boston House": the address has begun
        if word == ",":
            nxt = tokens[j + 1].group() if j + 1 < len(tokens) else ""
            if _FIRM.match(text, tokens[j].start()):
                pass  # "Keefe, Bruyette & Woods, Inc.": a firm's names before its suffix
            elif not _SUFFIX.fullmatch(nxt) or nxt == "as":
                break  # "VERIZON OWNER TRUST 2020-A, as Issuer": a role, not Norway's "AS"
        elif _SENTENCE_STOP.fullmatch(tokens[j - 1].group()) and not _SUFFIX.fullmatch(tokens[j - 1].group()):
            break  # "... and GSMS.  Under the terms": the sentence has ended
        elif _RULE.fullmatch(word):
            pass  # "Mail  ------- Boxes Etc. USA, Inc.": a PDF's underline inside the name
        elif word.lower() in _CONNECT:
            # "Trustees of the Grinberg Family Trust": "of the" before a capital joins a name
            k = j + 2 if word.lower() == "of" and j + 2 < len(tokens) and tokens[j + 1].group() == "the" else j + 1
            nxt = tokens[k].group() if k < len(tokens) else ""
            if not nxt[:1].isupper():
                break
        elif word.isdigit() and len(word) >= 3 and not (j + 1 < len(tokens) and _SUFFIX.fullmatch(tokens[j + 1].group())):
            break  # a street number: the address has begun (not "WPP 2005 LIMITED")
        elif not (word[:1].isupper() or word[:1].isdigit() or word[:1] in "[*" or _CAMEL.match(word) or (
                tokens[j - 1].group() == "," and _SUFFIX.fullmatch(word)) or _before_suffix(tokens, j) or word == "plc"
                or _lower_case_name(text, tokens, first, j)):
            break
        else:
            last = j
            ended = ended or (word[:1].isupper() and bool(_SUFFIX.fullmatch(word)))
        j += 1
    while last > first and tokens[last].group().lower() in _CONNECT:
        last -= 1
    a, b = tokens[first].start(), tokens[last].end()
    address = _ADDRESS.match(text, a, b) and not company_word(tokens[last].group())
    if b - a > 150 or "\n\n" in text[a:b] or address or _NOT_A_NAME.match(text, a, b) or not _WORD.search(text, a, b):
        return None  # too long, across paragraphs, an address, a date, a heading, or no word at all
    return a, b


def _footnote(tokens: list[re.Match[str]], i: int) -> bool:
    """A footnote's number or a page's, not a name's first word: digits that words in lower case follow
    ("(collectively, "Merchant"),1 on the one hand, and ... GA Retail, Inc."; not "3M Company")."""
    nxt = tokens[i + 1].group() if i + 1 < len(tokens) else ""
    return tokens[i].group().isdigit() and nxt[:1].islower() and not starts_name(nxt)


def _lower_case_name(text: str, tokens: list[re.Match[str]], first: int, j: int) -> bool:
    """A word in lower case inside a name written in lower case ("i-on interactive, a Florida corporation"): the
    name starts with a word in lower case, and words in lower case lead from `j` to a company's suffix or to the
    comma of a description (not "drkoop.com shall ...")."""
    if tokens[first].group()[:1].isupper():
        return False
    for k in range(j, min(len(tokens), j + LOWER_NAME_WORDS)):
        word = tokens[k].group()
        if word == ",":
            return _DESCRIBED.match(text, tokens[k].start()) is not None
        if company_word(word):
            return True
        if not (word.isalpha() and word.islower()) or word in _CONNECT or word in _FUNCTION_WORDS:
            return False
    return False


def _before_suffix(tokens: list[re.Match[str]], j: int) -> bool:
    """A word in lower case inside a company's name: capitalised words and the company's suffix follow
    ("Petro data Management Services Limited")."""
    for token in tokens[j + 1:j + 4]:
        if company_word(token.group()):
            return True
        if not token.group()[:1].isupper():
            return False
    return False


def company_word(word: str) -> bool:
    """A company's closing word ("Inc.", "LLC", "Ltd"), in capitals or not."""
    return word[:1].isupper() and bool(_SUFFIX.fullmatch(word))


def _joined(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The companies joined by "and" to a party within its words, before the short name both share:
    "TELCOSTAR PTE, LTD., a company organized under the laws of Singapore and Ability Computer & Software
    Industries Ltd, a company ... (each and both of them "Recipient")". Only names that end as a company's
    do ("Inc.", "Ltd"): the "and" of a description ("offices in Berlin and Munich", "England and Wales
    (Registered Company No. 5701810)") joins no party. Companies listed by commas join too where each has
    its description ("White Hat SP GP LLC, a Delaware limited liability company, White Hat Capital ...")."""
    out = []
    listed = (m for m in _LISTED.finditer(text, s, e) if _closes_description(text, s, m.start()))
    for m in sorted([*_AND.finditer(text, s, e), *listed], key=lambda m: m.start()):
        span = name_span(text, m.end(), e)
        word = NAME_TOKEN.search(text, m.end(), e)  # the name must start right after the "and"
        if span is not None and word is not None and span[0] == word.start() and "(" not in text[span[0]:span[1]] \
                and company_word(text[span[0]:span[1]].split()[-1].split(",")[-1]) \
                and (m.re is _AND or _DESCRIBED.match(text, span[1]) is not None):
            out.append(span)
    return out


def _closes_description(text: str, s: int, at: int) -> bool:
    """The comma at `at` closes a description ("..., a Delaware limited partnership, White Hat SP GP LLC"), not
    a name ("Stratton, Cheeseman & Walsh-Nevada, Inc.")."""
    before = text[max(s, at - 30):at].split()
    return bool(before) and before[-1][:1].islower()


def _after_last_and(text: str, s: int, e: int) -> int:
    """Just past the "and" in text[s:e] that joins the next party: the first one after a comma or a
    parenthesis (", and Uniquest Corporation", "AND: DR. GAETANO MORELLO"), else the last one a name follows
    (a description may hold other "and"s: "offices located at Berlin and Munich"); `s` when there is none."""
    best = s
    for m in _AND.finditer(text, s, e):
        word = NAME_TOKEN.match(text, m.end())
        if word is None or not starts_name(word.group()):
            continue
        if m.group("joined") is not None:
            return m.end()
        best = m.end()
    return best


def _after_comma(text: str, s: int, e: int) -> int:
    """Where the next party starts in a list joined by commas: after the first comma that a described
    name follows ("..., Hyde Park Bancorp, MHC, a Massachusetts corporation ("MHC")"); `s` when none does."""
    for m in _LISTED.finditer(text, s, e):
        word = NAME_TOKEN.match(text, m.end())
        if word is None or _SUFFIX.fullmatch(word.group()):
            continue  # "Alliance Bancorp, Inc.": the comma of a company's suffix
        span = name_span(text, m.end(), e)
        if span is not None and span[0] == m.end() and _DESCRIBED.match(text, span[1]):
            return m.end()
    return s


def _listed(text: str, s: int, e: int) -> list[PartyHit]:
    """The names listed in text[s:e] before the "and" of the last one: "among Sucampo Pharmaceuticals, Inc.,
    Sucampo Pharma, LLC. and ...": each name, then a comma, then the next name."""
    out: list[PartyHit] = []
    while s < e:
        span = name_span(text, s, e)
        if span is None or (out and span[0] != s):
            break  # "ACME Inc., with offices in Berlin": a description, not the next name
        out.append(PartyHit(span[0], span[1], None))
        nxt = re.compile(r"\.?[ \t]*[,;][ \t]*(?=\S)").match(text, span[1], e)
        if nxt is None:
            break
        s = nxt.end()
    return out


def _listed_before(text: str, s: int, e: int) -> list[PartyHit]:
    """The names listed between one party and the "and" of the next (`e`, just past it): "("Marathon
    Partners"), Marathon Partners L.P., Cibelli Research & Management, LLC and Mario Cibelli (collectively,
    ...)". Only companies ("L.P.", "LLC"), and only where they fill those words: "ACME, a Delaware
    corporation, and", "Philadelphia, Pennsylvania and" or ", a subsidiary of Bay Networks, Inc., and" lists none."""
    lead = len(text[s:e]) - len(text[s:e].lstrip(" \t\n,")) + s
    hits = _listed(text, lead, e)
    companies = bool(hits) and hits[0].start == lead and all(company_word(name_of(text, h).split()[-1]) for h in hits)
    return hits if companies and _AND_TAIL.fullmatch(text, hits[-1].end, e) else []


def _sentence_ended(text: str, s: int, e: int) -> bool:
    """A sentence ends in text[s:e]: a word's full stop ("below. Notwithstanding"), not a company's ("Ltd.
    Tate") nor an initial's ("J. Walter")."""
    return any(not _SUFFIX.fullmatch(m.group(1)) for m in _STOP_WORD.finditer(text, s, e))


def _not_listed(text: str, s: int, span: tuple[int, int], defined: int) -> bool:
    """The name at `span`, read from text[s:defined] before a definition, is not a party the preamble lists: the
    first word of a new sentence, one word capitalised only because it opens the sentence, lower case running on
    ("("Beta"). Reference is made to ..."; not a name of words: "Gamma Holdings is"); a jurisdiction or a price's
    unit ("the laws of the People's Republic of China", "per Offered Share"); or the object of a description's
    preposition, the definition not its own ("notes issued by BTDS, on the other hand (the "Notes Trustee")"; but
    "for services of Arnold Schwarzenegger ("Endorser")" names one)."""
    if _CLOSED_STOP.search(text, s, span[0]) and _LOWER_NEXT.match(text, span[1]) and " " not in text[span[0]:span[1]]:
        return True
    if _NEVER_PARTY.search(text, s, span[0]):
        return True
    return _OBJECT.search(text, s, span[0]) is not None and bool(text[span[1]:defined].strip(" ,"))


def _sentence_end(text: str, s: int, e: int) -> int:
    """Where the sentence that starts at `s` ends (at most `e`): the first full stop that does not close a
    company suffix ("ASTELLAS PHARMA INC.\n\nAND")."""
    for m in _FULL_STOP.finditer(text, s, e):
        word = text[max(s, m.start() - 12):m.start()].split()
        if not word or not _SUFFIX.fullmatch(word[-1].split(",")[-1] + "."):
            return m.start()
    return e


def _labelled(text: str, parties: list[PartyHit]) -> list[PartyHit]:
    """`parties` and those set out under labels in the head ("Party A: Xi'an Zhonghong New Energy
    Technology Co., Ltd.", "Licensor: ACME Inc."), each name to the end of its line; not a sentence's role
    before a list ("sell the following products to the Distributor: - VivaScope")."""
    out = list(parties)
    for m in _LABELLED.finditer(text, 0, min(len(text), HEAD)):
        before = text[max(0, m.start() - 20):m.start()].split()
        if before and before[-1].isalpha() and before[-1].islower():  # "to the Distributor:", not "operation. Party B:"
            continue
        line_end = text.find("\n", m.end())
        end = line_end if line_end >= 0 else min(len(text), m.end() + 200)
        other = _LABEL_WORD.search(text, m.end(), end)  # "Licensor: ACME Licensee BETA CORP": the next label
        span = name_span(text, m.end(), other.start() if other else end)
        if span is not None and text[span[0]:span[1]] not in {text[p.start:p.end] for p in out}:
            out.append(PartyHit(span[0], span[1], " ".join(m.group("label").split())))
    return out


def _short(m: re.Match[str]) -> str:
    return " ".join(next(g for g in m.groups() if g).split())


def _party_like(m: re.Match[str]) -> bool:
    short = _short(m).lower()
    return short not in NOT_PARTIES and not short.startswith(("agreement", "the agreement")) \
        and not short.endswith(("agreement", "amendment", "addendum"))


def _preamble(text: str) -> tuple[int, int] | None:
    """Where the parties are named: from the "between" of the head, or from the paragraph of the first
    party's defined name where that comes first (a letter's "Kiromic, Inc. (the "Company") ... to retain
    Gianluca Rotino ("Consultant")" names them before its body's "by and between Consultant and Company")."""
    head = min(len(text), HEAD)
    between = _BETWEEN.search(text, 0, head)
    first = next((m for m in _DEFINED.finditer(text, 0, between.start() if between else head) if _party_like(m)), None)
    if between is not None and (first is None or text.rfind("\n\n", 0, between.start()) < first.start()):
        start = between.end()  # the first party is defined in the paragraph of "between" (or none before it)
    else:
        if first is None:
            return None
        para = text.rfind("\n\n", 0, first.start())
        start = _after_recital_word(text, para + 2 if para >= 0 else 0, first.start())
    limit = min(len(text), start + SPAN)
    # a numbered section ends it, but not the numbers the parties are listed under ("BETWEEN\n 1. HealthGate ...")
    stop = _STOP.search(text, start, limit)
    if stop is not None and not text[start:stop.start()].strip():
        start = stop.end()  # "WHEREAS, Movado Group, Inc. (the "Company") and ...": the first recital names them
        stop = _STOP.search(text, start, limit)
    stops = [m.start() for m in (stop, _SECTION.search(text, min(limit, start + SECTION_GAP), limit)) if m]
    return start, min(stops, default=limit)


def _after_recital_word(text: str, start: int, first: int) -> int:
    """Where a paragraph that defines its first party at `first` starts to name the parties: after the last
    recital word before that definition ("Supply Agreement {***} WHEREAS ACME is a company ... ("ACME")": not the
    title's words), else at `start`."""
    recitals = list(_STOP.finditer(text, start, first))
    return recitals[-1].end() if recitals else start


_JOINT_FILING = re.compile(r"joint\s+filing\s+agreement", re.IGNORECASE)
_SIGN_START = re.compile(r"[Ii][Nn]\s+(?:WITNESS|EVIDENCE|[Ww]itness|[Ee]vidence)\s+(?:WHEREOF|[Ww]hereof)|\(Date\)|Dated:")
_SIGN_WORD = re.compile(r"\S+")
_NOT_SIGNATORY = re.compile(r"(?:BY|NAME|TITLE|ITS|DATE|/S/|\(SIGNATURE\)|\(NAME/TITLE\))\W*", re.IGNORECASE)
SIGNATORIES_REACH = 20000
# "by and among the persons and entities listed on Schedule A", "each other party hereto identified on the
# signature page(s) hereto": the preamble leaves the parties to the signature pages
_ELSEWHERE = re.compile(r"\b(?:persons|entities|parties|party)\b[\w\s,]{0,40}?\b(?:listed|identified|named|"
                        r"set\s+forth)\s+(?:on|in)\s+(?:the\s+)?(?:Schedule|Exhibit|Annex|Appendix|signature\s+page)",
                        re.IGNORECASE)
_BY = re.compile(r"\bBy:")
_SIGNER_LABEL = re.compile(r"\b(?:By|Name|Title|Its|Date)\s*:\s*$")
DESCRIPTION_REACH = 300  # how far before its definition a party described at length is named
_GENERATIONS = {"ii", "iii", "jr", "sr"}


def _signatories(text: str) -> list[PartyHit]:
    """The parties of a joint filing agreement (Schedule 13D/13G): it names no parties in a preamble ("the
    undersigned hereby agree"), each signs under its name in capitals ("CLARUS IV-A, L.P. By: ..."). A run
    of capitalised words is a name, split after a company suffix ("UBS ONCOLOGY IMPACT FUND L.P. ONCOLOGY
    IMPACT FUND (CAYMAN) MANAGEMENT L.P." is two)."""
    head = _JOINT_FILING.search(text, 0, min(len(text), 500))
    start = _SIGN_START.search(text, head.end()) if head else None
    if start is None:
        return []
    out: list[PartyHit] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and not any(c.isalpha() for c in run[-1].group()):
            run.pop()
        if len(run) >= 2 and run[-1].end() - run[0].start() <= 150:
            a, b = run[0].start(), run[-1].end()
            while b > a and text[b - 1] in ",;:":
                b -= 1
            if text[a:b] not in {text[p.start:p.end] for p in out}:
                out.append(PartyHit(a, b, None))
        run.clear()

    for m in _SIGN_WORD.finditer(text, start.end(), min(len(text), start.end() + SIGNATORIES_REACH)):
        word = m.group()
        if run and word in "-&":  # "MEZZANINE PARTNERS - OFFSHORE"
            run.append(m)
            continue
        upper = any(c.isalpha() for c in word) and not any(c.islower() for c in word)
        if not upper or _NOT_SIGNATORY.fullmatch(word):
            close()
            continue
        if not run and (sum(c.isalpha() for c in word) < 3 or re.fullmatch(r"[IVX/]+,?", word)):
            continue  # "By: Clarus IV GP, L.P.": the capitals that end a name written in mixed case
        run.append(m)
        if len(run) >= 2 and _SUFFIX.fullmatch(word.rstrip(",")) and word.rstrip(",.").lower() not in _GENERATIONS:
            close()  # "... FUND L.P." ends one name; the next capitals start another
    close()
    return out


def _signing(text: str, after: int) -> list[PartyHit]:
    """The companies that sign after `after`, each named just before its "By:" on a line of its own or after a
    block's label ("ValueAct Capital Master Fund, L.P. By: /s/ ...", "SPONSOR(S): Platinum Partners Value
    Arbitrage Fund L.P. By:"); not the words after a signer's "Title:" or "Name:" (a person, an office)."""
    sign = _SIGN_START.search(text, after)
    if sign is None:
        return []
    out = []
    for by in _BY.finditer(text, sign.end(), min(len(text), sign.end() + SIGNATORIES_REACH)):
        end = len(text[:by.start()].rstrip())
        line = text.rfind("\n", sign.end(), end) + 1
        label = text.rfind(":", line, end)
        if label >= 0 and _SIGNER_LABEL.search(text, line, label + 1):
            continue  # "Title: Chief Investment Officer Snowy August Fund I LP": the name is not set apart
        start = label + 1 if label >= 0 else max(line, sign.end())
        span = name_span(text, start, end)
        if span is not None and span[1] == end and company_word(name_of(text, PartyHit(*span, None)).split()[-1]):
            out.append(PartyHit(span[0], span[1], None))
    return out


def name_of(text: str, hit: PartyHit) -> str:
    """The party's name as it is written, one space between words, without a PDF's underline ("Mail
    ------- Boxes Etc. USA, Inc." is Mail Boxes Etc. USA, Inc.) and without the full stop of the sentence it
    closes ("... by Franchisee." is Franchisee; "Torvec Inc.." is Torvec Inc.; "Acme Corp." keeps its own, a
    whole word's "Acme Limited." does not)."""
    words = [w for w in text[hit.start:hit.end].split() if not _RULE.fullmatch(w)]
    if words and (words[-1].endswith("..") or words[-1].casefold() in _WHOLE_SUFFIXES
                  or (_SENTENCE_STOP.fullmatch(words[-1]) and not _SUFFIX.fullmatch(words[-1]))):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def find_parties(text: str) -> list[PartyHit]:
    """The parties named in the preamble, in order (a joint filing agreement's: its signatories), each
    once: a cover page's "T-MOBILE NETHERLANDS B.V." is the preamble's "T-Mobile Netherlands B.V.". A
    sentence's first word ("The", "In") or the document's name ("the Contract") is no party."""
    seen: set[str] = set()
    out = []
    for hit in (resolved(text, h) for h in _named(text)):
        key = " ".join(text[hit.start:hit.end].casefold().split())
        words = [w.strip(".,:;'\"") for w in key.split()]
        bare = " ".join(words[1:] if words[0] in ("the", "this") else words)  # "The Contract" is the contract
        if key not in seen and bare not in NOT_PARTIES and not set(words) <= _FUNCTION_WORDS \
                and not names_document(key):
            seen.add(key)
            out.append(hit)
    return out


def names_role(key: str) -> bool:
    """`key` (a name folded: lower case, no punctuation) is a bare role ("Distributor, as set forth below", a
    form's "SENDER"), not the name of the party that plays it."""
    return key.removeprefix("the ") in ROLES


def names_document(key: str) -> bool:
    """`key` (a name in lower case) names the document or a click-through's instruction, not a party."""
    return _DOCUMENT.fullmatch(key) is not None


def resolved(text: str, hit: PartyHit) -> PartyHit:
    """A party named by the short name an earlier sentence defined ("by and between Shun Li De Commerce &
    Trading Ltd ("SLD") ... and ACM", after "American Champion Media, Inc. ("ACM"), a Delaware company"): the
    company it was defined for, the longest run of name words on its line before the definition, just before it
    or before the description that leads to it ("FEDERATED COMPANY, a trust organized under the laws of the State
    of Delaware (the "Adviser")"; not "the State of Delaware": a company's name ends in "Inc.", "Ltd" ...)."""
    short = text[hit.start:hit.end].removeprefix("The ").rstrip(".")
    if not short or " " in short or short.casefold() in NOT_PARTIES:
        return hit
    # a short name is defined where the parties are named, in the head: a bounded scan for the ranker's candidates
    # in a long contract's tail (`party_ranker._defined`)
    defined = next((m for m in _DEFINED.finditer(text, 0, min(hit.start, HEAD + SPAN)) if _short(m) == short), None)
    if defined is None:
        return hit
    line = max(text.rfind("\n", 0, defined.start()), defined.start() - DESCRIPTION_REACH) + 1
    for token in NAME_TOKEN.finditer(text, line, defined.start()):
        span = name_span(text, token.start(), defined.start())
        if span is not None and span[0] == token.start() and _leads_to(text, span[1], defined.start()) \
                and company_word(name_of(text, PartyHit(*span, None)).split()[-1]):
            return PartyHit(span[0], span[1], hit.short_name or short)
    return hit


def _leads_to(text: str, end: int, defined: int) -> bool:
    """The words between a name's `end` and a definition at `defined` lead from the one to the other: none but
    a comma, or a description of the name (", a Delaware corporation with offices at ...") in which no other
    name is defined (not "ACME Inc., a Delaware corporation ("ACME"), and BETA LLC (the "Buyer")")."""
    between = text[end:defined]
    if not between.strip(" ,"):
        return True
    return _DESCRIBED.match(text, end) is not None and "(" not in between and len(between) <= DESCRIPTION_REACH


def _named(text: str) -> list[PartyHit]:
    signatories = _signatories(text)
    if signatories:
        return signatories
    bounds = _preamble(text)
    if bounds is None:
        return _labelled(text, [])
    start, end = bounds
    parties: list[PartyHit] = []
    cursor = last_party = start
    for m in _DEFINED.finditer(text, start, end):
        short = _short(m)
        if len(parties) >= 2 and _sentence_ended(text, cursor, m.start()):
            break  # "... (the "Agent"), up to 400,000 shares (the "Offered Shares"). Notwithstanding ...": after the parties
        if not _party_like(m):
            if len(parties) >= 2:
                break  # a defined term after the parties: the preamble is over
            cursor = m.end()
            continue
        last_party = m.end()
        a = cursor
        inner = list(_BETWEEN.finditer(text, a, m.start()))
        if inner:
            a = inner[-1].end()
        elif parties:
            after_and = _after_last_and(text, a, m.start())
            found = {text[p.start:p.end] for p in parties}
            parties.extend(p for p in _listed_before(text, a, after_and) if text[p.start:p.end] not in found)
            a = after_and if after_and > a else _after_comma(text, a, m.start())
        numbered = [n.end() for n in _PARTY_NUMBER.finditer(text, a, m.start())]
        if numbered:
            a = numbered[-1]
        labels = [n.end() for n in _LABEL_END.finditer(text, a, m.start())] if not parties else []
        # "Dear Mr. Harris: The undersigned, Dundee Securities Ltd. (the "Lead Agent")", "The Covenanter: ACME":
        # the first party's name follows the letter's salutation or a label, in the paragraph of its definition
        after_label = name_span(text, labels[-1], m.start()) if labels else None
        if after_label is None or after_label[0] != labels[-1] or "\n\n" in text[labels[-1]:m.start()]:
            after_label = None
        span = after_label or name_span(text, a, m.start())
        if span is not None and after_label is None and parties and _not_listed(text, a, span, m.start()):
            span = None  # a sentence's first word, a place, or a word of the last party's description
        name = text[span[0]:span[1]] if span else ""
        known = {text[p.start:p.end] for p in parties} | {p.short_name for p in parties if p.short_name}
        if span is not None and name not in known and name.removeprefix("The ") not in known:
            companions = [j for j in _joined(text, span[1], m.start()) if text[j[0]:j[1]] not in known]
            # "Acme Corp. and Beta Ltd. ("Supplier")": the short name is the last company's; "(each and both of
            # them "Recipient")", "(collectively, the "Sellers")": every one's
            shared = not companions or _SHARED.search(m.group()) is not None
            parties.append(PartyHit(span[0], span[1], short if shared else None))
            parties.extend(PartyHit(a, b, short if shared or i == len(companions) - 1 else None)
                           for i, (a, b) in enumerate(companions))
        cursor = m.end()
    if len(parties) == 1:
        cursor = last_party  # ("VerticalNet"), and LeadersOnline, Inc. ... (each a "Party"): read after the party
    if len(parties) < 2:
        parties = _labelled(text, parties)
    if _ELSEWHERE.search(text, start, end):
        found = {text[p.start:p.end] for p in parties}
        parties.extend(p for p in _signing(text, end) if text[p.start:p.end] not in found)
    if parties:
        # a second party that defines no short name: "("Tripath"), and Uniquest Corporation 780 Montague ..."
        joined = re.compile(r"[\s,]{0,4}and\b:?\s*", re.IGNORECASE).match(text, cursor)  # "("Tripath"), and\n\nUniquest"
        stop = re.compile(r"\.\s|\n\s*\n").search(text, joined.end() if joined else cursor, end)
        limit = stop.start() if stop else end
        tail = _after_last_and(text, cursor, limit) if len(parties) == 1 else cursor
        span = name_span(text, tail, limit) if tail > cursor else None
        if span is not None and text[span[0]:span[1]] not in {text[p.start:p.end] for p in parties}:
            parties.append(PartyHit(span[0], span[1], None))
        return parties
    body_end = _sentence_end(text, start, end)
    # a cover page's "BETWEEN / ACME INC. / AND / BETA LTD." sets each name on its own line
    joiner = _AND_LINE.search(text, start, end) or re.compile(r"\s+and\s+", re.IGNORECASE).search(text, start, body_end)
    body_end = _sentence_end(text, joiner.end(), end) if joiner else body_end
    for a, b in [(start, joiner.start()), (joiner.end(), body_end)] if joiner else [(start, body_end)]:
        # "VERIZON OWNER TRUST 2020-A, as Issuer,\n\nVERIZON ABS LLC, as Depositor\n\nand ...": one name a line
        for line in _LINE_LIST.split(text[a:b]) if joiner is not None and a == start else [text[a:b]]:
            offset = text.find(line, a, b)
            parties.extend(_listed(text, offset, offset + len(line)) if a == start else
                           [PartyHit(*span, None) for span in [name_span(text, offset, offset + len(line))] if span])
            a = offset + len(line)
    return parties
