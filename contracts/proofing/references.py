"""References to parts of the contract (Section, Article, Clause, Exhibit, Schedule, Annex, Appendix) that
the contract does not have. Ranges ("Sections 3 through 5") and lists ("Sections 2.1, 2.3 and 9") are
read item by item. A reference into another instrument ("Section 409A of the Code", "Section 2 of the
Supply Agreement") is not a reference into this one and is skipped. The numbers come from the headings the
segmenter reads (contracts.proofing.outline); a document without any numbered heading gets only the
attachment check, since no section number can be told missing there. One item per missing target, on its
first reference: the lawyer fixes the target once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.documents import Document
from contracts.proofing.models import ProofingItem, make_item
from contracts.proofing.outline import roman_to_int

_KIND = {"section": "Section", "sections": "Section", "article": "Article", "articles": "Article",
         "clause": "Section", "clauses": "Section", "exhibit": "Exhibit", "exhibits": "Exhibit",
         "schedule": "Schedule", "schedules": "Schedule", "annex": "Annex", "annexes": "Annex",
         "appendix": "Appendix", "appendices": "Appendix"}
_NUMBERED = {"Section", "Article"}
_KEYWORD = re.compile(r"\b(Sections?|Articles?|Clauses?|Exhibits?|Schedules?|Annex(?:es)?|Append(?:ix|ices))[ \t]++", re.I)
# one item of a list: a dotted number with paragraph letters, a roman numeral, or an attachment's letter
_ITEM = re.compile(r"([0-9]{1,5}(?![0-9])(?:\.[0-9]{1,3}){0,4}[A-Za-z]?|[IVXLC]{1,6}\b|[A-Z]{1,2}(?:-[0-9]{1,2})?\b)"
                   r"(?:\([a-zA-Z0-9]{1,4}\)){0,4}")
_SEPARATOR = re.compile(r"[ \t]*+(?:,[ \t]*+(?:and|or)?|and|or|through|to|thru|-|–|—)[ \t]*+")
_RANGE_WORDS = {"through", "to", "thru", "-", "–", "—"}
# (a short bracket may stand between: "Section 101(35 A) of the Bankruptcy Code"; 'of' may be in capitals:
# "SECTIONS 5-1401 AND 5-1402 OF THE GENERAL OBLIGATIONS LAW"; a statute may be named in lower case: "article 58
# of the petroleum code", "section 37(2) of said act"; a paragraph or "respectively" may stand between: "Article 24,
# Paragraph 1 of the FIEL", "Sections 8.4.1 and 8.4.2, respectively, of the Holdings Agreement", "of that certain ...")
_EXTERNAL = re.compile(r"[\s,]*+(?:\([^()\n]{1,12}\)[\s,]*+)?(?:(?:[Pp]aragraph|[Ii]tem|respectively)[ \t]*+[0-9]{0,3},?[\s]*+)?"
                       r"(?:(?:of|under|in|to|OF|UNDER)\s++"
                       r"(?:the\s+|such\s+|that\s+(?:certain\s+)?|said\s+|any\s+|an?\s+|THE\s+|SUCH\s+|SAID\s+)?"
                       r"(?!(?:this|hereof|herein|hereto|these|THIS|HEREOF|HEREIN|HERETO|THESE)\b)(?:[A-Z0-9]|(?:[a-z]++\s++){0,3}(?:code|act|law|statute)\b)"
                       r"|thereof\b|thereunder\b|therein\b)")
# a section number of four or more digits (or a list with one: "Sections 412 or 4971", "Section 5-1401") is a
# statute's: no contract has a thousand sections
_STATUTE_NUMBER = 1000
# SEC forms named like schedules ("Schedule 13D", "Schedule 14D-1", "Schedule TO"), not attachments
_SEC_SCHEDULE = re.compile(r"1[34][A-Z]|TO\Z")
# an attachment numbered past this is a page number in a table of contents ("9.10 Exhibits 24")
_MAX_ATTACHMENT_NUMBER = 20
# the filing's own exhibit label heads the text ("Exhibit 10.3", a dotted number near the start, or the very
# first words): not a reference to an attachment
_FILING_LABEL_CHARS = 300
_ATTACHMENT_HEAD = re.compile(r"(?:^|\n)[ \t]*+(exhibit|schedule|annex|appendix)(?:[ \t]*+[-–—][ \t]*+|[ \t]++|(?=[0-9]))"
                              r"([A-Z0-9]{1,4}(?:[.\-][0-9]{1,3}){0,3})\b",
                              re.I)
# (the number may follow the word without a space, "SCHEDULE2", or a dash, "SCHEDULE - B  Communication", and
# have three parts, "Schedule 2.15.1")
# an attachment's heading that ends a line run in after a wide gap ("Contract No.: JSX000   Appendix 1:\n")
_ATTACHMENT_LINE_END = re.compile(r"(?<=[ \t][ \t][ \t])(exhibit|schedule|annex|appendix)[ \t]++"
                                  r"([A-Z0-9]{1,4}(?:[.\-][0-9]{1,3}){0,3}):?[ \t]*+(?=\n|\Z)", re.I)
# an attachment's title in capitals anywhere ("... SCHEDULE 5 Service Level Agreement"): plain-text filings
# run the attachments' headings into the line before
_ATTACHMENT_CAPS = re.compile(r"\b(EXHIBIT|SCHEDULE|ANNEX|APPENDIX)(?:[ \t]++|(?=[0-9]))([A-Z0-9]{1,4}(?:[.\-][0-9]{1,3}){0,3})\b")
# a section's own heading ("Section 10. Survival", "ARTICLE V" alone on its line) is no reference to it
_HEADING = re.compile(r"(?:\A|\n)[ \t]*+((?:Section|SECTION|Article|ARTICLE|Clause|CLAUSE)[ \t]++"
                      r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){0,4}|[IVXLC]{1,6})\b\.?(?:[ \t]++[A-Z\[(\"“]|[ \t]*+(?:\n|\Z)))")
# a keyword in capitals before a wide gap ends a heading's title ("PENAL PECUNIARY CLAUSE    12.1 In case of"):
# a reference does not leave three blanks between its word and its number
_WIDE_GAP = 3
_THIS_BEFORE = re.compile(r"\bthis\s++\Z", re.I)
# a statute or regulation named just before the reference: "48 C.F.R. Section 12.212", "26 U.S.C. § 409A"
_STATUTE_BEFORE = re.compile(r"C\.\s?F\.\s?R|U\.\s?S\.\s?C|\bCFR\b|\bUSC\b|\bCode\b|\bAct\b|\bRegulation")
# a law named just before, in the same phrase ("New York General Business Law Sections 680 through 695", "the
# General Business Law, Article 33, Sections 680"): a word that also ends sentences ("... Applicable Law. Section
# 5"), so only when nothing but a comma and another part of that law stands between
_LAW_BEFORE = re.compile(r"\b(?:Laws?|Statutes?)(?:,?[ \t]++(?:Article|Chapter|Title|Part)[ \t]++[0-9A-Z]{1,6})?,?[ \t]++\Z")
# a section number chained by hyphens ("Section 51-19-09, N.D.C.C.") is a statute's
_CHAINED = re.compile(r"[-–][0-9]{1,3}(?:\.[0-9]{1,3})?[-–][0-9]")
_MAX_ITEMS = 12
# a section number this far past the document's last top-level number is another instrument's
# ("Section 444 BGB" in a contract of 20 sections)
_MAX_RANGE = 20


@dataclass(frozen=True, slots=True)
class Reference:
    kind: str  # Section, Article, Exhibit, Schedule, Annex, Appendix
    label: str
    start: int  # the quote: the keyword for a list's first item, else the item
    end: int


def _numbers_between(a: str, b: str) -> list[str]:
    """The numbers a range names between its ends: 3..5 -> 4; 3.1..3.4 -> 3.2, 3.3; 3.01..3.04 -> 3.02, 3.03
    (other shapes: none)."""
    pa, pb = a.split("."), b.split(".")
    if len(pa) != len(pb) or pa[:-1] != pb[:-1] or not (pa[-1].isdigit() and pb[-1].isdigit()):
        return []
    lo, hi = int(pa[-1]), int(pb[-1])
    if not 0 < hi - lo <= _MAX_RANGE:
        return []
    width = len(pa[-1]) if pa[-1].startswith("0") else 1  # "3.01 to 3.04" names 3.02 and 3.03
    return [".".join([*pa[:-1], f"{k:0{width}d}"]) for k in range(lo + 1, hi)]


def references(text: str) -> Iterator[Reference]:
    heading_words = {h.start(1) for h in _HEADING.finditer(text)}
    for m in _KEYWORD.finditer(text):
        if m.start() in heading_words or (m.group(1).isupper() and m.end() - m.end(1) >= _WIDE_GAP):
            continue
        kind = _KIND[m.group(1).lower()]
        pos, ranged, previous = m.end(), False, None
        found: list[Reference] = []
        while len(found) < _MAX_ITEMS:
            item = _ITEM.match(text, pos)
            if item is None:
                break
            label = item.group(1)
            if kind in _NUMBERED and not label[0].isdigit() and roman_to_int(label) is None:
                break
            start = m.start() if not found else item.start(1)
            if ranged and previous is not None:
                found += [Reference(kind, n, previous.start, item.end(1)) for n in _numbers_between(previous.label, label)]
            previous = Reference(kind, label, start, item.end(1))
            found.append(previous)
            pos = item.end()
            sep = _SEPARATOR.match(text, pos)
            if sep is None or _ITEM.match(text, sep.end()) is None:
                break
            if kind not in _NUMBERED and sep.group() in {"-", "–", "—"}:
                break  # "Schedule C-1": one attachment's label, not a range
            ranged = sep.group().strip(" \t,").lower() in _RANGE_WORDS
            pos = sep.end()
        if any((n := _DIGITS.match(r.label)) and int(n.group()) >= _STATUTE_NUMBER for r in found) or (found and kind in _NUMBERED and _CHAINED.match(text, found[0].end)) \
                or _LAW_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        if found and _EXTERNAL.match(text, pos, pos + 80) is None \
                and _STATUTE_BEFORE.search(text, max(0, m.start() - 30), m.start()) is None \
                and (kind in _NUMBERED or _THIS_BEFORE.search(text, max(0, m.start() - 8), m.start()) is None):
            yield from found


def _section_value(label: str) -> str:
    if label[0].isdigit():
        return label.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    as_int = roman_to_int(label)
    return str(as_int) if as_int else label


# a page's label in its footer ("FDD Exhibit H-12" at the foot of each page of an attached exhibit) or an
# attachment's heading run into the line before ("Confidential Execution Version Schedule 1.38"): a reference to
# an attachment at a line's end whose shape (its label, digits aside) ends lines under this many labels
_PAGE_LABELS = 3
_LINE_END = re.compile(r"[ \t]*+(?:\n|\Z)")
_DIGITS = re.compile(r"[0-9]+")


def page_labels(text: str, refs: list[Reference]) -> set[int]:
    """The starts of the references that label the attached pages they stand on, not references."""
    ends = [r for r in refs if r.kind not in _NUMBERED and _DIGITS.search(r.label) and _LINE_END.match(text, r.end)]
    shapes: dict[tuple[str, str], set[str]] = {}
    for r in ends:
        shapes.setdefault((r.kind, _DIGITS.sub("#", r.label)), set()).add(r.label)
    return {r.start for r in ends if len(shapes[(r.kind, _DIGITS.sub("#", r.label))]) >= _PAGE_LABELS}


def reference_items(document: Document, numbers: set[str]) -> list[ProofingItem]:
    """`numbers`: the section numbers the document has (contracts.proofing.outline.known_numbers)."""
    text = document.text
    attachments = {(m.group(1).capitalize(), m.group(2).upper()) for m in _ATTACHMENT_HEAD.finditer(text)}
    attachments |= {(m.group(1).capitalize(), m.group(2).upper())
                    for pattern in (_ATTACHMENT_CAPS, _ATTACHMENT_LINE_END) for m in pattern.finditer(text)}
    refs = list(references(text))
    labels = page_labels(text, refs)
    attachments |= {(r.kind, r.label.upper()) for r in refs if r.start in labels}  # the pages it labels are attached
    attachments |= {(kind, label.split("-")[0]) for kind, label in attachments}  # "Exhibit F" attached as F-1, F-2
    missing: dict[tuple[str, str], list[Reference]] = {}
    top = max((int(n) for n in numbers if n.isdigit()), default=0)
    for ref in refs:
        if ref.kind in _NUMBERED:
            value = _section_value(ref.label)
            if not numbers or value in numbers or ref.label in numbers:
                continue
            first = value.split(".")[0]
            if not first.isdigit() or int(first) > top + 2:
                continue
            key = (ref.kind, ref.label)
        else:
            key = (ref.kind, ref.label.upper())
            filing_label = ref.start < _FILING_LABEL_CHARS and ("." in ref.label or not text[:ref.start].strip())
            if key in attachments or filing_label or (ref.kind == "Schedule" and _SEC_SCHEDULE.match(key[1])) \
                    or (ref.label.isdigit() and int(ref.label) > _MAX_ATTACHMENT_NUMBER):
                continue
        missing.setdefault(key, []).append(ref)
    items: list[ProofingItem] = []
    for (kind, label), refs in missing.items():
        ref = refs[0]
        times = f" ({len(refs)} references)" if len(refs) > 1 else ""
        if kind in _NUMBERED:
            items.append(make_item(document, "missing_reference", "high",
                                   f"{kind} {label} is referred to but the document has no {kind} {label}{times}",
                                   ref.start, ref.end, "correct the number, or restore the section it points to"))
        else:
            items.append(make_item(document, "missing_reference", "medium",
                                   f'{kind} {label} is referred to but not attached: no heading "{kind} {label}" '
                                   f"in the document{times}", ref.start, ref.end,
                                   f"attach {kind} {label}, or correct the reference"))
    return items
