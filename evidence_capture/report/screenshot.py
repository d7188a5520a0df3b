"""The screenshot attachment of the record: the top of the page legible, the whole page reduced (Pillow).

A sheet shows between ``MIN_COLUMN_PX`` and ``COLUMN_PX`` source pixels across
its width: a desktop page fills it, a narrow (mobile) page is not blown up,
and a page wider than ``COLUMN_PX`` is split into column tiles, so a 7,000 px
wide page stays readable.  A page that fits one sheet is printed whole at that
scale; a longer one gets its top (where the offending claim usually is) at that
scale and a whole-page overview, cut into strips read left to right, on the
same sheet (a wide page: the top of each column tile, then the overview).  The
complete screenshot is the sealed PNG in the evidence package; the record is a
print, its images are JPEG.  The bytes are checked against the sealed SHA-256
before anything is cut: the record never stamps a hash onto a picture that
does not have it.
"""

from __future__ import annotations

import hashlib
import io
import math
from contextlib import contextmanager
from dataclasses import dataclass, replace
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
JPEG_QUALITY = 80  # the legible sheets
OVERVIEW_QUALITY = 75  # the reduced whole-page sheet
OVERVIEW_PX = 1_100  # width of the overview image (about 150 dpi across the sheet)
OVERVIEW_GAP = 0.03  # white gap between overview strips, as a share of the page width
TOP_SHARE = 0.6  # of a long page's sheet: its top at full scale; the rest holds the overview
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
    kind: str = "detail"  # "detail": legible sheet; "overview": the whole page reduced
    strips: int = 1  # overview: strips of the page, side by side
    reduction: float = 1.0  # overview: source pixels per overview pixel
    page_px: tuple[int, int] = (0, 0)  # the whole screenshot's (width, height)

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
    """Every legible sheet of the whole page (JPEG files in ``out_dir``), column by column."""
    image = _open_checked(path, expected_sha256)
    return _cut(image, out_dir, aspect=aspect, prefix=prefix, rows=None)


def attachment(path: Path, out_dir: Path, *, aspect: float, overview_aspect: float,
               expected_sha256: str, prefix: str = "shot") -> tuple[tuple[Piece, ...], ...]:
    """The attachment's sheets, each a tuple of pieces printed one above the other.

    A page that fits one sheet is printed whole.  A longer one gets one sheet
    with its top at full scale (``TOP_SHARE`` of the image area) above a
    whole-page overview; a wide one, the top of each column tile on a sheet of
    its own and the overview on one more.  ``aspect`` is the image area's
    height / width, ``overview_aspect`` the same for a sheet holding an overview.
    """
    image = _open_checked(path, expected_sha256)
    width, height = image.size
    if piece_count(width, height, aspect) <= 1:
        return tuple((piece,) for piece in _cut(image, out_dir, aspect=aspect, prefix=prefix, rows=None))
    overview = out_dir / f"{prefix}-overview.jpg"
    if columns(width)[0] == 1:
        top = _cut(image, out_dir, aspect=aspect * TOP_SHARE, prefix=prefix, rows=1)[0]
        top = replace(top, scale_px=max(width, MIN_COLUMN_PX))
        shared = overview_aspect - aspect * TOP_SHARE
        return ((top, _overview(image, overview, shared, 2)),)
    tops = _cut(image, out_dir, aspect=aspect, prefix=prefix, rows=1)
    return (*((piece,) for piece in tops), (_overview(image, overview, overview_aspect, len(tops) + 1),))


def _cut(image: Image.Image, out_dir: Path, *, aspect: float, prefix: str,
         rows: int | None) -> tuple[Piece, ...]:
    width, height = image.size
    count, column_width = columns(width)
    step = piece_height(column_width, aspect)
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces: list[Piece] = []
    for column, left in enumerate(range(0, width, column_width), start=1):
        right = min(width, left + column_width)
        bounds = row_bounds(height, step)
        for top, bottom in bounds[:rows] if rows else bounds:
            index = len(pieces) + 1
            target = out_dir / f"{prefix}-{index:04d}.jpg"
            image.crop((left, top, right, bottom)).save(target, quality=JPEG_QUALITY)
            pieces.append(Piece(path=target, index=index, top=top, height=bottom - top,
                                left=left, width=right - left, column=column, columns=count,
                                scale_px=math.ceil(max(column_width, MIN_COLUMN_PX)
                                                   * max(1.0, (bottom - top) / step)),
                                page_px=(width, height)))
    return tuple(pieces)


def overview_strips(width: int, height: int, aspect: float) -> int:
    """The fewest strips, side by side, that fit a ``width`` x ``height`` page into ``aspect`` = h / w."""
    strips = 1
    while math.ceil(height / strips) > aspect * (strips * width + (strips - 1) * width * OVERVIEW_GAP):
        strips += 1
    return strips


def _overview(image: Image.Image, target: Path, aspect: float, index: int) -> Piece:
    width, height = image.size
    strips = overview_strips(width, height, aspect)
    rows = math.ceil(height / strips)
    reduction = max(1.0, strips * width * (1 + OVERVIEW_GAP) / OVERVIEW_PX)
    strip_px = max(1, round(width / reduction))
    gap = max(2, round(width * OVERVIEW_GAP / reduction))
    sheet = Image.new("RGB", (strips * strip_px + (strips - 1) * gap, max(1, round(rows / reduction))),
                      "white")
    for number in range(strips):
        top = number * rows
        strip = image.crop((0, top, width, min(height, top + rows)))
        size = (strip_px, max(1, round(strip.height / reduction)))
        sheet.paste(strip.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0),
                    (number * (strip_px + gap), 0))
    sheet.save(target, quality=OVERVIEW_QUALITY)
    return Piece(path=target, index=index, top=0, height=height, left=0, width=width,
                 kind="overview", strips=strips, reduction=reduction, page_px=(width, height))
