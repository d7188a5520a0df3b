"""Draw each finding's box on a copy of a screenshot (the sealed original is never touched)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PIL import Image, ImageDraw

from evidence_capture.licence.finder import BAD_CHECK, BAD_FORMAT, DISPLAYED, Finding

COLOURS = {DISPLAYED: (0, 160, 0), BAD_CHECK: (220, 0, 0), BAD_FORMAT: (220, 0, 0)}
OTHER = (255, 140, 0)  # unreadable images and anything else
Image.MAX_IMAGE_PIXELS = None  # our own screenshot, bounded by the capture options


def pixel_box(box: dict[str, float], scale: float) -> dict[str, int]:
    """A CSS-pixel box in screenshot pixels."""
    return {key: int(round(box[key] * scale)) for key in ("x", "y", "width", "height")}


def draw_boxes(screenshot: Path, css_width: float, findings: Sequence[Finding],
               out: Path) -> list[dict[str, Any]]:
    """Write ``out``; returns per finding its box in screenshot pixels and whether it is inside."""
    with Image.open(screenshot) as original:
        copy = original.convert("RGB")
    scale = copy.width / css_width if css_width else 1.0
    pen = ImageDraw.Draw(copy)
    placed = []
    for finding in findings:
        box = pixel_box(finding.box, scale)
        inside = box["y"] < copy.height and box["x"] < copy.width
        if inside:
            corners = [box["x"] - 3, box["y"] - 3, box["x"] + box["width"] + 3, box["y"] + box["height"] + 3]
            pen.rectangle(corners, outline=COLOURS.get(finding.status, OTHER), width=3)
        placed.append({**box, "inside_screenshot": inside})
    copy.save(out, format="PNG", compress_level=3)
    return placed
