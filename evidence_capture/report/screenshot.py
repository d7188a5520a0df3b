"""Cut a tall full-page screenshot into page-sized pieces (Pillow).

Each piece fills the image area of one printed page at full page width, so a
100,000 px page becomes a run of attachment pages.  The bytes are checked
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


@dataclass(frozen=True)
class Piece:
    path: Path
    index: int  # 1-based
    top: int  # first source pixel row
    height: int  # source pixel rows


def piece_height(width: int, aspect: float) -> int:
    """Source rows per page, for an image area ``aspect`` = height / width."""
    if width <= 0 or aspect <= 0:
        raise ReportError("screenshot width and page aspect must be positive")
    return max(1, math.floor(width * aspect))


def piece_count(width: int, height: int, aspect: float) -> int:
    return max(1, math.ceil(height / piece_height(width, aspect)))


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
    """Write the pieces as PNG files in ``out_dir``; return them top to bottom."""
    image = _open_checked(path, expected_sha256)
    width, height = image.size
    step = piece_height(width, aspect)
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces = []
    for index, top in enumerate(range(0, height, step), start=1):
        bottom = min(height, top + step)
        target = out_dir / f"{prefix}-{index:04d}.png"
        image.crop((0, top, width, bottom)).save(target, compress_level=1)
        pieces.append(Piece(path=target, index=index, top=top, height=bottom - top))
    return tuple(pieces)
