"""Adaptive settling loses nothing: late prices, lazy images, timers, with the dwell as bound."""

from __future__ import annotations

import re

import pytest

from evidence_capture.defaults import DEFAULTS
from evidence_capture.models import CaptureState

pytestmark = pytest.mark.browser


def _requested(cap) -> set[str]:  # type: ignore[no-untyped-def]
    return {e["request"]["url"].split("/", 3)[3] for e in cap.har()["log"]["entries"]}


def test_late_price_and_lazy_image_with_the_default_dwell(shop_capture) -> None:
    cap = shop_capture("item", settle_dwell_ms=DEFAULTS.settle_dwell_ms)
    assert cap.result.state is CaptureState.COMPLETE
    dom = (cap.folder / "dom.html").read_text(encoding="utf-8")
    assert '<span id="late-price">到手价 ¥ 368.00</span>' in dom
    assert 'src="/img/product-2.svg?detail=1"' in dom
    assert "img/product-2.svg?detail=1" in _requested(cap)
    settle = cap.provenance()["settle"]
    # it waited for the 800 ms timer, then ended because the page was quiet
    assert settle["ended"] == "quiet" and settle["screens_scrolled"] >= 1


def test_every_lazy_image_of_a_long_page_is_loaded(shop_capture) -> None:
    cap = shop_capture("gallery", settle_dwell_ms=DEFAULTS.settle_dwell_ms)
    assert cap.result.state is CaptureState.COMPLETE
    dom = (cap.folder / "dom.html").read_text(encoding="utf-8")
    loaded = set(re.findall(r'src="/img/product-\d\.svg\?part=(\d+)"', dom))
    assert loaded == {str(n) for n in range(1, 31)}
    assert {f"img/product-{n % 3 + 1}.svg?part={n}" for n in range(1, 31)} <= _requested(cap)
    assert cap.provenance()["screenshot"]["css_height"] >= 30_000
