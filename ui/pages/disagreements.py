"""Disagreements: where two annotators' labels on a contract differ (the clusters `lexrisk annotate
adjudicate` lists: missing, offsets or severity differ), the adjudicator keeps one label or merges them
into one span; the decision is recorded as the command line records it (review events of kind
adjudication: the kept label accepted, the others rejected)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from contracts.wire import AdjudicationResult, Disagreement
from ui.plain import plain
from ui.render import ORIGIN_LABEL, SEVERITIES, short
from ui.state import api, attempt, reviewer

SHOWN = 20  # clusters on one screen; deciding them brings the next ones
RECORDED = "disagreements_recorded"  # what the last decision recorded, said by the run after it


def page() -> None:
    st.title("Disagreements")
    recorded = st.session_state.get(RECORDED)
    if recorded:
        st.toast(recorded)
        del st.session_state[RECORDED]  # once said: a run stopped before the toast says it in the next
    decided = st.toggle("Show decided ones too", key="disagreements_decided")
    body = attempt(lambda: api().disagreements(include_decided=decided))
    if body is None:
        return
    if not body.data:
        st.info("No disagreements: where two annotators label the same contract differently, it shows here.")
        return
    st.caption(f"{len(body.data)} places where annotators differ; showing {min(SHOWN, len(body.data))}. "
               "Keep one label (the others of its place are rejected) or merge them into one span.")
    for n, item in enumerate(body.data[:SHOWN]):
        _cluster(n, item)


def _cluster(n: int, item: Disagreement) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(item.contract)}** · {item.category}" + (" · decided" if item.decided else ""))
        st.caption("; ".join(item.reasons))
        st.dataframe(pd.DataFrame([{"Label": x.id, "Annotator": x.annotator, "Severity": x.severity,
                                    "Span": f"{x.start}–{x.end}", "Origin": ORIGIN_LABEL.get(x.origin, x.origin),
                                    "Text": short(x.quote, 160)}
                                   for x in item.labels]), hide_index=True)
        if item.decided:
            return
        keep, merge = st.columns(2)
        with keep:
            chosen = st.selectbox("Keep", item.labels, key=f"keep-{n}",
                                  format_func=lambda x: f"#{x.id} {x.annotator} ({x.severity}, {x.start}–{x.end})")
            if st.button("Keep this label", key=f"keep-go-{n}") and chosen is not None:
                _decide(lambda: api().adjudicate(adjudicator=reviewer(), accept=[chosen.id]))
        with merge:
            start = min(x.start for x in item.labels)
            end = max(x.end for x in item.labels)
            severities = sorted({x.severity for x in item.labels}, key=SEVERITIES.index)
            severity = st.selectbox("Merged severity", SEVERITIES, index=SEVERITIES.index(severities[0]),
                                    key=f"merge-sev-{n}")
            st.caption(f"Merged span: characters {start}–{end} (all of them)")
            if st.button("Merge into one", key=f"merge-go-{n}", disabled=item.contract_id is None):
                _decide(lambda: api().adjudicate(
                    adjudicator=reviewer(), reject=[x.id for x in item.labels], contract_id=item.contract_id,
                    merged={"category": item.category, "severity": severity, "start": start, "end": end}))


def _decide(call: Callable[[], AdjudicationResult]) -> None:
    """Record the decision, then run the page again without its cluster. What was recorded is said by that run:
    a toast sent by this one is lost when another rerun (a widget's update arriving meanwhile) stops it first,
    while the decision is already stored."""
    result = attempt(call)
    if result is not None:
        st.session_state[RECORDED] = f"Recorded: {result.accepted} accepted, {result.rejected} rejected."
        st.rerun()


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
