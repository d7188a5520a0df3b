"""Full-page screenshots, tiled for pages taller than Chromium's safe limit.

Chromium's compositor cannot render one capture much taller than ~16,384
device pixels: beyond that a single full-page screenshot comes out blank or
repeats.  Taller pages are taken as clipped tiles of ``tile_height`` CSS
pixels (each rendered on its own, beyond the viewport) and stitched with
Pillow into one PNG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

# Set deliberately: the largest image we agree to decode or build.  A desktop
# page at the default height bound is 1366 x 200,000 px; a 3x mobile device
# triples both sides of a narrower page.  Anything larger is refused by
# Pillow's decompression-bomb check instead of exhausting memory.
MAX_PIXELS = 1_200_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_SIZE_JS = """() => {
  const d = document.documentElement, b = document.body || d;
  return [Math.max(d.scrollWidth, b.scrollWidth, d.clientWidth),
          Math.max(d.scrollHeight, b.scrollHeight, d.clientHeight)];
}"""


@dataclass(frozen=True)
class ShotInfo:
    css_width: int
    css_height: int
    tiles: int
    truncated: bool


def page_size(page: Any) -> tuple[int, int]:
    width, height = page.evaluate(_SIZE_JS)
    return int(width), int(height)


def take_screenshot(page: Any, target: Path, *, tile_height: int, max_height: int,
                    timeout_ms: float) -> ShotInfo:
    width, full_height = page_size(page)
    height = min(full_height, max_height)
    truncated = full_height > max_height
    if height <= tile_height and not truncated:
        page.screenshot(path=str(target), full_page=True, timeout=timeout_ms)
        return ShotInfo(width, height, 1, False)
    tiles = []
    for top in range(0, height, tile_height):
        clip = {"x": 0, "y": top, "width": width, "height": min(tile_height, height - top)}
        data = page.screenshot(clip=clip, full_page=True, timeout=timeout_ms)
        tiles.append(Image.open(io.BytesIO(data)))
    stitch(tiles, target)
    return ShotInfo(width, height, len(tiles), truncated)


def stitch(tiles: list[Image.Image], target: Path) -> None:
    """Stack tiles top to bottom into one PNG (losslessly)."""
    width = max(t.width for t in tiles)
    height = sum(t.height for t in tiles)
    if width * height > MAX_PIXELS:
        raise ValueError(f"stitched screenshot {width}x{height} exceeds {MAX_PIXELS} pixels")
    canvas = Image.new("RGB", (width, height), "white")
    top = 0
    for tile in tiles:
        canvas.paste(tile.convert("RGB"), (0, top))
        top += tile.height
        tile.close()
    canvas.save(target, format="PNG", compress_level=3)
