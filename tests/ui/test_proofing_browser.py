"""The Proofing tab in Chromium at 1280 px, every proofing check on: the problem is the table's first column,
inside the part of the grid in view, and the grid is wide enough to hold it whole. The grid draws on a canvas;
its accessible table (th/td under role="grid") holds only the columns in view, so a column pushed off to the
right by the others is missing there, not merely cut short. Screenshots go to out/screenshots/ (LEXRISK_SCREENSHOTS)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.proofing import PROOFING_KINDS
from lexrisk.testing.app_up import CHROMIUM, Up, chromium, running_up, sign_in
from tests.ui.conftest import ROOT
from ui.proofing_tab import PROBLEM_WIDTH

playwright_api = pytest.importorskip("playwright.sync_api")
SHOTS = Path(os.environ.get("LEXRISK_SCREENSHOTS", ROOT / "out" / "screenshots"))
pytestmark = pytest.mark.slow
UPLOADED = re.compile(r"^\d+(\.\d+)?\s?[KM]?B$")  # the size under a file the uploader has sent (bytes too)
TEXT = ('SUPPLY AGREEMENT\n\n1. Supply.\nThe Supplier sells the goods listed in Exhibit B at the prices set out in '
        'Schedule 3.\n\n2. Term.\n"Launch Date" means the first day of sales. This Agreement runs for two years.\n\n'
        '4. Notices.\nNotices go to the address written here: ____________.\n')
MESSAGE = 'Exhibit B is referred to but not attached: no heading "Exhibit B" in the document'
CHECKBOX_WIDTH = 33  # the grid's selection column, left of the first data column


@pytest.fixture
def product(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Up]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    monkeypatch.setenv("LEXRISK_PROOFING_KINDS", json.dumps(list(PROOFING_KINDS)))  # the longest messages too
    with running_up(tmp_path) as up:
        yield up


def test_problem_column_is_in_view_at_1280(product: Up) -> None:
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(120_000)
        try:
            page.goto(product.ui)
            sign_in(page, product.key)
            expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
            page.locator('input[type="file"]').first.set_input_files(
                {"name": "supply.txt", "mimeType": "text/plain", "buffer": TEXT.encode()})
            expect(page.get_by_text(UPLOADED)).to_be_visible()
            page.get_by_role("button", name="Analyze").click()
            page.get_by_role("tab", name="Proofing").click()  # there once the analysis is loaded
            expect(page.get_by_text("5 proofing items")).to_be_visible()
            grid = page.locator('[data-testid="stDataFrame"]').filter(has_text=MESSAGE)
            headers = grid.locator('th[role="columnheader"]')
            expect(headers.first).to_have_text("Problem")
            expect(grid.locator('td[aria-colindex="1"]', has_text=MESSAGE)).to_have_count(1)
            box = grid.bounding_box()
            assert box is not None and box["width"] >= CHECKBOX_WIDTH + PROBLEM_WIDTH, box
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
            page.screenshot(path=str(SHOTS / "proofing-1280.png"))
        except Exception:
            page.screenshot(path=str(SHOTS / "proofing-failure.png"))
            raise
