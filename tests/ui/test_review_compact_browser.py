"""The Review page's key terms and decision form in Chromium (`lexrisk up`, Debian's Chromium through Playwright),
at 1280 and 1920 px: every label of the key terms reads on one line, the correction form stays closed until asked
for (open, it pushed the risks ~300 px down the page), and a risk's decision is the lawyer's: none is chosen
beforehand and Save refuses until one is. Screenshots go to out/screenshots/ (LEXRISK_SCREENSHOTS)."""

from __future__ import annotations

import pytest

from lexrisk.testing.app_up import Up, chromium, sign_in
from tests.ui.test_browser import SHOTS
from tests.ui.test_review_panes_browser import analyzed  # noqa: F401 (the module's `lexrisk up`, one contract)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow
# each key term's label and the height it is drawn at, and that of one line of the panel's text
LABELS = """() => {
    const labels = [...document.querySelectorAll('.st-key-terms_values strong')];
    return {line: parseFloat(getComputedStyle(labels[0]).lineHeight),
            labels: labels.map(e => [e.innerText, e.getBoundingClientRect().height])};
}"""


@pytest.mark.parametrize("width", [1280, 1920])
def test_key_terms_are_compact_and_no_decision_is_made_for_the_lawyer(analyzed: tuple[Up, str],  # noqa: F811
                                                                       width: int) -> None:
    up, contract_id = analyzed
    expect = playwright_api.expect
    expect.set_options(timeout=90_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 1000})
        page.set_default_timeout(90_000)
        page.goto(f"{up.ui}/review?contract={contract_id}")
        sign_in(page, up.key)
        expect(page.get_by_text("Contract text")).to_be_visible()
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SHOTS / f"review-compact-{width}.png"), full_page=True)

        drawn = page.evaluate(LABELS)
        assert {"Agreement date", "Governing law", "Notice to stop renewal"} <= {t for t, _ in drawn["labels"]}
        wrapped = [text for text, height in drawn["labels"] if height > 1.5 * drawn["line"]]
        assert not wrapped, (width, drawn)
        # the panel ends with its list of values: nothing under it pushes the risks down
        panel = page.locator('[data-testid="stExpander"]', has_text="Key terms").bounding_box()
        values = page.locator(".st-key-terms_values").bounding_box()
        assert panel is not None and values is not None
        assert panel["y"] + panel["height"] <= values["y"] + values["height"] + 40, (panel, values)
        expect(page.get_by_role("button", name="Save correction")).to_have_count(0)
        page.get_by_text("Correct a value", exact=True).click()  # the toggle's label
        expect(page.get_by_role("button", name="Save correction")).to_be_visible()

        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        row = 0 if width == 1280 else 1  # a risk not reviewed yet: both widths share the contract
        page.mouse.click(box["x"] + 12, box["y"] + 35 + 17 + 35 * row)
        expect(page.get_by_text("Why it matters:")).to_be_visible()
        expect(page.get_by_text("Reviewed:")).to_have_count(0)
        decisions = page.get_by_role("radiogroup", name="Decision").get_by_role("radio")
        expect(decisions).to_have_count(3)
        assert [d.is_checked() for d in decisions.all()] == [False, False, False]
        page.get_by_role("textbox", name="Comment").fill("checked with the client")
        page.get_by_role("button", name="Save review").click()
        expect(page.get_by_text("Choose a decision first")).to_be_visible()
        expect(page.get_by_role("textbox", name="Comment")).to_have_value("checked with the client")
        page.get_by_role("radiogroup", name="Decision").get_by_text("Reject", exact=True).click()
        page.get_by_role("button", name="Save review").click()
        expect(page.get_by_text("Reviewed: Rejected")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"review-decided-{width}.png"), full_page=True)
