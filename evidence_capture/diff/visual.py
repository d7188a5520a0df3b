"""The visual diff: both screenshots aligned top-left, compared in cells, changes outlined on B.

The screenshots are aligned at their top-left corner on a canvas as large
as both (a longer page adds rows that count as changed).  A cell of
``CELL`` × ``CELL`` pixels is changed when more than ``CELL_SHARE`` of its
pixels differ by more than ``TOLERANCE`` in any channel (anti-aliasing
noise stays below that).  Touching changed cells merge into regions; each
region is outlined in red on a copy of B (``visual/b-outlined.png``), and
``visual/changes.png`` is a cut of B around the changes, for the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw

CELL = 16
TOLERANCE = 40
CELL_SHARE = 0.02
EXCERPT_MAX_HEIGHT = 2400
OUTLINE = (230, 0, 0)
Image.MAX_IMAGE_PIXELS = None  # our own sealed screenshots, bounded by the capture options


@dataclass(frozen=True)
class VisualDiff:
    size_a: tuple[int, int]
    size_b: tuple[int, int]
    regions: tuple[tuple[int, int, int, int], ...]  # x, y, width, height in B's pixels
    changed_pct: float
    outlined: str | None
    excerpt: str | None

    def as_record(self) -> dict[str, Any]:
        return {"size_a": list(self.size_a), "size_b": list(self.size_b), "cell_px": CELL,
                "tolerance": TOLERANCE, "changed_area_pct": round(self.changed_pct, 3),
                "regions": [{"x": x, "y": y, "width": w, "height": h} for x, y, w, h in self.regions],
                "outlined_b": self.outlined, "excerpt": self.excerpt}


def _changed_cells(a: Image.Image, b: Image.Image) -> set[tuple[int, int]]:
    width, height = max(a.width, b.width), max(a.height, b.height)
    canvas_a, canvas_b = Image.new("RGB", (width, height), "white"), Image.new("RGB", (width, height), "white")
    canvas_a.paste(a, (0, 0))
    canvas_b.paste(b, (0, 0))
    diff = ImageChops.difference(canvas_a, canvas_b).convert("L").point(lambda v: 255 if v > TOLERANCE else 0)
    cols, rows = -(-width // CELL), -(-height // CELL)
    small = diff.resize((cols, rows), Image.Resampling.BOX)  # mean of each cell
    limit = 255 * CELL_SHARE
    cells = {(x, y) for y in range(rows) for x in range(cols) if small.getpixel((x, y)) > limit}
    # rows only one screenshot has are changed outright
    cells |= {(x, y) for y in range(min(a.height, b.height) // CELL, rows) for x in range(cols)
              if a.height != b.height}
    return cells


def _regions(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (cell units) of 8-connected groups of cells."""
    left, regions = set(cells), []
    while left:
        stack = [left.pop()]
        xs, ys = [], []
        while stack:
            x, y = stack.pop()
            xs.append(x)
            ys.append(y)
            for nx in (x - 1, x, x + 1):
                for ny in (y - 1, y, y + 1):
                    if (nx, ny) in left:
                        left.remove((nx, ny))
                        stack.append((nx, ny))
        regions.append((min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1))
    return sorted(regions, key=lambda r: (r[1], r[0]))


def visual_diff(a_png: Path, b_png: Path, out_dir: Path) -> VisualDiff:
    """Compare two screenshots; writes the outlined copy of B and an excerpt when anything changed."""
    with Image.open(a_png) as a_file, Image.open(b_png) as b_file:
        a, b = a_file.convert("RGB"), b_file.convert("RGB")
    cells = _changed_cells(a, b)
    total = -(-max(a.width, b.width) // CELL) * -(-max(a.height, b.height) // CELL)
    regions = [(x * CELL, y * CELL, w * CELL, h * CELL) for x, y, w, h in _regions(cells)]
    outlined = excerpt = None
    if regions:
        out_dir.mkdir(parents=True, exist_ok=True)
        copy = b.copy()
        pen = ImageDraw.Draw(copy)
        for x, y, w, h in regions:
            pen.rectangle([x - 2, y - 2, x + w + 1, y + h + 1], outline=OUTLINE, width=3)
        copy.save(out_dir / "b-outlined.png", format="PNG", compress_level=3)
        top = max(min(y for _, y, _, _ in regions) - 80, 0)
        bottom = min(max(y + h for _, y, _, h in regions) + 80, copy.height, top + EXCERPT_MAX_HEIGHT)
        copy.crop((0, top, copy.width, max(bottom, top + 1))).save(out_dir / "changes.png", format="PNG")
        outlined, excerpt = f"{out_dir.name}/b-outlined.png", f"{out_dir.name}/changes.png"
    pct = 100.0 * len(cells) / total if total else 0.0
    return VisualDiff(a.size, b.size, tuple(regions), pct, outlined, excerpt)
