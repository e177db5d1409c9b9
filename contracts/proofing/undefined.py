"""Capitalized terms used the way defined terms are used ("the Licensed Products", "such Confidential
Information") that the contract never defines.

A careful associate does not flag proper nouns, so neither does this check: months, days, places,
statutes and institutions, the parties' names, well-known acronyms, and references to the document's own
parts. A candidate must be used at least twice, and either be made of common words
(written in lower case elsewhere in the text) or follow a determiner once: one stray
capital is more often a typo or a name than a missing definition. Headings are never candidates: a
candidate stands inside a sentence, after a lower-case word."""

from __future__ import annotations

from collections import defaultdict

from contracts.documents import Document
from contracts.proofing.definitions import count_uses
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.tokens import Token, base_form, variants

MIN_USES = 2
MAX_RUN = 5

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
_INSTITUTIONS = {
    "Act", "Acts", "Code", "Codes", "Regulation", "Regulations", "Rule", "Rules", "Law", "Laws", "Directive",
    "Convention", "Treaty", "Commission", "Court", "Courts", "Department", "Agency", "Administration", "Office",
    "Bureau", "Exchange", "Association", "Institute", "University", "Bank", "Service", "Government", "Congress",
    "Senate", "Nasdaq", "Board", "Directors", "Inc", "Corp", "Corporation", "LLC", "Ltd", "Limited", "Co",
    "Company's", "Group", "Holdings", "Trust", "Fund", "Partners", "Foundation", "Council", "Authority",
    "Organization", "Chamber", "Securities", "Revenue", "Tax", "Arbitration", "Procedure", "Procedures",
    "Tribunal", "Ministry", "Bankruptcy", "Nations", "Medicare", "Medicaid", "GAAP", "Generally", "Accepted",
    "Principles", "Standards", "Standard", "Organisation", "Society", "Center", "Centre", "Hospital", "School",
    "College", "Church", "Division", "Branch", "Police", "Army", "Navy", "Force", "Protocol", "Charter",
    "Constitution", "Ordinance", "Statute", "Statutes", "Amendment", "Amendments", "Release", "Edition", "Version",
    "Mr", "Mrs", "Ms", "Dr", "Sir", "President", "Chief", "Officer", "Secretary", "Chairman", "Treasurer"}
# acronyms of institutions, laws and places every reader knows; any other acronym a contract uses as a
# term ("the PVSS") it should define
_WELL_KNOWN_ACRONYMS = {
    "FDA", "SEC", "USA", "US", "UK", "EU", "IRS", "GAAP", "IFRS", "NASDAQ", "NYSE", "FTC", "DOJ", "EPA", "OSHA",
    "FCC", "USPTO", "WIPO", "ICC", "AAA", "JAMS", "UCC", "ERISA", "HIPAA", "GDPR", "CCPA", "ISO", "IEC", "PRC",
    "ROC", "HK", "UAE", "UN", "OECD", "WTO", "NIH", "CMS", "DEA", "EMA", "PMDA", "CFDA", "NMPA", "HHS", "USD",
    "EUR", "GBP", "RMB", "CAD", "JPY", "LIBOR", "SOFR", "CPI", "PDF", "URL", "HTML", "IP", "AM", "PM", "EST",
    "PST", "CST", "EDT", "PDT", "GMT", "UTC", "LLC", "INC", "LTD", "CEO", "CFO", "COO", "CTO", "VP", "TV",
    "FINRA", "NASD", "OTC", "SBA", "DOD", "GSA", "FAR", "DFARS", "CFR", "USC", "NA", "N/A", "OK", "II", "III",
    "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "ID", "PIN", "SKU", "UPC", "FOB", "CIF", "EXW", "DDP", "DAP"}


def _is_word(tok: Token) -> bool:
    return tok.text[:1].isalpha()


def undefined_items(document: Document, tokens: list[Token], defined: set[tuple[str, ...]],
                    proper: set[str]) -> list[ProofingItem]:
    """`defined`: every term the document defines, loosely (tuples of lower-cased words); `proper`: words
    of the parties' names."""
    known: set[tuple[str, ...]] = set()
    for term in defined:
        known |= variants(term)
    uses: dict[tuple[str, ...], list[int]] = defaultdict(list)  # token indexes of each capitalized run
    after_determiner: set[tuple[str, ...]] = set()
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if not (_is_word(tok) and tok.capitalized) or i == 0 or not _mid_sentence(tokens[i - 1]):
            i += 1
            continue
        words = [base_form(tok.text)]
        j = i + 1
        while j < n and len(words) < MAX_RUN:
            nxt = tokens[j]
            if _is_word(nxt) and nxt.capitalized and _same_line(document.text, tokens[j - 1], nxt):
                words.append(base_form(nxt.text))
            elif nxt.text in _JOINERS and j + 1 < n and tokens[j + 1].capitalized and _is_word(tokens[j + 1]):
                words.append(nxt.text)
            else:
                break
            j += 1
        run = tuple(words)
        uses[run].append(i)
        if tokens[i - 1].text in _DETERMINERS:
            after_determiner.add(run)
        i = j
    # a run of common words ("Confidential Information": both are also written in lower case) reads as a
    # defined term wherever it stands; a run of names ("Fox Music") only after a determiner
    lower = {t.text for t in tokens if t.text[:1].islower()}
    common = {run for run in uses if all(w.lower() in lower or w in _JOINERS for w in run)}
    candidates = {run for run in after_determiner | common if not excused(run, known, proper)}
    # every capitalized use counts, the sentence-opening ones too ("The Fee shall ...")
    total = count_uses(tokens, {tuple(w.lower() for w in run) for run in candidates}, skip=set())
    items: list[ProofingItem] = []
    for run, where in uses.items():
        if run not in candidates or total.get(tuple(w.lower() for w in run), 0) < MIN_USES:
            continue
        first = tokens[where[0]]
        last = tokens[where[0] + len(run) - 1]
        shown = document.text[first.start:last.end]
        items.append(make_item(document, "undefined_term", "medium",
                               f'"{" ".join(run)}" is used as a defined term but never defined',
                               first.start, last.end, f'define "{shown}", or write it in lower case'))
    return items


def _mid_sentence(previous: Token) -> bool:
    """A capital after a lower-case word or a comma is not the capital of a sentence's first word."""
    return previous.text[:1].islower() or previous.text in {",", "&"}


def _same_line(text: str, a: Token, b: Token) -> bool:
    return "\n" not in text[a.end:b.start]


def excused(run: tuple[str, ...], known: set[tuple[str, ...]], proper: set[str]) -> bool:
    """Defined (the run or a part of it that starts or ends it), or a proper noun the check must not flag."""
    if tuple(w.lower() for w in run) in known:
        return True
    if run[0] in _DOCUMENT_PARTS or any(w in _CALENDAR or w in _PLACES or w in _INSTITUTIONS or w in proper
                                        for w in run):
        return True
    return len(run) == 1 and run[0].upper() in _WELL_KNOWN_ACRONYMS
