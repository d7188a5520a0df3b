"""The ``evidence capture`` command, end to end through CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

pytestmark = pytest.mark.browser

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]


def test_capture_two_urls_json_on_a_mobile_device(shop, evidence_home, station_key,
                                                   tsa_config) -> None:
    require_chromium(load_settings())
    opened = CliRunner().invoke(app, ["case", "open", "SH-2026-001", "--title", "价格核查",
                                      "--subject", "示例旗舰店"], catch_exceptions=False)
    assert opened.exit_code == 0, opened.output
    args = ["capture", shop.url("product"), shop.url("shop"), "--allow-private", "--json",
            "--device", "iPhone 13", *TWO, "--case", "SH-2026-001", "--timeout", "60"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "officer" not in result.stderr  # two officers: nothing to warn about
    records = json.loads(result.stdout)
    assert [r["state"] for r in records] == ["COMPLETE", "COMPLETE"]
    for record in records:
        assert {"capture_id", "state", "folder", "warnings", "artifacts"} <= set(record)
        assert str(evidence_home.resolve()) in record["folder"]
        assert record["folder"].endswith(record["capture_id"])
        sizes = {a["name"]: a["size"] for a in record["artifacts"]}
        assert sizes["screenshot.png"] > 0 and sizes["session.webm"] > 0
    folders = [evidence_home / "captures" / r["capture_id"] for r in records]
    prov = json.loads((folders[0] / "provenance.json").read_text(encoding="utf-8"))
    # the two URLs share one Chromium process, each capture in a new, empty context
    sharing = [json.loads((f / "provenance.json").read_text(encoding="utf-8"))["browser_sharing"]
               for f in folders]
    assert [s["mode"] for s in sharing] == ["shared-process"] * 2
    assert [s["capture_in_process"] for s in sharing] == [1, 2]
    assert sharing[0]["process_launched_at"] == sharing[1]["process_launched_at"]
    second = json.loads((folders[1] / "environment.json").read_text(encoding="utf-8"))
    assert second["fresh_profile"] is True
    assert prov["options"]["multi_url_sharing"] == "shared-process"
    assert prov["device"] == "iPhone 13" and prov["viewport"]["width"] == 390
    assert "iPhone" in prov["user_agent"]
    assert any("emulated in Chromium" in w for w in records[0]["warnings"])
    assert prov["case"] == {"case_id": "SH-2026-001", "title": "价格核查",
                            "subject": "示例旗舰店", "purpose": ""}
    assert prov["officers"] == [{"name": "张三", "cert_no": "SH-001"}, {"name": "李四", "cert_no": "SH-002"}]
    assert prov["options"]["single_officer_reason"] is None and prov["options"]["no_timestamp_reason"] is None
    assert prov["options"]["total_timeout"] == 60.0
    for record in records:  # sealed, timestamped and recorded complete in the store
        assert record["seal_state"] == "timestamped" and record["store_status"] == "complete"
        assert record["manifest_sha256"].startswith("sha256:")
        folder = evidence_home / "captures" / record["capture_id"]
        assert {"manifest.json", "manifest.sig", "timestamps"} <= {p.name for p in folder.iterdir()}
    shown = CliRunner().invoke(app, ["case", "show", "SH-2026-001", "--json"], catch_exceptions=False)
    assert {c["capture_id"] for c in json.loads(shown.stdout)["captures"]} == {
        r["capture_id"] for r in records}


def test_unknown_device_is_a_usage_error(shop, station_key) -> None:
    require_chromium(load_settings())
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--device", "iPhone 99x",
                                      "--allow-private", *TWO, "--no-timestamp", "test"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "unknown device" in result.stderr
    assert not (load_settings().captures_dir).exists()  # refused before anything was begun


def test_capture_without_a_station_key_says_how_to_make_one(shop) -> None:
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--allow-private", *TWO,
                                      "--no-timestamp", "test"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "evidence keys init" in result.stderr


def test_capture_into_an_unopened_case_is_refused(shop, station_key) -> None:
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--allow-private", *TWO,
                                      "--no-timestamp", "test", "--case", "NO-SUCH-CASE"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "evidence case open" in result.stderr


def test_capture_cli_defaults_come_from_the_defaults_object() -> None:
    from evidence_capture.defaults import DEFAULTS

    result = CliRunner().invoke(app, ["capture", "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert f"{DEFAULTS.total_timeout}" in result.stdout
    assert f"{DEFAULTS.viewport_width}x{DEFAULTS.viewport_height}" in result.stdout
