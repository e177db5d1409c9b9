"""`lexrisk up` (API + app) on free loopback ports with a temporary database and the embedded analyzer, as the
browser tests and the README's screenshot script drive it: one place that starts it, reads the key it prints
once and stops it, so the tests and the screenshot see the same product."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexrisk.testing.vllm_server import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's (scripts/browser.sh); Playwright never downloads its own
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
START_SECONDS = 180
STOP_SECONDS = 40


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless under Playwright, closed on the way out: the one way the browser tests start
    it. Playwright is imported here, not at the top, because only the browser tests install it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class UpFailed(RuntimeError):
    """`lexrisk up` did not start, or did not stop cleanly on SIGTERM; the message carries its log."""


@dataclass(frozen=True)
class Up:
    ui: str  # the app's URL
    api: str  # the API's URL
    key: str  # the new tenant's API key
    env: dict[str, str]  # the environment it runs with (its database), for commands against the same store


@contextlib.contextmanager
def running_up(folder: Path, tenant: str = "Smith & Partners") -> Iterator[Up]:
    """The product running until the block ends; SIGTERM then must stop it with status 0 (UpFailed if not)."""
    api_port, ui_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LEXRISK_DATABASE_URL": f"sqlite:///{folder / 'lexrisk.db'}",
           "LEXRISK_ANALYZER": "baseline"}
    log_path = folder / "up.log"
    with log_path.open("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "up", "--api-port", str(api_port),
                                    "--ui-port", str(ui_port), "--tenant", tenant],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            deadline = time.monotonic() + START_SECONDS
            while "lexrisk is up" not in (output := log_path.read_text()):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise UpFailed(f"lexrisk up did not start:\n{output}")
                time.sleep(0.5)
            key = re.search(r"\(shown once\): (\S+)", output)
            if key is None:
                raise UpFailed(f"lexrisk up printed no key:\n{output}")
            yield Up(f"http://127.0.0.1:{ui_port}", f"http://127.0.0.1:{api_port}", key.group(1), env)
        except BaseException:
            process.kill()
            process.wait(timeout=STOP_SECONDS)
            raise
        process.send_signal(signal.SIGTERM)
        if process.wait(timeout=STOP_SECONDS) != 0:
            raise UpFailed(f"lexrisk up exited {process.returncode} on SIGTERM:\n{log_path.read_text()}")


def sign_in(page: Any, key: str, name: str = "A. Lawyer") -> None:
    """Fill the app's sign-in form on a Playwright `page` and send it: every browser test and the screenshot
    script start this way."""
    page.get_by_role("textbox", name="API key").fill(key)
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("button", name="Sign in").click()
