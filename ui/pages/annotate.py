"""Annotate: pick a contract from the queue, choose a span (a whole clause, or a character range), give
it a category, severity and explanation, and save it as your label; see the others' labels and how far
you agree."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from contracts.segment import segment_clauses
from contracts.taxonomy import category_names
from ui.render import SEVERITIES, Span, highlight_html, legend_html, short
from ui.state import api, attempt, reviewer


def page() -> None:
    st.title("Annotate")
    contracts = attempt(lambda: api().contracts())
    if contracts is None:
        return
    if not contracts:
        st.info("The queue is empty: upload contracts on the Review page first.")
        return
    st.caption("Queue: newest first. Select a contract to label it.")
    event: Any = st.dataframe(pd.DataFrame([{"Contract": c.name, "Pages": c.pages, "Added": c.created_at}
                                            for c in contracts]),
                              on_select="rerun", selection_mode="single-row", hide_index=True, key="queue",
                              column_config={"Added": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
                              height=min(250, 38 + 35 * len(contracts)))
    rows = event.selection.rows if event is not None else []
    if not rows:
        return
    contract = contracts[rows[0]]
    text = attempt(lambda: api().text(contract.id))
    labels = attempt(lambda: api().labels(contract.id))
    if text is None or labels is None:
        return
    st.subheader(contract.name)
    left, right = st.columns([5, 6], gap="medium")
    with left:
        start, end = _label_form(contract.id, text.text)
    with right:
        st.markdown("**Labels on this contract** " + legend_html() + " · your selection is outlined",
                    unsafe_allow_html=True)
        spans = [Span(str(x.id), x.start, x.end, x.severity, f"{x.annotator}: {x.category}") for x in labels.data]
        if end > start:
            spans.append(Span("selection", start, end, "info", "your selection"))
        st.html(highlight_html(text.text, spans, pages=text.pages, height=520,
                               selected="selection" if end > start else None), unsafe_allow_javascript=True)
    if labels.data:
        st.dataframe(pd.DataFrame([{"Annotator": x.annotator, "Category": x.category, "Severity": x.severity,
                                    "Span": f"{x.start}–{x.end}", "Text": short(x.quote, 100),
                                    "Explanation": x.explanation or "", "Status": x.status} for x in labels.data]),
                     hide_index=True)
    pairs = labels.agreement.pairs
    st.markdown("**Agreement on this contract**")
    if pairs:
        st.dataframe(pd.DataFrame([{"Annotators": k, "Span F1": v.span_f1, "Matched spans": v.matched,
                                    "Same severity": v.severity_agreement} for k, v in pairs.items()]),
                     hide_index=True)
        st.caption(f"Spans match when they share a category and overlap by IoU ≥ {labels.agreement.min_iou}.")
    else:
        st.caption("Agreement needs labels from two annotators.")


def _label_form(contract_id: str, text: str) -> tuple[int, int]:
    """The span chooser and the label form; returns the chosen span for the text pane to outline."""
    how = st.radio("Span", ["By clause", "By character range"], horizontal=True)
    if how == "By clause":
        clauses = [c for c in segment_clauses(text) if text[c.start:c.end].strip()]
        clause = st.selectbox("Clause", clauses, format_func=lambda c: short(
            f"{c.number or ''} {c.heading or text[c.start:c.end]}", 90))
        start, end = (clause.start, clause.end) if clause else (0, 0)
    else:
        c1, c2 = st.columns(2)
        start = int(c1.number_input("From character", min_value=0, max_value=max(0, len(text) - 1), value=0))
        end = int(c2.number_input("To character", min_value=1, max_value=len(text), value=min(len(text), 200)))
    st.caption(f"Selected ({start}–{end}): “{short(text[start:end], 300)}”")
    with st.form("label", clear_on_submit=True):
        categories = category_names()
        category = st.selectbox("Category", categories, index=None, placeholder="Choose a CUAD category")
        severity = st.selectbox("Severity", SEVERITIES, index=1)
        explanation = st.text_area("Explanation", placeholder="Why this span is (or is not) a risk")
        annotator = st.text_input("Annotator", value=reviewer())
        saved = st.form_submit_button("Save label", type="primary")
    if saved:
        if category is None or not annotator.strip():
            st.warning("Choose a category and give your name.")
        elif end <= start:
            st.warning("The span is empty: the end must come after the start.")
        else:
            label = attempt(lambda: api().add_label(contract_id, annotator=annotator.strip(), category=category,
                                                    severity=severity, start=start, end=end, explanation=explanation))
            if label is not None:
                st.success(f"Saved your label “{label.category}” on characters {label.start}–{label.end}.")
    return start, end


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
