"""Capitalized terms used the way defined terms are used ("the Licensed Products", "such Confidential
Information") that the contract never defines.

A careful associate flags a coined term, not a name, a heading or a capital of emphasis, so a candidate is
a run of capitalized words, each an ordinary word the contract also writes in lower case, standing inside a
sentence of running text (after a lower-case word, a comma, a number or a possessive), used at least twice
(three times unless once after "the", "such", "any" ...). A single word ("the Territory") needs more: twice
after such a determiner, or five uses, none before a number or another capital, none after a section's
number or a bullet; "Party" and the document's own name ("this Plan") are never one. Never candidates: headings,
titles and table-of-contents lines, headings run into the text ("12.2 Invocation of Material Breach."), a
section's title in parentheses, all-capital runs, runs opened by a determiner or a number word, places,
months, the parties' names, institutions, statutes and other instruments (by their head noun), a part of a
longer defined term, and a term used with "(as defined in ...)" or "means". One use that says this document
defines the term ("(as defined below)", "as defined herein", "(as defined in Section 4)") is enough to flag it
when no definition is found: the definition was deleted or never written. A contract that says its
capitalized terms are defined in another instrument gets no item at all. Every pass is over the token list
with bounded looks around each token, so the time is linear."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from contracts.documents import Document
from contracts.proofing.definitions import count_uses, heading_definitions, lowered_words
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.tokens import Token, base_form, token, variants

MIN_USES = 2
MIN_BARE_USES = 3  # a term never used after a determiner needs more uses to read as a defined term
MAX_RUN = 5
# a single capitalized word reads as a coined term where it stands after "the", "such", "any" ... twice, or
# (a label used as a name: "Sponsor shall pay") mid-sentence this often
MIN_SINGLE_DETERMINED = 2
MIN_SINGLE_USES = 5
MAX_SINGLE_ITEMS = 6

_DETERMINERS = {"a", "an", "the", "such", "any", "each", "said", "all", "this", "that", "these", "those", "its", "their",
                "no", "every", "another", "either", "neither", "his", "her", "our", "your", "which", "other"}
_JOINERS = {"of", "&"}
_DOCUMENT_PARTS = {"Section", "Sections", "Article", "Articles", "Exhibit", "Exhibits", "Schedule", "Schedules",
                   "Annex", "Annexes", "Appendix", "Appendices", "Clause", "Clauses", "Paragraph", "Paragraphs",
                   "Part", "Attachment", "Attachments", "Rider", "Item", "Agreement", "Amendment", "Addendum",
                   "Contract", "Page", "Recital", "Recitals", "Table", "Chapter", "Title", "Subsection", "Annexure"}
_CALENDAR = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
_PLACES = {
    "United", "States", "America", "American", "Kingdom", "Britain", "England", "Wales", "Scotland", "Ireland",
    "Europe", "European", "Union", "Canada", "Mexico", "China", "Chinese", "Japan", "Korea", "India", "Germany",
    "France", "Italy", "Spain", "Israel", "Singapore", "Hong", "Kong", "Taiwan", "Australia", "Brazil",
    "Netherlands", "Switzerland", "Sweden", "Asia", "Africa", "Pacific", "Atlantic", "North", "South", "East",
    "West", "Northern", "Southern", "Eastern", "Western", "Province", "County", "City", "Commonwealth", "Republic",
    "State", "District", "Columbia", "Delaware", "York", "California", "Texas", "Nevada", "Florida", "Illinois",
    "Massachusetts", "Washington", "Georgia", "Virginia", "Pennsylvania", "Ohio", "Michigan", "Colorado", "Utah",
    "Minnesota", "Wisconsin", "Arizona", "Oregon", "Maryland", "Carolina", "Tennessee", "Missouri", "Indiana",
    "Connecticut", "Jersey", "Louisiana", "Kentucky", "Alabama", "Iowa", "Kansas", "Oklahoma", "Arkansas", "Idaho",
    "Nebraska", "Hampshire", "Maine", "Vermont", "Montana", "Wyoming", "Dakota", "Alaska", "Hawaii", "Mississippi",
    "Rhode", "Island", "Ontario", "Quebec", "British", "Cayman", "Islands", "Bermuda", "Luxembourg",
    "Beijing", "Shanghai", "London", "Paris", "Tokyo", "Internet", "Earth", "Street", "Avenue", "Road", "Suite",
    "Floor", "Boulevard", "Drive", "Building", "Plaza", "Federal", "Central", "Americas", "PRC", "People's",
    "English", "German", "French", "Spanish", "Japanese", "Italian", "Dutch", "Swiss", "Canadian", "Israeli",
    "Korean", "Indian", "Irish", "Scottish", "Dollar", "Dollars", "Euro", "Euros", "US", "U.S", "USA"}
_MINOR = {"of", "and", "the", "to", "for", "in", "on", "a", "an", "or", "with", "by", "at", "from", "as", "&"}
# institutions are named by their head noun ("Patent Office", "Exchange Act", "Board of Directors"), people by
# a title before the name ("Commissioner of Patents"): the head word alone excuses a run
_HEAD_NOUNS = _DOCUMENT_PARTS | {
    "Act", "Acts", "Code", "Codes", "Directive", "Convention", "Treaty", "Commission", "Court", "Courts", "Department",
    "Agency", "Administration", "Office", "Bureau", "Exchange", "Association", "Institute", "University", "Bank",
    "Government", "Congress", "Senate", "Nasdaq", "Board", "Directors", "Inc", "Corp", "Corporation", "LLC", "Ltd",
    "Limited", "Co", "Group", "Holdings", "Trust", "Foundation", "Council", "Organization", "Organisation",
    "Chamber", "Tribunal", "Ministry", "Nations", "Society", "Center", "Centre", "Hospital", "School", "College",
    "Church", "Police", "Army", "Navy", "Charter", "Constitution", "Ordinance", "Statute", "Statutes",
    "Conference", "Initiative", "Principles", "Medicare", "Medicaid", "GAAP"}
# the parties, however the contract names them: never an undefined term on its own ("the other Party")
_PARTY_WORDS = {"Party", "Parties", "Party's", "Parties'"}
_TITLES = {"Mr", "Mrs", "Ms", "Dr", "Sir", "President", "Chief", "Commissioner", "Secretary", "Chairman", "Judge"}
# "Capitalized terms used but not defined herein have the meanings given in the Supply Agreement": the
# contract's terms are defined in another instrument, so no term here is undefined. Bounded: 200 characters
# after each "capitalized terms"
_INCORPORATED = re.compile(r"capitali[sz]ed\s+terms\b[^.]{0,200}?\bnot\s+(?:otherwise\s+)?defined", re.I)
# a use followed by "(as defined in the Loan Agreement)": defined by reference
# a use followed by "(as defined in the Loan Agreement)", "(as defined below)", "means": the drafter defines it
# there or points at its definition (which the finder may not read, or which is in another instrument)
_DEFINED_ELSEWHERE = re.compile(r"[\s,(]{0,4}(?:as\s+(?:such\s+terms?\s+(?:is|are)\s+)?defined\b|has\s+the\s+meaning|"
                                r"(?:shall\s+)?means?\b|shall\s+have\s+the\s+meaning)", re.I)
# "(as defined below)", "as defined herein", "as defined in Section 4" (not "... of the Loan Agreement"): the drafter
# says this document defines the term, so a use pointing so at a term it never defines is a definition deleted or
# never written, flagged on that one use (a pointer to another instrument stays excused above)
_POINTS_HERE = re.compile(r"[\s,(]{0,4}as\s+(?:hereinafter\s+|further\s+|more\s+fully\s+)?defined\s+(?:below|above|herein"
                          r"|hereunder|hereinafter|hereafter|in\s+this\s+agreement|in\s+(?:section|article|clause|paragraph)"
                          r"\s+[0-9][0-9.]{0,12}(?![0-9.]|\s*(?:\([a-z0-9]{1,4}\)\s*)?(?:of|to)\s))", re.I)
# a run opened by a determiner, a capitalized function word or a number ("The Joint", "Neither SIGA", "Other
# Form of ...", "One Hundred") is a name, a sentence's start, an amount or a heading, not a defined term's use;
# inside a run such a word ends it ("the other Party At least", "each Party And other matters")
_NOT_TERM_HEADS = {"The", "A", "An", "Other", "All", "Each", "Any", "No", "This", "That", "Such", "Our", "Your", "Its",
                   "Their", "Both", "Either", "Per", "Certain", "Neither", "Nor", "And", "Or", "At", "To", "In", "For",
                   "With", "By", "On", "As", "From", "If", "Upon", "But"}
_NUMBER_WORDS = {"One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                 "Fifteen", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred",
                 "Thousand", "Million", "Billion"}
_CONTEXT = 4  # tokens either side of a use looked at for a longer defined term it is a fragment of


def _is_word(tok: Token) -> bool:
    return tok.text[:1].isalpha()


def incorporates_definitions(text: str) -> bool:
    """Whether the contract says its capitalized terms are defined in another instrument."""
    return _INCORPORATED.search(text) is not None


def undefined_items(document: Document, tokens: list[Token], defined: set[tuple[str, ...]],
                    proper: set[tuple[str, ...]], lowered: list[str] | None = None) -> list[ProofingItem]:
    """`defined`: every term the document defines, loosely (tuples of lower-cased words); `proper`: the
    parties' full names (tuples of words). A candidate is a run of capitalized words (one word: see the
    module's docstring), each an ordinary word the text also writes in lower case, standing inside a sentence
    of running text (not a heading or a title line), used at least twice there, and neither defined nor a
    proper noun."""
    text = document.text
    if incorporates_definitions(text):
        return []
    known: set[tuple[str, ...]] = set()
    for term in defined | _defined_by_means(tokens) | _defined_by_list(text, tokens) | heading_definitions(text):
        known |= variants(term)
    titled = _title_line_tokens(text, tokens)
    lowered = lowered_words(tokens) if lowered is None else lowered
    lower = {t.text for t in tokens if t.text[:1].islower()}
    party_parts = {tuple(w.lower() for w in name[a:b]) for name in proper
                   for a in range(len(name)) for b in range(a + 1, len(name) + 1)}
    uses: dict[tuple[str, ...], list[int]] = defaultdict(list)  # token indexes of each capitalized run
    elsewhere: set[tuple[str, ...]] = set()
    determined: Counter[tuple[str, ...]] = Counter()  # uses after "the", "such", "any" ...
    pointing: dict[tuple[str, ...], int] = {}  # runs a use says this document defines ("as defined below")
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if not (_is_word(tok) and tok.capitalized) or i == 0 or i in titled or not _mid_sentence(tokens, i):
            i += 1
            continue
        j = _run_end(text, tokens, i)
        # "Maintenance and Support" is one term where defined so, else two runs ("Licensor and Licensee"), but
        # not a name ("Securities and Exchange Commission")
        parts = [(i, j)] if tuple(lowered[i:j]) in known else _split_at_and(tokens, i, j)
        if len(parts) > 1 and excused(tuple(base_form(t.text) for t in tokens[i:j]), known, set()):
            parts = []
        for a, b in parts:
            b = _without_known_tail(lowered, a, b, known)
            if b - a == 1 and not _single_use(text, tokens, a, b):
                continue
            if b - a and not _fragment(lowered, a, b, known) and not _heading(text, tokens, a, b):
                run = tuple(base_form(t.text) for t in tokens[a:b])
                uses[run].append(a)
                if tokens[a - 1].text.lower() in _DETERMINERS:
                    determined[run] += 1
                if b - a == 1 and tokens[a - 1].text == "this":
                    elsewhere.add(tuple(lowered[a:b]))  # "under this Plan": the document's own name
                if _DEFINED_ELSEWHERE.match(text, tokens[b - 1].end, tokens[b - 1].end + 80):
                    elsewhere.add(tuple(lowered[a:b]))
                    if _POINTS_HERE.match(text, tokens[b - 1].end, tokens[b - 1].end + 80):
                        pointing.setdefault(run, a)
        i = j
    candidates = {run for run in uses
                  if (len(run) > 1 or determined[run] >= MIN_SINGLE_DETERMINED or len(uses[run]) >= MIN_SINGLE_USES)
                  and not all(w.isupper() for w in run)
                  and run[0] not in _NOT_TERM_HEADS and not any(w in _NUMBER_WORDS for w in run)
                  and all(w in _JOINERS or (len(w) > 1 and w.lower() in lower) for w in run)
                  and tuple(w.lower() for w in run) not in elsewhere | party_parts
                  and not excused(run, known, set())}
    # the capitalized uses in running text, the sentence-opening ones too ("The Fee shall ...")
    total = count_uses(tokens, {tuple(w.lower() for w in run) for run in candidates},
                       skip={tokens[k].start for k in titled}, words=lowered)
    items: list[ProofingItem] = []
    singles: list[ProofingItem] = []
    for run, where in uses.items():
        count = total.get(tuple(w.lower() for w in run), 0)
        if run not in candidates or count < MIN_USES or (run not in determined and count < MIN_BARE_USES):
            continue
        first = tokens[where[0]]
        last = tokens[where[0] + len(run) - 1]
        shown = text[first.start:last.end]
        (singles if len(run) == 1 else items).append(make_item(
            document, "undefined_term", "medium", f'"{" ".join(run)}" is used as a defined term but never defined',
            first.start, last.end, f'define "{shown}", or write it in lower case'))
    for run, a in pointing.items():
        if tuple(w.lower() for w in run) in party_parts or all(w.isupper() for w in run) or excused(run, known, set()):
            continue
        first, last = tokens[a], tokens[a + len(run) - 1]
        items.append(make_item(
            document, "undefined_term", "medium", f'"{" ".join(run)}" is said to be defined in this document, '
            "but no definition of it is found", first.start, last.end, f'define "{text[first.start:last.end]}", '
            "or point at the instrument that defines it"))
    # a contract that capitalizes many single ordinary words does so by style (a translation, a house style,
    # a technical annex), not by slip: its single words say nothing there
    return items + (singles if len(singles) <= MAX_SINGLE_ITEMS else [])


def _run_end(text: str, tokens: list[Token], i: int) -> int:
    """Past the run of capitalized words from token i: joined by "of", "&" or "and", on one line, at most
    MAX_RUN words; a possessive ends it ("the Party's Trade Secrets" is two runs)."""
    j, n, words = i + 1, len(tokens), 1
    while j < n and words < MAX_RUN and base_form(tokens[j - 1].text) == tokens[j - 1].text:
        nxt = tokens[j]
        if _is_word(nxt) and nxt.capitalized and _same_line(text, tokens[j - 1], nxt) and nxt.text not in _NOT_TERM_HEADS:
            j += 1
        elif nxt.text in _JOINERS | {"and"} and j + 1 < n and tokens[j + 1].capitalized and _is_word(tokens[j + 1]):
            j += 2
        else:
            break
        words += 1
    return j


def _single_use(text: str, tokens: list[Token], a: int, b: int) -> bool:
    """Whether the one capitalized word at token a stands as a term would: after a lower-case word, a comma or
    a possessive, not after a section's number ("2.11 During the Term"), a bullet or a web name's ending
    ("the drkoop.com Website"), not before a number ("Rule 424") or another capitalized word ("the
    Licensed\nProducts": a name broken by a line), and not "Party"."""
    previous = tokens[a - 1].text
    after = tokens[b].text if b < len(tokens) else ""
    bullet = any(c in text[tokens[a - 1].end:tokens[a].start] for c in "•·*")  # "• Processing transfers"
    dotted = a > 1 and tokens[a - 2].text == "." and tokens[a - 2].end == tokens[a - 1].start  # "drkoop.com Website"
    return (previous[:1].islower() or previous == "," or base_form(previous) != previous) and not bullet and not dotted \
        and not (after[:1].isupper() or after[:1].isdigit()) and tokens[a].text not in _PARTY_WORDS


def _without_known_tail(lowered: list[str], a: int, b: int, known: set[tuple[str, ...]]) -> int:
    """The run's end before "of <a defined term>" ("Control of Customer" is "Control" of the party)."""
    for k in range(b - 2, a, -1):
        if lowered[k] == "of":
            return k if tuple(lowered[k + 1:b]) in known else b
    return b


def _defined_by_means(tokens: list[Token]) -> set[tuple[str, ...]]:
    """Terms defined without quotes anywhere ("In this Clause, Confidential Information means ...", "1.5
    CO-BRANDED SITES shall mean ..."): the capitalized words just before "means" or "shall mean"."""
    found: set[tuple[str, ...]] = set()
    for k, tok in enumerate(tokens):
        # "Effective Date shall be the date ...", at a sentence's start only: "the Products shall be" is a use
        opening = tok.text == "be" and k and tokens[k - 1].text == "shall"
        # "Subsidiary has the meaning given to it in section 1159 of the Companies Act"
        meaning = tok.text == "meaning" and k > 1 and tokens[k - 1].text == "the" and tokens[k - 2].text in {"has", "have"}
        if tok.text not in {"means", "mean"} and not opening and not meaning:
            continue
        end = k - 2 if meaning else k - 1 if k and tokens[k - 1].text in {"shall", "this"} else k
        end -= 1 if end and tokens[end - 1].text == ":" else 0  # "2.1.38 Day: means", "Connection: this means"
        start = end
        while start > max(0, end - MAX_RUN) and (tokens[start - 1].capitalized or tokens[start - 1].text in _JOINERS):
            start -= 1
        words = tuple(base_form(t.text).lower() for t in tokens[start:end])
        if opening and ((start and tokens[start - 1].text not in {".", ")", ":"}) or len(words) < 2):
            continue  # "Licensee shall be liable" opens a sentence with a party, it defines nothing
        if words and words[0] not in _JOINERS:
            found.add(words)
    return found


_LIST_MARK = re.compile(r"[ \t]*+(?:[-–—][ \t]|:)")


def _defined_by_list(text: str, tokens: list[Token]) -> set[tuple[str, ...]]:
    """Terms of a definitions list written without quotes or "means": a capitalized phrase opening a line, an
    item ("(h) Initial Parties: The Initial Parties are ...") or a column ("   Equipped Capacity - the amount
    of ..."), then a dash or a colon (not one word in capitals, a label: "LICENSOR:"); or alone in brackets
    ("any notice (Notice)", "a pension plan (the Plan)", "(Payment in Lieu)"). A bounded look from each such
    opening, so linear."""
    found: set[tuple[str, ...]] = set()
    for k, tok in enumerate(tokens):
        if not (tok.capitalized and _is_word(tok)):
            continue
        gap = text[tokens[k - 1].end:tok.start] if k else "\n"
        previous = tokens[k - 1].text if k else ""
        bracket = previous == "(" or (previous == "the" and k > 1 and tokens[k - 2].text == "(")
        if not (k == 0 or bracket or previous == ")" or "\n" in gap or "   " in gap):
            continue
        end = k
        while end < min(len(tokens), k + MAX_RUN) and _is_word(tokens[end]) and (
                tokens[end].capitalized or tokens[end].text in (_MINOR if bracket else _JOINERS)) \
                and (end == k or _same_line(text, tokens[end - 1], tokens[end])):
            end += 1
        if bracket:
            mark = end < len(tokens) and tokens[end].text == ")"
        else:
            mark = _LIST_MARK.match(text, tokens[end - 1].end) is not None and not (end == k + 1 and tok.text.isupper())
        if end > k and mark:
            found.add(tuple(base_form(t.text).lower() for t in tokens[k:end]))
    return found


def _split_at_and(tokens: list[Token], i: int, j: int) -> list[tuple[int, int]]:
    parts, a = [], i
    for k in range(i, j):
        if tokens[k].text == "and":
            parts.append((a, k))
            a = k + 1
    return [*parts, (a, j)]


def _title_line_tokens(text: str, tokens: list[Token]) -> set[int]:
    """Indexes of the tokens on title-like lines (every word but the minor ones capitalized: a heading, a
    title, a table of contents' line, a form's field), where capitals say nothing about definitions. One pass."""
    titled: set[int] = set()
    line: list[int] = []
    for k, tok in enumerate([*tokens, token("\n", len(text), len(text))]):
        if k == len(tokens) or (line and "\n" in text[tokens[line[-1]].end:tok.start]):
            words = [tokens[m].text for m in line if _is_word(tokens[m])]
            if words and not any(w[:1].islower() and w.lower() not in _MINOR for w in words):
                titled.update(line)
            line = []
        line.append(k)
    return titled


_LABEL = re.compile(r"(?:\d+(?:\.\d+)*|[A-Za-z]|[IVXivx]{1,5})\Z")


def _heading(text: str, tokens: list[Token], a: int, b: int) -> bool:
    """Whether the run at tokens a..b sits in a heading run into the text ("12.2.3 Invocation of Material Breach.
    Notwithstanding ...", a table of contents' "3.3 No Implied License or Other Assignment 4"): back to a
    section label or a line start there are only capitalized or minor words, and the run ends at a full
    stop, a colon, a page number or a line break. A bounded look, so linear."""
    k = a - 1
    while k >= max(0, a - 10):
        word = tokens[k].text
        if _LABEL.match(word) and (k == 0 or tokens[k - 1].text in {".", ")"} or "\n" in text[tokens[k - 1].end:tokens[k].start]
                                   or "  " in text[tokens[k - 1].end:tokens[k].start] or tokens[k + 1].text in {".", ")"}):
            break
        if "\n" in text[tokens[k].end:tokens[k + 1].start]:
            break
        if word == "(" and k and _LABEL.match(tokens[k - 1].text):
            return True  # a section's title after its number: "Section 9.1 (Ownership of Intellectual Property)"
        if word[:1].islower() and word not in _MINOR:
            return False
        k -= 1
    else:
        return False
    after = tokens[b] if b < len(tokens) else None
    return after is None or after.text in {".", ":"} or after.text.isdigit() or after.capitalized \
        or "\n" in text[tokens[b - 1].end:after.start] or "   " in text[tokens[b - 1].end:after.start]


def _fragment(lowered: list[str], i: int, j: int, known: set[tuple[str, ...]]) -> bool:
    """Whether the run at tokens i..j is part of a longer defined term standing there ("Reference" in "Right
    of Reference", "Software Support" in "Software Support and Maintenance"): a bounded look either side."""
    for k in range(1, _CONTEXT + 1):
        if tuple(lowered[max(0, i - k):j]) in known or tuple(lowered[i:j + k]) in known:
            return True
    return False


def _mid_sentence(tokens: list[Token], i: int) -> bool:
    """A capital after a lower-case word, a comma, a possessive ("the Party's Trade Secrets"), a number or a
    number in brackets ("ten (10) Business Days", "[* * *] Business Days") is not the capital of a sentence's
    first word."""
    previous = tokens[i - 1].text
    if previous in {")", "]"} and i >= 2:  # "(10) Business Days", "[***] Business Days"; not "(ii) Neither ..."
        previous = "0" if tokens[i - 2].text == "[" or tokens[i - 2].text.isdigit() else ""
    return previous[:1].islower() or previous in {",", "&"} or base_form(previous) != previous or previous.isdigit()


def _same_line(text: str, a: Token, b: Token) -> bool:
    """Whether b follows a in the same stretch of words: no line break, no wide gap (a flattened line break
    or a table's column), no quote mark between (a quoted name is a name: "Play of the Week" Promotion)."""
    gap = text[a.end:b.start]
    return "\n" not in gap and "  " not in gap and not any(q in gap for q in '"“”')


def excused(run: tuple[str, ...], known: set[tuple[str, ...]], proper: set[str]) -> bool:
    """Defined, or a proper noun the check must not flag: a month, a place, a party's name, an institution,
    statute or other instrument (by its head noun: "Exchange Act", "Supply Agreement"), a person (by a title)."""
    if tuple(w.lower() for w in run) in known:
        return True
    head = run[:run.index("of")] if "of" in run[1:] else run  # "Association of Securities Dealers"
    if run[0] in _TITLES or run[-1] in _HEAD_NOUNS or head[-1] in _HEAD_NOUNS:
        return True
    return any(w in _CALENDAR or w in _PLACES or w in proper for w in run)
