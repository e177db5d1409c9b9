"""The Review page's two text panes in Chromium (`lexrisk up`, Debian's Chromium through Playwright), at 1280 and
1920 px: the risks table fits its column without scrolling sideways, and every value clicked in the key-terms
panel and every risk selected in the table brings its words into view in its own pane, not only the first one
(Streamlit runs a pane's script again each time it changes, in the page's one global scope). Screenshots go to
out/screenshots/ (LEXRISK_SCREENSHOTS) for people to look at."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lexrisk.testing.app_up import CHROMIUM, Up, chromium, running_up, sign_in
from tests.ui.conftest import SAMPLES
from tests.ui.test_browser import SHOTS

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow
ROW, HEADER = 35, 35  # the risks table's row and header heights (px)
# per pane with a selected mark: whether the whole mark (its first line, if taller than the pane) is inside the
# pane's visible part, and the mark's words
IN_VIEW = """() => Array.from(document.querySelectorAll('.lx-text'), pane => {
    const mark = pane.querySelector('.lx-selected');
    if (!mark) return null;
    const a = mark.getBoundingClientRect(), b = pane.getBoundingClientRect();
    const bottom = a.height <= pane.clientHeight ? a.bottom : a.top + 20;
    return {inside: a.top >= b.top - 1 && bottom <= b.bottom + 1, words: mark.textContent};
}).filter(Boolean)"""


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Up, str]]:
    """`lexrisk up` on free ports, and the sample contract analyzed through its API."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    with running_up(tmp_path_factory.mktemp("up")) as up:
        headers = {"Authorization": f"Bearer {up.key}"}
        with httpx.Client(base_url=up.api, headers=headers, timeout=60) as http:
            path = SAMPLES / "master_services_agreement.txt"
            accepted = http.post("/v1/contracts", files={"file": (path.name, path.read_bytes())}).json()
            deadline = time.monotonic() + 120
            while http.get(f"/v1/jobs/{accepted['job_id']}").json()["status"] != "done":
                assert time.monotonic() < deadline, "the analysis did not finish"
                time.sleep(0.5)
        yield up, accepted["contract_id"]


@pytest.mark.parametrize("width", [1280, 1920])
def test_every_selection_scrolls_its_pane_to_its_words(analyzed: tuple[Up, str], width: int) -> None:
    """Two key terms, then two risks, each far enough down the contract to need its pane scrolled, and the second
    of each above the first: after every click each pane's selected words are in its visible part."""
    up, contract_id = analyzed
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800 if width == 1280 else 1080})
        page.set_default_timeout(90_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            page.goto(f"{up.ui}/review?contract={contract_id}")
            sign_in(page, up.key)
            page.get_by_text(re.compile(r"\d+ risks shown")).wait_for()
            _settled(page)
            _fits(page)
            for value, words in (("Delaware (US)", "9.2 This Agreement shall be governed"),
                                 ("1 year, automatic", "Thereafter it shall automatically renew")):
                page.get_by_role("button", name=value).click()
                _check(page, f"review-term-{width}-{value[:8].strip()}", words)
            first = _tick(page, "Anti-Assignment")
            _check(page, f"review-risk-{width}-first", "8.1 Customer may not assign this Agreement")
            _tick(page, "Anti-Assignment", row=first)  # unticked: no risk selected
            _tick(page, "Liquidated Damages")
            _check(page, f"review-risk-{width}-second", "5.3 If Customer terminates this Agreement")
            assert errors == []
        except Exception:
            page.screenshot(path=str(SHOTS / f"review-panes-{width}-failure.png"))
            raise


def _fits(page: Any) -> None:
    """The risks table shows every column in its width, with no sideways scrolling. The grid paints on a canvas;
    the element that scrolls it (glide-data-grid's `.dvn-scroller`) is as wide as all its columns together, so its
    scroll width past its client width is what a lawyer would have to scroll to see."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    # the grid fills its accessible header cells after it paints, which a loaded machine does later than the run
    # ends: wait for them, not a fixed time (CI once read none at 1920 px)
    grid.locator('th[role="columnheader"]').first.wait_for(state="attached")  # hidden: the grid's accessible copy
    scroll, client = grid.locator(".dvn-scroller").evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert scroll <= client, (scroll, client)
    headers = grid.locator('th[role="columnheader"]').all_text_contents()
    assert headers == ["Severity", "Category", "Page", "Status", "Score"], headers


def _tick(page: Any, category: str, row: int | None = None) -> int:
    """Clicks the checkbox of the risks table's row of this category (its index found in the grid's accessible
    cells, column 2 being Category) and returns the row's index."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    if row is None:
        cells = page.evaluate("Array.from(document.querySelectorAll('[id^=glide-cell-2-]'), c => [c.id, c.textContent])")
        row = next(int(cell.rsplit("-", 1)[1]) for cell, text in cells if text == category)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + HEADER + ROW * row + ROW / 2)
    _settled(page)
    return row


def _check(page: Any, shot: str, words: str) -> None:
    """Once a pane shows `words` as selected, it has them in view, and so does every other pane with a selection."""
    page.wait_for_function("words => Array.from(document.querySelectorAll('.lx-selected'))"
                           ".some(m => m.textContent.startsWith(words))", arg=words)
    _settled(page)
    panes = page.evaluate(IN_VIEW)
    page.screenshot(path=str(SHOTS / f"{shot}.png"))
    assert all(p["inside"] for p in panes), (words, panes)


def _settled(page: Any) -> None:
    """After the script run ends (Streamlit's running indicator is gone) and painting settles."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.wait_for_timeout(900)
