"""What the pages draw, as pure functions of API bodies (no Streamlit here, so tests call them directly):
the contract text with every quote highlighted in its severity colour, the risks table, the comparison
view and its redline DOCX, and the CSV/XLSX exports."""

from __future__ import annotations

import html
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from contracts.documents import PageSpan
from contracts.playbook import SEVERITY_ORDER
from ui.plain import unwrapped

SEVERITIES = ("high", "medium", "low", "info")
# background (highlight) and a darker edge per severity; text on them stays black for contrast
SEVERITY_BG = {"high": "#f8b4b4", "medium": "#fde68a", "low": "#bfdbfe", "info": "#e5e7eb"}
SEVERITY_EDGE = {"high": "#b91c1c", "medium": "#b45309", "low": "#1d4ed8", "info": "#4b5563"}
SEVERITY_LABEL = {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"}
REVIEW_LABEL = {None: "To review", "accepted": "Accepted", "rejected": "Rejected", "edited": "Edited"}
# how a label was made (the API's `origin`), as the Annotate and Disagreements pages both say it
ORIGIN_LABEL = {"manual": "Drawn", "suggested_accepted": "Suggestion kept", "suggested_edited": "Suggestion edited"}
# a comparison's verdict on a clause (the API's `verdict`), in words and the colour of its badge
VERDICT_LABEL = {"acceptable": ("Acceptable", "green"), "needs_review": ("Needs review", "orange"),
                 "not_acceptable": ("Not acceptable", "red")}
# the API's comparison exports (GET /v1/comparisons/{id}/{export}), for people
EXPORT_LABEL = {"redline.docx": "Redline (Word)", "review.docx": "Word with deviations",
                "comparison.csv": "Deviations (CSV)", "findings.csv": "Risks found (CSV)",
                "comparison.xlsx": "Deviations (Excel)"}
# what each one's download name ends with, after the contract's name: the API calls the comparison's Word copy
# review.docx, as it does the contract's own "Word with comments" (saved as <contract>-review.docx), and the one
# download overwrote the other in a folder
EXPORT_FILE = {"redline.docx": "redline.docx", "review.docx": "deviations.docx",
               "comparison.csv": "deviations.csv", "findings.csv": "comparison-risks.csv",
               "comparison.xlsx": "deviations.xlsx"}


# Streamlit runs an st.html's scripts again each time its body changes, all in the page's one global scope: the
# script keeps its names in a function (a second top-level `const` is a SyntaxError, and the pane stayed where it
# was), looks for the mark in its own pane only (the key-terms panel and the risks each have one, and either may
# come first in the page), and scrolls that pane, not the page, so that the row or value clicked stays in view
_SCROLL_TO_SELECTED = (
    "<script>(() => {const box = document.currentScript.parentNode;"
    "const pane = box.querySelector('.lx-text'), el = box.querySelector('.lx-selected');"
    "if (!pane || !el) return;"
    "const mark = el.getBoundingClientRect(), gap = Math.max(0, (pane.clientHeight - mark.height) / 2);"
    "pane.scrollTop += mark.top - pane.getBoundingClientRect().top - gap;})();</script>")


# the selected span's first and last word: outside its marks, so their words are the text's, and left out of a copy
_EDGE = ('<span class="lx-edge" aria-hidden="true" style="font-weight:700;color:#111;user-select:none;'
         'padding:0 1px">{}</span>')


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of the text: a finding or a label."""

    key: str
    start: int
    end: int
    severity: str
    title: str


def highlight_html(text: str, spans: Sequence[Span], *, selected: str | None = None,
                   pages: Sequence[PageSpan] = (), height: int = 620) -> str:
    """The text as HTML in a scrolling pane, each span marked in its severity colour (overlaps take the
    most severe), page breaks shown for multi-page documents, and the selected span underlined between brackets
    and scrolled into the pane's view by a small script (_SCROLL_TO_SELECTED). A PDF's printed line breaks inside
    a paragraph are spaces here (ui.plain.unwrapped), so the text flows to the pane's width."""
    text = unwrapped(text)
    cuts = {0, len(text)}
    for s in spans:
        cuts.update((max(0, s.start), min(len(text), s.end)))
    page_starts = {p.start: p.number for p in pages} if len(pages) > 1 else {}
    cuts.update(page_starts)
    order = sorted(cuts)
    opened: set[str] = set()
    parts: list[str] = []
    for a, b in itertools.pairwise(order):
        if a in page_starts:
            parts.append(f'<div class="lx-page">page {page_starts[a]}</div>')
        chunk = html.escape(text[a:b])
        covering = [s for s in spans if s.start <= a and b <= s.end]
        if not covering:
            parts.append(chunk)
            continue
        top = max(covering, key=lambda s: SEVERITY_ORDER.get(s.severity, 0))
        first = [s for s in covering if s.key not in opened]
        opened.update(s.key for s in first)
        anchors = "".join(f'<a id="lx-{html.escape(s.key)}"></a>' for s in first)
        style = f"background:{SEVERITY_BG.get(top.severity, '#eee')};border-bottom:2px solid " \
                f"{SEVERITY_EDGE.get(top.severity, '#444')};"
        chosen = next((s for s in covering if s.key == selected), None)
        if chosen is not None:
            # underlined, with a bracket at its first and last word: an outline boxed each of a long clause's
            # lines, and a pane full of boxes hid where the clause starts and ends
            style += "text-decoration:underline 2px #111;text-underline-offset:3px;"
        title = html.escape(" · ".join(s.title for s in covering), quote=True)
        cls = "lx-mark lx-selected" if chosen is not None else "lx-mark"
        opening = _EDGE.format("⟦") if chosen is not None and a == max(0, chosen.start) else ""
        closing = _EDGE.format("⟧") if chosen is not None and b == min(len(text), chosen.end) else ""
        parts.append(f'{opening}{anchors}<mark class="{cls}" data-severity="{top.severity}" title="{title}" '
                     f'style="{style}">{chunk}</mark>{closing}')
    script = _SCROLL_TO_SELECTED if selected is not None else ""
    return (f'<div class="lx-text" style="height:{height}px;overflow-y:auto;white-space:pre-wrap;'
            'font-family:Georgia,serif;font-size:15px;line-height:1.55;padding:12px 16px;'
            'border:1px solid #ddd;border-radius:6px;background:#fff;color:#111">'
            + "".join(parts) + "</div>"
            "<style>.lx-page{color:#6b7280;font:12px sans-serif;border-top:1px dashed #cbd5e1;"
            "margin:10px 0 4px;padding-top:2px}.lx-mark{color:#111;padding:0 1px;border-radius:2px}</style>"
            + script)


def comparison_file_name(stem: str, kind: str) -> str:
    """The download name of a comparison's export `kind` for the contract named `stem` (an export this app
    does not know yet keeps the API's name, marked as the comparison's)."""
    return f"{stem}-{EXPORT_FILE.get(kind, f'comparison-{kind}')}"


def verdict_words(verdict: str | None) -> str:
    """A comparison's verdict as a lawyer reads it ("" for none); a code this app does not know, as it came."""
    return VERDICT_LABEL[verdict][0] if verdict in VERDICT_LABEL else verdict or ""


def legend_html() -> str:
    return " ".join(f'<span style="background:{SEVERITY_BG[s]};border-bottom:2px solid {SEVERITY_EDGE[s]};'
                    f'padding:1px 6px;border-radius:3px;color:#111;font-size:13px">{s}</span>' for s in SEVERITIES)


def model_words(model: str | None) -> str:
    """A finding's `model` as a lawyer reads it: "baseline@07db7b08d0f4" is lexrisk's built-in clause
    classifier, without its version (a hash means nothing to a lawyer; support reads it in the finding's
    `model` from the API); any other name is the language model (or fine-tuned adapter) the service asked."""
    if not model:
        return ""
    if model.partition("@")[0] == "baseline":
        return "lexrisk's built-in clause classifier"
    return f"the language model “{model}”"


def split_possible(findings: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """(the review's findings, the possible ones still to check): a possible finding joins the review once
    accepted or edited, and leaves both lists once rejected."""
    found, possible = [], []
    for f in findings:
        status = f.review.status if f.review else None
        if not f.possible or status in ("accepted", "edited"):
            found.append(f)
        elif status is None:
            possible.append(f)
    return found, possible


def severity_chip_css() -> str:
    """The severity filter's chips in their severities' colours (the multiselect draws every chip in the
    theme's one colour; each chip carries its label in aria-label)."""
    chip = '[data-testid="stMultiSelectTagsContainer"] span[data-tag][aria-label="{}"]'
    return "<style>" + "".join(
        f"{chip.format(SEVERITY_LABEL[s])}{{background:{SEVERITY_BG[s]} !important;"
        f"box-shadow:inset 0 0 0 1px {SEVERITY_EDGE[s]}}}{chip.format(SEVERITY_LABEL[s])} *{{color:#111 !important}}"
        for s in SEVERITIES) + "</style>"


def severity_counts(findings: Iterable[Any]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def triage_order(findings: Iterable[Any]) -> list[Any]:
    """Most severe first, then in reading order: how a lawyer works through a contract."""
    return sorted(findings, key=lambda f: (-SEVERITY_ORDER.get(f.severity, 0), f.start))


def short(text: str, width: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def risk_rows(findings: Sequence[Any]) -> list[dict[str, Any]]:
    """The risks table's rows (one per finding, in the order given). The clause's words are not a column: they
    are highlighted in the text beside the table and quoted under it once a row is selected, and a column wide
    enough to read them made the table scroll sideways in a 1280 px window."""
    return [{"Severity": SEVERITY_LABEL.get(f.severity, f.severity), "Category": f.category, "Page": f.page,
             "Status": REVIEW_LABEL.get(f.review.status if f.review else None, "?"),
             "Score": round(f.score, 2)} for f in findings]


# -- comparison --------------------------------------------------------------------------------------------
@dataclass
class CompareView:
    aligned: list[dict[str, Any]] = field(default_factory=list)   # matched and modified pairs, in order
    modified: list[dict[str, Any]] = field(default_factory=list)
    missing: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # severity -> pairs
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def compare_view(body: dict[str, Any]) -> CompareView:
    """Sorts the comparison API's pairs into what the Compare page shows; missing and extra clauses
    grouped by severity, most severe first."""
    view = CompareView()
    pairs = body.get("pairs") or []
    view.counts = dict(Counter(p.get("status", "?") for p in pairs))
    for p in pairs:
        status = p.get("status")
        if status in ("matched", "modified"):
            view.aligned.append(p)
            if status == "modified":
                view.modified.append(p)
        elif status in ("missing", "extra"):
            group = view.missing if status == "missing" else view.extra
            group.setdefault(p.get("severity") or "info", []).append(p)
    for group in (view.missing, view.extra):
        ordered = sorted(group.items(), key=lambda kv: -SEVERITY_ORDER.get(kv[0], 0))
        group.clear()
        group.update(ordered)
    return view


def redline_html(ops: Sequence[dict[str, Any]]) -> str:
    """Insertions underlined green, deletions struck through red, as a lawyer's redline."""
    out = []
    for op in ops:
        text = html.escape(str(op.get("text", "")))
        if op.get("op") == "insert":
            out.append(f'<ins style="background:#dcfce7;color:#14532d;text-decoration:underline">{text}</ins>')
        elif op.get("op") == "delete":
            out.append(f'<del style="background:#fee2e2;color:#7f1d1d">{text}</del>')
        else:
            out.append(text)
    return '<div style="white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5">' + "".join(out) + "</div>"


def redline_docx(body: dict[str, Any]) -> bytes:
    """The modified, missing and extra clauses as a Word redline (python-docx): insertions underlined,
    deletions struck through, each with its verdict and suggested fallback text."""
    from docx import Document as DocxDocument
    from docx.enum.text import WD_COLOR_INDEX

    view = compare_view(body)
    doc = DocxDocument()
    contract = (body.get("contract") or {}).get("name", "contract")
    template = (body.get("template") or {}).get("name", "template")
    doc.add_heading(f"Redline: {contract} against {template}", level=1)
    doc.add_heading("Modified clauses", level=2)
    if not view.modified:
        doc.add_paragraph("No clause differs from the template.")
    for p in view.modified:
        doc.add_paragraph(_pair_heading(p), style="Heading 3")
        para = doc.add_paragraph()
        for op in p.get("redline") or []:
            run = para.add_run(str(op.get("text", "")))
            if op.get("op") == "insert":
                run.font.underline = True
                run.font.highlight_color = WD_COLOR_INDEX.BRIGHT_GREEN
            elif op.get("op") == "delete":
                run.font.strike = True
                run.font.highlight_color = WD_COLOR_INDEX.PINK
        _verdict(doc, p)
    for title, group, side in (("Missing from the contract", view.missing, "template_clause"),
                               ("Not in the template", view.extra, "contract_clause")):
        doc.add_heading(title, level=2)
        if not group:
            doc.add_paragraph("None.")
        for pairs in group.values():
            for p in pairs:
                doc.add_paragraph(_pair_heading(p), style="Heading 3")
                doc.add_paragraph(str((p.get(side) or {}).get("text", "")))
                _verdict(doc, p)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _pair_heading(p: dict[str, Any]) -> str:
    bits = [p.get("category") or "clause", p.get("severity") or "", verdict_words(p.get("verdict"))]
    return " · ".join(b for b in bits if b)


def _verdict(doc: Any, p: dict[str, Any]) -> None:
    if p.get("explanation"):
        doc.add_paragraph(str(p["explanation"]), style="Intense Quote")
    if p.get("suggestion"):
        doc.add_paragraph(f"Suggested fallback: {p['suggestion']}")
