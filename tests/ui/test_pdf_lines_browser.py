"""A contract whose text keeps its printed lines (a PDF's text, an EDGAR filing's hard-wrapped text) in the
Review page's panes, in Chromium at 1280 and 1920 px (`lexrisk up`, Debian's Chromium through Playwright).

Seen on CUAD's NETZEEINC_11_14_2002-EX-10.3-MAINTENANCE AGREEMENT.PDF: each printed line of about 78 characters
wrapped once more in a pane narrower than the page and then broke where the page did, so every other line of the
clause read "Following the" or "advance of". The lines below are that PDF's text as lexrisk extracts it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from lexrisk.testing.app_up import CHROMIUM, Up, chromium, running_up, sign_in
from tests.ui.test_browser import SHOTS
from tests.ui.test_review_panes_browser import _settled, _tick
from ui.plain import unwrapped

playwright_api = pytest.importorskip("playwright.sync_api")

NETZEE = "\n".join((
    "EXHIBIT 10.3",
    "NETZEE, INC.",
    "MAINTENANCE AGREEMENT",
    "This Agreement provides for Continued Service and for Netzee to provide basic",
    "maintenance in support following expiration of the initial one (1) year term of",
    "the License/Services Schedule.",
    "The Continued Service provided by Netzee will be the operation, maintenance,",
    "and support of the computer systems, software and interfaces included in the",
    "System.",
    "Bankers Bank agrees to pay fees equal to $40 per month for all Participating",
    "Banks (original or added) for which maintenance is provided.",
    "The maintenance is for a period of one (1) year commencing upon expiration of",
    "the initial one (1) year term of the License/Services Schedule. Following the",
    "completion of such maintenance term, Bankers Bank may, at its option, renew",
    "maintenance for subsequent periods of one (1) year each, subject to adjustments",
    "proposed by Netzee not to exceed 5% at least sixty (60) days in advance of",
    "the applicable renewal date.",
    "Maintenance provided by Netzee during the term of this Agreement shall include",
    "(1) standard maintenance upgrades and modifications offered by Netzee to its",
    "customers generally, and (2) 5x12 call-in support between hours of 6:30 a.m.",
    "and 6:30 p.m. Eastern Time Monday through Friday.",
    "COMMENCEMENT DATE FOR MAINTENANCE UNDER THIS ADDENDUM: MARCH 1, 2001",
    "IN WITNESS WHEREOF, the undersigned duly authorized representatives of the",
    "parties hereto have made and entered in this Agreement.",
    "NETZEE, INC. THE BANKERS BANK, a Georgia",
    "banking corporation",
    "By: /s/ Richard S. Eiswirth By: /s/ Kevin Tweddle",
    "Name: Richard S. Eiswirth Name: Kevin Tweddle",
    "",
))
RENEWAL = ("Following the completion of such maintenance term, Bankers Bank may, at its option, renew maintenance for "
           "subsequent periods of one (1) year each, subject to adjustments proposed by Netzee not to exceed 5% at "
           "least sixty (60) days in advance of the applicable renewal date.")


def test_paragraph_lines_join_and_headings_items_and_signatures_stay() -> None:
    """Same length (offsets still point at their words); a paragraph's printed lines joined; a title, a short
    paragraph end, a sentence ending before a capital, a numbered item and a signature block keep their breaks."""
    text = unwrapped(NETZEE)
    assert len(text) == len(NETZEE)
    assert RENEWAL in text
    assert "EXHIBIT 10.3\nNETZEE, INC.\nMAINTENANCE AGREEMENT\nThis Agreement" in text
    assert "Schedule.\nThe Continued Service" in text
    assert "shall include\n(1) standard" in text
    assert "a Georgia\nbanking corporation\nBy: /s/ Richard S. Eiswirth By: /s/ Kevin Tweddle\nName:" in text
    assert unwrapped("one line") == "one line"


@pytest.fixture(scope="module")
def netzee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Up, str]]:
    """`lexrisk up` on free ports, and the maintenance agreement's text analyzed through its API."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    with running_up(tmp_path_factory.mktemp("up")) as up:
        with httpx.Client(base_url=up.api, headers={"Authorization": f"Bearer {up.key}"}, timeout=60) as http:
            body = NETZEE.encode()
            accepted = http.post("/v1/contracts", files={"file": ("netzee-maintenance.txt", body)}).json()
            deadline = time.monotonic() + 120
            while http.get(f"/v1/jobs/{accepted['job_id']}").json()["status"] != "done":
                assert time.monotonic() < deadline, "the analysis did not finish"
                time.sleep(0.5)
        yield up, accepted["contract_id"]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 1920])
def test_a_clause_reads_as_one_paragraph_in_both_panes(netzee: tuple[Up, str], width: int) -> None:
    """The renewal value of the key terms, then the clause's risk in the table: the words outlined in each pane,
    and the quote in the risk's details, are the clause with its printed line breaks as spaces; the pane still
    shows the title's lines apart."""
    up, contract_id = netzee
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800 if width == 1280 else 1080})
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{up.ui}/review?contract={contract_id}")
            sign_in(page, up.key)
            page.get_by_text(re.compile(r"\d+ risks? shown")).wait_for()
            _settled(page)
            page.get_by_role("button", name="1 year", exact=True).click()
            _settled(page)
            _tick(page, "Price Restrictions")
            marked = page.evaluate("() => Array.from(document.querySelectorAll('.lx-selected'), m => m.textContent)")
            page.screenshot(path=str(SHOTS / f"review-pdf-lines-{width}.png"))
            assert marked == [RENEWAL, RENEWAL], marked
            panes = page.evaluate("() => Array.from(document.querySelectorAll('.lx-text'), p => p.textContent)")
            assert all("NETZEE, INC.\nMAINTENANCE AGREEMENT\n" in p for p in panes), panes
            quote = page.locator('[data-testid="stBlockquote"], blockquote').first.inner_text()
            assert " ".join(quote.split()) == RENEWAL and "\n" not in quote.strip(), quote
        except Exception:
            page.screenshot(path=str(SHOTS / f"review-pdf-lines-{width}-failure.png"))
            raise
