"""A PARTIAL capture is kept but not whole: exit 4, its state named in the reader's language."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]


@pytest.mark.browser
@pytest.mark.parametrize("lang,state,store_line", [("zh", "部分完成", "  部分完成  "), ("en", "PARTIAL", " PARTIAL ")])
def test_partial_capture_exits_4_and_says_so(lang, state, store_line, shop, station_key, tsa_config, tmp_path,
                                             monkeypatch) -> None:
    require_chromium(load_settings())
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))  # no video: PARTIAL
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    runner = CliRunner()
    assert runner.invoke(app, ["case", "open", "SJ-P", "--title", "t"]).exit_code == 0
    result = runner.invoke(app, ["capture", shop.url("product"), "--allow-private", "--case", "SJ-P", *TWO],
                           catch_exceptions=False)
    assert result.exit_code == 4, result.output
    assert result.stdout.startswith(state + " ")
    shown = runner.invoke(app, ["case", "show", "SJ-P"], catch_exceptions=False).stdout
    assert store_line in shown
