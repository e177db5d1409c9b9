"""The Portfolio page and the Review page's key-terms panel, driven by Streamlit's AppTest against a real
API process whose analyzer reads key terms (tests/serving/terms_fakes.py), and the Portfolio page in
Chromium at 1280 and 1920 px (screenshots in out/screenshots/ for people to look at)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from contracts import clock
from contracts.settings import clear_settings
from lexrisk.commands.ui import streamlit_command
from tests.serving.test_terms_api import contract_text
from tests.ui.conftest import ROOT, LiveApi, free_port, lexrisk, read, wait_http
from tests.ui.test_app import signed_in, texts
from ui.terms_view import DATE_COLOURS, DUE_SOON, NBSP, PARTIES_SHOWN, PASSED, PORTFOLIO_COLUMNS, parties_cell

TODAY = clock.utcnow().date()  # the app's today: the one clock's


def _due(days_to_notice: int) -> str:
    """An expiry whose notice deadline (180 days before) is this many days from today."""
    return (TODAY + timedelta(days=days_to_notice + 180)).isoformat()


CONTRACTS = {  # name -> (expiry, governing law, customer)
    "supply.txt": (_due(20), "Delaware", "Harbor Freight Logistics LLC"),
    "licence.txt": (_due(200), "New York", "Acme Widgets LLC"),
    "lease.txt": ("perpetual", "New York", "Globe Storage LLC"),
    "archive.txt": ("2001-12-31", "Delaware", "Old Mill Supply LLC"),  # lapsed long ago: notice by 2001-07-04
}
# another firm's portfolio, as lawyers name their files, each contract with three or four parties (the one the
# sample names, its customer, and those each line of `extra` adds): what a lawyer must read in the table
THIRD_PARTIES = ('Meridian Capital Partners Holdings Ltd., a Cayman Islands exempted company ("Guarantor").\n'
                 'Blue Harbor Insurance Services of North America, Inc., a Texas corporation ("Insurer").')
# a joint venture's parties, more than the table's Parties cell names (PARTIES_SHOWN)
VENTURERS = "\n".join(f'{name}, a Delaware limited liability company ("{role}").' for name, role in (
    ("Cobalt Ridge Mining Ventures LLC", "Operator"), ("Eastgate Equipment Leasing LLC", "Lessor"),
    ("Pinecrest Environmental Services LLC", "Consultant"), ("Granite State Surety Company LLC", "Surety")))
LONG_CONTRACTS = {  # name -> (expiry, governing law, customer, extra parties)
    "Master Services Agreement - Northwind Analytics and Consolidated Intercontinental Freight Forwarding"
    " (2026 renewal, executed).txt": (_due(40), "Delaware", "Consolidated Intercontinental Freight Forwarding LLC",
                                      THIRD_PARTIES),
    "Data Processing Addendum to the Software Licence and Support Agreement - Acme Widgets (EMEA) - v3 final"
    ".txt": (_due(120), "New York", "Acme Widgets International Trading LLC", THIRD_PARTIES.split("\n")[0]),
    "Warehouse Lease.txt": ("perpetual", "New York", "Globe Storage and Distribution Centers of New Jersey LLC",
                            THIRD_PARTIES.split("\n")[1]),
    "Joint Venture Agreement.txt": (_due(300), "Delaware", "Summit Minerals Joint Venture LLC", VENTURERS),
}
LONG = "initech"  # the tenant whose portfolio LONG_CONTRACTS is
# a portfolio of contracts with two parties of short names, one of them filed under a name as long as lawyers give
# their files (a .pdf is a PDF, which the fake analyzer does not read: the same name ending in .txt)
FILED_NAME = ("SUPPLY AGREEMENT - Acme Holdings Inc and Beta Manufacturing GmbH - executed version 3 (final) signed"
              ".txt")
FILED_CONTRACTS = {
    FILED_NAME: (_due(20), "Delaware", "Beta Manufacturing GmbH"),
    "nda.txt": (_due(200), "New York", "Acme LLC"),
    "Lease 2024.txt": ("perpetual", "New York", "Globe Storage LLC"),
    "MSA.txt": ("2001-12-31", "Delaware", "Old Mill LLC"),
}
FILED = "hooli"  # the tenant whose portfolio FILED_CONTRACTS is


@pytest.fixture(scope="module")
def terms_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, dict[str, str]]]:
    """`lexrisk serve` with the terms-reading analyzer, and the ids of three analyzed contracts."""
    folder = tmp_path_factory.mktemp("terms-api")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEXRISK_DATABASE_URL": f"sqlite:///{folder / 'lexrisk.db'}",
           "LEXRISK_ANALYZER": "terms",
           "LEXRISK_ANALYZER_PLUGINS": json.dumps({"terms": "tests.serving.terms_fakes:factory"}),
           "LEXRISK_RATE_LIMIT_PER_MINUTE": "10000"}
    env.pop("LEXRISK_REDIS_URL", None)
    keys = {name: lexrisk("keys", "create", "--tenant", name, env=env) for name in ("acme", "globex", LONG, FILED)}
    log = (folder / "api.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "serve", "--port", str(port),
                                "--log-level", "warning"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz", process=process)
        ids = {}
        uploads = [("acme", name, contract_text(*terms)) for name, terms in CONTRACTS.items()]
        uploads += [(LONG, name, contract_text(*terms)) for name, terms in LONG_CONTRACTS.items()]
        uploads += [(FILED, name, contract_text(*terms)) for name, terms in FILED_CONTRACTS.items()]
        for tenant, name, text in uploads:
            headers = {"Authorization": f"Bearer {keys[tenant]}"}
            r = httpx.post(f"{url}/v1/contracts", headers=headers, files={"file": (name, text)}).json()
            ids[name] = r["contract_id"]
            deadline = time.monotonic() + 60
            while httpx.get(f"{url}/v1/jobs/{r['job_id']}", headers=headers).json()["status"] != "done":
                assert time.monotonic() < deadline
                time.sleep(0.2)
        yield LiveApi(url, keys, env), ids
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def live(terms_api: tuple[LiveApi, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    live_api, ids = terms_api
    monkeypatch.setenv("LEXRISK_API_URL", live_api.url)
    clear_settings()
    yield live_api.keys | {"ids": ids}  # type: ignore[operator]
    clear_settings()


def portfolio_page(key: str) -> AppTest:
    at = signed_in(key)
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception, at.exception
    return at


def test_portfolio_lists_filters_sorts_and_exports(live: dict) -> None:
    at = portfolio_page(live["acme"])
    assert at.title[0].value == "Portfolio"
    table = at.dataframe[0].value
    assert sorted(table["Contract"]) == sorted(CONTRACTS)
    supply = table[table["Contract"] == "supply.txt"].iloc[0]
    assert supply["Governing law"] == "Delaware" and supply["Expires"] == CONTRACTS["supply.txt"][0]
    assert supply["Notice deadline"] == f"{(TODAY + timedelta(days=20)).isoformat()} · {DUE_SOON}"
    archive = table[table["Contract"] == "archive.txt"].iloc[0]
    assert (archive["Notice deadline"], archive["Expires"]) == (f"2001-07-04 · {PASSED}", f"2001-12-31 · {PASSED}")
    # the marked dates in their colours (a Styler's CSS, which st.dataframe draws)
    styles = at.dataframe[0].proto.arrow_data.styler.styles
    assert all(colour in styles for pair in DATE_COLOURS.values() for colour in pair), styles
    # as the grid draws them (the Styler's display values), the marks hold no space the grid breaks a line at
    drawn = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.styler.display_values).read_all().to_pandas()
    marked = [text for column in ("Notice deadline", "Expires") for text in drawn[column] if "·" in text]
    assert sorted(text.split(" ", 1)[1] for text in marked) == sorted(
        f"· {mark}".replace(" ", NBSP) for mark in (PASSED, PASSED, DUE_SOON)), marked
    assert supply["Parties"] == "Northwind Analytics, Inc.; Harbor Freight Logistics LLC"
    assert supply["Renewal"] == "1 year, auto" and supply["Effective"] == "2026-03-01"
    assert supply["Review"] == f"/review?contract={live['ids']['supply.txt']}"
    findings = httpx.get(f"{os.environ['LEXRISK_API_URL']}/v1/contracts/{live['ids']['supply.txt']}/findings",
                         headers={"Authorization": f"Bearer {live['acme']}"}).json()["data"]
    assert int(supply["High"]) == sum(f["severity"] == "high" for f in findings)
    # the filters go to the API
    at.selectbox(key="portfolio_law").set_value("New York").run()
    assert sorted(at.dataframe[0].value["Contract"]) == ["lease.txt", "licence.txt"]
    at.text_input(key="portfolio_party").input("acme").run()
    assert list(at.dataframe[0].value["Contract"]) == ["licence.txt"]
    at.text_input(key="portfolio_party").input("").run()
    at.selectbox(key="portfolio_law").set_value(None).run()
    at.date_input(key="portfolio_before").set_value(TODAY + timedelta(days=300)).run()
    assert sorted(at.dataframe[0].value["Contract"]) == ["archive.txt", "supply.txt"]
    at.date_input(key="portfolio_before").set_value(None).run()
    # sorted by the dates the marked cells start with: soonest first (the passed one), the contract without one last
    at.selectbox(key="portfolio_sort").set_value("Notice deadline, soonest first").run()
    assert list(at.dataframe[0].value["Contract"]) == ["archive.txt", "supply.txt", "licence.txt", "lease.txt"]
    at.selectbox(key="portfolio_sort").set_value("Expiry, soonest first").run()
    assert list(at.dataframe[0].value["Contract"]) == ["archive.txt", "supply.txt", "licence.txt", "lease.txt"]
    # Excel: offered beside the table (its content: test_excel_export_is_the_table)
    assert at.get("download_button")[0].proto.label == "Export to Excel"
    assert not at.exception


def test_excel_export_is_the_table() -> None:
    from contracts.wire import PortfolioItem
    from tests.serving.terms_fakes import read_terms
    from ui.terms_view import portfolio_rows, portfolio_xlsx

    item = PortfolioItem(id="a" * 32, name="=HYPERLINK(evil)", created_at="2026-01-01T00:00:00Z",
                         terms=read_terms(contract_text("2027-06-30").decode()), risks={"high": 2, "low": 1})
    rows = portfolio_rows([item])
    sheet = load_workbook(io.BytesIO(portfolio_xlsx(rows, "https://lexrisk.firm.example/apps/lexrisk")))["Portfolio"]
    values = list(sheet.values)
    assert list(values[0]) == PORTFOLIO_COLUMNS
    assert values[1][0] == "'=HYPERLINK(evil)"  # a formula is written as text
    link = PORTFOLIO_COLUMNS.index("Review")
    assert values[1][1:link] + values[1][link + 1:] == tuple(rows[0][c] for c in PORTFOLIO_COLUMNS[1:]
                                                              if c != "Review")
    # the review's link opens from Excel: absolute, on the app's address (its path too), and a hyperlink
    cell = sheet.cell(row=2, column=link + 1)
    assert cell.value == cell.hyperlink.target == f"https://lexrisk.firm.example/apps/lexrisk/review?contract={'a' * 32}"
    # without the app's address the link stays as the table has it, not a hyperlink that opens nothing
    bare = load_workbook(io.BytesIO(portfolio_xlsx(rows, None)))["Portfolio"].cell(row=2, column=link + 1)
    assert bare.value == rows[0]["Review"] and bare.hyperlink is None


def test_passed_and_due_dates_are_marked_in_the_rows_and_the_excel_file() -> None:
    """On a fixed today: a date before it reads "passed", one up to 30 days on "due soon" (today and the 30th day
    included), a later one and a text that is no date as they are; the Excel file says the same words and fills
    those cells in the table's colours; sorted on a date column, the rows keep the order of their dates."""
    import pandas as pd

    from contracts.wire import PortfolioItem
    from tests.serving.terms_fakes import read_terms
    from ui.pages.portfolio import _sorted
    from ui.terms_view import portfolio_rows, portfolio_xlsx

    today = date(2026, 6, 1)

    def item(name: str, expires: str) -> PortfolioItem:  # notice by 180 days before its expiry
        return PortfolioItem(id=name * 32, name=name, created_at="2026-01-01T00:00:00Z",
                             terms=read_terms(contract_text(expires).decode()), risks={})

    items = [item("a", "2001-12-31"), item("b", "2026-12-28"), item("c", "2026-06-01"), item("d", "2027-01-01"),
             item("e", "perpetual"), item("f", "2026-07-01"), item("g", "2026-07-02")]
    rows = portfolio_rows(items, today)
    shown = {r["Contract"]: (r["Notice deadline"], r["Expires"]) for r in rows}
    assert shown == {"a": ("2001-07-04 · passed", "2001-12-31 · passed"),
                     "b": ("2026-07-01 · due soon", "2026-12-28"),  # notice on the 30th day
                     "c": ("2025-12-03 · passed", "2026-06-01 · due soon"),  # expires today
                     "d": ("2026-07-05", "2027-01-01"),  # notice on the 34th day
                     "e": ("", "perpetual"),
                     "f": ("2026-01-02 · passed", "2026-07-01 · due soon"),  # the 30th day
                     "g": ("2026-01-03 · passed", "2026-07-02")}  # the 31st
    frame = pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)
    for column in ("Notice deadline", "Expires"):  # the blank notice and "perpetual" last
        assert list(_sorted(frame, column)["Contract"]) == ["a", "c", "f", "g", "b", "d", "e"], column
    sheet = load_workbook(io.BytesIO(portfolio_xlsx(rows, None)))["Portfolio"]
    fills = {PASSED: DATE_COLOURS[PASSED][1].lstrip("#"), DUE_SOON: DATE_COLOURS[DUE_SOON][1].lstrip("#")}
    for line in sheet.iter_rows(min_row=2):
        row = next(r for r in rows if r["Contract"] == line[0].value)
        for column in ("Notice deadline", "Expires"):
            cell = line[PORTFOLIO_COLUMNS.index(column)]
            state = next((s for s in fills if row[column].endswith(f" · {s}")), None)
            assert cell.value == (row[column] or None), (row["Contract"], column)  # the table's words
            filled = cell.fill.fgColor.rgb[-6:].lower() if cell.fill.fill_type == "solid" else None
            assert filled == (fills[state] if state else None), (row["Contract"], column, filled)


def test_the_page_marks_dates_on_the_one_clocks_today(live: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's today is contracts.clock's: on a clock 25 days on, supply.txt's notice deadline (20 days from
    the real today) has passed and is off the timeline, and its expiry is still not due."""
    later = clock.utcnow() + timedelta(days=25)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    at = portfolio_page(live["acme"])
    table = at.dataframe[0].value
    supply = table[table["Contract"] == "supply.txt"].iloc[0]
    assert supply["Notice deadline"] == f"{(TODAY + timedelta(days=20)).isoformat()} · {PASSED}"
    assert supply["Expires"] == CONTRACTS["supply.txt"][0]
    chart = at.get("vega_lite_chart")[0].proto
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.datasets]
    shown = {(r["Contract"], r["Deadline"]) for rows in frames for r in rows if "Contract" in r}
    assert ("supply.txt", "last day to give notice") not in shown and ("supply.txt", "expires") in shown


def _downloads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of each file the page offers for download (a download button's data), in order."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    files: list[bytes] = []
    add = MediaFileManager.add

    def recorded(self: MediaFileManager, data: bytes | str, *args: Any, **kwargs: Any) -> str:
        files.append(data if isinstance(data, bytes) else b"")
        return add(self, data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", recorded)
    return files


def test_excel_export_links_to_the_address_the_app_is_served_at(live: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Portfolio page's Excel file links each review at the address the browser reached the app by
    (`st.context.url`), while the table's own link stays relative to the app."""
    files = _downloads(monkeypatch)
    at = signed_in(live["acme"])
    at.context = {"url": "https://contracts.smith.example/lexrisk/portfolio"}
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    supply = live["ids"]["supply.txt"]
    assert table[table["Contract"] == "supply.txt"].iloc[0]["Review"] == f"/review?contract={supply}"
    sheet = load_workbook(io.BytesIO(files[-1]))["Portfolio"]
    column = PORTFOLIO_COLUMNS.index("Review") + 1
    links = {row[0].value: row[column - 1].hyperlink.target for row in sheet.iter_rows(min_row=2)}
    assert links["supply.txt"] == f"https://contracts.smith.example/lexrisk/review?contract={supply}"
    assert set(links) == set(CONTRACTS)


def test_rows_are_as_tall_as_the_lines_a_name_takes() -> None:
    """The table's rows: Streamlit's one-line rows where every name and party list fits its column; otherwise tall
    enough (and over the 64 px above which the grid wraps text) for the lines Chromium wrapped the longest ones to
    at 1280 px, 5 each (test_long_names_and_parties_are_read_whole_in_chromium), that is 13 + 4 x 18.2 px of text
    and 3 px above and below."""
    import pandas as pd

    from ui.pages.portfolio import _row_height

    def frame(contracts: list[str], parties: list[str], dates: list[str] | None = None) -> pd.DataFrame:
        dates = dates or [""] * len(contracts)
        return pd.DataFrame({"Contract": contracts, "Parties": parties, "Notice deadline": dates, "Expires": dates})

    assert _row_height(frame(["msa.txt", "lease.txt"], ["Acme LLC; Globex, Inc.", ""], ["2027-03-01", ""])) is None
    name = next(n for n in LONG_CONTRACTS if n.startswith("Master"))
    parties = ("Northwind Analytics, Inc.; Consolidated Intercontinental Freight Forwarding LLC; Meridian Capital "
               "Partners Holdings Ltd.; Blue Harbor Insurance Services of North America, Inc.")
    tall = _row_height(frame(["msa.txt", name], ["", parties]))
    assert tall is not None and tall >= 13 + 4 * 18.2 + 2 * 3
    two = _row_height(frame(["msa.txt"], [parties.split("; Meridian")[0]]))
    assert two is not None and two > 64
    # a date marked passed or due soon takes a second line, under the date, however short the names are
    for mark in (PASSED, DUE_SOON):
        marked = _row_height(frame(["msa.txt"], ["Acme LLC"], [f"2026-12-20 · {mark}"]))
        assert marked is not None and marked > 64, mark


def test_a_dates_mark_is_drawn_whole_on_one_line() -> None:
    """The grid wraps a cell's text only at a plain space: a marked date is drawn with its mark's words joined by
    no-break spaces, so "due soon" never breaks between its words (it did at 1920 px: "2026-12-20 · due" over
    "soon"); the row's lines are counted as the grid breaks them, the mark on the date's line where it fits."""
    from ui.pages.portfolio import _lines, _text_px, _unbroken

    for mark in (PASSED, DUE_SOON):
        drawn = _unbroken(f"2026-12-20 · {mark}")
        assert drawn.split(" ") == ["2026-12-20", f"· {mark}".replace(" ", NBSP)], drawn
        date_px, whole_px = _text_px("2026-12-20"), _text_px(drawn)
        assert _lines(drawn, whole_px + 1) == 1  # a wide column: the date and its mark on one line
        assert _lines(drawn, date_px + 1) == 2  # a narrow one: the mark whole, under the date
    for text in ("2027-06-25", "perpetual", ""):  # an unmarked cell as it is
        assert _unbroken(text) == text


def test_the_parties_cell_names_a_few_and_counts_the_rest() -> None:
    """The table's Parties cell names every party up to PARTIES_SHOWN, past that the first ones and "+K more"
    (never "+1 more" in place of a name it has room for): one contract with a dozen parties no longer makes every
    row of the table a dozen names tall. The rows are as tall as the cells' lines, all of them: none is cut."""
    import pandas as pd

    from ui.pages.portfolio import PARTIES_PX, _row_height, _text_px

    names = [f"Party Number {i} Holdings LLC" for i in range(1, 13)]
    assert parties_cell(names[:PARTIES_SHOWN]) == "; ".join(names[:PARTIES_SHOWN])
    *kept, more = parties_cell(names).split("; ")
    assert kept == names[:PARTIES_SHOWN - 1] and more == f"+{len(names) - len(kept)}{NBSP}more"
    assert parties_cell(names[:PARTIES_SHOWN + 1]).endswith(f"; +2{NBSP}more")
    assert parties_cell([]) == ""
    # four long names, wider together than 8 lines of the Parties column: a row of 9 lines at least, not cut at 8
    long = [f"{n} Insurance Services of North America, Inc., as Administrative Agent for the Lenders and Issuers"
            for n in ("Blue Harbor", "Red Harbor", "Green Harbor", "Grey Harbor")]
    assert _text_px(parties_cell(long)) > 8 * PARTIES_PX
    frame = pd.DataFrame({"Contract": ["msa.txt"], "Parties": [parties_cell(long)], "Notice deadline": [""],
                          "Expires": [""]})
    height = _row_height(frame)
    assert height is not None and height >= 13 + (9 - 1) * 18.2 + 2 * 3


def test_a_contract_with_many_parties_keeps_the_tables_rows_short(live: dict,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The joint venture's parties, more than PARTIES_SHOWN: its Parties cell names the first ones and how many
    more; the Excel file names them all."""
    from tests.serving.terms_fakes import read_terms

    files = _downloads(monkeypatch)
    venture = "Joint Venture Agreement.txt"
    names = [p.name for p in read_terms(contract_text(*LONG_CONTRACTS[venture]).decode()).parties]
    assert len(names) > PARTIES_SHOWN + 1, names  # the fixture's contract, as meant
    at = portfolio_page(live[LONG])
    table = at.dataframe[0].value
    cell = table[table["Contract"] == venture].iloc[0]["Parties"]
    assert cell.split("; ") == [*names[:PARTIES_SHOWN - 1], f"+{len(names) - PARTIES_SHOWN + 1}{NBSP}more"]
    sheet = load_workbook(io.BytesIO(files[-1]))["Portfolio"]
    column = PORTFOLIO_COLUMNS.index("Parties")
    exported = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert exported[venture] == "; ".join(names)


def test_a_long_file_name_is_shortened_in_its_middle() -> None:
    """A name as lawyers name their files takes at most NAME_LINES lines of the Contract column: its start (the
    deal, the parties) and its end (the version, the extension) about an ellipsis, cut between words; a name with
    no space too; a short one as it is. With one of them, every row stays as short as a marked date has it (it
    was four lines tall), unless another cell is taller: then the name takes those lines too, shortened less."""
    import pandas as pd

    from ui.pages.portfolio import (
        CELL_PADDING_PX,
        CONTRACT_PX,
        ELLIPSIS,
        NAME_LINES,
        WRAPS_ABOVE_PX,
        _lines,
        _row_height,
        _short_name,
    )

    width = CONTRACT_PX - 2 * CELL_PADDING_PX
    name = "SUPPLY AGREEMENT - Acme Holdings Inc and Beta Manufacturing GmbH - executed version 3 (final) signed.pdf"
    short = _short_name(name, NAME_LINES)
    assert _lines(name, width) > NAME_LINES >= _lines(short, width)
    head, tail = short.split(ELLIPSIS)
    assert head == "SUPPLY AGREEMENT - Acme Holdings Inc and", short
    assert tail.endswith("version 3 (final) signed.pdf") and name.endswith(tail), short
    assert _short_name(name, 8) == name and _short_name("nda.pdf", NAME_LINES) == "nda.pdf"
    underscored = _short_name(name.replace(" ", "_"), NAME_LINES)
    assert underscored.endswith("_(final)_signed.pdf") and _lines(underscored, width) <= NAME_LINES, underscored

    def frame(contracts: list[str], parties: list[str], dates: list[str]) -> pd.DataFrame:
        return pd.DataFrame({"Contract": contracts, "Parties": parties, "Notice deadline": dates, "Expires": dates})

    marked = frame(["nda.pdf", "msa.pdf"], ["Acme LLC; Beta GmbH", "Acme LLC"], [f"2026-12-20 · {DUE_SOON}", ""])
    assert _row_height(marked) == WRAPS_ABOVE_PX + 1
    assert _row_height(frame([name, "nda.pdf"], ["Acme LLC; Beta GmbH", "Acme LLC"], ["", ""])) == WRAPS_ABOVE_PX + 1
    parties = ("Northwind Analytics, Inc.; Consolidated Intercontinental Freight Forwarding LLC; Meridian Capital "
               "Partners Holdings Ltd.; Blue Harbor Insurance Services of North America, Inc.")
    tall = frame([name, "nda.pdf"], [parties, "Acme LLC"], ["", ""])
    assert _row_height(tall) == _row_height(tall.assign(Contract="nda.pdf"))  # the parties' lines: the name fits


def test_a_long_file_name_is_shortened_in_the_table_and_whole_in_the_excel_file(
        live: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The grid draws the long name shortened (the Styler's display value), the short ones whole; the table's
    data keeps the whole names (sorting, the Excel file), and the Excel file names each contract whole."""
    from ui.pages.portfolio import ELLIPSIS, WRAPS_ABOVE_PX

    files = _downloads(monkeypatch)
    at = portfolio_page(live[FILED])
    table = at.dataframe[0].value
    assert sorted(table["Contract"]) == sorted(FILED_CONTRACTS)
    drawn = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.styler.display_values).read_all().to_pandas()
    shown = dict(zip(table["Contract"], drawn["Contract"], strict=True))
    head, tail = shown.pop(FILED_NAME).split(ELLIPSIS)
    assert head.startswith("SUPPLY AGREEMENT - Acme Holdings") and tail.endswith("(final) signed.txt"), (head, tail)
    assert all(drawn == name for name, drawn in shown.items()), shown
    assert at.dataframe[0].proto.row_height == WRAPS_ABOVE_PX + 1
    sheet = load_workbook(io.BytesIO(files[-1]))["Portfolio"]
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == sorted(FILED_CONTRACTS)


def test_timeline_shows_the_next_12_months(live: dict) -> None:
    at = portfolio_page(live["acme"])
    assert "Deadlines in the next 12 months" in texts(at)
    chart = at.get("vega_lite_chart")[0].proto
    assert "Date" in chart.spec and "Contract" in chart.spec
    # the contracts' names are not cut at the theme's ~100 px (a long name read "Master Services A…")
    spec = json.loads(chart.spec)
    y_axes = [layer["encoding"]["y"].get("axis", {}) for layer in spec["layer"] if "y" in layer.get("encoding", {})]
    assert y_axes and all(axis.get("labelLimit", 0) >= 240 for axis in y_axes)
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.datasets]
    shown = {(r["Contract"], r["Deadline"], r["Date"]) for rows in frames for r in rows if "Contract" in r}
    assert shown == {("supply.txt", "last day to give notice", (TODAY + timedelta(days=20)).isoformat()),
                     ("supply.txt", "expires", CONTRACTS["supply.txt"][0]),
                     ("licence.txt", "last day to give notice", (TODAY + timedelta(days=200)).isoformat())}


def test_another_tenant_sees_an_empty_portfolio(live: dict) -> None:
    at = portfolio_page(live["globex"])
    assert "No contract yet" in texts(at)
    assert not at.dataframe


def test_review_panel_links_each_value_to_its_words(live: dict) -> None:
    at = signed_in(live["acme"])
    cid = live["ids"]["supply.txt"]
    at.session_state["review_contract"] = cid
    at.run()
    assert not at.exception, at.exception
    assert [e.label for e in at.expander if e.label.startswith("Key terms")] == ["Key terms · 8 found"]  # 2 parties + 6
    law = next(b for b in at.button if b.key == f"term-{cid}-governing_law")
    assert read(law.label) == "Delaware (US)"
    panes_before = len(at.get("html"))
    law.click().run()
    panes = at.get("html")
    assert len(panes) == panes_before + 1
    body = panes[0].proto.body  # the panel's pane comes first, the risks' text pane after it
    assert 'id="lx-term-governing_law"></a><mark class="lx-mark lx-selected"' in body
    assert body.split("lx-selected", 1)[1].split(">", 1)[1].startswith("Delaware</mark>")
    assert "pane.scrollTop" in body  # the script that scrolls the pane to it


def test_review_panel_correction_is_stored(live: dict) -> None:
    at = signed_in(live["acme"])
    cid = live["ids"]["lease.txt"]
    at.session_state["review_contract"] = cid
    at.run()
    # the form is closed until the lawyer asks to correct a value: open, it pushed the risks ~300 px down the page
    assert not [t for t in at.text_input if t.label in ("Value", "Why")]
    at.toggle(key=f"terms-correcting-{cid}").set_value(True).run()
    form = f"terms-correct-{cid}"
    select = next(s for s in at.selectbox if s.label == "Term to correct")
    select.set_value("document_name")  # a field no other test of this module reads: they share the API
    next(t for t in at.text_input if t.label == "Value").input("STORAGE LEASE")
    at.button(key=f"FormSubmitter:{form}-Save correction").click().run()
    assert not at.exception, at.exception
    stored = httpx.get(f"{os.environ['LEXRISK_API_URL']}/v1/contracts/{cid}/terms",
                       headers={"Authorization": f"Bearer {live['acme']}"}).json()["terms"]["document_name"]
    assert stored["value"] == "STORAGE LEASE" and stored["source"] == "lawyer"
    # a bad value is the API's sentence, not a traceback
    select = next(s for s in at.selectbox if s.label == "Term to correct")  # the form stays open after a save
    select.set_value("expiration_date")
    next(t for t in at.text_input if t.label == "Value").input("31 February")
    at.button(key=f"FormSubmitter:{form}-Save correction").click().run()
    assert not at.exception and "not an ISO 8601 date" in texts(at)


# every text a canvas paints, where its left edge lies (CSS px from the canvas's left) and how wide it is: the
# Portfolio table is a canvas (glide-data-grid), so what a lawyer can read of a column shows only here
DRAWN_TEXT = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.lxDrawn = [];
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...more) {
    const m = this.getTransform(), r = devicePixelRatio;
    window.lxDrawn.push({text: String(text), left: (m.a * x + m.e) / r, top: (m.d * y + m.f) / r,
                         width: this.measureText(text).width * m.a / r, canvas: this.canvas.clientWidth,
                         grid: Boolean(this.canvas.closest && this.canvas.closest('[data-testid="stDataFrame"]'))});
    return fill.call(this, text, x, y, ...more);
  };
})()"""


@pytest.fixture(scope="module")
def app_url(terms_api: tuple[LiveApi, dict[str, str]]) -> Iterator[str]:
    """The app on the terms API as `lexrisk ui` runs it: ui/server.py, whose routes set the session cookie that
    signing in needs."""
    live_api, _ = terms_api
    port = free_port()
    app = subprocess.Popen(streamlit_command(live_api.url, "127.0.0.1", port, 25.0),
                           env={**live_api.env, "LEXRISK_API_URL": live_api.url}, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", process=app)
        yield f"http://127.0.0.1:{port}"
    finally:
        app.terminate()
        app.wait(timeout=20)


def _settled(page) -> None:
    """After the script run ends (Streamlit's running indicator is gone) and painting settles."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.wait_for_timeout(1500)


def _signed_in(browser, app_url: str, key: str, width: int):
    """A new page of `width` px, signed in with `key`, on Review; it records where the table's canvas paints text."""
    from lexrisk.testing.app_up import sign_in

    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.set_default_timeout(60_000)
    page.add_init_script(DRAWN_TEXT)
    page.goto(app_url)
    sign_in(page, key)
    page.get_by_role("heading", name="Review a contract").wait_for()
    return page


def _squeezed(text: str) -> str:
    """`text` without white space: where the grid wraps a line, the space it broke at is not painted."""
    return "".join(text.split())


def _readable_rows(page, shown: str = "Parties") -> dict[str, str]:
    """Each row of the Portfolio table as a lawyer can read it in the grid's last paint: its contract's name ->
    its `shown` column (its parties), each cell's painted lines joined and squeezed (`_squeezed`)."""
    return {name: _squeezed(" ".join(lines)) for name, lines in _painted_lines(page, shown).items()}


def _last_paint(page) -> tuple[list[dict], float]:
    """The texts of the table's last paint, from its header on (each cell once), and where its header lies."""
    drawn = [d for d in page.evaluate("window.lxDrawn") if d["grid"]]
    header_top = min(d["top"] for d in drawn)
    last = max(i for i, d in enumerate(drawn) if d["text"] == "Contract" and d["top"] == header_top)
    paint = list({(d["text"], d["left"], d["top"]): d for d in drawn[last:]}.values())  # a cell repainted once
    return paint, header_top


def _painted_lines(page, shown: str = "Parties") -> dict[str, list[str]]:
    """Each row of the Portfolio table in the grid's last paint: its contract's name, squeezed -> the lines of its
    `shown` column, top to bottom. A line counts only where it lies whole inside its cell (left to right within
    its column, top to bottom within its row): the canvas cuts off whatever spills over, so text painted past the
    cell's edge is not read."""
    paint, header_top = _last_paint(page)
    headers = sorted((d["left"], d["text"]) for d in paint if d["top"] == header_top)
    padding = headers[0][0]  # the first column starts at the canvas's left edge
    edges = [left - padding for left, _ in headers] + [paint[0]["canvas"]]
    columns = {name: (edges[i], edges[i + 1]) for i, (_, name) in enumerate(headers)}

    def inside(d: dict, column: str) -> bool:
        return columns[column][0] <= d["left"] < columns[column][1] and d["top"] > header_top

    centres = sorted(d["top"] for d in paint if inside(d, "Review"))  # "Open", in the middle of each row
    assert len(centres) >= 2, centres
    bounds = ([centres[0] - (centres[1] - centres[0]) / 2] + [(a + b) / 2 for a, b in pairwise(centres)]
              + [centres[-1] + (centres[-1] - centres[-2]) / 2])
    cells: dict[str, list[list[str]]] = {}
    for column in ("Contract", shown):
        for row, (top, bottom) in enumerate(pairwise(bounds)):
            lines = sorted((d for d in paint if inside(d, column) and top <= d["top"] < bottom), key=lambda d: d["top"])
            for d in lines:  # half the 13 px line above and below its middle, where the text is drawn
                assert d["left"] + d["width"] <= columns[column][1] and top <= d["top"] - 6 <= d["top"] + 6 <= bottom, (
                    f"{column} of row {row} painted past its cell", d, columns[column], (top, bottom))
            cells.setdefault(column, []).append([d["text"] for d in lines])
    return {_squeezed(" ".join(name)): lines for name, lines in zip(cells["Contract"], cells[shown], strict=True)}


def _fill(page, text: str) -> tuple[int, ...]:
    """The colour the grid fills the cell of its last paint of a line ending in `text`'s last word with (a wide
    column may wrap "due soon" between its words), 4 px left of the line (inside the cell's
    8 px padding, where no letter is drawn), as the screen shows it."""
    from PIL import Image

    drawn = [d for d in page.evaluate("window.lxDrawn") if d["grid"] and d["text"].endswith(text.split()[-1])]
    assert drawn, [d["text"] for d in page.evaluate("window.lxDrawn") if d["grid"]][-40:]
    drawn = drawn[-1]
    box = page.locator('[data-testid="stDataFrame"] canvas').first.bounding_box()
    assert box is not None
    shot = page.screenshot(clip={"x": box["x"] + drawn["left"] - 4, "y": box["y"] + drawn["top"], "width": 1,
                                 "height": 1})
    return Image.open(io.BytesIO(shot)).convert("RGB").getpixel((0, 0))


@pytest.mark.slow
def test_portfolio_in_chromium(terms_api: tuple[LiveApi, dict[str, str]], app_url: str) -> None:
    """The Portfolio page in a real browser at 1280 and 1920 px (screenshots to look at): each contract's
    parties are painted whole, in their column and in the table's view, with no scrolling sideways; at 1280 px the
    Excel file links each review at the app's address, and the table scrolls to the columns past the risks with
    each contract's name pinned in view."""
    pytest.importorskip("playwright.sync_api")
    from lexrisk.testing.app_up import chromium
    from tests.ui.test_browser import SHOTS

    live_api, ids = terms_api
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for width in (1280, 1920):
            page = _signed_in(browser, app_url, live_api.keys["acme"], width)
            page.get_by_role("link", name="Portfolio").click()
            page.get_by_role("heading", name="Portfolio").wait_for()
            table = page.locator('[data-testid="stDataFrame"]')
            table.wait_for()
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
            _settled(page)
            path = SHOTS / f"portfolio-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
            box = table.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width  # the page does not scroll sideways
            assert _readable_rows(page) == {_squeezed(name): _squeezed(f"Northwind Analytics, Inc.; {customer}")
                                            for name, (_, _, customer) in CONTRACTS.items()}, width
            # lapsed and due dates read as such, whole in their cells (the mark on a line under the date),
            # in their colours; a later date and "perpetual" as they are
            notice = (TODAY + timedelta(days=20)).isoformat()
            assert _readable_rows(page, "Notice deadline") == {
                "archive.txt": _squeezed(f"2001-07-04 · {PASSED}"), "supply.txt": _squeezed(f"{notice} · {DUE_SOON}"),
                "licence.txt": (TODAY + timedelta(days=200)).isoformat(), "lease.txt": ""}, width
            # each mark on one line, its words together ("2026-12-20 · due" over "soon" read as two things)
            notices = _painted_lines(page, "Notice deadline")
            for name, mark in (("supply.txt", DUE_SOON), ("archive.txt", PASSED)):
                assert any(" ".join(line.split()).endswith(f"· {mark}") for line in notices[name]), (
                    width, name, notices[name])
            assert _readable_rows(page, "Expires") == {
                "archive.txt": _squeezed(f"2001-12-31 · {PASSED}"), "supply.txt": CONTRACTS["supply.txt"][0],
                "licence.txt": CONTRACTS["licence.txt"][0], "lease.txt": "perpetual"}, width
            for mark in (PASSED, DUE_SOON):
                fill = DATE_COLOURS[mark][1]
                assert _fill(page, mark) == tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5)), (width, mark)
            if width == 1280:  # the Excel file as downloaded: each review's link at the address the app is served at
                with page.expect_download() as download:
                    page.get_by_role("button", name="Export to Excel").click()
                assert download.value.suggested_filename == "portfolio.xlsx"
                sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["Portfolio"]
                column = PORTFOLIO_COLUMNS.index("Review")
                links = {row[0].value: row[column].hyperlink.target for row in sheet.iter_rows(min_row=2)}
                assert links == {name: f"{app_url}/review?contract={ids[name]}" for name in CONTRACTS}, links
                # the columns past the risks: scrolled to, with each contract's name still in view
                table.hover()
                page.mouse.wheel(2000, 0)
                _settled(page)
                page.screenshot(path=str(SHOTS / "portfolio-1280-scrolled.png"))
                # the grid's accessible cells are those in view
                shown = page.evaluate("Array.from(document.querySelectorAll('[id^=glide-cell]'), c => c.textContent)")
                assert "1 year, auto" in shown and set(CONTRACTS) <= set(shown), shown
            page.close()


@pytest.mark.slow
def test_review_key_terms_in_chromium(terms_api: tuple[LiveApi, dict[str, str]], app_url: str) -> None:
    """The Review page's key terms at 1280 and 1920 px: a party's whole name shows (wrapped, not cut short
    with "…"), and so does every other value."""
    pytest.importorskip("playwright.sync_api")
    from lexrisk.testing.app_up import chromium
    from tests.ui.test_browser import SHOTS

    live_api, ids = terms_api
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for width in (1280, 1920):
            page = _signed_in(browser, app_url, live_api.keys["acme"], width)
            page.goto(f"{app_url}/review?contract={ids['supply.txt']}")  # the contract's link
            page.get_by_text("Key terms · 8 found").wait_for()
            _settled(page)
            page.screenshot(path=str(SHOTS / f"review-terms-{width}.png"), full_page=True)
            values = page.locator('[class*="st-key-term-"] button:visible [data-testid="stMarkdownContainer"]')
            shown = {}
            for value in values.all():
                text, fits = value.evaluate("e => [e.innerText, e.scrollWidth <= e.clientWidth"
                                            " && e.scrollHeight <= e.clientHeight]")
                shown[text] = fits
            assert {"Northwind Analytics, Inc. (Provider)", "Harbor Freight Logistics LLC (Customer)",
                    "Delaware (US)"} <= set(shown), shown
            assert all(shown.values()), (width, shown)
            page.close()


@pytest.mark.slow
def test_contract_links_open_the_review_in_chromium(terms_api: tuple[LiveApi, dict[str, str]], app_url: str) -> None:
    """Every link to a contract opens its review with no "Page not found" dialog: `/review?contract=ID` signed
    out (sign-in first) and signed in (pasted, as a calendar event or webhook carries it), a click on a row of the
    Portfolio, and `/?contract=ID`, the address bar's link before Review had its own address; a bookmark of /signin
    or of /home opens Review too, signed in, or after sign-in."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from lexrisk.testing.app_up import chromium, sign_in
    from tests.ui.test_browser import SHOTS

    expect = playwright_api.expect
    live_api, ids = terms_api
    SHOTS.mkdir(parents=True, exist_ok=True)
    customers = {name: customer for name, (_, _, customer) in CONTRACTS.items()}

    def opened(page, name: str) -> None:
        """`name`'s review shows, its link in the address bar, and Streamlit never said "Page not found"."""
        expect(page.get_by_text(f"{customers[name]} (Customer)").first).to_be_visible()
        _settled(page)
        expect(page.get_by_text("Page not found")).to_have_count(0, timeout=5_000)
        expect(page).to_have_url(f"{app_url}/review?contract={ids[name]}")

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)
        try:
            page = context.new_page()
            page.add_init_script(DRAWN_TEXT)
            page.goto(f"{app_url}/review?contract={ids['supply.txt']}")  # a shared link, signed out
            sign_in(page, live_api.keys["acme"])
            opened(page, "supply.txt")

            page.goto(f"{app_url}/review?contract={ids['lease.txt']}")  # pasted, signed in
            opened(page, "lease.txt")

            page.get_by_role("link", name="Portfolio").click()
            table = page.locator('[data-testid="stDataFrame"]')
            table.wait_for()
            _settled(page)
            drawn = [d for d in page.evaluate("window.lxDrawn") if d["grid"]]
            row = next(d for d in reversed(drawn) if d["text"] == "licence.txt")  # the last paint
            box = table.locator("canvas").first.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + row["left"] + row["width"] / 2, box["y"] + row["top"])  # one click on its row
            opened(page, "licence.txt")
            page.screenshot(path=str(SHOTS / "contract-link-1280.png"), full_page=True)
            page.go_back()  # the browser's Back: the Portfolio again, which stays (the click is not replayed)
            expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
            _settled(page)
            expect(page).to_have_url(f"{app_url}/portfolio")  # the review's ?contract= is not kept
            expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
            page.get_by_role("link", name="Portfolio").click()
            expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
            _settled(page)
            expect(page).to_have_url(f"{app_url}/portfolio")  # the review's ?contract= is not kept
            expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()

            # re-sorted (lease.txt, first, moves last), the table's first click opens the row under it (it did
            # nothing: the second click did)
            page.get_by_role("combobox", name="Sort").click()
            page.get_by_role("option", name="Notice deadline, soonest first").click()
            _settled(page)
            page.wait_for_function("""() => {  // the re-sorted table painted: lease.txt's last paint below supply.txt's
                const drawn = window.lxDrawn.filter(d => d.grid).reverse();
                const at = name => (drawn.find(d => d.text === name) || {top: -1}).top;
                return at('lease.txt') > at('supply.txt') && at('supply.txt') >= 0; }""")
            drawn = [d for d in page.evaluate("window.lxDrawn") if d["grid"]]
            row = next(d for d in reversed(drawn) if d["text"] == "lease.txt")
            box = table.locator("canvas").first.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + row["left"] + row["width"] / 2, box["y"] + row["top"])
            opened(page, "lease.txt")

            page.goto(f"{app_url}/?contract={ids['supply.txt']}")  # the older link, from the app's root
            opened(page, "supply.txt")

            for bookmark in ("signin", "home"):  # a bookmark of the sign-in page or of /home, signed in: on to Review
                page.goto(f"{app_url}/{bookmark}")
                expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
                _settled(page)
                expect(page.get_by_text("Page not found")).to_have_count(0, timeout=5_000)
                expect(page).to_have_url(f"{app_url}/review")
            page.close()
            for bookmark in ("signin", "home"):  # signed out: sign-in (not "Page not found"), then Review
                page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
                page.set_default_timeout(60_000)
                page.goto(f"{app_url}/{bookmark}")
                expect(page.get_by_role("textbox", name="API key")).to_be_visible()
                _settled(page)
                expect(page.get_by_text("Page not found")).to_have_count(0, timeout=5_000)
                sign_in(page, live_api.keys["acme"])
                expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
                _settled(page)
                expect(page.get_by_text("Page not found")).to_have_count(0, timeout=5_000)
                expect(page).to_have_url(f"{app_url}/review")
                page.context.close()
        except Exception:
            browser.contexts[-1].pages[-1].screenshot(path=str(SHOTS / "contract-link-failure.png"))
            raise



@pytest.mark.slow
def test_long_names_and_parties_are_read_whole_in_chromium(terms_api: tuple[LiveApi, dict[str, str]],
                                                            app_url: str) -> None:
    """A portfolio as lawyers name their files, of contracts with three and four parties and one with more, at
    1280 and 1920 px (screenshots to look at): every contract's whole name and every party's whole name that its
    Parties cell names (`parties_cell`: the first ones and "+K more" past PARTIES_SHOWN) are painted inside their
    cells, wrapped over lines rather than cut at the column's edge."""
    pytest.importorskip("playwright.sync_api")
    from lexrisk.testing.app_up import chromium
    from tests.serving.terms_fakes import read_terms
    from tests.ui.test_browser import SHOTS

    live_api, _ = terms_api
    SHOTS.mkdir(parents=True, exist_ok=True)
    parties = {name: [p.name for p in read_terms(contract_text(*terms).decode()).parties]
               for name, terms in LONG_CONTRACTS.items()}
    assert min(len(names) for names in parties.values()) >= 3, parties  # the fixture's contracts, as meant
    with chromium() as browser:
        for width in (1280, 1920):
            page = _signed_in(browser, app_url, live_api.keys[LONG], width)
            page.get_by_role("link", name="Portfolio").click()
            page.get_by_role("heading", name="Portfolio").wait_for()
            page.locator('[data-testid="stDataFrame"]').wait_for()
            _settled(page)
            page.screenshot(path=str(SHOTS / f"portfolio-long-names-{width}.png"), full_page=True)
            assert _readable_rows(page) == {_squeezed(name): _squeezed(parties_cell(names))
                                            for name, names in parties.items()}, width
            page.close()


@pytest.mark.slow
def test_a_long_file_name_keeps_the_rows_short_in_chromium(terms_api: tuple[LiveApi, dict[str, str]],
                                                           app_url: str) -> None:
    """A portfolio with one contract filed under a long name, at 1280 and 1920 px (screenshots to look at): the
    name is painted shortened, its start and its end about "…", inside its cell; the other names whole; every
    row is as short as a marked date has it (65 px), not as tall as the whole name's four lines."""
    pytest.importorskip("playwright.sync_api")
    from lexrisk.testing.app_up import chromium
    from tests.ui.test_browser import SHOTS

    live_api, _ = terms_api
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for width in (1280, 1920):
            page = _signed_in(browser, app_url, live_api.keys[FILED], width)
            page.get_by_role("link", name="Portfolio").click()
            page.get_by_role("heading", name="Portfolio").wait_for()
            page.locator('[data-testid="stDataFrame"]').wait_for()
            _settled(page)
            page.screenshot(path=str(SHOTS / f"portfolio-long-file-name-{width}.png"), full_page=True)
            names = set(_painted_lines(page))  # each painted inside its cell
            long = next(n for n in names if n.startswith(_squeezed("SUPPLY AGREEMENT - Acme Holdings")))
            assert long.endswith(_squeezed("(final) signed.txt")) and "…" in long, (width, long)
            assert names - {long} == {_squeezed(n) for n in FILED_CONTRACTS if n != FILED_NAME}, width
            paint, _ = _last_paint(page)
            centres = sorted(d["top"] for d in paint if d["text"] == "Open")  # the middle of each row
            assert len(centres) == len(FILED_CONTRACTS), centres
            assert all(b - a <= 66 for a, b in pairwise(centres)), (width, centres)
            page.close()
