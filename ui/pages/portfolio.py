"""Portfolio: every contract of the firm with its key terms and risks by severity, filtered by the API
(GET /v1/portfolio: party, governing law, expiring before) and sorted here; exported to Excel; a click on a
row opens its review. Above the table, the deadlines of the next 12 months on a timeline."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from contracts.key_terms import TO_CHECK
from contracts.wire import PortfolioItem
from ui.state import api, attempt
from ui.terms_view import PORTFOLIO_COLUMNS, SEVERITY_COLUMNS, portfolio_rows, portfolio_xlsx, timeline_rows

SORTS = {"Newest first": None, "Notice deadline, soonest first": "Notice deadline", "Expiry, soonest first": "Expires",
         "Most high risks": "High", "Contract name": "Contract"}
DESCENDING = {"High"}
TABLE = "portfolio_table"
OPEN = "portfolio_open"  # the contract a click on the table asked to open
# the columns up to the high risks fit the 820 px that a 1280 px window leaves beside the sidebar; two parties'
# names ("Northwind Analytics, Inc.; Harbor Freight Logistics LLC") take 315 px; wider windows stretch them. The
# contract's name stays in view while the table scrolls to the columns past them (governing law, effective, renewal)
COLUMN_WIDTHS = {
    "Contract": st.column_config.TextColumn(width=150, pinned=True),
    "Review": st.column_config.LinkColumn("Review", display_text="Open", width=70),
    "Parties": st.column_config.TextColumn(width=330, help=f"({TO_CHECK}): a name found outside the preamble by a "
                                           "model; confirm it in the review"),
    "Notice deadline": st.column_config.TextColumn(width=110),
    "Expires": st.column_config.TextColumn(width=90),
    **{c: st.column_config.NumberColumn(width=60) for c in SEVERITY_COLUMNS.values()},
}


def page() -> None:
    st.title("Portfolio")
    if "contract" in st.query_params:  # a review's query, kept by Back or the sidebar: the Portfolio's address has none
        del st.query_params["contract"]
    everything = attempt(lambda: api().portfolio())
    if everything is None:
        return
    if not everything:
        st.info("No contract yet: upload one on the Review page and its key terms appear here.")
        return
    _timeline(everything)
    laws = sorted({i.terms.governing_law.value for i in everything
                   if i.terms and i.terms.governing_law and i.terms.governing_law.value})
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    party = c1.text_input("Party", placeholder="any part of a name", key="portfolio_party")
    law = c2.selectbox("Governing law", laws, index=None, placeholder="Any", key="portfolio_law")
    before = c3.date_input("Expires before", value=None, key="portfolio_before",
                           min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
    sort = c4.selectbox("Sort", list(SORTS), key="portfolio_sort")
    filtered = bool(party.strip() or law or before)
    items = everything if not filtered else attempt(lambda: api().portfolio(
        party=party.strip() or None, governing_law=law, expires_before=before.isoformat() if before else None))
    if items is None:
        return
    rows = portfolio_rows(items)
    frame = pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)
    if (column := SORTS[sort]) is not None:
        frame = _sorted(frame, column)
    st.markdown(f"**{len(frame)} of {len(everything)} contracts** · click a row to open its review")
    ids = [items[label].id for label in frame.index]  # the table's rows in the order shown
    # one table widget per order of its rows: a click on a table whose rows were re-sorted in place did nothing
    # the first time (the second opened the row)
    table = f"{TABLE}-{sort}"
    st.dataframe(frame, hide_index=True, key=table, height=min(560, 38 + 35 * max(1, len(frame))),
                 column_config=COLUMN_WIDTHS, on_select=lambda: _open(table, ids), selection_mode="single-cell")
    if (contract := st.session_state.pop(OPEN, None)) is not None:
        st.switch_page("pages/review.py", query_params={"contract": contract})
    st.download_button("Export to Excel", portfolio_xlsx(frame.to_dict("records"), _app_url()),
                       file_name="portfolio.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")


def _app_url() -> str | None:
    """The app's address as this browser reached it (scheme, host, port and any path a proxy puts before the app):
    `st.context.url` is this page's address, which is the app's followed by "/portfolio"; None where the browser
    did not send it."""
    url = st.context.url
    return url.rstrip("/").rsplit("/", 1)[0] if url else None


def _open(table: str, ids: list[str]) -> None:
    """A click on a cell: its row's contract is opened once this run has drawn the page (a page cannot be
    switched from a callback); the selection is dropped, so the table does not reopen it on the way back."""
    cells = st.session_state[table].selection.cells
    if cells:
        st.session_state[OPEN] = ids[cells[0][0]]
        st.session_state[table] = {"selection": {"rows": [], "columns": [], "cells": []}}


def _sorted(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sorted on the column; blanks (a term the contract does not state) last either way."""
    blank = frame[column].astype(str) == ""
    return pd.concat([frame[~blank].sort_values(column, ascending=column not in DESCENDING, kind="stable"),
                      frame[blank]])


def _timeline(items: list[PortfolioItem]) -> None:
    today = date.today()
    due = timeline_rows(items, today)
    st.subheader("Deadlines in the next 12 months")
    if not due:
        st.caption("No expiration or notice deadline falls in the next 12 months.")
        return
    data = pd.DataFrame(due)
    chart = (alt.Chart(data).mark_point(filled=True, size=160)
             .encode(x=alt.X("Date:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month"),
                             scale=alt.Scale(domain=[today.isoformat(), (today + timedelta(days=365)).isoformat()])),
                     y=alt.Y("Contract:N", title=None, sort=alt.EncodingSortField("Date", op="min")),
                     color=alt.Color("Deadline:N", title=None, legend=alt.Legend(orient="top"),
                                     scale=alt.Scale(domain=["last day to give notice", "expires"],
                                                     range=["#b91c1c", "#1d4ed8"])),
                     shape=alt.Shape("Deadline:N", legend=None),
                     tooltip=["Contract", "Deadline", "Date", "Days left"],
                     href="Review:N")
             .properties(height=max(160, 48 * data["Contract"].nunique())))
    today_rule = alt.Chart(pd.DataFrame({"Date": [today.isoformat()]})).mark_rule(color="#6b7280").encode(x="Date:T")
    st.altair_chart(chart + today_rule, width="stretch")


if __name__ == "__main__":  # run by st.navigation as a page script
    page()
