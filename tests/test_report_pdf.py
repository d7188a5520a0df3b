"""The rendered extraction record: text, fonts, page numbers and screenshot pages.

Two PDFs (zh and en) are rendered once per module with the real Chromium and
read back with poppler's pdftotext / pdftoppm.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from evidence_capture.config import load_settings
from evidence_capture.report import build_report, render_pdf
from evidence_capture.report.render import SHOT_ASPECT
from evidence_capture.report.screenshot import piece_count
from tests.conftest import require_or_skip
from tests.fixtures_report import CASE, make_sealed_capture, openssl_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUMMARY = [{"name": "artifacts", "status": "pass", "reason": "7 artifacts match"},
           {"name": "timestamp[2]", "status": "not-checked", "reason": "no token from this TSA"}]


def _require_poppler() -> None:
    for tool in ("pdftotext", "pdftoppm"):
        require_or_skip(shutil.which(tool) is not None, f"{tool} (poppler-utils) is not installed")


@pytest.fixture(scope="module")
def rendered(sealed_capture: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    settings = load_settings({"EVIDENCE_HOME": str(tmp_path_factory.mktemp("home"))})
    require_or_skip(Path(settings.chromium).exists(), f"Chromium not found at {settings.chromium}")
    require_or_skip(shutil.which("openssl") is not None, "openssl is not installed")
    out = tmp_path_factory.mktemp("pdf")
    # The record prints token facts from the token itself: give slot 1 a real reply.
    folder = Path(shutil.copytree(sealed_capture, out / sealed_capture.name))
    (folder / "timestamps" / "1.tsr").write_bytes(
        openssl_token(tmp_path_factory.mktemp("tsa"), folder / "manifest.json"))
    results = {}
    for lang in ("zh", "en"):
        data = build_report([folder], CASE, [SUMMARY], lang)
        results[lang] = (data, render_pdf(data, out / f"record-{lang}.pdf", settings=settings))
    return results


def pdftext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"],
                         check=True, capture_output=True, text=True)
    return run.stdout


def squash(text: str) -> str:
    """pdftotext may break long hashes and URLs across lines: drop all whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_holds_url_hashes_gentime_and_case(rendered: dict, lang: str) -> None:
    _require_poppler()
    data, result = rendered[lang]
    text = squash(pdftext(result.path))
    capture = data.captures[0]
    assert squash(capture.requested_url) in text
    assert squash(capture.final_url) in text
    assert len(capture.artifacts) == 7
    for artifact in capture.artifacts:
        assert artifact.sha256 in text, artifact.path
        assert artifact.sm3 in text, artifact.path
    assert capture.manifest_sha256 in text
    gen_time = capture.timestamps[0].gen_time  # from the .tsr, never the unsigned slot record
    assert gen_time is not None
    assert (gen_time + timedelta(hours=8)).strftime("%Y-%m-%d%H:%M:%S") in text  # genTime in Beijing time
    assert gen_time.strftime("UTC%Y-%m-%d%H:%M:%SZ") in text  # and in UTC alongside
    assert squash(CASE["case_id"]) in text
    title = "电子数据提取笔录" if lang == "zh" else "ElectronicDataExtractionRecord"
    assert title in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_is_numbered(rendered: dict, lang: str) -> None:
    _require_poppler()
    _, result = rendered[lang]
    assert result.pages and result.pages > result.screenshot_pages
    for page in (1, result.pages):
        text = squash(pdftext(result.path, page))
        expected = f"第{page}页共{result.pages}页" if lang == "zh" else f"page{page}of{result.pages}"
        assert expected in text


def test_a_tall_screenshot_prints_its_top_and_an_overview_on_one_stamped_sheet(rendered: dict) -> None:
    _require_poppler()
    data, result = rendered["zh"]
    capture = data.captures[0]
    assert piece_count(1366, 30_000, SHOT_ASPECT) > 10  # what printing every part would take
    assert result.screenshot_pages == 1
    text = squash(pdftext(result.path, result.pages))
    assert "截图第1页共1页" in text
    assert "第1–" in text and "像素行（全页1,366×30,000像素）" in text  # the top, at full scale
    assert "全页缩略图：全页1,366×30,000像素缩小约" in text  # and the whole page
    assert squash(capture.final_url) in text
    assert "2026-11-2910:39:27.123" in text
    assert f"sha256:{capture.screenshot.sha256}" in text
    assert "JPEG（质量80）" in text and "screenshot.png" in text
    body = squash(pdftext(result.path, result.pages - 1))
    assert "封存的PNG原件为证据" in body  # the attachment note says what the evidence is


def _word_boxes(pdf: Path, words: tuple[str, ...]) -> dict[str, tuple[float, ...]]:
    run = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         check=True, capture_output=True, text=True)
    boxes = {}
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                             run.stdout):
        word = unescape(match.group(5))
        if word in words and word not in boxes:
            boxes[word] = tuple(float(v) for v in match.groups()[:4])
    return boxes


def heading_difference(pdf: Path, work: Path) -> float:
    """Mean pixel difference between two equally long zh headings on page 1.

    Missing glyphs all draw as the same .notdef box, so two headings in tofu
    give identical images (difference 0).
    """
    words = ("一、案件信息", "二、执法人员")
    boxes = _word_boxes(pdf, words)
    assert set(boxes) == set(words)
    subprocess.run(["pdftoppm", "-r", "144", "-f", "1", "-l", "1", "-singlefile", "-png",
                    str(pdf), str(work / "page")], check=True)
    page = Image.open(work / "page.png").convert("L")
    scale = 144 / 72
    size = (round(scale * max(box[2] - box[0] for box in boxes.values())),
            round(scale * 0.85 * max(box[3] - box[1] for box in boxes.values())))  # glyphs, not the rule below

    def crop(word: str, dy: int = 0) -> Image.Image:
        x0, y0 = round(boxes[word][0] * scale), round(boxes[word][1] * scale) + dy
        return page.crop((x0, y0, x0 + size[0], y0 + size[1]))

    first = crop(words[0])
    for image in (first, crop(words[1])):
        assert ImageStat.Stat(image).extrema[0][0] < 80, "heading has no ink"
    # sub-pixel placement may shift one heading by a pixel row: compare at the best alignment
    return min(ImageStat.Stat(ImageChops.difference(first, crop(words[1], dy))).mean[0]
               for dy in (-1, 0, 1))


def test_chinese_headings_are_not_tofu(rendered: dict, tmp_path: Path) -> None:
    _require_poppler()
    difference = heading_difference(rendered["zh"][1].path, tmp_path)
    assert difference > 5, f"headings render alike (mean difference {difference:.2f}): tofu?"


def test_tofu_detector_sees_tofu_without_cjk_fonts(sealed_capture: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above must fail when Chromium has no CJK font (DejaVu only)."""
    _require_poppler()
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    require_or_skip(dejavu.is_dir(), "DejaVu fonts are not installed")
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{dejavu}</dir>'
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "fonts.conf"))
    folder = make_sealed_capture(tmp_path / "capture", height=500)
    data = build_report([folder], CASE, None, "zh")
    result = render_pdf(data, tmp_path / "tofu.pdf", settings=load_settings())
    assert result.screenshot_pages == 1
    assert heading_difference(result.path, tmp_path) < 1
