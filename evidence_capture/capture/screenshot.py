"""Full-page screenshots, tiled for pages taller than Chromium's safe limit.

Chromium's compositor cannot render one capture much taller than ~16,384
device pixels: beyond that a single full-page screenshot comes out blank or
repeats.  Taller pages are taken as clipped tiles of ``tile_height`` CSS
pixels (each rendered on its own, beyond the viewport) and stitched with
Pillow into one PNG, band by band (``stitch``).
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from PIL import Image

from evidence_capture.capture.failures import ImageError
from evidence_capture.errors import Msg

# Set deliberately: the largest image we agree to decode or build.  A desktop
# page at the default height bound is 1366 x 200,000 px; a 3x mobile device
# triples both sides of a narrower page.  Anything larger is refused by
# Pillow's decompression-bomb check instead of exhausting memory.
MAX_PIXELS = 1_200_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Chosen deliberately, and recorded in provenance: zlib level 1, rows
# unfiltered.  Screenshots are mostly flat colour, which deflate finds on its
# own: on the 100,000 px test page this was both the fastest and the smallest
# of level 1 / 3 with filter none / "Up" and of Pillow's adaptive filters at
# level 3 (bench/RESULTS.md, "Stitching").
PNG_COMPRESS_LEVEL = 1
PNG_FILTER = "none"

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
    png_compress_level: int | None = None  # None: Chromium's own single PNG
    png_filter: str | None = None


def page_size(page: Any) -> tuple[int, int]:
    width, height = page.evaluate(_SIZE_JS)
    return int(width), int(height)


def take_screenshot(page: Any, target: Path, *, tile_height: int, max_height: int,
                    timeout_ms: float, cdp: Any = None) -> ShotInfo:
    width, full_height = page_size(page)
    height = min(full_height, max_height)
    truncated = full_height > max_height
    if height <= tile_height and not truncated:
        page.screenshot(path=str(target), full_page=True, timeout=timeout_ms)
        return ShotInfo(width, height, 1, False)
    tops = range(0, height, tile_height)

    def tiles() -> Iterator[bytes]:  # one tile in memory at a time
        for top in tops:
            clip = {"x": 0, "y": top, "width": width, "height": min(tile_height, height - top)}
            yield (page.screenshot(clip=clip, full_page=True, timeout=timeout_ms) if cdp is None
                   else _cdp_tile(cdp, clip))

    if width * height > MAX_PIXELS:
        raise ImageError(Msg("capture.screenshot.too_large", width=width, height=height, limit=MAX_PIXELS))
    stitch(tiles(), target)
    return ShotInfo(width, height, len(tops), truncated, PNG_COMPRESS_LEVEL, PNG_FILTER)


def _cdp_tile(cdp: Any, clip: dict[str, int]) -> bytes:
    """One tile straight from Chromium: the same lossless PNG as Playwright's, encoded
    for speed (larger tiles, re-compressed by ``stitch`` anyway), about 2.5x faster."""
    answer = cdp.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True,
        "clip": {**clip, "scale": 1}})
    return base64.b64decode(answer["data"])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(data, zlib.crc32(kind)) & 0xFFFFFFFF)


def stitch(tiles: Iterable[bytes], target: Path) -> None:
    """Stack PNG tiles top to bottom into one PNG (losslessly), band by band.

    The first tile sets the width (in device pixels, whatever the scale
    factor); each tile is decoded and its rows fed to one zlib stream written
    out as IDAT chunks, so only one tile is ever decoded in memory, never the
    page.  The height is known at the end and written back into IHDR.
    """
    compressor = zlib.compressobj(PNG_COMPRESS_LEVEL, zlib.DEFLATED, 15, 9)
    partial = target.with_name(target.name + ".part")
    try:
        _write_png(tiles, partial, compressor)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)  # never a half-written screenshot under the real name


def _write_png(tiles: Iterable[bytes], partial: Path, compressor: Any) -> None:
    width = rows = 0
    with open(partial, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + _ihdr(0, 0))
        for data in tiles:
            band = _band(data, width)
            width, rows = band.width, rows + band.height
            if width * rows > MAX_PIXELS:
                raise ImageError(Msg("capture.screenshot.stitched_too_large", width=width, height=f"{rows}+",
                                     limit=MAX_PIXELS))
            out.write(_chunk(b"IDAT", compressor.compress(_scanlines(band))))
            band.close()
        if not rows:
            raise ImageError(Msg("capture.screenshot.no_tiles"))
        out.write(_chunk(b"IDAT", compressor.flush()) + _chunk(b"IEND", b""))
        out.seek(8)
        out.write(_ihdr(width, rows))


def _ihdr(width: int, height: int) -> bytes:
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))


def _band(data: bytes, width: int) -> Image.Image:
    """One tile as RGB, ``width`` wide if given (white beyond a narrower tile)."""
    with Image.open(io.BytesIO(data)) as tile:
        rgb = tile.convert("RGB")
    if width and rgb.width != width:
        canvas = Image.new("RGB", (width, rgb.height), "white")
        canvas.paste(rgb, (0, 0))
        rgb.close()
        rgb = canvas
    return rgb


def _scanlines(band: Image.Image) -> bytes:
    """The band's rows, each behind PNG filter-type byte 0 (none)."""
    raw, stride = band.tobytes(), band.width * 3
    return b"".join(b"\x00" + raw[i:i + stride] for i in range(0, len(raw), stride))
