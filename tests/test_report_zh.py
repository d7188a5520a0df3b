"""A zh record of a good capture says everything in Chinese: no English sentence is left.

Technical values stay as recorded (URLs, hashes, paths, file and step names,
versions, the user agent); what is removed before looking for three English
words in a row is listed in ``_VALUES``.
"""

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
from tests.realworld import english_sentences

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]
# Recorded values, not sentences: the user agent, X.509 names, the TSA's own name, option names.
_VALUES = re.compile(r"Mozilla/5\.0 \([^)]*\)[^\n]*|(?:CN|O|OU|C)=[^,\n]*|DEVELOPMENT TSA[^\n]*|--[a-z][a-z-]+")


def _zh_record(shop, evidence_home: Path, tmp_path: Path, page: str) -> str:
    require_chromium(load_settings())
    require_or_skip(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    result = CliRunner().invoke(app, ["capture", shop.url(page), "--allow-private", "--json", *TWO,
                                      "--place", "执法大队取证室", "--witness", "王五:W-2026-77"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    capture_id = json.loads(result.stdout)[0]["capture_id"]
    out = tmp_path / "record.pdf"
    printed = CliRunner().invoke(app, ["report", capture_id, "-o", str(out)], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    run = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(out), "-"], check=True,
                         capture_output=True, text=True)
    return run.stdout


def test_zh_record_of_a_good_capture_has_no_english_sentence(
        shop, evidence_home: Path, station_key, tsa_config, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    text = _zh_record(shop, evidence_home, tmp_path, "product")
    assert "电子数据提取笔录" in text and "打印时校验结果：通过" in re.sub(r"\s+", "", text)
    leaks = english_sentences(_VALUES.sub(" ", text))
    assert not leaks, leaks
