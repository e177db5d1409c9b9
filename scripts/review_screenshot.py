"""The README's screenshot of the Review page: `lexrisk up` on free ports and a fresh SQLite store, the sample
contract uploaded and analyzed in Chromium, its first risk selected; saved as docs/img/review.png.

    python scripts/review_screenshot.py [--width 1920] [--out docs/img/review.png]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from lexrisk.testing.app_up import CHROMIUM, CHROMIUM_ARGS, running_up, sign_in

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "contracts" / "master_services_agreement.pdf"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "review.png")
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    with running_up(Path(tempfile.mkdtemp(prefix="lexrisk-shot-"))) as up, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.set_default_timeout(120_000)
        expect.set_options(timeout=120_000)
        page.goto(up.ui)
        sign_in(page, up.key)
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
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
