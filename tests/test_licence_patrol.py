"""``evidence patrol LIST --licence-report out.csv``: one row per shop with a bilingual summary."""

from __future__ import annotations

import csv

import pytest

from evidence_capture.config import load_settings
from evidence_capture.sample_shop import ShopServer
from tests.fixtures_patrol import OFFICER_ARGS, cli, write_list
from tests.fixtures_shop import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.tsa]
PAGES = {"licence_valid": "displayed", "licence_typo": "invalid", "licence_none": "missing",
         "licence_linked": "displayed", "licence_image": "unreadable"}


def test_patrol_writes_the_licence_report(tmp_path, station_key, tsa_config) -> None:
    require_chromium(load_settings())
    out = tmp_path / "亮照.csv"
    with ShopServer() as shop:
        urls = [shop.url(page) for page in PAGES]
        listing = write_list(tmp_path / "shops.csv", urls, csv_case="LZ-2026-1")
        result = cli("patrol", str(listing), "--workers", "2", "--allow-private", *OFFICER_ARGS,
                     "--licence-report", str(out))
    assert result.exit_code == 0, result.output
    assert "licence report" in result.stderr and "(5 shop(s))" in result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["url"] for row in rows] == urls
    assert {row["url"].rsplit("/", 1)[1]: row["overall"] for row in rows} == {
        f"{page.split('_')[1]}.html": overall for page, overall in PAGES.items()}
    by_page = {row["url"].rsplit("/", 1)[1]: row for row in rows}
    typo = by_page["typo.html"]
    assert typo["uscc_status"] == "invalid-check-digit" and typo["uscc_value"] == "91330106MA2GL7K4RD"
    assert typo["summary_zh"].startswith("信用代码有误：") and "统一社会信用代码校验码错误" in typo["summary_zh"]
    assert typo["summary_en"].startswith("invalid credit code — ")
    assert by_page["valid.html"]["summary_zh"] == "已完整亮照"
    assert by_page["linked.html"]["licence_link"].endswith("/licence/detail.html")
    assert by_page["image.html"]["uscc_status"] == "unreadable"
    assert all(row["subject"] == "示例旗舰店" and row["capture_id"] for row in rows)


def test_an_existing_report_file_is_refused_before_any_capture(tmp_path, station_key, tsa_config) -> None:
    out = tmp_path / "report.csv"
    out.write_text("keep me", encoding="utf-8")
    listing = write_list(tmp_path / "shops.txt", ["http://127.0.0.1:9/x.html"])
    result = cli("patrol", str(listing), "--allow-private", *OFFICER_ARGS, "--licence-report", str(out))
    assert result.exit_code == 2, result.output
    assert "already exists" in result.stderr and out.read_text(encoding="utf-8") == "keep me"
    assert not load_settings().captures_dir.exists() or not any(load_settings().captures_dir.iterdir())
