"""The streamed stitcher writes a valid PNG holding exactly the tiles, top to bottom."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zlib

import pytest
from PIL import Image, ImageChops

from evidence_capture.capture.screenshot import stitch


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _tile(width: int, height: int, seed: int) -> Image.Image:
    noise = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    block = Image.new("RGB", (width, height), (seed * 40 % 256, 90, 200))
    return Image.blend(block, noise, 0.3)


def test_stitched_png_is_the_tiles_stacked(tmp_path) -> None:
    tiles = [_tile(64, 40, 1), _tile(64, 40, 2), _tile(48, 17, 3)]  # the last one narrower
    expected = Image.new("RGB", (64, 97), "white")
    for top, tile in zip((0, 40, 80), tiles):
        expected.paste(tile, (0, top))
    target = tmp_path / "shot.png"
    stitch((_png(t) for t in tiles), target)
    with Image.open(target) as image:
        assert image.size == (64, 97) and image.mode == "RGB"
        assert ImageChops.difference(image.convert("RGB"), expected).getbbox() is None
    assert not (tmp_path / "shot.png.part").exists()


def test_stitched_png_passes_an_independent_decoder(tmp_path) -> None:
    """pngcheck (or ImageMagick) reads the file as well: chunk CRCs, the zlib stream."""
    tool = shutil.which("pngcheck") or shutil.which("identify")
    if tool is None:
        pytest.skip("neither pngcheck nor ImageMagick's identify is installed")
    target = tmp_path / "shot.png"
    stitch((_png(_tile(30, 20, n)) for n in range(3)), target)
    done = subprocess.run([tool, str(target)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_failing_tile_leaves_no_screenshot(tmp_path) -> None:
    target = tmp_path / "shot.png"

    def tiles():  # type: ignore[no-untyped-def]
        yield _png(_tile(30, 20, 1))
        raise ValueError("tile 2 could not be taken")

    with pytest.raises(ValueError, match="tile 2"):
        stitch(tiles(), target)
    assert not target.exists() and not (tmp_path / "shot.png.part").exists()


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _predictor(kind: int, left: int, up: int, upleft: int) -> int:
    return (0, left, up, (left + up) // 2, _paeth(left, up, upleft))[kind]


def _png_filtered(image: Image.Image, kind: int) -> bytes:
    """A PNG whose every row uses filter ``kind`` (0-4), as Chromium's tiles use Up."""
    width, height = image.size
    raw, stride = image.tobytes(), width * 3
    rows, above = [], bytes(stride)
    for y in range(height):
        row = raw[y * stride:(y + 1) * stride]
        out = bytearray([kind])
        for i in range(stride):
            left, upleft = (row[i - 3], above[i - 3]) if i >= 3 else (0, 0)
            out.append((row[i] - _predictor(kind, left, above[i], upleft)) & 0xFF)
        rows.append(bytes(out))
        above = row
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"".join(rows))) + _chunk(b"IEND", b""))


def _chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(
        ">I", zlib.crc32(body, zlib.crc32(tag)) & 0xFFFFFFFF)


@pytest.mark.parametrize("kind", [0, 1, 2, 3, 4])
def test_tiles_with_each_row_filter_stack_exactly(tmp_path, kind: int) -> None:
    """Tiles kept as filtered rows (None, Sub, Up, Paeth) or decoded (Average) must stack
    pixel for pixel: a tile's first row may not refer to the last row of the tile above."""
    tiles = [_tile(24, 9, n) for n in range(4)]
    expected = Image.new("RGB", (24, 36))
    for n, tile in enumerate(tiles):
        expected.paste(tile, (0, 9 * n))
    target = tmp_path / "shot.png"
    stitch((_png_filtered(t, kind) for t in tiles), target)
    with Image.open(target) as image:
        assert image.size == (24, 36)
        assert ImageChops.difference(image.convert("RGB"), expected).getbbox() is None


def test_attack_corrupt_tile_is_refused_not_copied(tmp_path) -> None:
    """A tile whose zlib data is damaged must fail the stitch, never pass into the file."""
    good = _png_filtered(_tile(16, 8, 1), 2)
    at = good.index(b"IDAT") + 12
    bad = good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1:]
    target = tmp_path / "shot.png"
    with pytest.raises(Exception):
        stitch(iter([good, bad]), target)
    assert not target.exists() and not (tmp_path / "shot.png.part").exists()
