"""Chinese ``--help`` for every command and option, and click's own texts in Chinese."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import ENV_VARS
from evidence_capture.ui.help_zh import localize
from evidence_capture.ui.help_zh_texts import ENV_VARS as ENV_ZH

CJK = re.compile(r"[\u4e00-\u9fff]")


def _tree(command, path: str = ""):  # type: ignore[no-untyped-def]
    yield path, command
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _tree(sub, f"{path} {name}".strip())


def _paths() -> list[str]:
    return [path for path, _ in _tree(typer.main.get_command(app))]


def _run(monkeypatch: pytest.MonkeyPatch, lang: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_every_command_and_visible_parameter_has_chinese_help() -> None:
    root = typer.main.get_command(app)
    localize(root, "zh")
    commands = parameters = 0
    for path, command in _tree(root):
        assert command.help and CJK.search(command.help), f"command {path!r} has no Chinese help"
        commands += 1
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            assert param.help and CJK.search(param.help), f"{path!r} {param.opts} has no Chinese help"
            parameters += 1
    assert commands >= 30 and parameters >= 100


def test_english_help_is_left_as_it_is() -> None:
    root = typer.main.get_command(app)
    localize(root, "en")
    assert not any(CJK.search(command.help or "") and path not in ("diff", "report")
                   for path, command in _tree(root))


def test_every_environment_variable_has_a_chinese_description() -> None:
    assert set(ENV_ZH) == set(ENV_VARS)


@pytest.mark.parametrize("path", _paths())
def test_help_output_of_every_command_in_chinese(monkeypatch, path: str) -> None:
    result = _run(monkeypatch, "zh", *path.split(), "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("用法：evidence") and "选项：" in text and "显示本帮助并退出。" in text
    for english in ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message", "[default:",
                    "[required]", "Environment variables"):
        assert english not in text, (path, english)


def test_click_headings_and_brackets_in_chinese(monkeypatch) -> None:
    zh = _run(monkeypatch, "zh", "capture", "--help").stdout
    assert "参数：" in zh and "[默认：120.0；x>=1.0]" in zh and "必填" in zh and "环境变量：" in zh
    assert "命令：" in _run(monkeypatch, "zh", "--help").stdout
    en = _run(monkeypatch, "en", "capture", "--help").stdout
    assert "Usage: evidence capture [OPTIONS]" in en and re.search(r"\[default: 120\.0;\s+x>=1\.0\]", en)
    assert "Show this message and exit." in en and not CJK.search(en)


@pytest.mark.parametrize("spelling", ["zh", "zh_CN", "zh_CN.UTF-8"])
def test_chinese_help_for_every_spelling_of_the_language(monkeypatch, spelling: str) -> None:
    assert _run(monkeypatch, spelling, "case", "open", "--help").stdout.startswith("用法：evidence case open")


def test_chinese_help_from_the_locale(monkeypatch) -> None:
    monkeypatch.delenv("EVIDENCE_LANG")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    result = CliRunner().invoke(app, ["keys", "--help"], catch_exceptions=False)
    assert result.stdout.startswith("用法：evidence keys [选项] 命令 [参数]...")


@pytest.mark.parametrize("lang,texts", [
    ("zh", ["请再次输入以确认", "错误：两次输入的口令不一致"]),
    ("en", ["Repeat for confirmation", "error: the two entered passphrases do not match"]),
])
def test_passphrase_confirmation_in_the_readers_language(monkeypatch, lang: str, texts: list[str]) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    result = CliRunner().invoke(app, ["keys", "init"], input="one\ntwo\nsame\nsame\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for text in texts:
        assert text in result.stderr
    assert "The two entered values" not in result.stderr and "BEGIN PUBLIC KEY" in result.stdout
