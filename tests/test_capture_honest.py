"""Honest capture states: the state follows the evidence.

COMPLETE needs every required artifact; a missing video recorder or a page
script without a font is PARTIAL with the reason; background traffic that
never stops is a warning; every main-document response is kept as served.
"""

from __future__ import annotations

import json

import pytest

from evidence_capture.capture import new_capture_id, run_capture
from evidence_capture.config import load_settings
from evidence_capture.models import CaptureState
from evidence_capture.sample_shop.server import STATIC
from tests.fixtures_shop import TEST_OPTIONS, require_chromium
from tests.har_validator import validate_hars

pytestmark = pytest.mark.browser

NO_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def _capture(shop, tmp_path, page: str):
    settings = load_settings({"EVIDENCE_HOME": str(tmp_path / "home"), "EVIDENCE_LANG": "en"})
    require_chromium(settings)
    capture_id = new_capture_id()
    return run_capture(shop.url(page), TEST_OPTIONS, settings=settings,
                       folder=settings.capture_dir(capture_id), case=None, officers=(),
                       capture_id=capture_id)


def _provenance(result) -> dict:
    return json.loads((result.folder / "provenance.json").read_text(encoding="utf-8"))


def test_a_page_that_reloads_itself_keeps_both_documents_as_served(shop_capture) -> None:
    cap = shop_capture("reload")
    assert cap.result.state is CaptureState.COMPLETE
    assert (cap.folder / "response.html").read_bytes() == (STATIC / "reload.html").read_bytes()
    assert (cap.folder / "documents" / "1.html").read_bytes() == (STATIC / "gate.html").read_bytes()
    docs = cap.provenance()["documents"]
    assert [(d["n"], d["artifact"], d["final"]) for d in docs] == [
        (1, "documents/1.html", False), (2, "response.html", True)]
    assert all(d["url"].endswith("/reload.html") and d["status"] == 200 for d in docs)


def test_redirect_hops_are_listed_without_bodies(shop_capture) -> None:
    docs = shop_capture("redirect").provenance()["documents"]
    assert [d["status"] for d in docs] == [302, 301, 307, 200]
    assert [d["artifact"] for d in docs] == [None, None, None, "response.html"]


def test_background_traffic_is_a_warning_not_partial(shop_capture) -> None:
    cap = shop_capture("busy")
    assert cap.result.state is CaptureState.COMPLETE
    still_open = cap.provenance()["open_requests"]
    assert any(url.endswith("/never/beacon") for url in still_open)
    assert any("never went quiet" in w and "/never/beacon" in w for w in map(str, cap.result.warnings))
    assert cap.step("settle").outcome == "ok"


def test_missing_video_recorder_is_partial_with_the_reason(shop, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))
    result = _capture(shop, tmp_path, "product")
    assert result.state is CaptureState.PARTIAL
    missing = _provenance(result)["missing_artifacts"]
    assert [m["artifact"] for m in missing] == ["session.webm"]
    assert "no-such-ffmpeg" in missing[0]["reason"]
    assert (result.folder / "screenshot.png").is_file()  # the capture went on
    assert not any("playwright install" in w.lower() for w in map(str, result.warnings))


def test_page_script_without_a_font_is_partial_naming_it(shop, tmp_path, monkeypatch) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_CJK_FONTS.format(cache=tmp_path / "fc-cache"), encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    result = _capture(shop, tmp_path, "product")
    assert result.state is CaptureState.PARTIAL
    env = json.loads((result.folder / "environment.json").read_text(encoding="utf-8"))
    assert env["fonts"]["missing"] == ["Han"]
    finding = next(f for f in env["findings"] if f["check"] == "fonts")
    assert finding["status"] == "warn" and "Han" in finding["detail"]
    assert "lang=zh" in finding["detail"]


def test_fonts_for_the_page_are_recorded_when_installed(shop_capture) -> None:
    env = shop_capture("product").environment()
    han = next(row for row in env["fonts"]["scripts"] if row["script"] == "Han")
    assert han["font_count"] > 0 and any("CJK" in name for name in han["fonts"])
    assert next(f for f in env["findings"] if f["check"] == "fonts")["status"] == "ok"


@pytest.mark.parametrize("page", ["product", "hang", "busy", "reload", "redirect", "lazy"])
def test_har_passes_har_validator(shop_capture, page: str) -> None:
    [report] = validate_hars([shop_capture(page).folder / "network.har"])
    assert report["valid"], report["errors"]


def test_pdf_print_is_a4(shop_capture) -> None:
    import subprocess

    pdf = shop_capture("product").folder / "page.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in next(line for line in info.splitlines() if line.startswith("Page size"))
