"""Chinese help is wrapped by terminal cells: no line runs past the width, punctuation never starts one."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.ui.cjk_wrap import cells, wrap_line


def test_wrap_breaks_between_chinese_characters_and_keeps_punctuation() -> None:
    lines = wrap_line("在全新的浏览器中提取网页，封存并记入保管库。", 12)
    assert lines == ["在全新的浏览", "器中提取网", "页，封存并记", "入保管库。"]
    assert wrap_line("two words 和中文", 9) == ["two words", "和中文"]


@pytest.mark.parametrize("command", [["capture"], ["patrol", "run"], ["timestamp", "verify"], []])
def test_chinese_help_fits_an_80_column_terminal(monkeypatch, command: list[str]) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    monkeypatch.setenv("COLUMNS", "80")
    text = CliRunner().invoke(app, [*command, "--help"], catch_exceptions=False).stdout
    body = text.split("环境变量：")[0]  # the env-var table is kept unwrapped, as in English
    long = [line for line in body.splitlines() if cells(line) > 80 and " " in line.strip()]
    assert long == []
    assert not any(line.lstrip().startswith(("，", "。", "）")) for line in text.splitlines())
