"""The product in a real browser: `lexrisk up` (API + app, temporary database, a new tenant's key) driven by
Debian's Chromium through Playwright — sign in, upload the sample contract, wait for the risks, select one
and see its clause highlighted in view, accept it, open Compare and Templates. A screenshot per step goes
to out/screenshots/ (LEXRISK_SCREENSHOTS to change) for people to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from lexrisk.testing.app_up import CHROMIUM, chromium, running_up, sign_in
from tests.ui.conftest import ROOT, SAMPLES, lexrisk

playwright_api = pytest.importorskip("playwright.sync_api")
SHOTS = Path(os.environ.get("LEXRISK_SCREENSHOTS", ROOT / "out" / "screenshots"))
pytestmark = pytest.mark.slow
UPLOADED = re.compile(r"^\d+(\.\d+)?\s?[KM]B$")  # the size under a file the uploader has sent


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(app URL, API key, its environment) of a `lexrisk up` on free ports; SIGTERM at the end must stop it cleanly."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    with running_up(tmp_path_factory.mktemp("up")) as up:
        yield up.ui, up.key, up.env


def test_review_in_a_real_browser(product: tuple[str, str, dict[str, str]]) -> None:
    url, key, _ = product
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(90_000)
        try:
            _flow(page, url, key)
        except Exception:
            page.screenshot(path=str(SHOTS / "failure.png"))
            raise


def test_workspace_stays_signed_in_and_links_open(product: tuple[str, str, dict[str, str]]) -> None:
    """Issue #28 in Chromium, at 1280 and 1920 px: a shared link opens sign-in, then its contract; reload and a
    new tab stay signed in with only an HttpOnly cookie in the browser; a comparison's link opens it in a new
    tab; explanations state the clause's facts;
    the possible risks open and one is accepted into the review; another firm's link reads "not found"; Sign
    out ends the session (a reload shows sign-in)."""
    url, key, env = product
    stranger = lexrisk("keys", "create", "--tenant", "Other & Co", env=env)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(90_000)
        try:
            _workspace_flow(page, url, key, stranger)
        except Exception:
            page.screenshot(path=str(SHOTS / "workspace-failure.png"))
            raise


def _workspace_flow(page, url: str, key: str, stranger: str) -> None:
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    context = page.context
    page.goto(url)
    sign_in(page, key)
    expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["lexrisk_session"]["httpOnly"] and cookies["lexrisk_session"]["sameSite"] == "Lax"
    assert key not in page.url and key not in page.content()
    readable = page.evaluate("() => document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert key not in readable and "lexrisk_session" not in readable

    page.reload()  # still signed in
    expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
    page.locator('input[type="file"]').first.set_input_files(str(SAMPLES / "master_services_agreement.txt"))
    expect(page.get_by_text(UPLOADED)).to_be_visible()
    page.get_by_role("button", name="Analyze").click()
    expect(page.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()
    # the contract's link: Review's own address, though the app was opened at its root
    expect(page).to_have_url(re.compile(r"/review\?contract=[0-9a-f]+$"))
    link = page.url
    _shot(page, "20-review-1280")
    page.set_viewport_size({"width": 1920, "height": 1080})
    _shot(page, "21-review-1920")
    page.set_viewport_size({"width": 1280, "height": 800})

    # the link in a new tab of the same browser: signed in, the contract open
    other = context.new_page()
    other.goto(link)
    expect(other.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()
    other.close()

    # an explanation that states the clause's facts: the cap's basis and period, read from clause 7.2
    category = page.get_by_role("combobox", name="Category")
    category.click()
    category.fill("Cap on Liability")
    category.press("Enter")
    page.keyboard.press("Escape")
    expect(page.get_by_text("2 risks shown")).to_be_visible()  # 7.1 (uncapped, high), then 7.2 (low)
    _shot(page, "22-filtered")
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 + 17)
    why = page.get_by_text(re.compile(r"^Why it matters: Caps Provider's liability at the fees paid by Customer in "
                                      r"the 1 month preceding the claim"))
    expect(why).to_be_visible()
    expect(page.get_by_text(re.compile(r"found by lexrisk's built-in clause classifier"))).to_be_visible()
    _shot(page, "23-explanation-1280")
    page.set_viewport_size({"width": 1920, "height": 1080})
    _shot(page, "24-explanation-1920")
    page.set_viewport_size({"width": 1280, "height": 800})

    # a comparison's link: compare once, then the address bar's link opens it in a new tab
    page.get_by_role("link", name="Templates").click()
    # the page's own uploader: Review's, still there while the page changes, would take the file and lose it
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    # the same bytes twice (the second time saved under another file name): the second is the firm's template
    msa = (SAMPLES / "master_services_agreement.txt").read_bytes()
    for copy, name, said in (
            ("msa.txt", "Firm MSA", "Added template “Firm MSA”"),
            ("msa copy.txt", "Firm MSA again", "This file is already your template “Firm MSA”; nothing was added.")):
        page.locator('input[type="file"]').first.set_input_files(
            {"name": copy, "mimeType": "text/plain", "buffer": msa})
        expect(page.get_by_text(UPLOADED)).to_be_visible()
        page.get_by_role("textbox", name="Name (optional)").fill(name)
        page.get_by_role("button", name="Add template").click()
        expect(page.get_by_text(said)).to_be_visible()
    page.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare\?contract=[0-9a-f]+&template=[0-9a-f]+$"))
    other = context.new_page()
    other.goto(page.url)
    expect(other.get_by_text("not available on this server yet").or_(
        other.get_by_role("tab", name="Side by side"))).to_be_visible()
    other.close()

    page.goto(link)  # the review link again: the filters start afresh, the contract opens
    expect(page.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()

    # the possible risks: collapsed, opened, one accepted joins the review
    shown_before = int(re.search(r"(\d+) risks", page.get_by_text(re.compile(r"\d+ risks shown")).inner_text())[1])
    possible = page.get_by_text(re.compile(r"Possible — check \(\d+\)"))
    expect(possible).to_be_visible()
    waiting = int(re.search(r"\((\d+)\)", possible.inner_text())[1])
    possible.click()
    accept = page.get_by_role("button", name="Accept", exact=True).first
    expect(accept).to_be_visible()
    page.wait_for_timeout(500)
    _shot(page, "25-possible-1280")
    page.set_viewport_size({"width": 1920, "height": 1080})
    _shot(page, "26-possible-1920")
    page.set_viewport_size({"width": 1280, "height": 800})
    accept.click()
    expect(page.get_by_text(f"{shown_before + 1} risks", exact=False).first).to_be_visible()
    if waiting > 1:
        expect(page.get_by_text(f"Possible — check ({waiting - 1})")).to_be_visible()
    _shot(page, "27-possible-accepted")

    # Sign out ends the session; the link then opens sign-in, and another firm's user reads "not found"
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("textbox", name="API key")).to_be_visible()
    assert "lexrisk_session" not in {c["name"] for c in context.cookies()}
    page.reload()  # signed out stays signed out
    expect(page.get_by_role("textbox", name="API key")).to_be_visible()
    page.goto(link)  # a shared link, signed out: sign-in first, then its contract
    sign_in(page, key)
    expect(page.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("textbox", name="API key")).to_be_visible()
    page.goto(link)
    sign_in(page, stranger)
    expect(page.get_by_text("The contract of this link was not found.")).to_be_visible()
    _shot(page, "28-other-firm")


def _shot(page, name: str) -> None:
    """After the script run ends (Streamlit's running indicator is gone) and painting settles."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.wait_for_timeout(700)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _flow(page, url: str, key: str) -> None:
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    page.goto(url)
    page.get_by_role("textbox", name="API key").fill(key)
    page.get_by_role("textbox", name="Your name").fill("A. Lawyer")
    _shot(page, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
    assert key not in page.url

    page.locator('input[type="file"]').first.set_input_files(str(SAMPLES / "master_services_agreement.pdf"))
    expect(page.get_by_text(UPLOADED)).to_be_visible()  # sent to the app
    _shot(page, "02-upload")
    page.get_by_role("button", name="Analyze").click()
    expect(page.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()
    expect(page.locator("mark.lx-mark").first).to_be_attached()
    _shot(page, "03-risks")

    # select the first risk: the row marker cell at the grid's left edge, first body row
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()  # the key-terms panel above it may push it below the fold
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
    selected = page.locator("mark.lx-selected").first
    expect(selected).to_be_visible()
    expect(page.get_by_text("Why it matters:")).to_be_visible()
    page.wait_for_timeout(800)
    # the selected clause is scrolled into view inside the text pane
    inside = selected.evaluate("""el => { const pane = el.closest('.lx-text'); const a = el.getBoundingClientRect();
        const b = pane.getBoundingClientRect(); return a.top >= b.top - 1 && a.top <= b.bottom; }""")
    assert inside
    _shot(page, "04-selected")

    page.get_by_role("textbox", name="Comment").fill("acceptable for this client")
    page.get_by_role("radiogroup", name="Decision").get_by_text("Accept", exact=True).click()  # none preselected
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Reviewed: Accepted")).to_be_visible()
    _shot(page, "05-accepted")

    page.get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", name="Compare with a template")).to_be_visible()
    _shot(page, "06-compare")

    page.get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    page.locator('input[type="file"]').first.set_input_files(str(SAMPLES / "master_services_agreement.docx"))
    expect(page.get_by_text(UPLOADED)).to_be_visible()
    page.get_by_role("textbox", name="Name (optional)").fill("Standard MSA")
    page.get_by_role("button", name="Add template").click()
    expect(page.get_by_text("Added template “Standard MSA”")).to_be_visible()
    _shot(page, "07-templates")

    page.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Compare", exact=True).click()
    # the comparison where the server has it, else the page's note that it does not yet
    expect(page.get_by_text("not available on this server yet").or_(
        page.get_by_role("tab", name="Side by side"))).to_be_visible()
    _shot(page, "08-compare-result")

    page.get_by_role("link", name="Annotate").click()
    expect(page.get_by_role("heading", name="Annotate")).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
    expect(page.locator('iframe[title*="span_picker"]')).to_be_visible()
    _shot(page, "10-annotate")

    page.get_by_role("link", name="Model").click()
    expect(page.get_by_text("Evaluation on CUAD's dev contracts")).to_be_visible()
    _shot(page, "11-model")

    page.get_by_role("link", name="Export").click()
    expect(page.get_by_role("button", name="Word with comments")).to_be_visible()
    _shot(page, "12-export")

    # a narrow window: the columns stack, the sidebar folds away
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()
    page.set_viewport_size({"width": 420, "height": 800})
    _shot(page, "09-narrow")
