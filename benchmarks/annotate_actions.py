"""User actions (clicks, drags and key presses) to label one clause on the Annotate page: today's page (a
git worktree of the base commit) against this one, each driven by Debian's Chromium through Playwright and
each label checked through the API.

Two tasks, the same on both pages, on the sample contract analysed by the embedded model:
- "suggestion": the clause of the model's first suggestion, with the suggestion's category and severity.
  Today there are no suggestions: the annotator picks the clause from the dropdown (typing its number),
  the category (typing part of its name) and the severity, and saves.
- "drawn": the words "governed by ... principles" of clause 9.2 as Governing Law. Today: the character
  range boxes (the offsets typed in; finding them is not counted), category, severity, save.
This page's counts come from tests/ui/test_annotate_browser.py's flow (the same code the test runs).

    python -m benchmarks.annotate_actions --base b455a3a   # writes eval/results/annotate_actions.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect, sync_playwright

from tests.ui.conftest import free_port
from tests.ui.test_annotate_browser import ARGS, CHROMIUM, Actions, Up, _analyzed, _flow

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "eval" / "results" / "annotate_actions.json"


@contextmanager
def lexrisk_up(root: Path) -> Iterator[Up]:
    """`lexrisk up` of the checkout at `root` on free ports, a temporary database, the embedded analyzer."""
    with tempfile.TemporaryDirectory() as folder:
        api_port, ui_port = free_port(), free_port()
        env = {**os.environ, "PYTHONPATH": str(root), "LEXRISK_DATABASE_URL": f"sqlite:///{folder}/lexrisk.db",
               "LEXRISK_ANALYZER": "baseline"}
        log_path = Path(folder) / "up.log"
        with log_path.open("w+") as log:
            process = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "up", "--api-port", str(api_port),
                                        "--ui-port", str(ui_port), "--tenant", "Bench"], env=env, stdout=log,
                                       stderr=subprocess.STDOUT, cwd=root)
            try:
                deadline = time.monotonic() + 180
                while "lexrisk is up" not in log_path.read_text():
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"lexrisk up did not start:\n{log_path.read_text()}")
                    time.sleep(0.5)
                key = re.search(r"\(shown once\): (\S+)", log_path.read_text())
                assert key is not None
                yield Up(f"http://127.0.0.1:{ui_port}", f"http://127.0.0.1:{api_port}", key.group(1))
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=40)


def _pick(actions: Actions, page: Any, label: str, typed: str) -> None:
    """A long selectbox (clauses, categories): click it, type part of the option, Enter."""
    actions.click(page.get_by_label(label, exact=True).first)
    actions.keys(*typed, "Enter")


def _choose(actions: Actions, page: Any, label: str, option: str) -> None:
    """A short selectbox (severities): click it, click the option."""
    actions.click(page.get_by_label(label, exact=True).first)
    actions.click(page.get_by_role("option", name=option, exact=True))


def old_flow(page: Any, up: Up, cid: str, headers: dict[str, str], text: str,
             findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Today's page: the dropdown of clauses and the character range boxes."""
    expect.set_options(timeout=120_000)
    page.goto(up.ui)
    page.get_by_role("textbox", name="API key").fill(up.key)
    page.get_by_role("textbox", name="Your name").fill("A. Lawyer")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Annotate").click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
    expect(page.get_by_role("button", name="Save label")).to_be_visible()

    chosen = findings[0]
    number = re.match(r"\s*(\d+(\.\d+)*)", text[chosen["start"]:chosen["end"]])
    clause = Actions(page)
    _pick(clause, page, "Clause", number.group(1) if number else text[chosen["start"]:chosen["start"] + 12])
    _pick(clause, page, "Category", chosen["category"][:4].lower())
    _choose(clause, page, "Severity", chosen["severity"])
    clause.click(page.get_by_role("button", name="Save label"))
    expect(page.get_by_text("Saved your label")).to_be_visible()
    saved = _labels(up, headers, cid, 1)
    assert saved[-1]["category"] == chosen["category"] and saved[-1]["severity"] == chosen["severity"]
    assert saved[-1]["start"] < chosen["end"] and chosen["start"] < saved[-1]["end"]  # the suggestion's clause

    match = re.search(r"governed by[^.\n]*", text, re.IGNORECASE)
    assert match is not None
    start, end = match.span()
    while not text[end - 1].isalnum():
        end -= 1
    drawn = Actions(page)
    drawn.click(page.get_by_text("By character range"))
    for name, value in (("From character", start), ("To character", end)):
        drawn.click(page.get_by_label(name))
        drawn.keys("Control+a", *str(value), "Enter")
    _pick(drawn, page, "Category", "gov")
    _choose(drawn, page, "Severity", "info")
    drawn.click(page.get_by_role("button", name="Save label"))
    expect(page.get_by_text("Saved your label “Governing Law”")).to_be_visible()
    saved = _labels(up, headers, cid, 2)
    assert (saved[-1]["start"], saved[-1]["end"], saved[-1]["category"]) == (start, end, "Governing Law")
    return {"suggestion": clause.counts | {"total": clause.total()}, "drawn": drawn.counts | {"total": drawn.total()},
            "drawn_span": [start, end], "suggestion_category": chosen["category"]}


def _labels(up: Up, headers: dict[str, str], cid: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while True:
        data = httpx.get(f"{up.api}/v1/contracts/{cid}/labels", headers=headers, timeout=30).json()["data"]
        if len(data) >= count or time.monotonic() > deadline:
            return data
        time.sleep(0.3)


def measure(root: Path, flow: Any) -> dict[str, Any]:
    with lexrisk_up(root) as up, sync_playwright() as pw:
        cid, headers = _analyzed(up)
        text = httpx.get(f"{up.api}/v1/contracts/{cid}/text", headers=headers, timeout=30).json()["text"]
        findings = httpx.get(f"{up.api}/v1/contracts/{cid}/findings", headers=headers, timeout=30).json()["data"]
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(90_000)
            return dict(flow(page, up, cid, headers, text, findings))
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="b455a3a", help="the commit whose Annotate page is today's")
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            today = measure(base, old_flow)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    after = measure(ROOT, _flow)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    result = {"protocol": "Chromium (Debian) through Playwright, 1280x900; a click or a drag is one action, each key "
                          "press one; each label checked through the API (offsets, category, origin after)",
              "base_commit": args.base, "commit": head.strip(), "today": today, "after": after}
    print(f"{'task':<12}{'today (clicks+keys)':>22}{'after (clicks+keys)':>22}")
    for task in ("suggestion", "drawn"):
        t, a = today[task], after[task]
        print(f"{task:<12}{t['total']:>12} ({t['clicks']}+{t['keys']}){'':>3}{a['total']:>12} ({a['clicks']}+{a['keys']})")
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
