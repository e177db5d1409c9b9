"""Annotate: work from the queue (assigned contracts with their status, newest first or the model's least
certain first, a page at a time, each annotator's progress); select words in the contract with the mouse, or
take the model's suggestions (accept, edit or reject each with one key); category and severity from the
keyboard, with CUAD's description and the firm's playbook line beside the picker. Every label records its
origin. The chosen contract is the address's `?contract=ID`, and the queue's page its `page` (and `page_size`
when not the smallest), so a reload, a shared link or sign-in shows the same page with the same contract open,
whichever page of the queue that is."""

from __future__ import annotations

import re
from math import ceil
from typing import Any

import pandas as pd
import streamlit as st

from contracts.taxonomy import category_names
from contracts.wire import FindingPublic, Label, Queue, QueueItem
from ui.annotate_undo import offer, remember
from ui.components.span_picker import span_picker
from ui.plain import counted, plain
from ui.render import ORIGIN_LABEL, short
from ui.state import api, attempt, linked_contract, reviewer

STATUS_LABEL = {"to_label": "To label", "in_review": "In review", "done": "Done"}
ORDERS = {"newest": "Newest first", "uncertainty": "Model least sure first"}
QUEUE = "queue"  # the queue table's key: its selection, in st.session_state
PAGE, PAGE_SIZE = "annotate_page", "annotate_page_size"  # the pager's widgets: the page (from 1) and its rows a page
PAGE_PARAM, SIZE_PARAM = "page", "page_size"  # the same in the address, each only when not the first page or size
ASSIGN = "Assign to an annotator"  # the popover's button; no trailing "…", which reads as a label cut short
PAGE_SIZES = (25, 50, 100)  # at most the API's LEXRISK_PAGE_SIZE_MAX (100 by default)
PAGE_MAX = 999_999  # past any queue, and within the API's offsets (at most 2**31 - 1) at 100 rows a page


def page() -> None:
    st.title("Annotate")
    me = reviewer()
    opened = st.query_params.get("contract")
    if opened:  # the picker's action first, so that the queue read below shows the label and its assignment
        _handle(st.session_state.get(_picker_key(opened)), opened, me)
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    order = c1.segmented_control("Queue order", list(ORDERS), format_func=ORDERS.__getitem__, default="newest",
                                 key="annotate_order", on_change=_first_page) or "newest"
    mine = c2.toggle("Only my contracts", key="annotate_mine", on_change=_first_page)
    queue = _queue_page(me if mine else None, order)
    if queue is None:
        return
    _progress(queue.progress)
    linked = _linked(queue.data)
    if not queue.data and linked is None:
        st.info("Nothing to label: contracts assigned to you appear here (untick “Only my contracts” to see all), "
                "and uploads on the Review page.")
        return
    if queue.data:
        _pick(queue.data, linked[0] if linked else None, me)
        _pager(queue)
    if linked is None:
        st.caption("Select a contract in the queue to label it.")
        return
    cid, name = linked
    if cid not in {x.contract_id for x in queue.data}:
        _unlisted(name, paged=queue.count > len(queue.data))
    status = next((x.status for x in queue.data if x.contract_id == cid and x.annotator == me), None)
    _workspace(cid, name, status, me)


def _queue_page(annotator: str | None, order: str) -> Queue | None:
    """The page of the queue the address names (the pager's choices are written there). A page past the end (the
    queue got shorter since, only my contracts are listed now, or the link is old) is read again as the last
    page, and the address and the pager show that one."""
    number, size = _from_address()
    queue = attempt(lambda: api().queue(annotator=annotator, order=order, offset=(number - 1) * size, limit=size))
    if queue is not None and not queue.data and number > 1:
        number = max(1, ceil(queue.count / size))
        queue = attempt(lambda: api().queue(annotator=annotator, order=order, offset=(number - 1) * size, limit=size))
    _to_address(number, size)
    st.session_state[PAGE], st.session_state[PAGE_SIZE] = number, size  # drawn by the pager below
    return queue


def _from_address() -> tuple[int, int]:
    """The page and rows a page in the address: the first page and the smallest size where it names none or
    something else (a size the pager does not offer, a page that is not a whole number from 1); a page number too
    long to be any queue's reads as past the end."""
    raw_page, raw_size = st.query_params.get(PAGE_PARAM, ""), st.query_params.get(SIZE_PARAM, "")
    size = next((s for s in PAGE_SIZES if raw_size == str(s)), PAGE_SIZES[0])
    if not re.fullmatch(r"[1-9][0-9]*", raw_page):
        return 1, size
    return (int(raw_page) if len(raw_page) <= len(str(PAGE_MAX)) else PAGE_MAX), size


def _to_address(number: int, size: int) -> None:
    """The page and rows a page into the address, each only when it is not the default (1, the smallest size)."""
    for name, value, default in ((PAGE_PARAM, number, 1), (SIZE_PARAM, size, PAGE_SIZES[0])):
        if value != default:
            st.query_params[name] = str(value)
        elif name in st.query_params:
            del st.query_params[name]


def _first_page() -> None:
    """Another order or filter: the queue starts again at its first page, of the same size."""
    _to_address(1, _from_address()[1])


def _page_chosen() -> None:
    """The pager's page: into the address, which the next run reads."""
    _to_address(int(st.session_state[PAGE]), _from_address()[1])


def _size_chosen() -> None:
    """Another number of rows a page: the first page of that size."""
    _to_address(1, int(st.session_state[PAGE_SIZE]))


def _pager(queue: Queue) -> None:
    """Which rows of how many are shown, and the page and rows a page to show (put in the address, which
    `_queue_page` reads on the next run); only when the queue is longer than the smallest page."""
    if queue.count <= PAGE_SIZES[0]:
        return
    size, number = int(st.session_state[PAGE_SIZE]), int(st.session_state[PAGE])
    pages = ceil(queue.count / size)
    first = (number - 1) * size + 1
    note, page_column, size_column = st.columns([4, 1, 1], vertical_alignment="bottom")
    note.caption(f"Rows {first}–{first + len(queue.data) - 1} of {queue.count} · page {number} of {pages}")
    page_column.number_input("Page", min_value=1, max_value=pages, step=1, key=PAGE, on_change=_page_chosen)
    size_column.selectbox("Rows a page", PAGE_SIZES, key=PAGE_SIZE, on_change=_size_chosen)


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


def _linked(items: list[QueueItem]) -> tuple[str, str] | None:
    """The contract the address names (`/annotate?contract=ID`), as (id, name): from the queue, else from the
    API (a contract the queue does not list, such as another's while only mine are listed). An id the API does
    not show this firm reads as its "not found" (another firm's included), and the link is dropped."""
    linked = st.query_params.get("contract")
    if not linked:
        return None
    named = next((x.name for x in items if x.contract_id == linked), None)
    if named is not None:
        return linked, named
    info = linked_contract(linked, instead="choose one in the queue.")
    return (info.id, info.name) if info is not None else None


def _pick(items: list[QueueItem], linked: str | None, me: str) -> None:
    """The queue, with the linked contract's row selected. A table keeps its selection by row number, so after a
    reload, another order or a new link the row is chosen again from the address (my row where the contract
    has several annotators'); a click on a row puts its contract in the address, and clearing it takes it out."""
    ids = [x.contract_id for x in items]
    state = st.session_state.get(QUEUE)
    rows = list(state["selection"]["rows"]) if state is not None else []
    if not (rows and rows[0] < len(ids) and ids[rows[0]] == linked):
        want = [_row(items, linked, me)] if linked in ids else []
        if rows != want:
            st.session_state[QUEUE] = {"selection": {"rows": want, "columns": [], "cells": []}}
    table = [{"Contract": x.name, "Assigned to": x.annotator or "—",
              "Status": STATUS_LABEL.get(x.status or "", "Unassigned"), "Labels": x.labels,
              "Uncertainty": x.uncertainty, "Added": x.created_at} for x in items]
    # Widths that add up to the table's width at 1280 px (about 818 px with the row boxes): sized to their
    # content, a long contract name (CUAD's run to 75 characters) pushed Uncertainty and Added out of sight.
    # Wider windows share the rest among the columns; the open contract's whole name is its heading.
    st.dataframe(pd.DataFrame(table), on_select=lambda: _chose(ids), selection_mode="single-row", hide_index=True,
                 key=QUEUE, height=min(250, 38 + 35 * len(table)),
                 column_config={"Contract": st.column_config.TextColumn(
                                    width=320, help="A long name is cut here; the open contract's whole name "
                                                    "heads it below."),
                                "Assigned to": st.column_config.TextColumn(width=95),
                                "Status": st.column_config.TextColumn(width=85),
                                "Labels": st.column_config.NumberColumn(width=55),
                                "Added": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm", width=125),
                                "Uncertainty": st.column_config.ProgressColumn(
                                    min_value=0.0, max_value=1.0, format="%.2f", width=95,
                                    help="How unsure the model is of its findings in the contract (0 to 1); "
                                         "“Model least sure first” orders the queue by it.")})


def _row(items: list[QueueItem], cid: str | None, me: str) -> int:
    """The queue's row of this contract: mine if it is assigned to me, else its first."""
    rows = [i for i, x in enumerate(items) if x.contract_id == cid]
    return next((i for i in rows if items[i].annotator == me), rows[0])


def _chose(ids: list[str]) -> None:
    """A click on the queue: the chosen row's contract becomes the address's, or none when it was cleared."""
    rows = st.session_state[QUEUE]["selection"]["rows"]
    if rows:
        st.query_params["contract"] = ids[rows[0]]
    elif "contract" in st.query_params:
        del st.query_params["contract"]


def _unlisted(name: str, *, paged: bool) -> None:
    """The linked contract is not a row of the queue shown (it is on another page, or only my contracts are listed
    and it is another's): it stays open, with a way back to the queue, since no row can be cleared to close it."""
    note, close = st.columns([3, 1], vertical_alignment="center")  # "Back to the queue" whole at 1280 px
    where = "on this page of the queue" if paged else "in the queue"
    note.info(f"“{plain(name)}” is open from this page's address; it is not {where} as listed.")
    if close.button("Back to the queue", key="annotate_close"):
        del st.query_params["contract"]
        st.rerun()


def _workspace(cid: str, name: str, status: str | None, me: str) -> None:
    key = _picker_key(cid)
    text = attempt(lambda: api().text(cid))
    labels = attempt(lambda: api().labels(cid))
    findings = attempt(lambda: api().findings(cid))
    guidelines = _guidelines()
    if text is None or labels is None or findings is None:
        return
    st.subheader(plain(name))
    _status(cid, status, me)
    offer(cid, me)
    suggestions = _open_suggestions(findings, [x for x in labels.data if x.annotator == me])
    st.caption(f"{counted(len(suggestions), 'suggestion')} from the model to go (dashed); your and others' labels are "
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


def _picker_key(cid: str) -> str:
    """The span picker's widget key on this contract: its value is the annotator's latest action there."""
    return f"picker-{cid}"


def _handle(event: Any, cid: str, me: str) -> None:
    """Apply the picker's latest action once (a rerun shows the same value again); the confirmation above the
    picker says what was done, with Undo. Saving a label assigns the contract to me (the API does) if it is not
    mine yet."""
    if not isinstance(event, dict) or event.get("seq") == st.session_state.get("picker_seq"):
        return
    st.session_state["picker_seq"] = event.get("seq")
    if event.get("action") == "save":
        label = attempt(lambda: api().add_label(cid, annotator=me, category=event["category"],
                                                severity=event["severity"], start=int(event["start"]),
                                                end=int(event["end"]), explanation=None, origin=event["origin"]))
        if label is not None:
            remember(cid, label.id, f"Saved “{label.category}” on characters {label.start}–{label.end} "
                                    f"({ORIGIN_LABEL[label.origin].lower()})")
    elif event.get("action") == "reject" and event.get("suggestion"):
        done = attempt(lambda: api().review(str(event["suggestion"]), "reject", reviewer=me,
                                            comment="rejected while annotating"))
        if done is not None:
            remember(cid, done.review.label_id if done.review else None,
                     f"Rejected the suggestion “{done.category}”")


def _open_suggestions(findings: list[FindingPublic], mine: list[Label]) -> list[FindingPublic]:
    """The model's findings still to decide: not rejected, and not already labelled by me (a label of the
    same category over it, kept or edited)."""
    return [f for f in findings if not (f.review and f.review.status == "rejected")
            and not any(x.category == f.category and x.start < f.end and f.start < x.end for x in mine)]


def _status(cid: str, current: str | None, me: str) -> None:
    """My status on the contract (assigning it to me on first choice), and assigning it to someone else: a row
    below the contract's name, each as wide as its words. In fixed columns beside the name the button was squeezed
    at 1280 px, and its old label "Assign…" read as cut there even where it was whole."""
    key, shown = f"status-{cid}", f"status-shown-{cid}"
    if key not in st.session_state or st.session_state.get(shown) != current:
        st.session_state[key] = current  # the API's, also when it changed since (my label assigned it to me)
    st.session_state[shown] = current
    with st.container(horizontal=True, vertical_alignment="bottom"):
        chosen = st.segmented_control("My status", list(STATUS_LABEL), format_func=STATUS_LABEL.__getitem__, key=key)
        if chosen and chosen != current and attempt(lambda: api().assign(cid, me, chosen)):
            st.rerun()
        assign = st.popover(ASSIGN)
    with assign:
        who = st.text_input("Annotator", key=f"assign-{cid}")
        if st.button("Assign", key=f"assign-go-{cid}") and who.strip():
            assigned = attempt(lambda: api().assign(cid, who.strip()))
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
