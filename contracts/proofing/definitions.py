"""Defined terms: where each is defined, and the three checks over them (undefined, unused, defined twice).

A term is defined where a quoted capitalized phrase stands in a defining context: `"X" means`, `"X" shall
have the meaning`, inside parentheses (`(the "X")`, `(hereinafter "X")`), after `referred to as`, or at
the head of a line followed by a colon (a definitions list). Any other quoted capitalized phrase, and a
line of a definitions list written without quotes (`Affiliate means ...`), still counts as defined for
the undefined-term check: that check must not cry wolf over a term the drafter did define, only loosely. So do
terms defined in heading style (heading_definitions): "1.1 Affiliate. An entity that ..." in a definitions
section, "Affiliate. means ..." anywhere; a mere heading elsewhere ("12. Confidentiality.") defines nothing.
Every pass is over the token list or bounded windows of the text, so the time is linear."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from contracts.documents import Document
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.parts import part_of
from contracts.proofing.tokens import Token, base_form, variants

MAX_TERM_WORDS = 8
# a quoted phrase: the quotes, then at most 80 characters that are neither a quote nor a line break
_QUOTED = re.compile(r'["“]([^"“”\n]{1,80})["”]')
_MEANS = re.compile(r'\s*[,:]?\s*\)?\s*(?:shall\s+|will\s+|is\s+|are\s+)?(?:mean|means|has\s+the\s+meaning|have\s+the\s+meaning|'
                    r"refers?\s+to|is\s+defined|includes?|shall\s+include)\b", re.I)
# an index entry that points at the definition elsewhere ("X" has the meaning set forth in Section 4.4,
# "X" is defined in the preamble): it defines nothing itself, so it is neither a duplicate nor a definition
_POINTER = re.compile(r"[ \t]*+[,)\-–:]?[ \t]*+(?:shall\s+)?(?:has|have|is|are)\s+(?:the\s+)?(?:respective\s+)?"
                      r"(?:meanings?|defined)\s+(?:(?:set\s+(?:forth|out)|given|assigned|ascribed|specified|provided|stated)\s+"
                      r"(?:(?:to\s+(?:it|them|such\s+terms?)|thereto|such\s+terms?)\s+)?)?(?:in|on|under|by|above|below|herein|hereinabove|earlier)\b", re.I)
_REFERRED = re.compile(r"(?:referred\s+to\s+as|hereinafter|called|known\s+as|defined\s+as|designated\s+as)\W{0,12}\Z", re.I)
_LINE_HEAD = re.compile(r"[\s\-–•*]*(?:\(?[0-9A-Za-z]{1,4}[.)]\s*|[0-9]+(?:\.[0-9]+)+\s*)?\Z")
_COLON_AFTER = re.compile(r"\s*[:\-–—]")
# a quoted title after a reference ("Clause 13 ("Security Deposit")", "Exhibit 1 "List of Aircraft""): it
# names the part referred to, it defines nothing. Looked for in the 60 characters before the quote
_TITLED = re.compile(r"\b(?:sections?|clauses?|articles?|exhibits?|schedules?|annex(?:es)?|appendix|appendices|"
                     r"paragraphs?|attachments?|parts?|see)(?:\s+[\w\-]+(?:\.[\w\-]+)*)?(?:\s*\([a-z0-9]{1,4}\))*[ \t,]*\(?\s*\Z", re.I)
_TERM_TRIM = ",.;: "
_LOOKBACK = 120


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    start: int  # the term inside its quotes
    end: int
    strict: bool  # a defining context, not just a quoted phrase
    meaning: str  # the words that give it its meaning, normalised, to tell two definitions apart
    extends: bool = False  # "X" includes / shall include: it adds to a definition, it does not give one
    named: str = ""  # the few words just before a definition in parentheses: what "(the "X")" names


def _is_term(term: str) -> bool:
    words = term.split()
    return bool(words) and len(words) <= MAX_TERM_WORDS and term[0].isupper() and any(c.isalpha() for c in term)


def _in_parentheses(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _LOOKBACK):start]
    opened = before.rfind("(")
    if opened < 0 or before.rfind(")") > opened:
        return False
    after = text[end:end + _LOOKBACK]
    closed = after.find(")")
    return closed >= 0 and (after.find("(") < 0 or after.find("(") > closed)


def _meaning(text: str, start: int, end: int, means: re.Match | None) -> str:
    if means is not None:
        tail = text[means.end():means.end() + 300]
        stop = re.search(r"\.\s|\n", tail)
        words = tail[:stop.start() if stop else len(tail)]
    else:
        head = text[max(0, start - _LOOKBACK):start]
        cut = max(head.rfind("\n"), head.rfind(". "))
        words = head[cut + 1:]
        words = words[:words.rfind("(")] if "(" in words else words
    return " ".join(words.split()).lower()


def find_definitions(text: str) -> list[Definition]:
    """Every quoted capitalized phrase, each marked strict where its context defines it."""
    found: list[Definition] = []
    for m in _QUOTED.finditer(text):
        raw = m.group(1)
        term = raw.strip(_TERM_TRIM)
        if not _is_term(term):
            continue
        start = m.start(1) + raw.index(term)
        end = start + len(term)
        means = _MEANS.match(text, m.end(), m.end() + 60)
        pointer = _POINTER.match(text, m.end(), m.end() + 100) is not None
        # only the 12 characters before the quote are looked at: a text of one endless line stays linear
        window = max(0, m.start() - 12)
        line_start = text.rfind("\n", window, m.start()) + 1 or (0 if window == 0 else -1)
        at_line_head = line_start >= 0 and _LINE_HEAD.match(text, line_start, m.start()) is not None
        titled = _TITLED.search(text, max(0, m.start() - 60), m.start()) is not None
        strict = not pointer and not titled and (means is not None or _in_parentheses(text, m.start(), m.end())
                  or _REFERRED.search(text, max(0, m.start() - 40), m.start()) is not None
                  or (at_line_head and _COLON_AFTER.match(text, m.end()) is not None))
        extends = means is not None and "includ" in means.group().lower()
        named = " ".join(text[max(0, m.start() - 60):m.start()].rsplit("(", 1)[0].split()[-3:]).lower() \
            if means is None else ""
        found.append(Definition(term, start, end, strict, _meaning(text, m.start(), m.end(), means), extends, named))
    return found


_CONNECTORS = {"of", "and", "for", "in", "to", "the", "on", "&"}


def list_definitions(text: str, tokens: list[Token]) -> set[tuple[str, ...]]:
    """Terms of a definitions list written without quotes: a line that opens with a capitalized phrase
    followed by `means`, `shall mean` or a colon. Read token by token, a bounded look at each line head."""
    found: set[tuple[str, ...]] = set()
    for i, tok in enumerate(tokens):
        starts_line = i == 0 or text.find("\n", tokens[i - 1].end, tok.start) >= 0
        if not starts_line or not tok.capitalized:
            continue
        words: list[str] = []
        for nxt in tokens[i:i + MAX_TERM_WORDS + 2]:
            if nxt.text in {"means", "shall", ":"}:
                if words and words[-1] not in _CONNECTORS and not (len(words) == 1 and _label(tokens, i)):
                    found.add(tuple(w.lower() for w in words))
                break
            if not (nxt.capitalized or nxt.text in _CONNECTORS) or not nxt.text[0].isalnum():
                break
            words.append(nxt.text)
    return found


def _label(tokens: list[Token], i: int) -> bool:
    """Whether the one word opening a line at token i, before "shall" or a colon, is a party or a signature
    label ("Licensee shall pay ...", "LICENSOR:"), not a term defined there ("Territory shall mean ...")."""
    after = [t.text for t in tokens[i + 1:i + 5]]
    if after[:1] == [":"]:
        return tokens[i].text.isupper()
    return after[:1] == ["shall"] and after[1:2] != ["mean"] and after[1:4] != ["have", "the", "meaning"]


# a term in single quotes ('the Manufacturer'), which some drafters use to define: an opening quote not
# after a letter, at most 80 characters, a closing quote not before one (so "Licensee's" is no quote)
_SINGLE_QUOTED = re.compile(r"(?<![\w'’])['‘](?:the\s+)?([A-Z][^'‘’\n]{0,79})['’](?!\w)")


_LOWER_HEAD = re.compile(r"(?:[a-z][\w\-]*\s+){1,3}(?=[A-Z])")


def loose_terms(text: str) -> set[tuple[str, ...]]:
    """Capitalized phrases in single quotes, and quoted phrases after a lower-case word or two ("current Good
    Manufacturing Practices"): loosely defined, for the undefined-term check only."""
    found = {term_words(m.group(1)) for m in _SINGLE_QUOTED.finditer(text) if _is_term(m.group(1).strip(_TERM_TRIM))}
    for m in _QUOTED.finditer(text):
        head = _LOWER_HEAD.match(m.group(1))
        if head is not None and _is_term(m.group(1)[head.end():].strip(_TERM_TRIM)):
            found.add(term_words(m.group(1)[head.end():]))
    return found


# where a line starts: a line break (the text is read with one put before it) or a wide gap (a line break
# flattened into spaces). A pattern whose every branch opens with a character is scanned for in C, fast; a
# line's end is only looked at, never consumed, so that the next line's opening is still there to match
_LINE_OPENING = r"(?:\n|[ \t](?<=\S[ \t])[ \t]{2,}+)[ \t]*+"
# a section's label: "1.1", "(a)", "Section 2.01", "ARTICLE I", "iv."; its leading integer is group "number"
_LABEL_AT_HEAD = r"(?:(?i:section|article|clause)[ \t]++)?(?:\(?(?P<number>[0-9]{1,3})(?:\.[0-9]{1,3}){0,4}\.?\)?|\(?[a-zA-Z]{1,4}[.)]|[IVX]{1,5}\.?)"
# a heading-style definition's head: an optional label, then a capitalized phrase, perhaps quoted, then a full
# stop, a colon, a dash or the line's end ("1.1 Affiliate. An entity ...", "Affiliate – means ...", a term alone
# on its line above its definition), or a verb ("End User is the final purchaser ...", "Term shall mean ...").
# Bounded repetition and possessive spaces: no backtracking to speak of
_HEAD_TERM = re.compile(_LINE_OPENING + r"(?:" + _LABEL_AT_HEAD + r"[ \t]++)?[\"“]?(?P<term>[A-Z][\w'’&\-]*+"
                        r"(?:[ \t]++(?:[A-Z][\w'’&\-]*+|of|and|for|in|to|the|on|&)){0,7})(?:\((?:s|es)\))?[\"”]?[ \t]*+"
                        r"(?:(?P<mark>[.:\-–—](?![\w.])|(?=\r?\n))|(?<=[ \t])(?=(?P<verb>is|are|means?|shall|refers?)\b))")
# what, after such a head, says the head is a term being defined, wherever it stands
_DEFINING = re.compile(r"[\s\"”:\-–—]{0,8}(?:the\s+term\s+(?:\"[^\"\n]{1,80}\"\s+)?)?(?:shall\s+mean|means?|"
                       r"(?:shall\s+)?refers?\s+to|is\s+defined\s+as|(?:shall\s+)?(?:has|have)\s+the\s+(?:same\s+)?meanings?)\b", re.I)
# a definitions section's heading: "1. DEFINITIONS", "ARTICLE I DEFINITIONS AND INTERPRETATION", "Section 1.1
# Defined Terms." (a table of contents' line too: its "section" ends at the next label, so it adds nothing)
# Looked for from the word, then back to the line's opening: the word is a literal the engine finds fast
_SECTION_WORD = re.compile(r"(?:Definitions|DEFINITIONS|Defined[ \t]++Terms|DEFINED[ \t]++TERMS)\b")
_SECTION_HEAD = re.compile(_LINE_OPENING + r"(?:" + _LABEL_AT_HEAD + r"[ \t]++)?(?:(?:Certain|CERTAIN|Additional|"
                           r"ADDITIONAL)[ \t]++)?" + _SECTION_WORD.pattern)
_HEAD_REACH = 40  # characters from a line's opening to the word "Definitions" on it
# a heading that opens another section: an article or chapter, or a label with a leading integer, then a capital
_NEXT_SECTION = re.compile(_LINE_OPENING + r"(?:(?i:article|chapter)\b|(?i:section[ \t]++)?(?P<number>[0-9]{1,3})"
                           r"(?:\.[0-9]{1,3}){0,4}\.?[ \t]++[\"“(]?[A-Z])")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_SECTION_CHARS = 60_000
_NOT_DEFINED_BY_HEAD = {("definitions",), ("defined", "terms"), ("definition",)}


def _section_number(head: re.Match[str]) -> int | None:
    """The definitions heading's leading number ("1. DEFINITIONS", "ARTICLE I DEFINITIONS"), if any."""
    if head.group("number"):
        return int(head.group("number"))
    roman = re.search(r"\b([IVX]{1,5})\b", head.group())
    return _ROMAN.get(roman.group(1)) if roman else None


def definition_sections(text: str) -> list[tuple[int, int]]:
    """The spans of the definitions sections: from a heading that says "Definitions" to the next article, or
    the next label whose leading number differs from the heading's (or from the first label's, for a heading
    with none), at most _SECTION_CHARS on."""
    return [(a - 1, b - 1) for a, b in _sections("\n" + text)]


def _sections(text: str) -> list[tuple[int, int]]:
    """definition_sections over a text read with a line break put before it."""
    spans: list[tuple[int, int]] = []
    for word in _SECTION_WORD.finditer(text):
        head = _SECTION_HEAD.search(text, max(0, word.start() - _HEAD_REACH), word.end())
        if head is None or head.end() != word.end() or (spans and head.start() < spans[-1][1]):
            continue
        number, end = _section_number(head), min(len(text), head.end() + _SECTION_CHARS)
        for nxt in _NEXT_SECTION.finditer(text, head.end(), end):
            found = int(nxt.group("number")) if nxt.group("number") else None
            if found is None or (number is not None and found != number):
                end = nxt.start()
                break
            number = found if number is None else number
        spans.append((head.end(), end))
    return spans


def heading_definitions(text: str) -> set[tuple[str, ...]]:
    """Terms defined in heading style, without quotes or with the quotes round a heading: a line that opens
    with a capitalized phrase, then a full stop, a colon or a dash, followed by "means", "shall mean", "refers
    to", "is defined as" ("1.1 Affiliate. Affiliate means ...", "Affiliate – means ..."); or any such line, or a
    phrase alone on its line, inside a definitions section ("1.1 Affiliate. An entity that controls ...").
    A heading elsewhere ("12. Confidentiality. Each party shall ...") defines nothing. For the undefined-term
    check only: one regex pass, linear."""
    text = "\n" + text  # the first line opens as every other does
    sections = _sections(text)
    starts = [a for a, _ in sections]
    found: set[tuple[str, ...]] = set()
    for m in _HEAD_TERM.finditer(text):
        words = term_words(m.group("term"))
        if not _is_term(m.group("term")) or words in _NOT_DEFINED_BY_HEAD:
            continue
        k = bisect.bisect_right(starts, m.start()) - 1
        inside = k >= 0 and m.start() < sections[k][1]
        if _DEFINING.match(text, m.end(), m.end() + 80) or (inside and m.group("verb") in {None, "is", "are"}
                                                             and _opens_text(text, m)):
            found.add(words)
    return found


def _opens_text(text: str, head: re.Match[str]) -> bool:
    """Whether text follows the head on its line ("Affiliate. An entity ..."), or, for a phrase alone on its
    line, on the next line: a definitions list's entry, not a blank line before the next heading."""
    alone = head.group("mark") == ""
    after = text[head.end():head.end() + 200].lstrip(" \t\r\n" if alone else " \t")
    return bool(after) and (after[0].isalpha() or after[0] in "\"“(")


_OPTIONAL_PLURAL = re.compile(r"\((?:s|es|ies)\)", re.I)


def term_words(term: str) -> tuple[str, ...]:
    """The term as the key every check compares: its words, lower-cased (a term defined as "PRODUCT" is
    used as "Product"), without a possessive or an optional plural ("Product(s)")."""
    term = _OPTIONAL_PLURAL.sub("", term)
    return tuple(base_form(w).lower() for w in re.findall(r"\w+(?:['’\-&]\w+)*", term))


def lowered_words(tokens: list[Token]) -> list[str]:
    """Each token as the checks compare it: without a possessive, lower-cased (computed once per document)."""
    return [base_form(t.text).lower() for t in tokens]


def count_uses(tokens: list[Token], terms: set[tuple[str, ...]], skip: set[int],
               words: list[str] | None = None) -> dict[tuple[str, ...], int]:
    """How often each term (or its plural/singular) occurs, capitalized, outside the offsets in `skip` (its
    definitions): one pass, every position tried with every term length, so linear in the tokens. A form
    shared by two terms ("Affiliate" and "Affiliates") counts for both, whatever the order of the set."""
    lookup: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for term in sorted(terms):
        for form in sorted(variants(term)):
            lookup[form].append(term)
    lengths = sorted({len(t) for t in lookup}, reverse=True)
    words = lowered_words(tokens) if words is None else words
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for i, tok in enumerate(tokens):
        if tok.start in skip or not tok.text[:1].isupper():
            continue
        for n in lengths:
            for found in lookup.get(tuple(words[i:i + n]), ()):
                counts[found] += 1
    return counts


# an amendment quotes the text it replaces and the text that replaces it: the second definition follows
_AMENDING = re.compile(r"hereby\s+amended|amended\s+(?:and\s+restated\s+)?to\s+read|replaced\s+(?:in\s+its\s+entirety\s+)?"
                       r"(?:with|by)|deleted\s+in\s+its\s+entirety|restated\s+in\s+its\s+entirety|amended\s+by\s+"
                       r"(?:deleting|replacing|adding)", re.I)
_AMENDMENT_REACH = 2000
# a definition scoped on purpose: to one part ("for this section only", "for purposes of this Article"), to one
# use of the word ("When used as a verb, "Develop" means"), or to another instrument ("the "Initial Term" of the
# Facility Addendum"): it narrows or widens the first one, it is no slip
_SCOPED_BEFORE = re.compile(r"\b(?:for\s+(?:the\s+)?(?:purposes?\s+of\s+)?this\s+(?:section|article|clause|paragraph|"
                            r"subsection|exhibit|schedule)|(?:when|where|as)\s+used\s+as|when\s+referring\s+to|solely\s+for)\b",
                            re.I)
_SCOPED_AFTER = re.compile(r"[\"”]\s*+(?:of|under)\s++(?:the|such|each|that|any)\s++[A-Z]")
_SCOPE_CHARS = 80
# a party's label in parentheses beside signature lines ("ACME INC. ("Licensee")   By: /s/ ..."): the
# signature block names its signatories again
_SIGNING = re.compile(r"\bBy\b[ \t]*+(?::|/s/|_)|/s/")
_SIGNING_CHARS = 250


def _scoped(text: str, d: Definition) -> bool:
    """Looked for in the definition's own sentence, at most _SCOPE_CHARS before it."""
    a = max(0, d.start - _SCOPE_CHARS)
    a = max(a, text.rfind("\n", a, d.start) + 1, text.rfind(". ", a, d.start) + 1)
    return _SCOPED_BEFORE.search(text, a, d.start) is not None \
        or _SCOPED_AFTER.match(text, d.end) is not None


def _signature_label(text: str, d: Definition) -> bool:
    bare = text[d.start - 2:d.start] in ('("', '(“') and text[d.end:d.end + 2] in ('")', '”)')
    return bare and _SIGNING.search(text, max(0, d.start - _SIGNING_CHARS), d.end + _SIGNING_CHARS) is not None


def duplicate_items(document: Document, definitions: list[Definition], parts: list[int],
                    parties: dict[str, set[str]] | None = None) -> list[ProofingItem]:
    """A term defined twice in the same part of the document: the contract proper, its signature block, or
    one attached part (contracts.proofing.parts). Not a slip: a second definition in amending text (the
    amendment's new wording), one that adds to the first ("X" also includes), one scoped on purpose, the same
    name given its short form again, a party's name and label repeated (in the recitals or the signature
    lines; `parties`: each party's defined name and the words of its full name, lower-cased; `parts`: the
    document's part_starts)."""
    text = document.text
    regions = parts
    amending = [m.start() for m in _AMENDING.finditer(text)]
    by_term: dict[tuple[str, int], list[Definition]] = defaultdict(list)
    for d in definitions:
        if d.strict:
            by_term[(d.term, part_of(regions, d.start))].append(d)
    items: list[ProofingItem] = []
    for (term, _), defs in by_term.items():
        first = defs[0]
        for later in defs[1:]:
            k = bisect.bisect_right(amending, later.start) - 1
            if k >= 0 and amending[k] > first.start and later.start - amending[k] < _AMENDMENT_REACH:
                continue
            if later.extends or (later.named and later.named == first.named) or _scoped(text, later) \
                    or _signature_label(text, later):
                continue  # "X" also includes ..., the same name given its short form again, a scoped definition
            if set(later.named.replace(",", " ").split()) & (parties or {}).get(term, set()):
                continue  # a party's name and label again (in the recitals, the signature lines)
            differ = later.meaning != first.meaning
            page = document.page_of(first.start)
            how = "with a different meaning" if differ else "with the same wording"
            items.append(make_item(document, "duplicate_definition", "medium" if differ else "low",
                                   f'"{" ".join(term.split())}" is defined again {how} (first defined on page {page})',
                                   later.start, later.end,
                                   "keep one definition and refer to it" if not differ else
                                   "decide which meaning governs, keep that definition and rename the other term"))
    return items


# a term with a dot or a bracket inside ("U.S.", "A.M. Best", "Non-[***] Notice") is split by the tokenizer, so
# its uses cannot be counted: it is never reported unused
_UNCOUNTABLE = re.compile(r"[.\[\]]")


def unused_items(document: Document, definitions: list[Definition],
                 uses: dict[tuple[str, ...], int]) -> list[ProofingItem]:
    items: list[ProofingItem] = []
    seen: set[str] = set()
    for d in definitions:
        if not d.strict or d.term in seen:
            continue
        seen.add(d.term)
        if uses.get(term_words(d.term), 0) == 0 and not _UNCOUNTABLE.search(d.term):
            items.append(make_item(document, "unused_definition", "low",
                                   f'"{" ".join(d.term.split())}" is defined but never used', d.start, d.end,
                                   "delete the definition, or use the term where it was meant"))
    return items
