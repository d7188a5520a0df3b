"""The bare Playwright floor, as one process: launch, context with a HAR, goto, full-page
screenshot, close.  It waits for nothing else, so it misses lazy and late content.

    python bench/bare_capture.py URL OUTPUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/lib/chromium/chromium"


def main(url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(record_har_path=str(out / "bare.har"),
                                      record_har_content="embed",
                                      viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(url)
        page.screenshot(path=str(out / "bare.png"), full_page=True)
        context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
