"""Portfolio: every contract of the firm with its key terms and risks by severity, filtered by the API
(GET /v1/portfolio: party, governing law, expiring before) and sorted here; exported to Excel; a click on a
row opens its review. Above the table, the deadlines of the next 12 months on a timeline. Dates are marked passed or
due soon on today as the one clock (contracts.clock) tells it."""

from __future__ import annotations

import math
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from contracts.clock import utcnow
from contracts.key_terms import TO_CHECK
from contracts.wire import PortfolioItem
from ui.state import api, attempt
from ui.terms_view import (
    DATE_COLOURS,
    DATED_COLUMNS,
    DUE_SOON,
    DUE_SOON_DAYS,
    NBSP,
    PARTIES_SHOWN,
    PASSED,
    PORTFOLIO_COLUMNS,
    SEVERITY_COLUMNS,
    date_state,
    parties_cell,
    party_names,
    portfolio_rows,
    portfolio_xlsx,
    timeline_rows,
)

SORTS = {"Newest first": None, "Notice deadline, soonest first": "Notice deadline", "Expiry, soonest first": "Expires",
         "Most high risks": "High", "Contract name": "Contract"}
DESCENDING = {"High"}
TABLE = "portfolio_table"
OPEN = "portfolio_open"  # the contract a click on the table asked to open
# A lawyer reads which contract a row is and who its parties are: those two columns wrap their text instead of
# cutting it short (a text column shows a line break as a space, so the parties stay apart by "; "). The grid has one
# row height for all its rows, so a contract's name takes the lines the row's other cells take, NAME_LINES at least
# (as many as a row as short as a marked date's holds): a longer one, as lawyers name their files ("SUPPLY
# AGREEMENT - Acme Holdings Inc and Beta Manufacturing GmbH - executed version 3 (final) signed.pdf"), is shortened
# in its middle, its start (the kind of deal, the parties) and its end (the version, the extension) kept; it made
# every row four lines tall. Its review and the Excel file name it whole. The columns up
# to the high risks fit the 820 px that a 1280 px window leaves beside the sidebar; wider windows stretch every
# column but the pinned contract's, which stays in view while the table scrolls to the columns past them
# (governing law, effective, renewal). A date passed or due soon says so after it, the mark ("· due soon") kept
# whole: on the date's line where the column is wide enough, else on the next one, under the date.
CONTRACT_PX, PARTIES_PX, NOTICE_PX, EXPIRES_PX = 210, 260, 110, 100
DATE_HELP = f"{PASSED}: before today; {DUE_SOON}: in the next {DUE_SOON_DAYS} days"
COLUMN_WIDTHS = {
    "Contract": st.column_config.TextColumn(width=CONTRACT_PX, pinned=True,
                                            help="The contract's file name as uploaded, a long one shortened in its "
                                            "middle (…): its review and the Excel file name it whole; click a row to "
                                            "open its review"),
    "Review": st.column_config.LinkColumn("Review", display_text="Open", width=60),
    "Parties": st.column_config.TextColumn(width=PARTIES_PX, help=f"({TO_CHECK}): a name found outside the preamble "
                                           f"by a model; confirm it in the review. Past {PARTIES_SHOWN} parties, the "
                                           "first ones and how many more: the review and the Excel file name all"),
    "Notice deadline": st.column_config.TextColumn(width=NOTICE_PX, help=f"The last day to give notice that stops a "
                                                   f"renewal; {DATE_HELP}"),
    "Expires": st.column_config.TextColumn(width=EXPIRES_PX, help=DATE_HELP),
    **{c: st.column_config.NumberColumn(width=60) for c in SEVERITY_COLUMNS.values()},
}
# the columns whose text takes lines as it needs
WRAPPED = {"Contract": CONTRACT_PX, "Parties": PARTIES_PX, "Notice deadline": NOTICE_PX, "Expires": EXPIRES_PX}
# glide-data-grid, the table's canvas, as Streamlit configures it: text wraps only in rows taller than 4rem (64 px);
# the first line takes the 13 px the font measures, each next one 1.4 times that; a cell keeps 8 px left and right of
# its text, 3 px above and below
WRAPS_ABOVE_PX, FONT_PX, LINE_PX, CELL_PADDING_PX, TEXT_PADDING_PX = 64, 13, 18.2, 8, 3
# NAME_LINES: the lines a 65 px row holds, the least height the grid wraps text in (a marked date's row); the spaces
# about "…": the grid may break the line there rather than in a word
NAME_LINES, ELLIPSIS = 3, " … "
WORD_SNAP = 12  # a shortened name is cut at a space this many characters from the cut at most
CUT_AT = " -–_,;"  # what a cut name drops next to its ellipsis: "Inc and … executed", not "Inc and - … - executed"
LABEL_PX = 260  # the timeline's contract names: Streamlit's theme cut them at about 100 px ("Master Services A…")


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
    today = utcnow().date()
    _timeline(everything, today)
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
    rows = portfolio_rows(items, today)
    frame = pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)
    if (column := SORTS[sort]) is not None:
        frame = _sorted(frame, column)
    # the table names a few parties a contract (the Excel file, from `frame`, all of them)
    shown = frame.assign(Parties=[parties_cell(party_names(items[label].terms)) for label in frame.index])
    row_px = _row_height(shown)
    rows_px = (row_px or 35) * max(1, len(frame))  # 35 px: Streamlit's one-line row
    st.markdown(f"**{len(frame)} of {len(everything)} contracts** · click a row to open its review")
    ids = [items[label].id for label in frame.index]  # the table's rows in the order shown
    # one table widget per order of its rows: a click on a table whose rows were re-sorted in place did nothing
    # the first time (the second opened the row)
    table = f"{TABLE}-{sort}"
    # the header and every row, up to 560 px (three rows at least, however tall): the table scrolls past them
    st.dataframe(_styled(shown), hide_index=True, key=table, row_height=row_px,
                 height=38 + min(rows_px, max(522, 3 * (row_px or 35))),
                 column_config=COLUMN_WIDTHS, on_select=lambda: _open(table, ids), selection_mode="single-cell")
    if (contract := st.session_state.pop(OPEN, None)) is not None:
        st.switch_page("pages/review.py", query_params={"contract": contract})
    st.download_button("Export to Excel", portfolio_xlsx(frame.to_dict("records"), _app_url()),
                       file_name="portfolio.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")


def _styled(frame: pd.DataFrame) -> Styler:
    """The table with its passed and due-soon dates in their colours (st.dataframe draws a Styler's text colour
    and fill) and their marks unbroken (`_unbroken`), and its long names shortened (`_short_name`): the text the
    grid draws. The cells keep their text, so the grid still sorts a date column by its dates and the contracts by
    their whole names."""
    def colours(text: object) -> str:
        state = date_state(text)
        return "" if state is None else "color: {}; background-color: {}".format(*DATE_COLOURS[state])
    lines = _name_lines(frame)
    return (frame.style.map(colours, subset=list(DATED_COLUMNS)).format(_unbroken, subset=list(DATED_COLUMNS))
            .format(lambda name: _short_name(str(name), lines), subset=["Contract"]))


def _unbroken(text: object) -> str:
    """A date cell as the grid draws it: the words of its mark ("· due soon") joined by no-break spaces, as the
    grid wraps lines only at a plain space; it broke "due" from "soon" in a column a little too narrow for the
    date and its mark on one line."""
    state = date_state(text)
    if state is None:
        return str(text)
    return str(text).removesuffix(f" · {state}") + " " + f"· {state}".replace(" ", NBSP)


def _row_height(frame: pd.DataFrame) -> int | None:
    """Rows tall enough for the most lines a contract's name as shown (`_short_name`), parties or marked dates
    take in their columns, or None (Streamlit's one-line rows) where every one fits on a line. The grid draws every
    row as tall and, in a row too short, cuts off the lines that do not fit: no line is left out, as the Parties
    cell names a few parties at most (`parties_cell`). The browser's text is measured nowhere Python can see, so
    the lines are counted on generous widths of the characters (`_text_px`)."""
    name_lines = _name_lines(frame)
    lines = max([_cell_lines(column, text) for column in WRAPPED if column != "Contract" for text in frame[column]]
                + [_cell_lines("Contract", _short_name(str(name), name_lines)) for name in frame["Contract"]],
                default=1)
    if lines <= 1:
        return None
    text_px = FONT_PX + LINE_PX * (lines - 1) + 2 * TEXT_PADDING_PX
    return max(WRAPS_ABOVE_PX + 1, math.ceil(text_px) + 4)


def _cell_lines(column: str, text: object) -> int:
    """How many lines a cell of a WRAPPED column takes as the grid draws it (a marked date `_unbroken`)."""
    return _lines(_unbroken(text) if column in DATED_COLUMNS else str(text), WRAPPED[column] - 2 * CELL_PADDING_PX)


def _name_lines(frame: pd.DataFrame) -> int:
    """How many lines a contract's name may take: as many as the other wrapped cells of the table take at most
    (its rows are that tall anyway), NAME_LINES at least."""
    return max([NAME_LINES] + [_cell_lines(column, text) for column in WRAPPED if column != "Contract"
                               for text in frame[column]])


def _short_name(name: str, lines: int) -> str:
    """`name` as the Contract column shows it in `lines` lines: whole where it fits, else its start and its end
    about an ellipsis, as much of both as fits, cut at a space where one is near (a word kept whole reads better
    than more letters). The grid would cut a longer name at the row's foot, its end (the version, the extension)
    first."""
    width = CONTRACT_PX - 2 * CELL_PADDING_PX
    if _lines(name, width) <= lines:
        return name
    # no name of more characters than the narrowest ones would take fits: the search starts there
    for kept in range(min(len(name) - 1, int(lines * width / _text_px("."))), 0, -1):
        head, tail = name[:kept - kept // 2], name[len(name) - kept // 2:]
        space, start = head.rfind(" "), tail.find(" ")
        head = head[:space] if space >= len(head) - WORD_SNAP else head
        tail = tail[start + 1:] if 0 <= start < WORD_SNAP else tail
        short = head.rstrip(CUT_AT) + ELLIPSIS + tail.lstrip(CUT_AT)
        if _lines(short, width) <= lines:
            return short
    return ELLIPSIS.strip()


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in `width` px as the grid wraps it: at a plain space (never at a no-break
    one), and inside a word wider than the column."""
    lines, used, space = 1, 0.0, _text_px(" ")
    for word in filter(None, text.split(" ")):
        px = _text_px(word)
        if used and used + space + px > width:
            lines, used = lines + 1, 0.0
        elif used:
            used += space
        used += px
        while used > width:
            lines, used = lines + 1, used - width
    return lines


def _text_px(text: str) -> float:
    """`text`'s width in the grid's 14 px sans-serif font, a few per cent more than Chromium draws it (a line
    too many leaves a row a little taller; one too few cuts a name)."""
    narrow, wide = f" {NBSP}.,;:'()!|-_/ilj", "mwMW…"
    return sum(10.6 if c in wide else 3.6 if c in narrow else 8.6 if c.isupper() else 7.3 if c.isdigit() else 6.6
               for c in text)


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


def _timeline(items: list[PortfolioItem], today: date) -> None:
    due = timeline_rows(items, today)
    st.subheader("Deadlines in the next 12 months")
    if not due:
        st.caption("No expiration or notice deadline falls in the next 12 months.")
        return
    data = pd.DataFrame(due)
    chart = (alt.Chart(data).mark_point(filled=True, size=160)
             .encode(x=alt.X("Date:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month"),
                             scale=alt.Scale(domain=[today.isoformat(), (today + timedelta(days=365)).isoformat()])),
                     # a contract's name up to a third of a 1280 px window's chart (the rest on hover)
                     y=alt.Y("Contract:N", title=None, sort=alt.EncodingSortField("Date", op="min"),
                             axis=alt.Axis(labelLimit=LABEL_PX)),
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
