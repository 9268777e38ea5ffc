#!/usr/bin/env bash
# CI: install Debian's chromium for the browser tests (tests/test_ui_browser.py).
# Playwright drives it through executable_path=/usr/bin/chromium; Parley never
# runs `playwright install` (no browser downloads). Needs root (apt-get).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    /usr/bin/chromium --version
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
