#!/usr/bin/env bash
# The browser the app's end-to-end test drives (tests/ui/test_browser.py): Debian's Chromium, installed
# when missing. Playwright never downloads its own (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 in the Makefile).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "installing chromium"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium
