"""The Annotate page in a real browser (`lexrisk up`, Debian's Chromium through Playwright): label one clause
by taking the model's suggestion and one span drawn with the mouse, then read both back through the API
(offsets, category, origin). Every click, drag and key the annotator makes goes through `Actions`, which
counts them: the counts are written to out/annotate_actions.json for benchmarks/annotate_actions.py.
Screenshots at 1280 and 1920 px wide go to out/screenshots/ (LEXRISK_SCREENSHOTS) for people to look at."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from lexrisk.testing.app_up import CHROMIUM, Up, chromium, running_up, sign_in
from tests.ui.conftest import ROOT, SAMPLES, lexrisk

playwright_api = pytest.importorskip("playwright.sync_api")
SHOTS = Path(os.environ.get("LEXRISK_SCREENSHOTS", ROOT / "out" / "screenshots"))
COUNTS = Path(os.environ.get("LEXRISK_ACTION_COUNTS", ROOT / "out" / "annotate_actions.json"))
pytestmark = pytest.mark.slow
QUEUE_GRID = '.st-key-queue [data-testid="stDataFrame"]'  # the queue's table (the progress has one too)


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    """`lexrisk up` on free ports with the embedded analyzer and a temporary database."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    with running_up(tmp_path_factory.mktemp("up")) as running:
        yield running


@dataclass
class Actions:
    """The annotator's input, counted: a click or a drag is one action, each key press one."""

    page: Any
    counts: dict[str, int] = field(default_factory=lambda: {"clicks": 0, "keys": 0})

    def click(self, locator: Any) -> None:
        locator.click()
        self.counts["clicks"] += 1

    def drag(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        mouse = self.page.mouse
        mouse.move(*a)
        mouse.down()
        mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, steps=4)
        mouse.move(*b, steps=4)
        mouse.up()
        self.counts["clicks"] += 1

    def keys(self, *names: str) -> None:
        for name in names:
            self.page.keyboard.press(name)
            self.counts["keys"] += 1

    def total(self) -> int:
        return self.counts["clicks"] + self.counts["keys"]


def _analyzed(up: Up) -> tuple[str, dict[str, str]]:
    """The sample contract uploaded and analysed through the API (not part of labelling)."""
    headers = {"Authorization": f"Bearer {up.key}"}
    return _upload(up, headers, "master_services_agreement.pdf"), headers


def _choose(page: Any, name: str) -> None:
    """Clicks the checkbox of the queue's row of this contract (its index found in the grid's accessible cells,
    column 1 being Contract)."""
    grid = page.locator(QUEUE_GRID)
    playwright_api.expect(grid.locator(f'[id^="glide-cell-1-"]:text-is("{name}")')).to_have_count(1)
    cells = grid.evaluate("g => Array.from(g.querySelectorAll('[id^=glide-cell-1-]'), c => [c.id, c.textContent])")
    row = next(int(cell.rsplit("-", 1)[1]) for cell, text in cells if text == name)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 * row + 17)


def _shot(page: Any, name: str) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.wait_for_timeout(900)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _labels(up: Up, headers: dict[str, str], cid: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while True:
        data = httpx.get(f"{up.api}/v1/contracts/{cid}/labels", headers=headers, timeout=30).json()["data"]
        if len(data) >= count or time.monotonic() > deadline:
            return data
        time.sleep(0.3)


def _points(iframe: Any, offsets: tuple[int, int]) -> list[tuple[float, float]]:
    """Page coordinates of the middle of two characters of the contract text in the picker, after
    scrolling the text pane so that the first sits a third of the way down."""
    iframe.scroll_into_view_if_needed()
    boxes = iframe.content_frame.locator("#doc").evaluate("""(doc, offsets) => {
        const rect = (offset) => {
            const walk = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
            let seen = 0, node;
            while ((node = walk.nextNode())) {
                if (seen + node.data.length > offset) {
                    const r = document.createRange(); r.setStart(node, offset - seen); r.setEnd(node, offset - seen + 1);
                    return r.getBoundingClientRect();
                }
                seen += node.data.length;
            }
            return null; };
        const first = rect(offsets[0]), pane = doc.getBoundingClientRect();
        doc.scrollTop += first.y - pane.y - pane.height / 3;
        return offsets.map((o) => { const b = rect(o); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; }); }""",
                                                            list(offsets))
    frame_box = iframe.bounding_box()
    assert frame_box is not None
    return [(frame_box["x"] + b["x"], frame_box["y"] + b["y"]) for b in boxes]


def test_label_from_a_suggestion_and_from_the_mouse(up: Up) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    cid, headers = _analyzed(up)
    text = httpx.get(f"{up.api}/v1/contracts/{cid}/text", headers=headers, timeout=30).json()["text"]
    findings = httpx.get(f"{up.api}/v1/contracts/{cid}/findings", headers=headers, timeout=30).json()["data"]
    assert findings, "the embedded analyzer found nothing to suggest in the sample contract"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(90_000)
        try:
            counts = _flow(page, up, cid, headers, text, findings)
        except Exception:
            page.screenshot(path=str(SHOTS / "annotate-failure.png"))
            raise
    COUNTS.parent.mkdir(parents=True, exist_ok=True)
    COUNTS.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")


def _flow(page: Any, up: Up, cid: str, headers: dict[str, str], text: str,
          findings: list[dict[str, Any]]) -> dict[str, Any]:
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    page.goto(up.ui)
    sign_in(page, up.key)
    page.get_by_role("link", name="Annotate").click()
    expect(page.get_by_role("heading", name="Annotate")).to_be_visible()
    _choose(page, "master_services_agreement.pdf")  # choosing work, not labelling
    iframe = page.locator('iframe[title*="span_picker"]')
    expect(iframe).to_be_visible()
    frame = iframe.content_frame
    expect(frame.locator("span.sug").first).to_be_visible()
    _shot(page, "annotate-1280-suggestions")

    # 1. a clause from the model's suggestion: click it, Enter
    suggestion = frame.locator("span.sug").first
    sid = suggestion.get_attribute("data-sid")
    chosen = next(f for f in findings if f["id"] == sid)
    from_suggestion = Actions(page)
    from_suggestion.click(suggestion)
    expect(frame.locator("#selhead")).to_contain_text("unchanged")
    _shot(page, "annotate-1280-suggestion-taken")
    from_suggestion.keys("Enter")
    saved = _labels(up, headers, cid, 1)
    assert len(saved) == 1
    assert (saved[0]["start"], saved[0]["end"], saved[0]["category"], saved[0]["severity"], saved[0]["origin"]) == (
        chosen["start"], chosen["end"], chosen["category"], chosen["severity"], "suggested_accepted")
    assert saved[0]["quote"] == text[chosen["start"]:chosen["end"]]

    # 2. a span drawn with the mouse, from inside its first word to inside its last: snapped to whole words
    match = re.search(r"governed by[^.\n]*", text, re.IGNORECASE) or re.search(r"\w+ \w+ \w+ \w+", text)
    assert match is not None
    start, end = match.span()
    while not text[end - 1].isalnum():
        end -= 1
    drawn = Actions(page)
    drawn.drag(*_points(iframe, (start + 2, end - 2)))
    expect(frame.locator("#selhead")).to_contain_text(f"characters {start}–{end}")
    drawn.keys(*"gov", "Enter")
    expect(frame.locator("#guide")).to_contain_text("CUAD:")
    _shot(page, "annotate-1280-drawn")
    drawn.keys("Enter")
    saved = _labels(up, headers, cid, 2)
    mine = next(x for x in saved if x["origin"] == "manual")
    assert (mine["start"], mine["end"], mine["category"]) == (start, end, "Governing Law")
    assert mine["quote"] == text[start:end]
    page.wait_for_timeout(1500)
    _shot(page, "annotate-1280-saved")
    page.set_viewport_size({"width": 1920, "height": 1080})
    _shot(page, "annotate-1920")

    # a second annotator saw the drawn clause as medium: the adjudicator keeps the first label
    other = {"annotator": "B. Lawyer", "category": "Governing Law", "severity": "medium", "start": start, "end": end}
    assert httpx.post(f"{up.api}/v1/contracts/{cid}/labels", headers=headers, json=other, timeout=30).status_code == 201
    page.get_by_role("link", name="Disagreements").click()
    expect(page.get_by_text("severity differs").first).to_be_visible()
    _shot(page, "disagreements-1920")
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "disagreements-1280")
    keep = next(i for i, d in enumerate(httpx.get(f"{up.api}/v1/annotation/disagreements", headers=headers,
                                                  timeout=30).json()["data"]) if d["category"] == "Governing Law")
    page.get_by_role("button", name="Keep this label").nth(keep).click()
    expect(page.get_by_text("Recorded: 1 accepted, 1 rejected")).to_be_visible()
    statuses = {(x["annotator"], x["origin"]): x["status"] for x in _labels(up, headers, cid, 3)
                if x["category"] == "Governing Law"}
    assert statuses == {("A. Lawyer", "manual"): "accepted", ("B. Lawyer", "manual"): "rejected"}
    return {"suggestion": from_suggestion.counts | {"total": from_suggestion.total()},
            "drawn": drawn.counts | {"total": drawn.total()},
            "drawn_span": [start, end], "suggestion_span": [chosen["start"], chosen["end"]]}


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_chosen_contract_survives_a_reload_and_sign_in(up: Up, width: int) -> None:
    """The contract chosen in the queue is the address's `?contract=ID`: a reload opens its workspace again, with its
    row still ticked, and so does its link opened signed out, after sign-in; clearing the row closes it, and an
    unknown id is a message. The older of two contracts is chosen, so a page that opened the first row would fail.
    A firm of its own: labelling assigns a contract to its annotator, so the first test's labels (A. and B.
    Lawyer's) give its contract a row each in that firm's queue, where each contract here must have one."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    key = lexrisk("keys", "create", "--tenant", f"links-{width}", env=up.env)
    headers = {"Authorization": f"Bearer {key}"}
    cid = _upload(up, headers, "master_services_agreement.pdf")
    newer = _upload(up, headers, "master_services_agreement.txt")
    name = "master_services_agreement.pdf"
    assert newer != cid
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": 900 if width == 1280 else 1080})
        page = context.new_page()
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{up.ui}/annotate")  # signed out: sign-in, then back to Annotate
            sign_in(page, key)
            expect(page.get_by_role("heading", name="Annotate")).to_be_visible()
            _choose(page, name)
            expect(page).to_have_url(f"{up.ui}/annotate?contract={cid}")
            _opened(page, name, f"annotate-link-{width}-chosen")
            page.reload()
            expect(page).to_have_url(f"{up.ui}/annotate?contract={cid}")
            _opened(page, name, f"annotate-link-{width}-reloaded")

            other = browser.new_context(viewport={"width": width, "height": 900}).new_page()  # a colleague, signed out
            other.set_default_timeout(90_000)
            other.goto(f"{up.ui}/annotate?contract={cid}")
            sign_in(other, key, name="B. Lawyer")
            expect(other).to_have_url(f"{up.ui}/annotate?contract={cid}")
            _opened(other, name, f"annotate-link-{width}-signed-in")
            other.context.close()

            _choose(page, name)  # ticked again: cleared, the queue alone
            expect(page).to_have_url(f"{up.ui}/annotate")
            expect(page.get_by_text("Select a contract in the queue to label it.")).to_be_visible()
            expect(page.locator('iframe[title*="span_picker"]')).to_have_count(0)
            page.goto(f"{up.ui}/annotate?contract={'0' * 32}")
            expect(page.get_by_text("The contract of this link was not found.")).to_be_visible()
            expect(page).to_have_url(f"{up.ui}/annotate")
            _shot(page, f"annotate-link-{width}-unknown")
        except Exception:
            page.screenshot(path=str(SHOTS / f"annotate-link-{width}-failure.png"))
            raise


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_queue_is_paged_and_the_linked_contract_opens_on_any_page(up: Up, width: int) -> None:
    """A queue longer than a page (27 rows, 25 a page) shows the rows of one page and says which of how many; the
    next page lists the last two; the contract of the address stays open while its row is on another page, and a
    row of this page opens its own; 50 rows a page shows them all. The page (and a size other than 25) is in the
    address beside the contract, so a reload shows the same page. A firm of its own, so the other tests' queue
    keeps its two rows."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    key = lexrisk("keys", "create", "--tenant", f"pager-{width}", env=up.env)
    headers = {"Authorization": f"Bearer {key}"}
    older = _upload(up, headers, "master_services_agreement.pdf")
    newer = _upload(up, headers, "master_services_agreement.txt")
    with httpx.Client(base_url=up.api, headers=headers, timeout=30) as http:
        for i in range(26):
            http.put(f"/v1/annotation/queue/{older}", json={"annotator": f"Annotator {i:02}"}).raise_for_status()
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900 if width == 1280 else 1080})
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{up.ui}/annotate?contract={newer}")
            sign_in(page, key)
            expect(page.get_by_text("Rows 1–25 of 27 · page 1 of 2")).to_be_visible()
            _opened(page, "master_services_agreement.txt", f"annotate-pages-{width}-first")
            page.get_by_label("Page", exact=True).fill("2")
            page.keyboard.press("Enter")
            expect(page.get_by_text("Rows 26–27 of 27 · page 2 of 2")).to_be_visible()
            grid = page.locator(QUEUE_GRID)
            expect(grid.locator('[id^="glide-cell-2-"]')).to_have_text(["Annotator 24", "Annotator 25"])
            expect(page.get_by_text("it is not on this page of the queue as listed")).to_be_visible()
            expect(page.get_by_role("heading", name="master_services_agreement.txt", exact=True)).to_be_visible()
            expect(page).to_have_url(f"{up.ui}/annotate?contract={newer}&page=2")
            expect(grid.locator('tr[aria-selected="true"]')).to_have_count(0)
            _shot(page, f"annotate-pages-{width}-second")
            page.reload()
            expect(page.get_by_text("Rows 26–27 of 27 · page 2 of 2")).to_be_visible()
            expect(page.get_by_label("Page", exact=True)).to_have_value("2")
            box = grid.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's checkbox: Annotator 24's
            expect(page).to_have_url(f"{up.ui}/annotate?contract={older}&page=2")
            _opened(page, "master_services_agreement.pdf", f"annotate-pages-{width}-second-chosen")
            page.get_by_label("Rows a page").click()
            page.get_by_role("option", name="50").click()
            expect(page.get_by_text("Rows 1–27 of 27 · page 1 of 1")).to_be_visible()
            expect(page).to_have_url(f"{up.ui}/annotate?contract={older}&page_size=50")
            _shot(page, f"annotate-pages-{width}-all")
        except Exception:
            page.screenshot(path=str(SHOTS / f"annotate-pages-{width}-failure.png"))
            raise


def test_the_workspace_reads_whole_at_1280_px(up: Up) -> None:
    """At 1280 px, with a contract named as long as CUAD's, every queue column is in view (no sideways scroll
    hides Uncertainty or Added), and the assign button's label is whole and says what it does: "Assign…",
    squeezed into a narrow column, read as cut. A firm of its own, so the other tests' queue keeps its rows."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    key = lexrisk("keys", "create", "--tenant", "narrow", env=up.env)
    headers = {"Authorization": f"Bearer {key}"}
    long_name = "TomOnlineInc_20060501_20-F_EX-4.46_749700_EX-4.46_Co-Branding Agreement.txt"
    with httpx.Client(base_url=up.api, headers=headers, timeout=60) as http:
        accepted = http.post("/v1/contracts", files={
            "file": (long_name, (SAMPLES / "master_services_agreement.txt").read_bytes())}).json()
    expect = playwright_api.expect
    expect.set_options(timeout=120_000)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(90_000)
        try:
            page.goto(f"{up.ui}/annotate?contract={accepted['contract_id']}")
            sign_in(page, key)
            assign = page.get_by_role("button", name="Assign to an annotator")
            expect(assign).to_be_visible()
            _shot(page, "annotate-1280-long-name")
            grid = page.locator(f"{QUEUE_GRID} .dvn-scroller")
            width, shown = grid.evaluate("g => [g.scrollWidth, g.clientWidth]")
            assert width <= shown, f"the queue scrolls sideways: {width} px in {shown}"
            headers_shown = page.locator(f"{QUEUE_GRID} [role=columnheader]").all_inner_texts()
            assert [h.strip() for h in headers_shown] == ["Contract", "Assigned to", "Status", "Labels",
                                                          "Uncertainty", "Added"]
            clipped = assign.evaluate("b => [...b.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth)"
                                      ".map(e => e.textContent)")
            assert clipped == []
        except Exception:
            page.screenshot(path=str(SHOTS / "annotate-1280-long-name-failure.png"))
            raise


def _upload(up: Up, headers: dict[str, str], name: str) -> str:
    """One more sample contract, analysed through the API; its id."""
    with httpx.Client(base_url=up.api, headers=headers, timeout=60) as http:
        path = SAMPLES / name
        accepted = http.post("/v1/contracts", files={"file": (path.name, path.read_bytes())}).json()
        deadline = time.monotonic() + 120
        while http.get(f"/v1/jobs/{accepted['job_id']}").json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, "the analysis did not finish"
            time.sleep(0.5)
    return str(accepted["contract_id"])


def _opened(page: Any, name: str, shot: str) -> None:
    """The workspace of `name` shows (its heading and the text to label), and the queue's ticked row is its row."""
    expect = playwright_api.expect
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.locator('iframe[title*="span_picker"]').content_frame.locator("#doc")).to_be_visible()
    ticked = page.locator(f'{QUEUE_GRID} tr[aria-selected="true"] [id^="glide-cell-1-"]')
    expect(ticked).to_have_text([name])
    _shot(page, shot)
