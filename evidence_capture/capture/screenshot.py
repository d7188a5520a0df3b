"""Full-page screenshots, tiled for pages taller than Chromium's safe limit.

Chromium's compositor cannot render one capture much taller than ~16,384
device pixels: beyond that a single full-page screenshot comes out blank or
repeats.  Taller pages are taken as clipped tiles of ``tile_height`` CSS
pixels (each rendered on its own, beyond the viewport) and stitched into one
PNG, band by band (``stitch``).
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from PIL import Image

from evidence_capture.capture.failures import ImageError
from evidence_capture.errors import Msg

# Set deliberately: the largest image we agree to decode or build.  A desktop
# page at the default height bound is 1366 x 200,000 px; a 3x mobile device
# triples both sides of a narrower page.  Anything larger is refused by
# Pillow's decompression-bomb check instead of exhausting memory.
MAX_PIXELS = 1_200_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Chosen deliberately, and recorded in provenance: zlib level 1 with the
# run-length strategy, over the rows as Chromium filtered them ("Up"; the
# first row of each tile re-filtered so it does not refer to the tile above),
# or unfiltered for a tile that had to be decoded.  On the 100,000 px test
# page this is smaller (3.4 MB against 3.7 MB) and about a third cheaper in
# CPU than decoding every tile and compressing unfiltered rows, because the
# tiles are only inflated, never decoded (bench/RESULTS.md, "Stitching").
PNG_COMPRESS_LEVEL = 1
PNG_STRATEGY = "rle"
PNG_FILTER = "chromium rows (up); first row of each tile none or sub"

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
    png_strategy: str | None = None


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
    return ShotInfo(width, height, len(tops), truncated, PNG_COMPRESS_LEVEL, PNG_FILTER,
                    PNG_STRATEGY)


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
    factor); each tile's rows are fed to one zlib stream written out as IDAT
    chunks, so only one tile is ever inflated in memory, never the page.
    While Chromium renders the next tile, a second thread compresses the one
    before (zlib releases the GIL).  The height is known at the end and
    written back into IHDR.
    """
    partial = target.with_name(target.name + ".part")
    try:
        with open(partial, "wb") as out, ThreadPoolExecutor(1, "stitch") as pool:
            _write_png(tiles, _PngWriter(out), pool)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)  # never a half-written screenshot under the real name


def _write_png(tiles: Iterable[bytes], writer: "_PngWriter", pool: ThreadPoolExecutor) -> None:
    pending: Future[None] | None = None
    try:
        for data in tiles:  # the next tile is taken while the previous one compresses
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.add, data)
    finally:
        if pending is not None:
            pending.result()
    writer.finish()


class _PngWriter:
    """One PNG file: IHDR, the IDAT chunks of one zlib stream, IEND."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.width, self.rows = out, 0, 0
        self.compressor = zlib.compressobj(PNG_COMPRESS_LEVEL, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
        out.write(b"\x89PNG\r\n\x1a\n" + _ihdr(0, 0))

    def add(self, data: bytes) -> None:
        width, height, scanlines = _tile_rows(data, self.width)
        self.width, self.rows = width, self.rows + height
        if width * self.rows > MAX_PIXELS:
            raise ImageError(Msg("capture.screenshot.stitched_too_large", width=width,
                                 height=f"{self.rows}+", limit=MAX_PIXELS))
        self.out.write(_chunk(b"IDAT", self.compressor.compress(scanlines)))

    def finish(self) -> None:
        if not self.rows:
            raise ImageError(Msg("capture.screenshot.no_tiles"))
        self.out.write(_chunk(b"IDAT", self.compressor.flush()) + _chunk(b"IEND", b""))
        self.out.seek(8)
        self.out.write(_ihdr(self.width, self.rows))


def _ihdr(width: int, height: int) -> bytes:
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))


def _tile_rows(data: bytes, width: int) -> tuple[int, int, bytes]:
    """One tile's width, height and PNG scanlines (filter byte + RGB row each)."""
    rows = _filtered_rows(data, width)
    if rows is not None:
        return rows
    band = _band(data, width)
    try:
        return band.width, band.height, _scanlines(band)
    finally:
        band.close()


def _filtered_rows(data: bytes, width: int) -> tuple[int, int, bytes] | None:
    """The tile's own filtered rows, inflated but not decoded, when they can stand
    below another tile: 8-bit RGB, not interlaced, ``width`` wide (if given) and a
    first row that does not refer to the row above (None, Sub; Up and Paeth against
    the zero row a tile starts from are None and Sub).  Otherwise None."""
    header, idat = _png_chunks(data)
    if header is None:
        return None
    w, h, depth, colour, compression, filtering, interlace = header
    if ((depth, colour, compression, filtering, interlace) != (8, 2, 0, 0, 0)
            or (width and w != width) or w * h > MAX_PIXELS):
        return None  # Pillow decodes it, or refuses it
    raw = bytearray(zlib.decompress(idat))
    stride = w * 3 + 1
    if len(raw) != stride * h or not h or max(raw[0::stride]) > 4 or raw[0] == 3:
        return None  # Average against a zero row has no simpler equal: decode instead
    raw[0] = {2: 0, 4: 1}.get(raw[0], raw[0])
    return w, h, bytes(raw)


def _png_chunks(data: bytes) -> tuple[tuple[int, ...] | None, bytes]:
    """IHDR's fields and the joined IDAT data of a PNG (None if it is not one)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None, b""
    pos, header, idat = 8, None, []
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR" and size == 13:
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + size
    return header, b"".join(idat)


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
