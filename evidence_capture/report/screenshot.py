"""Cut a full-page screenshot into page-sized pieces at a legible scale (Pillow).

A page of the record shows between ``MIN_COLUMN_PX`` and ``COLUMN_PX`` source
pixels across its width: a desktop page fills it, a narrow (mobile) page is
not blown up, and a page wider than ``COLUMN_PX`` is split into column tiles,
each printed top to bottom, so a 7,000 px wide page stays readable.  Pieces
are JPEG (the record is a print; the sealed PNG stays the evidence).  The bytes are checked
against the sealed SHA-256 before anything is cut: the record never stamps a
hash onto a picture that does not have it.
"""

from __future__ import annotations

import hashlib
import io
import math
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from PIL import Image

from evidence_capture.defaults import DEFAULTS
from evidence_capture.errors import ReportError, VerificationError

# Our own screenshots are bounded by the capture options; anything larger is
# refused rather than decoded (a hostile package could claim any size).
MAX_WIDTH = 8_192
MAX_HEIGHT = DEFAULTS.max_screenshot_height
COLUMN_PX = 1_600  # widest strip of the page printed across one sheet
MIN_COLUMN_PX = 1_000  # a narrower page is printed at this scale, not enlarged
JPEG_QUALITY = 80
MERGE_TAIL = 0.25  # a last strip shorter than this share of a page joins the page before


@dataclass(frozen=True)
class Piece:
    path: Path
    index: int  # 1-based
    top: int  # first source pixel row
    height: int  # source pixel rows
    left: int = 0  # first source pixel column
    width: int = 0  # source pixel columns
    column: int = 1  # 1-based column tile
    columns: int = 1
    scale_px: int = 0  # source pixels that span the printed width (>= width)

    @property
    def width_percent(self) -> float:
        """The printed width of this piece, in percent of the image area's width."""
        return 100.0 * self.width / self.scale_px if self.scale_px else 100.0


def columns(width: int) -> tuple[int, int]:
    """(number of column tiles, source pixels per tile) for a screenshot ``width`` px wide."""
    count = max(1, math.ceil(width / COLUMN_PX))
    return count, math.ceil(width / count)


def piece_height(width: int, aspect: float) -> int:
    """Source rows per page for a column ``width`` px wide and an image area ``aspect`` = h / w."""
    if width <= 0 or aspect <= 0:
        raise ReportError("screenshot width and page aspect must be positive")
    return max(1, math.floor(max(width, MIN_COLUMN_PX) * aspect))


def row_bounds(height: int, step: int) -> list[tuple[int, int]]:
    """(top, bottom) of each page's rows; a short tail is printed on the page before, slightly
    smaller, instead of on a sheet of its own."""
    bounds = [(top, min(height, top + step)) for top in range(0, height, step)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < step * MERGE_TAIL:
        bounds[-2:] = [(bounds[-2][0], height)]
    return bounds


def piece_count(width: int, height: int, aspect: float) -> int:
    count, column_width = columns(width)
    return count * len(row_bounds(height, piece_height(column_width, aspect)))


@contextmanager
def _pixel_limit(pixels: int) -> Iterator[None]:
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _open_checked(path: Path, expected_sha256: str) -> Image.Image:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"cannot read the screenshot {path}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise VerificationError(
            "artifacts", f"{path.name} does not match its sealed SHA-256 "
            f"(sealed sha256:{expected_sha256}, found sha256:{actual})",
            hint="verify the capture; a record is printed only from intact artifacts")
    try:
        with _pixel_limit(MAX_WIDTH * MAX_HEIGHT):
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width > MAX_WIDTH or height > MAX_HEIGHT:
                raise ReportError(f"screenshot of {width}x{height} px exceeds {MAX_WIDTH}x{MAX_HEIGHT}")
            image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise ReportError(f"cannot decode the screenshot {path}") from exc
    return image if image.mode == "RGB" else image.convert("RGB")


def slice_screenshot(path: Path, out_dir: Path, *, aspect: float, expected_sha256: str,
                     prefix: str = "shot") -> tuple[Piece, ...]:
    """Write the pieces as JPEG files in ``out_dir``; column by column, each top to bottom."""
    image = _open_checked(path, expected_sha256)
    width, height = image.size
    count, column_width = columns(width)
    step = piece_height(column_width, aspect)
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces: list[Piece] = []
    for column, left in enumerate(range(0, width, column_width), start=1):
        right = min(width, left + column_width)
        for top, bottom in row_bounds(height, step):
            index = len(pieces) + 1
            target = out_dir / f"{prefix}-{index:04d}.jpg"
            image.crop((left, top, right, bottom)).save(target, quality=JPEG_QUALITY)
            pieces.append(Piece(path=target, index=index, top=top, height=bottom - top,
                                left=left, width=right - left, column=column, columns=count,
                                scale_px=math.ceil(max(column_width, MIN_COLUMN_PX)
                                                   * max(1.0, (bottom - top) / step))))
    return tuple(pieces)
