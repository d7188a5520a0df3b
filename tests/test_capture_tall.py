"""A 100,000 px page must come out complete: tiled, stitched, never blank or repeated."""

from __future__ import annotations

import colorsys

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _block_colour(index: int) -> tuple[int, int, int]:
    """The page paints block i in hsl(i * 3.6, 70%, 60%)."""
    r, g, b = colorsys.hls_to_rgb(index * 3.6 / 360, 0.60, 0.70)
    return round(r * 255), round(g * 255), round(b * 255)


def _close(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(abs(x - y) <= 3 for x, y in zip(a, b))


def test_hundred_thousand_pixel_page_is_complete(shop_capture) -> None:
    cap = shop_capture("tall")
    with Image.open(cap.folder / "screenshot.png") as image:
        assert image.size == (1366, 100_000)
        rgb = image.convert("RGB")
        # Sample the left margin in the middle of each of the last ten blocks.
        last = [rgb.getpixel((3, block * 1000 + 20)) for block in range(90, 100)]
        earlier = [rgb.getpixel((3, block * 1000 + 20)) for block in range(0, 90)]
    for block, pixel in zip(range(90, 100), last):
        assert _close(pixel, _block_colour(block)), f"block {block} is {pixel}"
        assert pixel != (255, 255, 255), "blank"
    assert len(set(last)) == 10, "the last tenth repeats itself"
    assert not set(last) & set(earlier), "the last tenth repeats earlier content"
    assert cap.provenance()["screenshot"]["tiles"] > 1
