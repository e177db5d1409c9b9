"""compare_documents: template and contract in, the Comparison out. Pure: no I/O, no analyzer; the
caller passes each side's categorised spans (an analyzer's findings and key terms: spans_of) as data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from contracts.compare.align import Alignment, Embedder, Match, Unit, Weights, align, units_of
from contracts.compare.assess import assess_extra, assess_missing, assess_modified
from contracts.compare.models import ClauseRef, Comparison, ComparisonPair, ComparisonSummary, RedlineOp
from contracts.compare.redline import join, word_redline
from contracts.documents import Document
from contracts.findings import Finding
from contracts.key_terms import TERM_CATEGORIES, KeyTerms
from contracts.playbook import SEVERITY_ORDER, Playbook, default_playbook

ALIGNED_CONFIDENCE = 0.5  # below this share of the template aligned, the clause view is not trusted
TERM_CLAUSES = ("expiration_date", "renewal_term", "notice_period_to_terminate_renewal", "governing_law")
"""The key terms the playbook judges as clauses (Governing Law is required, automatic renewal is high risk)."""


def spans_of(findings: Iterable[Finding], terms: KeyTerms | None = None, text: str = "") -> list[tuple[int, int, str]]:
    """The (start, end, CUAD category) spans the findings and key terms give `text`. A possible finding (a passage
    scored below the threshold, for a lawyer to check) gives none: the template's title and its audit clause had
    been read as Source Code Escrow and Liquidated Damages, and the comparison suggested fallbacks from them.

    The findings cover CUAD's clause categories only; the key terms in TERM_CLAUSES add theirs, or a draft that
    drops the template's governing-law clause showed a missing clause with no category. A term gives a span only
    where its quote is `text[start:end]`: a lawyer's value given without the contract's words has none, and
    offsets into another text would tag the wrong clause."""
    spans = [(f.start, f.end, f.category) for f in findings if not f.possible]
    for name in TERM_CLAUSES if terms is not None else ():
        term = getattr(terms, name)
        if term is not None and term.quote and text[term.start:term.end] == term.quote:
            spans.append((term.start, term.end, TERM_CATEGORIES[name]))
    return spans


def compare_documents(contract: Document, template: Document, *, playbook: Playbook | None = None,
                      contract_categories: Sequence[tuple[int, int, str]] = (),
                      template_categories: Sequence[tuple[int, int, str]] = (),
                      weights: Weights | None = None, embeddings: bool | None = None,
                      embedder: Embedder | None = None) -> Comparison:
    """Align the template's clauses with the contract's and judge every difference.

    `*_categories` are (start, end, CUAD category) spans of each side, e.g. `spans_of(findings, terms, text)`.
    `embeddings`: True/False to use MiniLM sentence embeddings in the alignment or not, None for the
    shipped default (see `contracts.compare.align.align`); the result's `embeddings` says what happened."""
    playbook = playbook or default_playbook()
    t_units = units_of(template, template_categories)
    c_units = units_of(contract, contract_categories)
    alignment = align(t_units, c_units, weights, embeddings=embeddings, embedder=embedder)
    pairs = _pairs(alignment, template, contract, playbook)
    confidence = alignment.confidence
    aligned = confidence >= ALIGNED_CONFIDENCE
    return Comparison(
        contract=contract.info, template=template.info, aligned=aligned,
        alignment_confidence=round(confidence, 4), embeddings=alignment.embeddings, pairs=pairs,
        summary=_summary(pairs),
        full_redline=None if aligned else word_redline(template.text, contract.text))


def _primary(playbook: Playbook, categories: frozenset[str], text: str) -> str | None:
    """The category that matters most to a reviewer: highest playbook severity, then name."""
    if not categories:
        return None
    known = sorted(c for c in categories if c in playbook.categories) or sorted(categories)
    return max(known, key=lambda c: SEVERITY_ORDER[playbook.assess(c, text)[0]]
               if c in playbook.categories else -1)


def _ref(document: Document, units: list[Unit], indices: list[int]) -> ClauseRef:
    start, end = units[indices[0]].start, units[indices[-1]].end
    return ClauseRef(text=document.text[start:end], start=start, end=end, page=document.page_of(start))


def _pairs(alignment: Alignment, template: Document, contract: Document, playbook: Playbook) -> list[ComparisonPair]:
    t_units, c_units = alignment.template_units, alignment.contract_units
    by_template = {m.template[0]: m for m in alignment.matches}
    matched_contract = {j for m in alignment.matches for j in m.contract}
    matched_template = {i for m in alignment.matches for i in m.template}
    pairs: list[tuple[tuple[int, int], ComparisonPair]] = []
    for i in range(len(t_units)):
        if i in by_template:
            match = by_template[i]
            pairs.append(((match.contract[0], 0), _matched_pair(match, alignment, template, contract, playbook)))
        elif i not in matched_template:
            pairs.append(((_anchor(i, alignment), 1),
                          _missing_pair(t_units[i], template, playbook, i, t_units, c_units)))
    for j, unit in enumerate(c_units):
        if j not in matched_contract:
            cats = unit.categories
            category = _primary(playbook, cats, unit.text)
            a = assess_extra(playbook, cats, unit.text)
            pairs.append(((j, 0), ComparisonPair(
                status="extra", template_clause=None, contract_clause=_ref(contract, c_units, [j]),
                similarity=0.0, category=category, severity=a.severity, verdict=a.verdict,
                explanation=a.explanation, suggestion=a.suggestion,
                redline=[RedlineOp(op="insert", text=unit.text)])))
    pairs.sort(key=lambda p: p[0])
    return [p for _, p in pairs]


def _anchor(i: int, alignment: Alignment) -> int:
    """Where a missing template clause sits in contract order: just after the counterpart of the
    nearest preceding template clause that has one."""
    best = -1
    for m in alignment.matches:
        if max(m.template) < i:
            best = max(best, max(m.contract))
    return best


def _matched_pair(match: Match, alignment: Alignment, template: Document, contract: Document,
                  playbook: Playbook) -> ComparisonPair:
    t_units, c_units = alignment.template_units, alignment.contract_units
    t_ref = _ref(template, t_units, match.template)
    c_ref = _ref(contract, c_units, match.contract)
    t_cats = frozenset().union(*(t_units[i].categories for i in match.template))
    c_cats = frozenset().union(*(c_units[j].categories for j in match.contract))
    category = _primary(playbook, c_cats or t_cats, c_ref.text)
    t_key = " ".join(t_units[i].key for i in match.template)
    c_key = " ".join(c_units[j].key for j in match.contract)
    if t_key == c_key:
        return ComparisonPair(status="matched", template_clause=t_ref, contract_clause=c_ref,
                              similarity=round(match.score, 4), category=category, severity=None,
                              verdict="acceptable", explanation="Same text as the template.", suggestion=None,
                              redline=[RedlineOp(op="equal", text=c_ref.text)] if t_ref.text == c_ref.text
                              else word_redline(t_ref.text, c_ref.text))
    redline = word_redline(t_ref.text, c_ref.text)
    elsewhere = {c: [_label(u) for j, u in enumerate(c_units) if c in u.categories and j not in match.contract]
                 for c in t_cats - c_cats}
    a = assess_modified(playbook, category, t_cats, c_cats, t_ref.text, c_ref.text, redline, elsewhere)
    shape = ""
    if len(match.template) > 1:
        shape = f"The contract merges {len(match.template)} template clauses into one. "
    elif len(match.contract) > 1:
        shape = f"The contract splits the template's clause into {len(match.contract)}. "
    return ComparisonPair(status="modified", template_clause=t_ref, contract_clause=c_ref,
                          similarity=round(match.score, 4), category=category, severity=a.severity,
                          verdict=a.verdict, explanation=shape + a.explanation,
                          suggestion=a.suggestion, redline=redline)


def _missing_pair(unit: Unit, template: Document, playbook: Playbook, i: int, units: list[Unit],
                  contract_units: list[Unit]) -> ComparisonPair:
    """A template clause alignment gave no counterpart. Its category is judged against the whole contract:
    alignment pairs clauses by wording, so a contract can cover the category in a clause paired elsewhere
    (a cap on liability with the template's cap, not its exclusion of damages) or left unpaired. The
    category the contract lacks is reported first; one it covers is named with the clauses that cover it."""
    covered = frozenset().union(*(u.categories for u in contract_units))
    category = _primary(playbook, unit.categories - covered, unit.text) or _primary(playbook, unit.categories, unit.text)
    where = [_label(u) for u in contract_units if category in u.categories]
    a = assess_missing(playbook, category, unit.text, where)
    return ComparisonPair(status="missing", template_clause=_ref(template, units, [i]), contract_clause=None,
                          similarity=0.0, category=category, severity=a.severity, verdict=a.verdict,
                          explanation=a.explanation, suggestion=a.suggestion,
                          redline=[RedlineOp(op="delete", text=unit.text)])


def _label(unit: Unit) -> str:
    """How a lawyer finds a clause: its number, else its heading, else its opening words."""
    if unit.number:
        return unit.number
    if unit.heading:
        return f'"{unit.heading}"'
    words = unit.text.split()
    return '"' + " ".join(words[:6]) + (' ..."' if len(words) > 6 else '"')


def _summary(pairs: list[ComparisonPair]) -> ComparisonSummary:
    status = Counter(p.status for p in pairs)
    severity = Counter(p.severity for p in pairs if p.severity and p.status != "matched")
    verdict = Counter(p.verdict for p in pairs if p.verdict)
    return ComparisonSummary(matched=status["matched"], modified=status["modified"], missing=status["missing"],
                             extra=status["extra"],
                             by_severity={s: severity.get(s, 0) for s in ("high", "medium", "low", "info")},
                             by_verdict={v: verdict.get(v, 0) for v in ("acceptable", "needs_review", "not_acceptable")})


def document_redline(comparison: Comparison, template: Document, contract: Document) -> list[RedlineOp]:
    """One redline of the whole text, template -> contract, clause by clause: joining its equal and
    delete runs gives the template's text exactly, its equal and insert runs the contract's.

    Pairs whose order agrees on both sides (the longest such chain) are redlined in place; a moved
    clause shows as deleted where the template had it and inserted where the contract has it."""
    if not comparison.aligned and comparison.full_redline is not None:
        return comparison.full_redline
    anchors = redline_anchors(comparison)
    t_cuts = _tiles(template.text, [(a.template_clause.start, a.template_clause.end) for a in anchors])  # type: ignore[union-attr]
    c_cuts = _tiles(contract.text, [(a.contract_clause.start, a.contract_clause.end) for a in anchors])  # type: ignore[union-attr]
    parts: list[list[RedlineOp]] = []
    for (t_gap, t_body), (c_gap, c_body) in zip(t_cuts, c_cuts, strict=True):
        parts.append(_gap(template.text, t_gap, contract.text, c_gap))
        if t_body is not None and c_body is not None:
            parts.append(word_redline(template.text[t_body[0]:t_body[1]], contract.text[c_body[0]:c_body[1]]))
    return join(*parts)


def redline_anchors(comparison: Comparison) -> list[ComparisonPair]:
    """The pairs redlined in place, in order on both sides (the longest such chain); the Word redline
    (word.redline) groups paragraphs by them so that it shows what this text does."""
    both = [p for p in comparison.pairs if p.template_clause and p.contract_clause]
    both.sort(key=lambda p: p.contract_clause.start)  # type: ignore[union-attr]
    return [both[k] for k in _increasing_chain([p.template_clause.start for p in both])]  # type: ignore[union-attr]


def _gap(t_text: str, t_gap: tuple[int, int], c_text: str, c_gap: tuple[int, int]) -> list[RedlineOp]:
    old, new = t_text[t_gap[0]:t_gap[1]], c_text[c_gap[0]:c_gap[1]]
    if not old.strip() or not new.strip():  # whitespace between clauses, or one side empty
        return word_redline(old, new)
    return [RedlineOp(op="delete", text=old), RedlineOp(op="insert", text=new)]


def _tiles(text: str, bodies: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    """(gap before, body) for each anchor, then the tail gap: together they tile the text."""
    out: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
    pos = 0
    for start, end in bodies:
        out.append(((pos, start), (start, end)))
        pos = end
    out.append(((pos, len(text)), None))
    return out


def _increasing_chain(values: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence of `values` (patience sorting)."""
    import bisect

    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for k, v in enumerate(values):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tail_index.append(k)
        else:
            tails[pos] = v
            tail_index[pos] = k
        previous[k] = tail_index[pos - 1] if pos else -1
    chain, k = [], tail_index[-1] if tail_index else -1
    while k >= 0:
        chain.append(k)
        k = previous[k]
    return chain[::-1]
