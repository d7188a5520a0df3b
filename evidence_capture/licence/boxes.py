"""Draw each finding's box on a copy of a screenshot (the sealed original is never touched)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PIL import Image, ImageDraw

from evidence_capture.licence.finder import BAD_CHECK, BAD_FORMAT, DISPLAYED, Finding

COLOURS = {DISPLAYED: (0, 160, 0), BAD_CHECK: (220, 0, 0), BAD_FORMAT: (220, 0, 0)}
OTHER = (255, 140, 0)  # unreadable images and anything else
MARGIN = 200  # pixels of context above and below the findings
Image.MAX_IMAGE_PIXELS = None  # our own screenshot, bounded by the capture options


def pixel_box(box: dict[str, float], scale: float) -> dict[str, int]:
    """A CSS-pixel box in screenshot pixels."""
    return {key: int(round(box[key] * scale)) for key in ("x", "y", "width", "height")}


def draw_boxes(screenshot: Path, css_width: float, findings: Sequence[Finding],
               out: Path) -> tuple[int, list[dict[str, Any]]]:
    """Write ``out`` (when a finding is inside the screenshot); returns the copy's first row in
    the screenshot and per finding its box in screenshot pixels and whether it is inside."""
    with Image.open(screenshot) as original:
        scale = original.width / css_width if css_width else 1.0
        boxes = [pixel_box(finding.box, scale) for finding in findings]
        inside = [b["y"] < original.height and b["x"] < original.width for b in boxes]
        shown = [b for b, ok in zip(boxes, inside) if ok]
        if not shown:
            return 0, [{**b, "inside_screenshot": False} for b in boxes]
        top = max(min(b["y"] for b in shown) - MARGIN, 0)
        bottom = min(max(b["y"] + b["height"] for b in shown) + MARGIN, original.height)
        copy = original.crop((0, top, original.width, bottom)).convert("RGB")
    pen = ImageDraw.Draw(copy)
    for finding, box, ok in zip(findings, boxes, inside):
        if ok:
            corners = [box["x"] - 3, box["y"] - top - 3, box["x"] + box["width"] + 3,
                       box["y"] - top + box["height"] + 3]
            pen.rectangle(corners, outline=COLOURS.get(finding.status, OTHER), width=3)
    copy.save(out, format="PNG", compress_level=3)
    return top, [{**b, "inside_screenshot": ok} for b, ok in zip(boxes, inside)]
