"""The README's screenshot of the Review page: `lexrisk up` on free ports and a fresh SQLite store, the sample
contract uploaded and analyzed in Chromium, its first risk selected; saved as docs/img/review.png.

    python scripts/review_screenshot.py [--width 1920] [--out docs/img/review.png]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = REPO / "examples" / "contracts" / "master_services_agreement.pdf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "review.png")
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="lexrisk-shot-"))
    api_port, ui_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "LEXRISK_DATABASE_URL": f"sqlite:///{folder / 'lexrisk.db'}",
           "LEXRISK_ANALYZER": "baseline"}
    log_path = folder / "up.log"
    with log_path.open("w+") as log:
        up = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "up", "--api-port", str(api_port), "--ui-port",
                               str(ui_port), "--tenant", "Smith & Partners"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, cwd=REPO)
        try:
            deadline = time.monotonic() + 180
            while "lexrisk is up" not in log_path.read_text():
                if up.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"lexrisk up did not start:\n{log_path.read_text()}")
                time.sleep(0.5)
            found = re.search(r"\(shown once\): (\S+)", log_path.read_text())
            assert found, "no key printed"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
                page = browser.new_page(viewport={"width": args.width, "height": args.height})
                page.set_default_timeout(120_000)
                expect.set_options(timeout=120_000)
                page.goto(f"http://127.0.0.1:{ui_port}")
                page.get_by_role("textbox", name="API key").fill(found.group(1))
                page.get_by_role("textbox", name="Your name").fill("A. Lawyer")
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", name="Review a contract")).to_be_visible()
                page.locator('input[type="file"]').first.set_input_files(str(SAMPLE))
                expect(page.get_by_text(re.compile(r"^\d+(\.\d+)?\s?[KM]B$"))).to_be_visible()
                page.get_by_role("button", name="Analyze").click()
                expect(page.get_by_text(re.compile(r"\d+ risks shown"))).to_be_visible()
                grid = page.locator('[data-testid="stDataFrame"]').first
                grid.scroll_into_view_if_needed()  # the key-terms panel above it pushes it below the fold
                box = grid.bounding_box()
                assert box is not None
                page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
                expect(page.locator("mark.lx-selected").first).to_be_visible()
                page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
                page.wait_for_timeout(1200)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            up.send_signal(signal.SIGTERM)
            up.wait(timeout=60)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
