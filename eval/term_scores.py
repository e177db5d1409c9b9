"""Key terms scored against CUAD's normalised answers (`<Category>-Answer` in master_clauses.csv).

For each field: the share of contracts whose value matches the answer, over the contracts whose answer
can be read as a value of that field (an answer such as `[]/[]/[]` or "the state in which the
restaurant is located" names no value and is counted under `unreadable`, not scored). A contract
with an answer and no value from the analyzer counts as a miss; beside it, precision is the match rate over
the contracts given a value (`given`), so that a null where a guess would be wrong shows. The matching rule per field:

- dates (agreement, effective): CUAD's `M/D/YYYY` with `[]` for blank parts, read as ISO 8601 at the
  precision given (`[]/[]/2004` is `2004`; a year before 1950 is the sheet's two-digit year, `1935` is 2035);
  match = the same ISO value (the same precision too).
- expiration: the same date as above, or both `perpetual`.
- renewal term, notice period: the first "N years|months|weeks|days" of the answer (`successive 1 year`
  is P1Y) against the analyzer's ISO period; match = the same length (P12M equals P1Y, P2W equals P14D).
- governing law: both sides resolved to jurisdictions (contracts.terms.governing_law.resolve: a state or
  province swallows its country, "England and Wales" is England and Wales); match = the same set.
- parties: CUAD's answer split at `;` (not one inside square brackets) into party names (defined short names
  in parentheses and quotes, "referred to as" notes, and pieces that name the parties together, "X and Y
  (each a "Party", together the "Parties")" or names of other pieces joined by "and" under a collective
  name, dropped; a piece that lists companies, "A Inc. and B Ltd.", gives each; our names lose their
  parentheses too); the contract's score is the share of those names that some
  extracted party name matches (`same_party`: rapidfuzz's ratio >= 85 after case and punctuation are
  folded, or one name is the other with a tail such as a d/b/a left on); the field's score is the mean
  over contracts, with the share of contracts where every name is found.
- document name: fuzzy ratio >= 90 after folding (reported, no aim).

Excerpts are scored separately with CUAD's rule (word Jaccard >= 0.5, one-to-one) against CUAD's
gold spans of the eight categories: each term's quote (each party's name) is one prediction."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field

from rapidfuzz import fuzz

from contracts.findings import AnalysisResult, Finding
from contracts.key_terms import TERM_CATEGORIES, TERM_FIELDS, KeyTerms
from contracts.terms.dates import iso
from contracts.terms.durations import Period, from_iso, period_of, same_length
from contracts.terms.governing_law import resolve
from contracts.terms.party_ranker import folded
from eval.cuad_metric import Counts
from eval.gold import GoldSpan
from eval.matching import match_contract

CATEGORY = TERM_CATEGORIES  # each field's CUAD category, declared once beside the fields
# CUAD's sheet gives years of 2030-2049 as 1930-1949 ("12/21/1935" for a twenty-year term from 2015, "9/1/1945"
# for the contract's "September 1, 2045"): two-digit years read in a spreadsheet's 1930-2029 window. No CUAD
# contract (EDGAR filings of 1993 on) is dated, or ends, before 1950, so such a year is read a century on.
CENTURY_PIVOT = 1950
PARTY_RATIO = 85
TITLE_RATIO = 90
# the year is the whole of its part: "09/14/200[]" (a year left partly blank) is no year, not 2020
_ANSWER_DATE = re.compile(r"(\[\]|\d{1,2})\s*/\s*(\[\]|\d{1,2})\s*/\s*(\[\]|\d{2}\[\]|\d{4}|\d{2})(?![\d\[])")
_ANSWER_PERIOD = re.compile(r"(\d+(?:\.\d+)?)\s*\)?\s*(years?|months?|weeks?|days?)", re.IGNORECASE)


def answer_date(answer: str) -> str | None:
    """CUAD's `M/D/YYYY` (blank parts `[]`; day first where the first number cannot be a month) as ISO."""
    m = _ANSWER_DATE.search(answer)
    if not m or not m.group(3).isdigit():
        return None
    first, second = (None if g == "[]" else int(g) for g in m.group(1, 2))
    if first is not None and second is not None and first > 12 >= second:
        first, second = second, first
    year = int(m.group(3))
    year = year + (2000 if year < 50 else 1900) if year < 100 else year
    if 1900 <= year < CENTURY_PIVOT:
        year += 100  # the sheet's two-digit years: "12/21/1935" is 2035 (see CENTURY_PIVOT)
    return iso(year, first, second if first is not None else None)


def answer_end(answer: str) -> str | None:
    """CUAD's expiration answer as a value: `perpetual`, or its date (`answer_date`)."""
    return "perpetual" if "perpetual" in answer.lower() else answer_date(answer)


def answer_period(answer: str) -> Period | None:
    m = _ANSWER_PERIOD.search(answer)
    return period_of(float(m.group(1)), m.group(2)) if m else None


def _fold(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


_QUOTED = re.compile(r"[\"“]([^\"“”]*)[\"”]")
# "Party", "the Parties", and a group's "AS Parties" ("Lender, Endorser and Fitness ("AS Parties")")
_PARTY_WORD = re.compile(r"\W*(?:(?:a|the|each)\s+)?(?:\w+\s+)?part(?:y|ies)\W*", re.IGNORECASE)
# "(collectively, the "Parties")": the parties named together (not "collectively with Marathon Partners L.P.")
_TOGETHER = re.compile(r"\b(?:collectively|together|individually|each|both)\W+(?:\w+\W+){0,3}?[\"“](?:\w+\s+)?part(?:y|ies)\b",
                       re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^()]*\)")
_COMPANY_END = r"(?:inc|incorporated|llc|l\.l\.c|ltd|limited|l\.?p|llp|corp|corporation|company|co|plc|gmbh|ag|s\.?a|n\.?v|b\.?v|ltda)\.?"
_NEXT_COMPANY = re.compile(rf"(?<![Tt]he\s)\b((?i:{_COMPANY_END}))(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?=[A-Z0-9])(?!(?i:{_COMPANY_END})\b)")


def _collective(piece: str) -> bool:
    """A piece that names the parties together, not a party: "Stryker and Conformis ("Parties" and
    individually as a "Party")". CUAD keeps these definitions in its answer; it names the parties
    joined by "and" (or says "collectively", "each") and defines only the words Party/Parties for them."""
    outside = re.sub(r"\([^()]*\)|[\"“][^\"“”]*[\"”]", " ", piece)
    return (any(_PARTY_WORD.fullmatch(q) for q in _QUOTED.findall(piece))
            and (re.search(r"\band\b", outside, re.IGNORECASE) is not None
                 or _TOGETHER.search(piece) is not None))


def _pieces(answer: str) -> list[str]:
    """The answer's pieces: split at each ";" outside square brackets ("Gulf Oil Lubricants India, Ltd ("Gulf
    India"), solely for purposes of Section 1(c)[Confidentiality; Non-competition]" is one piece, one party).
    Parentheses do not count: some answers open one that they never close."""
    pieces, depth, start = [], 0, 0
    for i, c in enumerate(answer):
        depth = max(0, depth + (c == "[") - (c == "]"))
        if c == ";" and depth == 0:
            pieces.append(answer[start:i])
            start = i + 1
    return [*pieces, answer[start:]]


def _restated(piece: str, others: list[str]) -> bool:
    """A piece whose names joined by "and" are all named in other pieces (as names or short names) names
    parties together under a collective name, not a new party: "Phototronics and DNP ("Shareholder" and
    collectively as "Shareholders")" after "Photronics, Inc. ("Photronics"); Dai Nippon ... ("DNP")"."""
    outside = _PARENTHESES.sub(" ", _QUOTED.sub(" ", piece))
    if re.search(r"\band\b", outside) is None:
        return False
    known = [_fold(q) for other in others for q in _QUOTED.findall(other)]
    known += [_fold(_PARENTHESES.sub(" ", _QUOTED.sub(" ", other))) for other in others]
    parts = [_fold(p) for p in re.split(r"\band\b", outside) if _fold(p)]
    return all(any(fuzz.ratio(p, k) >= PARTY_RATIO for k in known if k) for p in parts)


def answer_parties(answer: str) -> list[str]:
    """CUAD's party names in `answer` (see the module's docstring); a piece that lists companies one after
    another ("Kes 7 Capital Inc. and Bloom Burton & Co. Ltd.", "VA Partners I, LLC, ValueAct Capital Master
    Fund, L.P.") gives each company, as a company's closing word followed by a comma or "and" and a capital
    ends one (not the "Co." of "Bloom Burton & Co. Ltd.", nor "Inc. and its affiliates", nor "the Company, ...")."""
    names = []
    pieces = _pieces(answer)
    for i, piece in enumerate(pieces):
        if _collective(piece) or _restated(piece, pieces[:i] + pieces[i + 1:]):
            continue
        piece = re.sub(r"\([^()]*\)|[\"“][^\"“”]*[\"”]", " ", piece)
        piece = piece.replace("(", " ").replace(")", " ")
        if re.search(r"referred\s+to|collectively|individually", piece, re.IGNORECASE):
            continue
        cuts = [m.end(1) for m in _NEXT_COMPANY.finditer(piece)]
        for name in (piece[a:b] for a, b in zip([0, *cuts], [*cuts, len(piece)], strict=True)):
            folded = _fold(name.strip(" ,").removeprefix("and "))
            if len(folded) >= 2 and re.search(r"[a-z]", folded):
                names.append(folded)
    return names


def same_party(gold: str, ours: str) -> bool:
    """Two folded party names name the same party: rapidfuzz ratio >= PARTY_RATIO, or one is the other
    with a tail left on ("imrs operations inc" and "imrs operations inc d b a imrs inc": CUAD keeps a
    d/b/a, a former name or "and its subsidiaries" in some answers and not in others)."""
    if fuzz.ratio(gold, ours) >= PARTY_RATIO:
        return True
    short, long = sorted((gold, ours), key=len)
    return len(short) >= 6 and long.startswith(short + " ")


def _laws(value: str) -> frozenset[str]:
    names: set[str] = set()
    for j in resolve(value):
        names.update(("England", "Wales") if j.name == "England and Wales" else (j.name,))
    return frozenset(names)


def field_match(field: str, terms: KeyTerms, answer: str) -> float | None:
    """How well the analyzer's value for `field` matches CUAD's answer: 1.0/0.0 (parties: the share of
    names found); None when the answer names no value of the field (not scored)."""
    if field in ("agreement_date", "effective_date", "expiration_date"):
        gold = answer_end(answer) if field == "expiration_date" else answer_date(answer)
        if gold is None:
            return None
        term = getattr(terms, field)
        return float(term is not None and term.value == gold)
    if field in ("renewal_term", "notice_period_to_terminate_renewal"):
        period = answer_period(answer)
        if period is None:
            return None
        term = getattr(terms, field)
        found = from_iso(term.value) if term is not None and term.value else None
        return float(found is not None and same_length(found, period))
    if field == "governing_law":
        gold_laws = _laws(answer)
        if not gold_laws:
            return None
        return float(terms.governing_law is not None and terms.governing_law.value is not None
                     and _laws(terms.governing_law.value) == gold_laws)
    if field == "parties":
        names = answer_parties(answer)
        if not names:
            return None
        # what the answer's names lose, ours lose too: "Galen (Chemicals) Limited" is "galen limited" on both sides
        ours = [folded(p.name) for p in terms.parties]
        return sum(any(same_party(n, o) for o in ours) for n in names) / len(names)
    if field == "document_name":
        return float(terms.document_name is not None and terms.document_name.value is not None
                     and fuzz.ratio(_fold(answer), _fold(terms.document_name.value)) >= TITLE_RATIO)
    raise ValueError(f"unknown key term {field!r}")


def gave_value(field: str, terms: KeyTerms) -> bool:
    """Whether the analyzer gave `field` a value (not null, nor words it could not read): what precision
    counts, beside the match rate that counts a null as a miss."""
    if field == "parties":
        return bool(terms.parties)
    term = getattr(terms, field)
    return term is not None and term.value is not None


def term_findings(terms: KeyTerms) -> list[Finding]:
    """Each term's quote as a prediction of its CUAD category, for span scoring under CUAD's rule."""
    out = []
    for field in TERM_FIELDS:
        value = getattr(terms, field)
        items = value if isinstance(value, list) else [value] if value is not None else []
        for item in items:
            quote = item.name if field == "parties" else item.quote
            start = item.start
            out.append(Finding(category=CATEGORY[field], severity="info", quote=quote, start=start,
                               end=start + len(quote), page=item.page,
                               score=getattr(item, "confidence", 1.0), explanation="key term"))
    return out


@dataclass
class FieldTally:
    """One field's scores over contracts, read the same way by `score_terms` (the eval run) and
    scripts/terms_errors.py (the train split): the match rate over the contracts with a readable answer, the
    match rate over those given a value (precision), and how many contracts with no answer were given one."""

    field: str
    scores: list[float] = dc_field(default_factory=list)
    given: list[float] = dc_field(default_factory=list)  # the scores of the contracts given a value
    unreadable: int = 0
    unanswered: int = 0  # contracts CUAD gives no answer for that were given a value

    def add(self, terms: KeyTerms, answer: str | None) -> float | None:
        """Count one contract; its score, or None where it is not scored (no answer, or one naming no value)."""
        if not answer:
            self.unanswered += gave_value(self.field, terms)
            return None
        score = field_match(self.field, terms, answer)
        if score is None:
            self.unreadable += 1
            return None
        self.scores.append(score)
        if gave_value(self.field, terms):
            self.given.append(score)
        return score

    def row(self) -> dict:
        scores, given = self.scores, self.given
        row: dict = {"contracts": len(scores), "unreadable": self.unreadable,
                     "accuracy": sum(scores) / len(scores) if scores else None,
                     "given": len(given), "precision": sum(given) / len(given) if given else None}
        if self.field == "parties":
            row["all_found"] = sum(s == 1.0 for s in scores) / len(scores) if scores else None
        return row


def score_terms(contracts: Sequence[tuple[str, AnalysisResult | None, Sequence[GoldSpan]]],
                answers: Mapping[str, Mapping[str, str]]) -> dict:
    """metrics.json's `terms`: per field the match rate over the contracts with a readable answer, the
    number of those given a value and the match rate over them (precision: a null is no miss there), and
    span precision/recall/F1 under CUAD's rule over the eight categories."""
    tallies = {field: FieldTally(field) for field in TERM_FIELDS}
    for name, result, _ in contracts:
        terms = result.terms if result and result.terms else KeyTerms()
        for field, tally in tallies.items():
            tally.add(terms, answers.get(name, {}).get(CATEGORY[field]))
    fields = {field: tally.row() for field, tally in tallies.items()}
    categories = list(CATEGORY.values())
    per_category = {c: Counts() for c in categories}
    for _, result, gold in contracts:
        found = term_findings(result.terms) if result and result.terms else []
        for category, counts in match_contract("cuad", gold, found, categories).counts.items():
            per_category[category].add(counts)
    micro = Counts()
    for counts in per_category.values():
        micro.add(counts)
    return {"rule": "see eval/term_scores.py and docs/key-terms.md", "fields": fields,
            "spans": {"micro": micro.as_dict(), "per_category": {c: n.as_dict() for c, n in per_category.items()}}}
