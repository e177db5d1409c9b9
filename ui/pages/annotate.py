"""Annotate: work from the queue (assigned contracts with their status, newest first or the model's least
certain first, each annotator's progress); select words in the contract with the mouse, or take the
model's suggestions (accept, edit or reject each with one key); category and severity from the keyboard,
with CUAD's description and the firm's playbook line beside the picker. Every label records its origin."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from contracts.taxonomy import category_names
from contracts.wire import FindingPublic, Label, QueueItem
from ui.components.span_picker import span_picker
from ui.render import ORIGIN_LABEL, short
from ui.state import api, attempt, reviewer

STATUS_LABEL = {"to_label": "To label", "in_review": "In review", "done": "Done"}
ORDERS = {"newest": "Newest first", "uncertainty": "Model least sure first"}


def page() -> None:
    st.title("Annotate")
    me = reviewer()
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    order = c1.segmented_control("Queue order", list(ORDERS), format_func=ORDERS.__getitem__, default="newest",
                                 key="annotate_order") or "newest"
    mine = c2.toggle("Only my contracts", key="annotate_mine")
    queue = attempt(lambda: api().queue(annotator=me if mine else None, order=order))
    if queue is None:
        return
    _progress(queue.progress)
    if not queue.data:
        st.info("Nothing to label: contracts assigned to you appear here (untick “Only my contracts” to see all), "
                "and uploads on the Review page.")
        return
    item = _pick(queue.data)
    if item is None:
        st.caption("Select a contract in the queue to label it.")
        return
    _workspace(item, me)


def _progress(progress: list[Any]) -> None:
    stats = attempt(lambda: api().suggestion_stats())
    with st.expander("Progress per annotator and how often suggestions are kept"):
        if progress:
            st.dataframe(pd.DataFrame([{"Annotator": p.annotator, "Assigned": p.assigned, "To label": p.to_label,
                                        "In review": p.in_review, "Done": p.done, "Labels": p.labels}
                                       for p in progress]), hide_index=True)
        else:
            st.caption("No contract is assigned yet: assign one below once it is selected.")
        if stats is not None:
            rate = "—" if stats.accepted_unchanged_rate is None else f"{stats.accepted_unchanged_rate:.0%}"
            st.caption(f"Suggestions kept unchanged: {rate} ({stats.suggested_accepted} kept, {stats.suggested_edited} "
                       f"edited, {stats.suggestions_rejected} rejected); {stats.manual} labels drawn by hand.")


def _pick(items: list[QueueItem]) -> QueueItem | None:
    rows = [{"Contract": x.name, "Assigned to": x.annotator or "—",
             "Status": STATUS_LABEL.get(x.status or "", "Unassigned"), "Labels": x.labels,
             "Model uncertainty": x.uncertainty, "Added": x.created_at} for x in items]
    event: Any = st.dataframe(pd.DataFrame(rows), on_select="rerun", selection_mode="single-row", hide_index=True,
                              key="queue", height=min(250, 38 + 35 * len(rows)),
                              column_config={"Added": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
                                             "Model uncertainty": st.column_config.ProgressColumn(
                                                 min_value=0.0, max_value=1.0, format="%.2f")})
    chosen = event.selection.rows if event is not None else []
    return items[chosen[0]] if chosen else None


def _workspace(item: QueueItem, me: str) -> None:
    cid = item.contract_id
    key = f"picker-{cid}"
    _handle(st.session_state.get(key), cid, me)
    text = attempt(lambda: api().text(cid))
    labels = attempt(lambda: api().labels(cid))
    findings = attempt(lambda: api().findings(cid))
    guidelines = _guidelines()
    if text is None or labels is None or findings is None:
        return
    head, status_col, assign_col = st.columns([4, 3, 1], vertical_alignment="bottom")
    head.subheader(item.name)
    _status(status_col, assign_col, item, me)
    suggestions = _open_suggestions(findings, [x for x in labels.data if x.annotator == me])
    st.caption(f"{len(suggestions)} suggestions from the model to go (dashed); your and others' labels are "
               "underlined by severity. Drag over words to label them.")
    span_picker(text.text, key=key, height=620, categories=category_names(), guidelines=guidelines,
                suggestions=[{"id": f.id, "start": f.start, "end": f.end, "category": f.category,
                              "severity": f.severity, "score": f.score} for f in suggestions],
                labels=[{"start": x.start, "end": x.end, "severity": x.severity,
                         "title": f"{x.annotator}: {x.category} ({ORIGIN_LABEL.get(x.origin, x.origin)})"}
                        for x in labels.data])
    if labels.data:
        st.dataframe(pd.DataFrame([{"Annotator": x.annotator, "Category": x.category, "Severity": x.severity,
                                    "Span": f"{x.start}–{x.end}", "Origin": ORIGIN_LABEL.get(x.origin, x.origin),
                                    "Text": short(x.quote, 100), "Status": x.status} for x in labels.data]),
                     hide_index=True)
    pairs = labels.agreement.pairs
    if pairs:
        st.markdown("**Agreement on this contract**")
        st.dataframe(pd.DataFrame([{"Annotators": k, "Span F1": v.span_f1, "Matched spans": v.matched,
                                    "Same severity": v.severity_agreement} for k, v in pairs.items()]),
                     hide_index=True)
        st.caption(f"Spans match when they share a category and overlap by IoU ≥ {labels.agreement.min_iou}. "
                   "Where they differ, an adjudicator decides on the Disagreements page.")


def _handle(event: Any, cid: str, me: str) -> None:
    """Apply the picker's latest action once (a rerun shows the same value again)."""
    if not isinstance(event, dict) or event.get("seq") == st.session_state.get("picker_seq"):
        return
    st.session_state["picker_seq"] = event.get("seq")
    if event.get("action") == "save":
        label = attempt(lambda: api().add_label(cid, annotator=me, category=event["category"],
                                                severity=event["severity"], start=int(event["start"]),
                                                end=int(event["end"]), explanation=None, origin=event["origin"]))
        if label is not None:
            st.toast(f"Saved “{label.category}” on characters {label.start}–{label.end} "
                     f"({ORIGIN_LABEL[label.origin].lower()}).")
    elif event.get("action") == "reject" and event.get("suggestion"):
        done = attempt(lambda: api().review(str(event["suggestion"]), "reject", reviewer=me,
                                            comment="rejected while annotating"))
        if done is not None:
            st.toast(f"Rejected the suggestion “{done.category}”.")


def _open_suggestions(findings: list[FindingPublic], mine: list[Label]) -> list[FindingPublic]:
    """The model's findings still to decide: not rejected, and not already labelled by me (a label of the
    same category over it, kept or edited)."""
    return [f for f in findings if not (f.review and f.review.status == "rejected")
            and not any(x.category == f.category and x.start < f.end and f.start < x.end for x in mine)]


def _status(column: Any, assign_column: Any, item: QueueItem, me: str) -> None:
    """My status on the contract (assigning it to me on first choice), and assigning it to someone else."""
    current = item.status if item.annotator == me else None
    with column:
        chosen = st.segmented_control("My status", list(STATUS_LABEL), format_func=STATUS_LABEL.__getitem__,
                                      default=current, key=f"status-{item.contract_id}-{item.annotator}")
        if chosen and chosen != current and attempt(lambda: api().assign(item.contract_id, me, chosen)):
            st.rerun()
    with assign_column, st.popover("Assign…"):
        who = st.text_input("Annotator", key=f"assign-{item.contract_id}")
        if st.button("Assign", key=f"assign-go-{item.contract_id}") and who.strip():
            assigned = attempt(lambda: api().assign(item.contract_id, who.strip()))
            if assigned is not None:
                st.rerun()


def _guidelines() -> dict[str, dict[str, Any]]:
    """Category -> CUAD description and playbook line, from the API once per session."""
    if "lexrisk_guidelines" not in st.session_state:
        body = attempt(lambda: api().guidelines())
        if body is None:
            return {}
        st.session_state["lexrisk_guidelines"] = {g.category: g.model_dump() for g in body.data}
    return dict(st.session_state["lexrisk_guidelines"])


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
