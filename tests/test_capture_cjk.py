"""Chinese text must render: tofu boxes would make different strings look identical."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from PIL import Image, ImageChops

from evidence_capture.capture import browser as chromium
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

pytestmark = pytest.mark.browser


def _render(page, shop, text: str, path) -> Image.Image:  # type: ignore[no-untyped-def]
    page.goto(f"{shop.base}/text?t={quote(text)}")
    page.locator("#text").screenshot(path=str(path))
    return Image.open(path).convert("RGB")


def test_two_chinese_strings_of_equal_length_render_differently(shop, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    settings = load_settings()
    require_chromium(settings)
    first, second = "营业执照信息", "市场监督管理"
    assert len(first) == len(second)
    with sync_playwright() as pw:
        browser = chromium.launch(pw, settings, None)
        try:
            page = browser.new_page()
            a = _render(page, shop, first, tmp_path / "a.png")
            b = _render(page, shop, second, tmp_path / "b.png")
        finally:
            browser.close()
    assert a.size == b.size, "equal-length strings in a CJK font have equal widths"
    assert ImageChops.difference(a, b).getbbox() is not None, "identical: tofu boxes?"
    assert a.getcolors(1 << 16) and len(a.getcolors(1 << 16)) > 2, "blank rendering"
