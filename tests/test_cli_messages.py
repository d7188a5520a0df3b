"""Errors and check results carry a catalog key: rendered per language, kept in --json."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.errors import EXIT_USAGE, ConfigError, Msg, NotFoundError
from evidence_capture.i18n import normalize_lang
from evidence_capture.ui.text import Text
from evidence_capture.verify.checks import CheckResult, CheckStatus, VerifyReport


def _run(monkeypatch: pytest.MonkeyPatch, lang: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_keyed_error_renders_in_each_language_and_keeps_english_message() -> None:
    exc = NotFoundError(Msg("cli.no_station_key"), hint=Msg("cli.no_station_key.hint"))
    assert exc.message == str(exc) == "no station key yet" and exc.hint == "run `evidence keys init`"
    assert Text("zh").diagnostics(exc) == "尚无站点签名密钥\n  提示：请运行 `evidence keys init`"
    record = exc.as_record("zh")
    assert record["key"] == "cli.no_station_key" and record["message"] == "尚无站点签名密钥"
    assert record["code"] == EXIT_USAGE and record["hint_key"] == "cli.no_station_key.hint"


def test_plain_string_errors_keep_working() -> None:
    exc = ConfigError("legacy text", hint="legacy hint")
    assert exc.key is None and exc.params == {}
    assert Text("zh").diagnostics(exc) == "legacy text\n  提示：legacy hint"


def test_nested_message_parameters_render_and_serialise() -> None:
    msg = Msg("config.tsa_ca", reason=Msg("cause.exists", path="/tmp/x"))
    assert msg.render("zh") == "EVIDENCE_TSA_CA：文件已存在：/tmp/x"
    assert Msg.from_record(json.loads(json.dumps(msg.as_record()))) == msg


def test_exception_text_of_a_cause_never_reaches_the_reader() -> None:
    try:
        try:
            raise FileExistsError(17, "File exists", "/data/out.zip")
        except FileExistsError as inner:
            raise NotFoundError(Msg("cli.no_station_key")) from inner
    except NotFoundError as exc:
        zh = Text("zh").diagnostics(exc)
    assert "文件已存在：/data/out.zip" in zh and "FileExistsError" not in zh and "File exists" not in zh


def test_check_result_keeps_key_and_params_in_its_record() -> None:
    check = CheckResult.failed("manifest.parse", Msg("cause.missing", path="manifest.json"))
    assert check.reason == "no such file or directory: manifest.json"
    assert check.as_record() == {"name": "manifest.parse", "status": "fail", "reason": check.reason,
                                 "key": "cause.missing", "params": {"path": "manifest.json"}}
    assert Text("zh").reason(check) == Text("zh").reason(check.as_record()) == "文件或目录不存在：manifest.json"


def test_not_applicable_never_counts_as_failure_even_in_strict() -> None:
    signature = CheckResult.passed("signature", "ok")
    other = CheckResult.not_applicable("time.http_date", "no page was loaded")
    report = VerifyReport("x", "capture", (signature, other), strict=True)
    assert other.status is CheckStatus.NOT_APPLICABLE and report.ok()
    assert report.summary()["not-applicable"] == 1


@pytest.mark.parametrize("spelling", ["zh", "zh_CN", "zh_CN.UTF-8", "zh-CN", "ZH_cn.utf8"])
def test_chinese_spellings_are_accepted(spelling: str, evidence_home) -> None:
    assert normalize_lang(spelling) == "zh"
    assert load_settings({"EVIDENCE_HOME": str(evidence_home), "EVIDENCE_LANG": spelling}).lang == "zh"


@pytest.mark.parametrize("locale,lang", [("zh_CN.UTF-8", "zh"), ("en_US.UTF-8", "en"), ("C", "en"),
                                         ("C.UTF-8", "en")])
def test_language_from_the_locale(locale: str, lang: str, evidence_home) -> None:
    env = {"EVIDENCE_HOME": str(evidence_home), "LANG": locale}
    assert load_settings(env).lang == lang


def test_zh_cn_locale_spelling_through_the_cli(evidence_home, monkeypatch) -> None:
    result = _run(monkeypatch, "zh_CN.UTF-8", "keys", "export-public")
    assert result.exit_code == 2 and result.stderr.startswith("错误：尚无站点签名密钥")


@pytest.mark.parametrize("lang,text", [("zh", "尚无站点签名密钥"), ("en", "no station key yet")])
def test_error_with_json_is_one_json_document_on_stdout(lang: str, text: str, evidence_home,
                                                       monkeypatch) -> None:
    result = _run(monkeypatch, lang, "case", "open", "SJ-1", "--title", "t", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == 2 and error["key"] == "cli.no_station_key" and error["message"] == text
    assert error["hint_key"] == "cli.no_station_key.hint" and error["params"] == {}
    assert text in result.stderr


def test_error_without_json_leaves_stdout_empty(evidence_home, monkeypatch) -> None:
    result = _run(monkeypatch, "en", "case", "open", "SJ-1", "--title", "t")
    assert result.exit_code == 2 and result.stdout == ""


def test_every_msg_key_used_in_the_code_is_in_the_catalog() -> None:
    import re
    from pathlib import Path

    from evidence_capture.i18n import keys

    package = Path(__file__).parent.parent / "evidence_capture"
    source = "".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    used = set(re.findall(r'\bMsg\(\s*"([a-z0-9_.\-]+)"', source))
    assert len(used) > 30 and used <= set(keys()), sorted(used - set(keys()))


def test_fixed_names_have_catalog_entries() -> None:
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.i18n import keys
    from evidence_capture.storage.chain import EVENT_TYPES

    catalog = set(keys())
    assert {f"step.{step.name}" for step in STEPS} <= catalog
    assert {f"custody.type.{name}" for name in EVENT_TYPES} <= catalog


def test_custody_log_and_prompt_in_chinese(evidence_home, monkeypatch) -> None:
    monkeypatch.delenv("EVIDENCE_KEY_PASSPHRASE", raising=False)
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    made = CliRunner().invoke(app, ["keys", "init"], input="pw-1234567\npw-1234567\n", catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert "请再次输入以确认" in made.stderr and "Repeat for confirmation" not in made.output
    monkeypatch.setenv("EVIDENCE_KEY_PASSPHRASE", "pw-1234567")
    assert _run(monkeypatch, "zh", "case", "open", "SJ-3", "--title", "t").exit_code == 0
    zh = _run(monkeypatch, "zh", "custody", "log").stdout
    en = _run(monkeypatch, "en", "custody", "log").stdout
    assert " 案件 SJ-3" in zh and "opened" not in zh.split("经办人")[0]
    assert " case SJ-3" in en
