"""Key terms as people read them, free of Streamlit so that tests check them directly: a term's value
in words ("P90D" -> "90 days"), the rows of the Review panel and of the Portfolio table, the Excel
export and the deadlines of the timeline. Dates come from contracts.deadlines, as the API's calendar."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from contracts.clock import utcnow
from contracts.deadlines import DEADLINE_TITLES, deadlines, last_day, parse_iso
from contracts.key_terms import TERM_LABELS, TO_CHECK, DateTerm, KeyTerms, Party
from contracts.terms.durations import period_words
from contracts.wire import PortfolioItem

SEVERITY_COLUMNS = {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"}
# as a lawyer scans a portfolio: which deal and with whom, its next deadlines, then its risks; the table
# and its Excel export in this order, so that the parties stay in view on a laptop's screen
PORTFOLIO_COLUMNS = ["Contract", "Review", "Parties", "Notice deadline", "Expires", *SEVERITY_COLUMNS.values(),
                     "Governing law", "Effective", "Renewal"]
# A lawyer scanning the portfolio sees what has lapsed and what is due: a date before today "passed", one in the
# next DUE_SOON_DAYS "due soon", written after the date (the table and the Excel file say the same words, and the
# text still sorts by the date it starts with); DATE_COLOURS: the text and fill each state is drawn in
PASSED, DUE_SOON, DUE_SOON_DAYS = "passed", "due soon", 30
NBSP = "\u00a0"  # a space the Portfolio grid never breaks a line at
DATED_COLUMNS = ("Notice deadline", "Expires")
DATE_COLOURS = {PASSED: ("#4b5563", "#e5e7eb"), DUE_SOON: ("#7c2d12", "#fde68a")}
# The table has one row height for all its rows: one contract with a dozen parties made every row that tall. Its
# Parties cell names at most PARTIES_SHOWN parties; past that the first ones and how many more ("+9 more", never
# "+1 more", which would hide a name the cell has room for); the review and the Excel file name them all.
PARTIES_SHOWN = 4


@dataclass(frozen=True)
class TermRow:
    key: str  # unique within the contract: the field, or parties-N
    label: str
    value: str
    start: int
    end: int
    page: int
    lawyer: bool


def party_words(party: Party) -> str:
    """A party as the key terms show it: its name, the short name the contract defines, and "to check" where it is
    `unsure` (found outside the preamble by a model that is right half the time)."""
    words = f"{party.name} ({party.short_name})" if party.short_name else party.name
    return words + (f" · {TO_CHECK}" if party.unsure else "")


def term_rows(terms: KeyTerms) -> list[TermRow]:
    """Each stated term with its value in words and where the contract says it, in reading order of fields."""
    rows = [TermRow(f"parties-{i}", "Party", party_words(p), p.start, p.end, p.page, p.source == "lawyer")
            for i, p in enumerate(terms.parties)]
    for field in ("document_name", "agreement_date", "effective_date", "expiration_date", "renewal_term",
                  "notice_period_to_terminate_renewal", "governing_law"):
        term = getattr(terms, field)
        if term is None:
            continue
        rule = getattr(term, "rule", None)
        # an end counted from an event the contract does not date ("ten years from the First Commercial Sale");
        # no words at all: a lawyer's null given without a span ("the contract does not state it")
        value = term.value or (f"no date: {rule}" if rule else f"unreadable: “{term.quote}”" if term.quote
                               else "not stated")
        if field == "renewal_term" and term.value:
            value = period_words(term.value) + (", automatic" if term.automatic else "")
        elif field == "notice_period_to_terminate_renewal" and term.value:
            value = period_words(term.value) + (f" · by {term.deadline}" if term.deadline else "")
        elif field == "expiration_date" and term.value and rule:
            # how the end was reached: "5 years after the effective date", "at the earliest: ...", "no fixed end: ..."
            value = rule if term.value == "perpetual" else f"{term.value} ({rule})"
        elif field == "governing_law" and term.value and term.country:
            value = f"{term.value} ({term.country})"
        rows.append(TermRow(field, TERM_LABELS[field], value, term.start, term.end, term.page, term.source == "lawyer"))
    return rows


def review_link(contract_id: str) -> str:
    """A contract's link, relative to the app: its review. Links already in calendars and messages use this
    address, so it stays (ui/app.py gives Review its own page there)."""
    return f"/review?contract={contract_id}"


def portfolio_rows(items: list[PortfolioItem], today: date | None = None) -> list[dict[str, Any]]:
    """The Portfolio table: one row a contract, dates as ISO text (sortable) marked passed or due soon on `today`
    (the one clock's, unless a caller fixes it), a link to its review."""
    today = today or utcnow().date()
    rows = []
    for item in items:
        t = item.terms or KeyTerms()
        notice = t.notice_period_to_terminate_renewal
        rows.append({
            "Contract": item.name,
            "Parties": "; ".join(party_names(t)),
            "Governing law": t.governing_law.value if t.governing_law and t.governing_law.value else "",
            "Effective": t.effective_date.value if t.effective_date and t.effective_date.value else "",
            "Expires": dated(_expires(t.expiration_date), today),
            "Renewal": (period_words(t.renewal_term.value) + (", auto" if t.renewal_term.automatic else ""))
            if t.renewal_term and t.renewal_term.value else "",
            "Notice deadline": dated(notice.deadline if notice and notice.deadline else "", today),
            **{label: getattr(item.risks, severity) for severity, label in SEVERITY_COLUMNS.items()},
            "Review": review_link(item.id),
        })
    return rows


def party_names(terms: KeyTerms | None) -> list[str]:
    """Each party as the portfolio names it: its name, and "(to check)" where a model found it outside the
    preamble; none where the contract's terms are not read yet."""
    return [p.name + (f" ({TO_CHECK})" if p.unsure else "") for p in (terms.parties if terms else [])]


def parties_cell(names: list[str]) -> str:
    """The Portfolio table's Parties cell: every name up to PARTIES_SHOWN; past that the first PARTIES_SHOWN - 1
    and "+K more", its words kept on one line (a no-break space: the grid wraps text only at a plain one), so that
    the cell says how many it leaves out rather than a short row cutting them off unsaid."""
    if len(names) <= PARTIES_SHOWN:
        return "; ".join(names)
    kept = PARTIES_SHOWN - 1
    return "; ".join([*names[:kept], f"+{len(names) - kept}{NBSP}more"])


def dated(value: str, today: date) -> str:
    """A date as the portfolio shows it: "2001-12-31 · passed" once the last day it can mean is behind `today`,
    "2026-12-20 · due soon" where its first day is at most DUE_SOON_DAYS away (a year alone, "2027", may mean its
    first day: a lawyer is warned early rather than late); any other text ("perpetual", "no date") as it is."""
    parts, last = parse_iso(value), last_day(value)
    if parts is None or last is None:
        return value
    if last < today:
        return f"{value} · {PASSED}"
    first = date(parts[0], parts[1] or 1, parts[2] or 1)
    return f"{value} · {DUE_SOON}" if first <= today + timedelta(days=DUE_SOON_DAYS) else value


def date_state(text: Any) -> str | None:
    """PASSED or DUE_SOON where a cell of the portfolio says so (`dated`), else None: how the table and the Excel
    file pick a cell's colours from the words they show."""
    return next((s for s in (PASSED, DUE_SOON) if isinstance(text, str) and text.endswith(f" · {s}")), None)


def _expires(term: DateTerm | None) -> str:
    """The portfolio's expiry: the date, "perpetual", "until an event" where the term lasts as long as something
    else does, "no date" where it counts from an event the contract does not date (the review says which), blank
    where the contract states no end."""
    if term is None:
        return ""
    if term.value == "perpetual" and term.rule:
        return "until an event"
    return term.value or ("no date" if term.rule else "")


def portfolio_xlsx(rows: list[dict[str, Any]], app_url: str | None) -> bytes:
    """The table as an Excel workbook; a cell a spreadsheet would run as a formula is written as text, a passed or
    due date is filled as the table colours it. Each
    review's link is made absolute on `app_url`, the app's address as the browser reached it, and is a
    hyperlink: Excel opens no link relative to the app (without the address, the link stays as the table has it)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Portfolio"
    columns = PORTFOLIO_COLUMNS
    sheet.append(columns)
    link_column = columns.index("Review") + 1
    for row in rows:
        sheet.append([_cell(row[c]) for c in columns])
        for column in DATED_COLUMNS:  # a passed or due date in the table's colours
            if (state := date_state(row[column])) is not None:
                text, fill = (c.lstrip("#") for c in DATE_COLOURS[state])
                cell = sheet.cell(row=sheet.max_row, column=columns.index(column) + 1)
                cell.font, cell.fill = Font(color=text), PatternFill("solid", fgColor=fill)
        if app_url:
            cell = sheet.cell(row=sheet.max_row, column=link_column)
            cell.value = cell.hyperlink = app_url.rstrip("/") + row["Review"]
            cell.style = "Hyperlink"
    for i, values in enumerate(sheet.iter_cols(values_only=True), 1):
        width = max(len(str(v if v is not None else "")) for v in values)
        sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def timeline_rows(items: list[PortfolioItem], today: date, days: int = 365) -> list[dict[str, Any]]:
    """Every dated deadline from today to a year on: contract, what is due, the day, days left."""
    end = today + timedelta(days=days)
    rows = []
    for item in items:
        for d in deadlines(item.terms or KeyTerms()):
            if today <= d.day <= end:
                rows.append({"Contract": item.name, "Deadline": DEADLINE_TITLES[d.kind], "Date": d.day.isoformat(),
                             "Days left": (d.day - today).days, "Review": review_link(item.id)})
    return sorted(rows, key=lambda r: (r["Date"], r["Contract"]))
