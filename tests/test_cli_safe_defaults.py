"""Safe by default: two officers and a TSA, or a recorded reason; exit 4 for incomplete evidence."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]


def _run(monkeypatch: pytest.MonkeyPatch, lang: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("lang,text", [("zh", "提取须由两名执法人员进行，只给出了 1 名"),
                                       ("en", "a capture needs two officers; 1 given")])
def test_one_officer_is_refused_before_the_browser_starts(lang, text, evidence_home, station_key,
                                                          tsa_config, monkeypatch) -> None:
    result = _run(monkeypatch, lang, "capture", "http://127.0.0.1:9/", "--allow-private",
                  "--officer", "张三:SH-001")
    assert result.exit_code == 2 and text in result.stderr and "--single-officer-reason" in result.stderr
    assert not (evidence_home / "captures").exists()


@pytest.mark.parametrize("lang,text", [("zh", "提取须至少配置一个时间戳服务"),
                                       ("en", "a capture needs at least one configured TSA")])
def test_no_tsa_is_refused_with_json_error(lang, text, evidence_home, station_key, monkeypatch) -> None:
    monkeypatch.delenv("EVIDENCE_TSA_URL", raising=False)
    result = _run(monkeypatch, lang, "capture", "http://127.0.0.1:9/", "--allow-private", *TWO, "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["key"] == "capture.policy.no_tsa" and error["message"] == text
    assert "--no-timestamp" in error["hint"] and text in result.stderr
    assert not (evidence_home / "captures").exists()


def test_empty_reason_is_refused(evidence_home, station_key, monkeypatch) -> None:
    result = _run(monkeypatch, "en", "capture", "http://127.0.0.1:9/", "--allow-private",
                  "--single-officer-reason", "  ", "--no-timestamp", "x")
    assert result.exit_code == 2 and "--single-officer-reason must not be empty" in result.stderr


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_recorded_reasons_reach_the_manifest_and_exit_4(lang, shop, evidence_home, station_key,
                                                        tsa_config, monkeypatch) -> None:
    require_chromium(load_settings())
    result = _run(monkeypatch, lang, "capture", shop.url("product"), "--allow-private", "--json",
                  "--officer", "张三:SH-001", "--single-officer-reason", "夜间巡查仅一人在岗",
                  "--no-timestamp", "现场无网络")
    assert result.exit_code == 4, result.output  # timestamp-pending: kept, but not whole
    record = json.loads(result.stdout)[0]
    assert record["state"] == "COMPLETE" and record["seal_state"] == "timestamp-pending"
    assert record["timestamps"] == [] and record["dev_tsa_warning"] is None
    folder = evidence_home / "captures" / record["capture_id"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["single_officer_reason"] == "夜间巡查仅一人在岗"
    assert manifest["no_timestamp_reason"] == "现场无网络" and manifest["dev_tsa_warning"] is None
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["options"]["single_officer_reason"] == "夜间巡查仅一人在岗"
    noted = "单人提取，理由：夜间巡查仅一人在岗" if lang == "zh" else "single-officer capture, reason: 夜间巡查"
    assert noted in result.stderr
    assert "DEVELOPMENT" not in result.stderr and "开发用时间戳服务" not in result.stderr



def test_case_show_reads_each_state(stored_capture, monkeypatch) -> None:
    _run(monkeypatch, "en", "case", "open", "SJ-9", "--title", "t")
    for state in ("COMPLETE", "PARTIAL", "FAILED"):
        stored_capture("SJ-9", state)
    zh = _run(monkeypatch, "zh", "case", "show", "SJ-9").stdout
    en = _run(monkeypatch, "en", "case", "show", "SJ-9").stdout
    states = [line.split()[1] for line in zh.splitlines() if line.startswith("  2")]
    assert states == ["完成", "部分完成", "失败"] and "已完成" not in zh
    assert [line.split()[1] for line in en.splitlines() if line.startswith("  2")] == [
        "COMPLETE", "PARTIAL", "FAILED"]
