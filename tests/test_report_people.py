"""Place, witness and the recorded exceptions: from `evidence capture` options to the printed record."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.conftest import require_or_skip
from tests.fixtures_shop import require_chromium

ONE = ["--officer", "张三:SH-001"]


def _require_tools() -> None:
    require_chromium(load_settings())
    require_or_skip(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")


def _pdf_text(pdf: Path) -> str:
    run = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True)
    return re.sub(r"\s+", "", run.stdout)


@pytest.mark.parametrize("lang, expected", [("en", "must be written as NAME:ID"),
                                            ("zh", "应写作姓名:证件号码")])
@pytest.mark.parametrize("value", ["王五", "王五:", ":310101", "王五:31 01", "王五:" + "9" * 65])
def test_malformed_witness_is_a_usage_error(value: str, lang: str, expected: str, evidence_home,
                                            monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    result = CliRunner().invoke(app, ["capture", "https://shop.example/", *ONE, "--witness", value,
                                      "--single-officer-reason", "x", "--no-timestamp", "x"],
                                catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert expected in (re.sub(r"\s+", "", result.stderr) if lang == "zh" else result.stderr)
    assert not load_settings().captures_dir.exists()  # refused before anything was begun


def test_empty_place_is_a_usage_error(evidence_home) -> None:
    result = CliRunner().invoke(app, ["capture", "https://shop.example/", *ONE, "--place", "  ",
                                      "--single-officer-reason", "x", "--no-timestamp", "x"],
                                catch_exceptions=False)
    assert result.exit_code == 2 and "--place" in result.stderr


@pytest.mark.browser
@pytest.mark.slow
def test_place_witness_and_reasons_go_into_the_manifest_and_the_zh_record(
        shop, evidence_home: Path, station_key, monkeypatch, tmp_path: Path) -> None:
    _require_tools()
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    args = ["capture", shop.url("product"), "--allow-private", "--json", *ONE,
            "--single-officer-reason", "另一名执法人员在外执行任务", "--no-timestamp", "内网演练，未连接时间戳服务",
            "--place", "上海市市场监督管理局执法大队 取证室 3", "--witness", "王五:31010119900101123X"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 4, result.output  # timestamp-pending
    capture_id = json.loads(result.stdout)[0]["capture_id"]
    manifest = json.loads((evidence_home / "captures" / capture_id / "manifest.json").read_text("utf-8"))
    assert manifest["place"] == "上海市市场监督管理局执法大队 取证室 3"
    assert manifest["witness"] == {"name": "王五", "id_no": "31010119900101123X"}

    out = tmp_path / "record.pdf"
    printed = CliRunner().invoke(app, ["report", capture_id, "-o", str(out), "--json"],
                                 catch_exceptions=False)
    assert printed.exit_code in (0, 4), printed.output
    text = _pdf_text(out)
    assert "提取地点上海市市场监督管理局执法大队取证室3" in text
    assert "见证人王五身份证件号码：31010119900101123X" in text
    assert "单人提取理由另一名执法人员在外执行任务" in text
    assert "未加盖时间戳理由内网演练，未连接时间戳服务" in text
    assert "见证人签名（王五）：" in text and "当事人签名：" in text


@pytest.mark.browser
@pytest.mark.slow
def test_without_place_or_witness_the_manifest_omits_them_and_the_record_says_so(
        shop, evidence_home: Path, station_key, tsa_config, tmp_path: Path) -> None:
    _require_tools()
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--allow-private", "--json",
                                      "--officer", "张三:SH-001", "--officer", "李四:SH-002"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    capture_id = json.loads(result.stdout)[0]["capture_id"]
    folder = evidence_home / "captures" / capture_id
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert not {"place", "witness"} & set(manifest)  # absent, not null
    host = json.loads((folder / "environment.json").read_text("utf-8"))["hostname"]
    out = tmp_path / "record.pdf"
    printed = CliRunner().invoke(app, ["report", capture_id, "-o", str(out), "--lang", "en"],
                                 catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    text = _pdf_text(out)
    assert "Placenoplacerecorded;capturehostname:" + host.replace(" ", "") in text
    assert "Witnessnone" in text and "Witness'ssignature" not in text
    assert "Reasonforasingle-officercapture" not in text and "Reasonfornotimestamp" not in text
