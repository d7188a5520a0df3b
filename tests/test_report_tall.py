"""The record of a real 100,000 px capture: every screenshot page present and stamped.

The sample shop's tall page is captured once per session (``shop_capture``);
the folder is copied into this test's EVIDENCE_HOME, sealed with the station
key (no TSA), printed once with the real Chromium and read back per page with
poppler's ``pdftotext -f N -l N``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from evidence_capture.config import load_settings
from evidence_capture.manifests.seal import TsaConfig, seal_capture
from evidence_capture.report import build_report, render_pdf
from evidence_capture.report.render import SHOT_ASPECT
from evidence_capture.timeutil import BEIJING, parse_iso
from tests.conftest import require_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _page_text(pdf: Path, page: int) -> str:
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         check=True, capture_output=True, text=True)
    return re.sub(r"\s+", "", run.stdout)  # long hashes and URLs may wrap


def _page_count(pdf: Path) -> int:
    run = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)$", run.stdout, re.MULTILINE).group(1))


def test_record_of_the_100000_px_page_has_every_screenshot_page_stamped(
        shop_capture, station_key, evidence_home: Path, tmp_path: Path) -> None:
    for tool in ("pdftotext", "pdfinfo"):
        require_or_skip(shutil.which(tool) is not None, f"{tool} (poppler-utils) is not installed")
    captured = shop_capture("tall")
    folder = evidence_home / "captures" / captured.folder.name
    shutil.copytree(captured.folder, folder)
    seal_capture(folder, key=station_key, tsa=TsaConfig())
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    sealed = next(a["sha256"] for a in manifest["artifacts"] if a["path"] == "screenshot.png")
    assert hashlib.sha256((folder / "screenshot.png").read_bytes()).hexdigest() == sealed
    with Image.open(folder / "screenshot.png") as image:
        width, height = image.size
    assert (width, height) == (1366, 100_000)
    # screenshot.py: each page takes floor(width * aspect) source rows, the last one the rest.
    expected = math.ceil(height / math.floor(width * SHOT_ASPECT))
    assert expected > 30

    data = build_report([folder], None, None, "en")
    result = render_pdf(data, tmp_path / "tall-record.pdf", settings=load_settings())
    pages = _page_count(result.path)
    assert result.screenshot_pages == expected and result.pages == pages

    url = re.sub(r"\s+", "", manifest["final_url"] or manifest["requested_url"])
    assert url == captured.shop.url("tall")
    started = parse_iso(manifest["started_at"]).astimezone(BEIJING).strftime("%Y-%m-%d%H:%M:%S")
    first = pages - expected + 1
    assert "screenshotpart" not in _page_text(result.path, first - 1)
    for part, page in enumerate(range(first, pages + 1), start=1):
        text = _page_text(result.path, page)
        assert f"screenshotpart{part}of{expected}" in text, f"page {page}"
        assert url in text, f"page {page}: URL"
        assert started in text, f"page {page}: capture time"
        assert f"sha256:{sealed}" in text, f"page {page}: screenshot SHA-256"
        assert f"page{page}of{pages}" in text, f"page {page}: page number"
