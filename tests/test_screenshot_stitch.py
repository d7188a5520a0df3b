"""The streamed stitcher writes a valid PNG holding exactly the tiles, top to bottom."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

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
