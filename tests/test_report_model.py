"""ReportData from capture folders, the message catalog and screenshot slicing (no browser)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from evidence_capture.errors import ConfigError, NotFoundError, ReportError, VerificationError
from evidence_capture.i18n import keys, message, translator
from evidence_capture.config import load_settings
from evidence_capture.report import build_report, render_pdf
from evidence_capture.report.render import (OVERVIEW_ASPECT, SHOT_ASPECT, count_pages, format_time,
                                            render_html)
from evidence_capture.report.screenshot import (MERGE_TAIL, OVERVIEW_PX, TOP_SHARE, attachment,
                                                piece_count, slice_screenshot)
from tests.conftest import require_or_skip
from tests.fixtures_report import CAPTURE_ID, CASE, FINAL_URL, OFFICERS, STARTED, URL, openssl_token


def test_report_data_from_a_sealed_folder(sealed_capture: Path) -> None:
    data = build_report([sealed_capture], CASE, None, "zh")
    capture = data.captures[0]
    assert data.record_no == f"ER-{CAPTURE_ID}"
    assert (data.case_id, data.subject) == (CASE["case_id"], CASE["subject"])
    assert [o.cert_no for o in data.officers] == [o["cert_no"] for o in OFFICERS]
    assert [w.name for w in data.witnesses] == ["王五"]
    assert (capture.requested_url, capture.final_url) == (URL, FINAL_URL)
    assert [status for _, status in capture.redirects] == ["302", "200"]
    assert capture.manifest_sha256 == hashlib.sha256((sealed_capture / "manifest.json").read_bytes()).hexdigest()
    assert capture.tls[0].subject == "CN=shop.example.cn"
    assert "Example Trust Root R1" in capture.tls[0].issuer
    granted, failed = capture.timestamps
    # The fixture's slot record claims TSA facts but ships no .tsr: an unsigned record's claims are
    # never printed (the facts come from the token itself, see test_token_fields_fall_back_to_the_reply).
    assert granted.state == "granted"
    assert (granted.tsa_name, granted.serial, granted.policy_oid, granted.gen_time) == (None, None, None, None)
    assert (failed.state, failed.error, failed.gen_time) == ("failed", "connection refused", None)
    assert {row.check: row.status for row in capture.environment} == {
        "report.env.proxy": "ok", "report.env.hosts": "ok", "report.env.dns": "not-checked",
        "report.env.clock": "ok", "report.env.profile": "ok"}
    assert capture.screenshot and capture.screenshot.size == (sealed_capture / "screenshot.png").stat().st_size


@pytest.mark.tsa
def test_token_fields_fall_back_to_the_reply(sealed_capture: Path, tmp_path: Path) -> None:
    """Metadata without the token fields: genTime, serial, policy and TSA name come from the .tsr."""
    require_or_skip(shutil.which("openssl") is not None, "openssl is not installed")
    folder = shutil.copytree(sealed_capture, tmp_path / "cap")
    stamps = folder / "timestamps"
    (stamps / "1.tsr").write_bytes(openssl_token(tmp_path / "tsa", folder / "manifest.json"))
    (stamps / "1.json").write_text(json.dumps({"url": "http://127.0.0.1:1/", "nonce": 7,
                                               "state": "granted", "error": None}))
    token = build_report([folder], None, None, "en").captures[0].timestamps[0]
    assert (token.tsa_name, token.serial, token.policy_oid) == ("CN=Fixture TSA", "4661", "1.2.3.4.1")  # serial file 0x1234, +1
    assert token.gen_time is not None and token.gen_time.utcoffset() is not None
    assert token.gen_time >= STARTED


def test_verdict_is_never_pass_without_a_passing_summary(sealed_capture: Path) -> None:
    def verdict(summary):
        return build_report([sealed_capture], None, [summary], "en").captures[0].verdict

    assert verdict(None) == "not-checked"
    assert verdict([]) == "not-checked"
    assert verdict([{"name": "a", "status": "pass", "reason": ""}]) == "pass"
    assert verdict([{"name": "a", "status": "pass", "reason": ""},
                    {"name": "b", "status": "not-checked", "reason": ""}]) == "not-checked"
    assert verdict([{"name": "a", "status": "fail", "reason": "x"},
                    {"name": "b", "status": "pass", "reason": ""}]) == "fail"
    with pytest.raises(ReportError, match="unknown status"):
        verdict([{"name": "a", "status": "ok", "reason": ""}])


def test_case_report_over_two_captures(sealed_capture: Path, tmp_path: Path) -> None:
    second = shutil.copytree(sealed_capture, tmp_path / "second")
    data = build_report([sealed_capture, second], CASE, None, "en")
    assert len(data.captures) == 2
    assert data.record_no == f"ER-{CAPTURE_ID}+1"
    body, header, footer = render_html(data, [])
    assert body.count(URL.replace("&", "&amp;")) >= 2
    assert 'class="pageNumber"' in footer and 'class="totalPages"' in footer
    assert CASE["case_id"] in header


def test_attack_deleted_screenshot_is_not_silently_omitted(sealed_capture: Path, tmp_path: Path) -> None:
    """Removing the sealed screenshot must stop the record, not drop its pages quietly."""
    folder = shutil.copytree(sealed_capture, tmp_path / "gone", ignore=shutil.ignore_patterns("*.png"))
    data = build_report([folder], None, None, "zh")
    with pytest.raises(VerificationError, match="missing"):
        render_pdf(data, tmp_path / "x.pdf", settings=load_settings())
    assert not (tmp_path / "x.pdf").exists()


def test_unsealed_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cap").mkdir()
    with pytest.raises(NotFoundError, match="manifest.json"):
        build_report([tmp_path / "cap"], None, None, "zh")


def test_attack_swapped_screenshot_is_not_stamped(sealed_capture: Path, tmp_path: Path) -> None:
    """A picture replaced after sealing must not get the sealed hash stamped on it."""
    folder = shutil.copytree(sealed_capture, tmp_path / "tampered")
    Image.new("RGB", (1366, 2000), "red").save(folder / "screenshot.png")
    data = build_report([folder], None, None, "zh")
    with pytest.raises(VerificationError, match="does not match its sealed SHA-256"):
        slice_screenshot(folder / "screenshot.png", tmp_path / "out", aspect=SHOT_ASPECT,
                         expected_sha256=data.captures[0].screenshot.sha256)
    assert not (tmp_path / "out").exists()


def test_a_100000_px_page_is_cut_without_gaps(tmp_path: Path) -> None:
    path = tmp_path / "tall.png"
    Image.new("RGB", (320, 100_000), "white").save(path, compress_level=1)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    pieces = slice_screenshot(path, tmp_path / "pieces", aspect=SHOT_ASPECT, expected_sha256=digest)
    assert len(pieces) == piece_count(320, 100_000, SHOT_ASPECT) > 70
    assert [p.top for p in pieces] == [sum(q.height for q in pieces[:i]) for i in range(len(pieces))]
    assert sum(p.height for p in pieces) == 100_000
    assert Image.open(pieces[-1].path).size == (320, pieces[-1].height)
    step = int(1366 * SHOT_ASPECT)
    tail = 100_000 % step
    assert piece_count(1366, 100_000, SHOT_ASPECT) == 100_000 // step + (tail >= step * MERGE_TAIL)


def test_a_short_tail_joins_the_page_before(tmp_path: Path) -> None:
    step = int(1366 * SHOT_ASPECT)
    path = tmp_path / "tail.png"
    Image.new("RGB", (1366, step * 2 + 40), "white").save(path, compress_level=1)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    pieces = slice_screenshot(path, tmp_path / "pieces", aspect=SHOT_ASPECT, expected_sha256=digest)
    assert [p.height for p in pieces] == [step, step + 40]
    assert pieces[-1].width_percent < 100.0  # shrunk a little to fit its sheet


def test_a_wide_page_is_split_into_readable_column_tiles(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (7125, 3000), "white").save(path, compress_level=1)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    pieces = slice_screenshot(path, tmp_path / "pieces", aspect=SHOT_ASPECT, expected_sha256=digest)
    assert {p.columns for p in pieces} == {5} and {p.width for p in pieces} == {1425}
    assert [p.left for p in pieces if p.top == 0] == [0, 1425, 2850, 4275, 5700]
    for column in range(1, 6):  # each column tile covers the full height, without gaps
        assert sum(p.height for p in pieces if p.column == column) == 3000
    assert len(pieces) == piece_count(7125, 3000, SHOT_ASPECT)
    assert all(p.width_percent == 100.0 for p in pieces)


def test_a_narrow_page_is_not_enlarged(tmp_path: Path) -> None:
    path = tmp_path / "phone.png"
    Image.new("RGB", (390, 5000), "white").save(path, compress_level=1)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    pieces = slice_screenshot(path, tmp_path / "pieces", aspect=SHOT_ASPECT, expected_sha256=digest)
    assert pieces[0].width_percent == pytest.approx(39.0)  # printed at the 1,000 px scale


def test_times_show_beijing_with_utc_alongside() -> None:
    moment = datetime(2026, 11, 29, 2, 40, 31, tzinfo=timezone.utc)
    assert format_time(moment, "zh") == "2026-11-29 10:40:31 北京时间 (UTC 2026-11-29 02:40:31Z)"
    assert format_time(moment, "en") == "2026-11-29 10:40:31 Beijing time (UTC 2026-11-29 02:40:31Z)"
    assert format_time(None, "en") == "not recorded"


def test_count_pages_reads_the_root_page_tree() -> None:
    assert count_pages(b"<</Type /Pages\n/Count 3 /Kids [1 0 R]>> <</Type /Pages /Count 12>>") == 12
    assert count_pages(b"not a pdf") is None


def test_catalog_is_complete_in_both_languages() -> None:
    for key in keys():
        zh, en = message(key, "zh"), message(key, "en")
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
    templates = Path(__file__).parent.parent / "evidence_capture" / "report" / "templates"
    used = set()
    for template in templates.glob("*.j2"):
        used |= set(re.findall(r't\("([\w.\-]+)"\s*[,)]', template.read_text(encoding="utf-8")))
    assert used and used <= set(keys())


def test_language_follows_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    assert translator()("report.title") == "电子数据提取笔录"
    assert translator("en")("cli.report.written", path="a.pdf") == "extraction record written: a.pdf"
    monkeypatch.delenv("EVIDENCE_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    assert translator()("status.not-checked") == "未检查"
    with pytest.raises(ConfigError):
        translator("fr")



def _png(tmp_path: Path, size: tuple[int, int]) -> tuple[Path, str]:
    path = tmp_path / "shot.png"
    Image.new("RGB", size, "white").save(path, compress_level=1)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_tall_page_is_attached_as_its_top_over_a_whole_page_overview(tmp_path: Path) -> None:
    path, digest = _png(tmp_path, (1366, 100_000))
    sheets = attachment(path, tmp_path / "out", aspect=SHOT_ASPECT, overview_aspect=OVERVIEW_ASPECT,
                        expected_sha256=digest)
    assert len(sheets) == 1
    top, overview = sheets[0]
    assert (top.kind, top.top, top.width) == ("detail", 0, 1366)
    assert top.height == int(1366 * SHOT_ASPECT * TOP_SHARE) and top.width_percent == 100.0
    assert overview.kind == "overview" and overview.page_px == (1366, 100_000)
    with Image.open(overview.path) as image:  # the whole page fits below the top, at most OVERVIEW_PX wide
        assert image.width <= OVERVIEW_PX
        assert image.height / image.width <= OVERVIEW_ASPECT - SHOT_ASPECT * TOP_SHARE
    assert overview.strips > 5 and overview.reduction > 9


def test_a_page_that_fits_one_sheet_is_attached_whole(tmp_path: Path) -> None:
    path, digest = _png(tmp_path, (1366, 1200))
    sheets = attachment(path, tmp_path / "out", aspect=SHOT_ASPECT, overview_aspect=OVERVIEW_ASPECT,
                        expected_sha256=digest)
    assert [[p.kind for p in sheet] for sheet in sheets] == [["detail"]]
    assert sheets[0][0].height == 1200


def test_a_wide_tall_page_gets_the_top_of_each_column_then_the_overview(tmp_path: Path) -> None:
    path, digest = _png(tmp_path, (4000, 9000))
    sheets = attachment(path, tmp_path / "out", aspect=SHOT_ASPECT, overview_aspect=OVERVIEW_ASPECT,
                        expected_sha256=digest)
    assert [[p.kind for p in sheet] for sheet in sheets] == [["detail"]] * 3 + [["overview"]]
    assert [sheet[0].left for sheet in sheets[:3]] == [0, 1334, 2668] and {s[0].top for s in sheets} == {0}


def test_environment_findings_of_fonts_and_tls_are_labelled_in_the_readers_language() -> None:
    from evidence_capture.i18n import message
    from evidence_capture.report.sources import environment_rows

    env = {"findings": [{"check": "fonts", "status": "warn", "detail": "no font for Devanagari"},
                        {"check": "tls", "status": "ok", "detail": "chain valid"},
                        {"check": "other_check", "status": "ok", "detail": "x"}]}
    labels = [row.check for row in environment_rows(env)][-3:]
    assert labels == ["report.env.fonts", "report.env.tls", "other_check"]
    assert [message(key, "zh") for key in labels[:2]] == ["字体", "TLS 证书校验"]
