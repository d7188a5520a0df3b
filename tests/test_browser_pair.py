"""Smoke test: the pinned Playwright still drives Debian's Chromium."""

from __future__ import annotations

import subprocess

import pytest

from evidence_capture.capture import browser as chromium
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

pytestmark = pytest.mark.browser


def _chromium_version(executable: str) -> str:
    try:
        return subprocess.run([executable, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({exc})"


def test_playwright_drives_debian_chromium(shop) -> None:
    from playwright.sync_api import Error, sync_playwright

    settings = load_settings()
    require_chromium(settings)
    versions = (f"Playwright {chromium.playwright_version()} with "
                f"{_chromium_version(settings.chromium)} at {settings.chromium}")
    try:
        with sync_playwright() as pw:
            browser = chromium.launch(pw, settings, None)
            try:
                page = browser.new_page()
                page.goto(shop.url("shop"))
                title = page.title()
                cdp = page.context.new_cdp_session(page)
                snapshot = cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
            finally:
                browser.close()
    except Exception as exc:  # noqa: BLE001 - any failure here means the pair broke
        pytest.fail(f"the browser pair stopped working: {versions}: {exc}")
    assert "龙井茶官方旗舰店" in title, f"unexpected title {title!r} ({versions})"
    assert "multipart/related" in snapshot, f"CDP Page.captureSnapshot broke ({versions})"
