"""The record of real tall captures: the top legible, the whole page reduced, every sheet stamped,
and the size of a case's record bounded per capture.

The sample shop's pages are captured once per session (``shop_capture``);
the folders are copied into this test's EVIDENCE_HOME, sealed with the station
key (no TSA), printed with the real Chromium and read back per page with
poppler's ``pdftotext -f N -l N``.
"""

from __future__ import annotations

import hashlib
import json
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
from evidence_capture.report.screenshot import piece_count
from evidence_capture.timeutil import BEIJING, parse_iso
from tests.conftest import require_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _page_text(pdf: Path, page: int, last: int | None = None) -> str:
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(last or page), str(pdf), "-"],
                         check=True, capture_output=True, text=True)
    return re.sub(r"\s+", "", run.stdout)  # long hashes and URLs may wrap


def _page_count(pdf: Path) -> int:
    run = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)$", run.stdout, re.MULTILINE).group(1))


def _sealed(shop_capture, station_key, home: Path, page: str) -> Path:
    captured = shop_capture(page)
    folder = home / "captures" / captured.folder.name
    if not folder.exists():
        shutil.copytree(captured.folder, folder)
        seal_capture(folder, key=station_key, tsa=TsaConfig())
    return folder


def test_record_of_the_100000_px_page_shows_its_top_and_the_whole_page_on_one_stamped_sheet(
        shop_capture, station_key, evidence_home: Path, tmp_path: Path) -> None:
    for tool in ("pdftotext", "pdfinfo"):
        require_or_skip(shutil.which(tool) is not None, f"{tool} (poppler-utils) is not installed")
    folder = _sealed(shop_capture, station_key, evidence_home, "tall")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    sealed = next(a for a in manifest["artifacts"] if a["path"] == "screenshot.png")
    assert hashlib.sha256((folder / "screenshot.png").read_bytes()).hexdigest() == sealed["sha256"]
    with Image.open(folder / "screenshot.png") as image:
        width, height = image.size
    assert (width, height) == (1366, 100_000)
    assert piece_count(width, height, SHOT_ASPECT) > 50  # what printing it all would take

    data = build_report([folder], None, None, "en")
    result = render_pdf(data, tmp_path / "tall-record.pdf", settings=load_settings())
    pages = _page_count(result.path)
    assert result.screenshot_pages == 1 and result.pages == pages
    text = _page_text(result.path, pages)
    url = re.sub(r"\s+", "", manifest["final_url"] or manifest["requested_url"])
    started = parse_iso(manifest["started_at"]).astimezone(BEIJING).strftime("%Y-%m-%d%H:%M:%S")
    assert "screenshotsheet1of1" in text
    assert url in text and started in text and f"sha256:{sealed['sha256']}" in text
    assert "rows1–" in text and "ofthe1,366×100,000pxscreenshot" in text  # the top at full scale
    assert "whole-pageoverview:the1,366×100,000pxscreenshotreduced" in text  # and all of it
    assert f"page{pages}of{pages}" in text
    # the attachment names the evidence: the sealed PNG with its SHA-256 and SM3 in the list
    body = _page_text(result.path, pages - 1) + _page_text(result.path, 1, pages - 1)
    assert "thesealedPNGistheevidence" in body and sealed["sm3"] in body


def test_a_case_record_stays_within_3_5_pages_per_capture(
        shop_capture, station_key, evidence_home: Path, tmp_path: Path) -> None:
    """17 typical captures must print in at most about 60 pages: at most 3.5 a capture, here
    for a case of the sample shop's product, item, 30,000 px gallery and 100,000 px pages."""
    for tool in ("pdftotext", "pdfinfo"):
        require_or_skip(shutil.which(tool) is not None, f"{tool} (poppler-utils) is not installed")
    pages = ("product", "item", "gallery", "tall")
    folders = [_sealed(shop_capture, station_key, evidence_home, page) for page in pages]
    case = {"case_id": "沪市监案〔2026〕0815号", "title": "篇幅测试", "subject": "示例网店"}
    verified = [[{"name": "signature", "status": "pass", "reason": "valid"}]] * len(folders)
    data = build_report(folders, case, verified, "zh")
    result = render_pdf(data, tmp_path / "case-record.pdf", settings=load_settings())
    printed = _page_count(result.path)
    assert printed <= 3.5 * len(folders), f"{printed} pages for {len(folders)} captures"
    assert result.screenshot_pages <= 2 * len(folders)
    assert result.size <= 8_000_000 * len(folders) / 17
    for number in range(1, len(folders) + 1):
        assert f"提取记录{number}：" in _page_text(result.path, 1, printed)
