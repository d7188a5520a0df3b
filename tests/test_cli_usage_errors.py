"""Click's usage errors: in the reader's language, and one JSON document on stdout with --json."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app

# (argv, the zh message, the en message)
USAGE_ERRORS = [
    (["capture", "--json"], "缺少参数 'URL'", "missing argument 'URL'"),
    (["capture", "--timeout", "abc", "--json", "http://x.test/"], "'--timeout' 的值无效：应为数字",
     "invalid value for '--timeout': not a number"),
    (["capture", "--timeout", "0", "--json", "http://x.test/"], "'--timeout' 的值无效：应不小于 1",
     "invalid value for '--timeout': must be at least 1"),
    (["patrol", "run", "--browser", "foo", "--json"], "'--browser' 的值无效：应为以下之一：",
     "invalid value for '--browser': must be one of "),
    (["tsa", "serve", "--port", "99999", "--json"], "'--port' 的值无效：应不大于 65535",
     "invalid value for '--port': must be at most 65535"),
    (["capture", "--bogus", "--json", "http://x.test/"], "没有此选项：--bogus", "no such option: --bogus"),
    (["case", "show", "A", "B", "--json"], "多余的参数：B", "unexpected extra argument(s): B"),
    (["report", "X", "--json"], "缺少必填选项 '--output' / '-o'", "missing option '--output' / '-o'"),
    (["nope", "--json"], "没有此命令：nope", "no such command: nope"),
    (["case", "lst", "--json"], "没有此命令：lst（相近的命令：'list'）", "no such command: lst (did you mean 'list'?)"),
    (["keys", "init", "--json=yes"], "选项 --json 不接受值", "option --json does not take a value"),
]


def _run(monkeypatch: pytest.MonkeyPatch, lang: str, argv: list[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, argv, catch_exceptions=False)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("argv,zh,en", USAGE_ERRORS, ids=[" ".join(case[0]) for case in USAGE_ERRORS])
def test_usage_error_with_json_is_one_json_document(monkeypatch, lang: str, argv: list[str], zh: str,
                                                    en: str) -> None:
    result = _run(monkeypatch, lang, argv)
    assert result.exit_code == 2, result.output
    document = json.loads(result.stdout)
    assert document["result"] == "refused" and document["error"]["code"] == 2
    expected = zh if lang == "zh" else en
    assert document["error"]["message"].startswith(expected), document
    assert document["error"]["key"].startswith("ui.usage.")
    assert ("错误：" if lang == "zh" else "error: ") + expected in result.stderr


@pytest.mark.parametrize("lang,usage,hint", [
    ("zh", "用法：evidence capture [选项]", "运行 `evidence capture --help` 查看用法"),
    ("en", "Usage: evidence capture [OPTIONS]", "run `evidence capture --help` for usage"),
])
def test_usage_error_text_names_the_usage_and_the_help(monkeypatch, lang: str, usage: str, hint: str) -> None:
    result = _run(monkeypatch, lang, ["capture"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(usage) and hint in result.stderr
    json_hint = json.loads(_run(monkeypatch, lang, ["capture", "--json"]).stdout)["error"]["hint"]
    assert json_hint == hint


def test_library_refusal_with_json_keeps_the_same_shape(monkeypatch) -> None:
    result = _run(monkeypatch, "en", ["capture", "not a url", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert {"code", "message", "hint"} <= set(error) and error["code"] == 2


def test_no_arguments_prints_the_help_on_stderr(monkeypatch) -> None:
    result = _run(monkeypatch, "zh", ["case"])
    assert result.exit_code == 2 and result.stderr.startswith("用法：evidence case [选项] 命令 [参数]...")


@pytest.mark.parametrize("text,zh", [
    ("'abc' is not a valid float.", "应为数字"),
    ("'x' is not a valid integer.", "应为整数"),
    ("5 is not in the range 0<=x<=3.", "应在 0<=x<=3 范围内"),
    ("'foo' is not one of 'rsa', 'ec'.", "应为以下之一：'rsa', 'ec'"),
    ("File '/nope' does not exist.", "'/nope' 不存在"),
    ("Input should be less than 3", "应小于 3"),
])
def test_reasons_of_click_and_of_typer_are_translated(text: str, zh: str) -> None:
    from evidence_capture.ui.usage import reason_msg

    assert reason_msg(text).render("zh") == zh
