"""A failed navigation's hint is text for the officer: on stderr beside --json, never in the JSON body."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]
HINTS = {"zh": "提示：{capture_id}：域名无法解析：请核对网址拼写",
         "en": "hint: {capture_id}: the host name does not resolve: check the URL's spelling"}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dns_failure_hint_is_on_stderr_in_the_readers_language(lang, station_key, tsa_config,
                                                               monkeypatch) -> None:
    require_chromium(load_settings())
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    result = CliRunner().invoke(app, ["capture", "http://no-such-shop.invalid/", *TWO, "--timeout", "30",
                                      "--json"], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    record = json.loads(result.stdout)[0]
    assert record["state"] == "FAILED" and "ERR_NAME_NOT_RESOLVED" in json.dumps(record)
    assert "请核对网址拼写" not in result.stdout and "check the URL's spelling" not in result.stdout
    assert not any("hint" in key for key in record)
    assert HINTS[lang].format(capture_id=record["capture_id"]) in result.stderr
