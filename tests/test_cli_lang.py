"""EVIDENCE_LANG=zh|en: human-facing CLI output in either language, --json identical in both."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

import evidence_capture.cli as cli_module
from evidence_capture.cli import app
from evidence_capture.i18n import keys, message
from evidence_capture.manifests.seal import DEV_WARNING, PENDING, TIMESTAMPED, UNSEALED
from evidence_capture.models import CaptureState
from evidence_capture.storage.store import COMPLETE, FAILED, IN_PROGRESS, INCOMPLETE
from evidence_capture.timestamping.devtsa import DEV_TSA_LABEL
from evidence_capture.verify.checks import CheckStatus


def _run(monkeypatch: pytest.MonkeyPatch, lang: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_verify_report_in_chinese_and_english(stored_capture, monkeypatch) -> None:
    capture_id = stored_capture()
    zh = _run(monkeypatch, "zh", "verify", capture_id)
    en = _run(monkeypatch, "en", "verify", capture_id)
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    assert re.search(r"^通过 +signature  ", zh.stdout, re.M)
    assert re.search(r"^PASS +signature  ", en.stdout, re.M)
    passed = en.stdout.count("\nPASS ") + en.stdout.startswith("PASS ")
    assert zh.stdout.splitlines()[-1].startswith(f"校验通过：通过 {passed} 项，未通过 0 项，未检查 ")
    assert re.fullmatch(rf"VERIFIED: {passed} pass, 0 fail, \d+ not checked", en.stdout.splitlines()[-1])
    assert "PASS" not in zh.stdout and "VERIFIED" not in zh.stdout


def test_verify_json_is_identical_in_both_languages(stored_capture, monkeypatch) -> None:
    capture_id = stored_capture()
    zh = _run(monkeypatch, "zh", "verify", capture_id, "--json")
    en = _run(monkeypatch, "en", "verify", capture_id, "--json")
    assert zh.exit_code == en.exit_code == 0
    assert zh.stdout == en.stdout and '"status": "pass"' in en.stdout


def test_verify_failure_verdict_in_chinese(stored_capture, store, monkeypatch) -> None:
    capture_id = stored_capture()
    (store.settings.capture_dir(capture_id) / "page.pdf").write_bytes(b"%PDF-forged")
    zh = _run(monkeypatch, "zh", "verify", capture_id)
    en = _run(monkeypatch, "en", "verify", capture_id)
    assert zh.exit_code == en.exit_code == 1
    assert re.search(r"^未通过      artifact:page.pdf +大小为 11 字节，清单记载为", zh.stdout, re.M)
    assert zh.stdout.splitlines()[-1].startswith("校验未通过：")
    assert en.stdout.splitlines()[-1].startswith("NOT VERIFIED: ")


def test_seal_with_development_tsa_in_chinese(capture_folder, station_key, tsa_config, monkeypatch) -> None:
    result = _run(monkeypatch, "zh", "seal", capture_folder.name)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{capture_folder.name}：已加盖时间戳\n  清单 sha256:")
    assert re.search(r"^  时间戳 1：由 .+ 于 .+ 签发（http://127\.0\.0\.1:\d+/.*）$", result.stdout, re.M)
    assert "警告：时间戳来自开发用时间戳服务（evidence tsa serve）：不可用于真实案件" in result.stderr.splitlines()


def test_case_commands_in_chinese_and_english(station_key, monkeypatch) -> None:
    opened = _run(monkeypatch, "zh", "case", "open", "SJ-2026-007", "--title", "虚假宣传", "--subject", "某店")
    assert opened.exit_code == 0 and opened.stdout == "已立案 SJ-2026-007：虚假宣传\n"
    assert _run(monkeypatch, "zh", "case", "list").stdout == "SJ-2026-007  虚假宣传  [某店]  提取记录 0 份\n"
    assert _run(monkeypatch, "en", "case", "list").stdout == "SJ-2026-007  虚假宣传  [某店]  0 capture(s)\n"
    shown = _run(monkeypatch, "zh", "case", "show", "SJ-2026-007").stdout
    assert "案件 SJ-2026-007：虚假宣传" in shown and "提取记录（0）：" in shown
    for args in (("case", "list", "--json"), ("case", "show", "SJ-2026-007", "--json")):
        assert _run(monkeypatch, "zh", *args).stdout == _run(monkeypatch, "en", *args).stdout


def test_case_show_labels_capture_states(stored_capture, store, monkeypatch) -> None:
    _run(monkeypatch, "en", "case", "open", "SJ-2026-008", "--title", "t")
    stored_capture("SJ-2026-008")
    zh = _run(monkeypatch, "zh", "case", "show", "SJ-2026-008").stdout
    en = _run(monkeypatch, "en", "case", "show", "SJ-2026-008").stdout
    assert "  完成  " in zh and "已完成" not in zh and "时间戳：已取得" in zh and "本站" in zh
    assert " COMPLETE " in en and "timestamps: granted" in en


def test_error_prefix_and_hint_in_both_languages(evidence_home, monkeypatch) -> None:
    zh = _run(monkeypatch, "zh", "keys", "export-public")
    en = _run(monkeypatch, "en", "keys", "export-public")
    assert zh.exit_code == en.exit_code == 2
    assert zh.stderr == "错误：尚无站点签名密钥\n  提示：请运行 `evidence keys init`\n"
    assert en.stderr == "error: no station key yet\n  hint: run `evidence keys init`\n"
    missing = _run(monkeypatch, "zh", "case", "show", "NOPE")
    assert missing.exit_code == 2 and missing.stderr.startswith("错误：")


def test_unknown_language_is_a_usage_error_in_english(evidence_home, monkeypatch) -> None:
    result = _run(monkeypatch, "fr", "case", "list")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: EVIDENCE_LANG must be zh or en")


def test_warning_prefix_in_chinese(evidence_home, monkeypatch) -> None:
    result = _run(monkeypatch, "zh", "custody", "verify")
    assert result.stderr.startswith("警告：没有固定的站点公钥")


def test_top_level_help_mentions_evidence_lang(monkeypatch) -> None:
    text = " ".join(_run(monkeypatch, "zh", "--help").stdout.split())
    assert "EVIDENCE_LANG=zh|en" in text and "EVIDENCE_LANG 提示信息的语言：zh 或 en" in text
    english = " ".join(_run(monkeypatch, "en", "--help").stdout.split())
    assert "EVIDENCE_LANG language of messages" in english


# --- the catalog ----------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_chinese_and_english_with_the_same_fields() -> None:
    for key in keys():
        zh, en = message(key, "zh"), message(key, "en")
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), key


def test_every_key_used_in_cli_exists() -> None:
    package = Path(cli_module.__file__).parent  # cli.py, its commands and the modules that build its lines
    files = [package / "cli.py", *sorted((package / "commands").glob("*.py")), *sorted((package / "ui").glob("*.py")),
             package / "timestamping" / "standalone.py"]
    source = "".join(path.read_text(encoding="utf-8") for path in files)
    used = set(re.findall(r'"(cli\.[a-z0-9_.\-]+)"', source))
    assert len(used) > 50
    assert used <= set(keys()), sorted(used - set(keys()))
    assert re.findall(r'typer\.echo\(f?"(?!evidence-capture )[a-z]', source) == []  # no untranslated literal lines


def test_dynamic_keys_cover_every_value() -> None:
    catalog = set(keys())
    values = {
        "cli.status": [status.value for status in CheckStatus],
        "state": [state.value for state in CaptureState],
        "seal.state": [TIMESTAMPED, PENDING, UNSEALED],
        "store.status": [IN_PROGRESS, COMPLETE, FAILED, INCOMPLETE],
        "store.timestamps": ["none", "granted", "partial", "failed"],
        "cli.file": ["file", "token"],
    }
    for prefix, names in values.items():
        assert {f"{prefix}.{name}" for name in names} <= catalog, prefix


def test_english_texts_match_the_library_constants() -> None:
    assert message("cli.dev_tsa.warning", "en") == DEV_WARNING
    assert message("cli.dev_tsa.label", "en") == DEV_TSA_LABEL


def test_help_in_chinese(monkeypatch) -> None:
    zh = _run(monkeypatch, "zh", "capture", "--help").stdout
    en = _run(monkeypatch, "en", "capture", "--help").stdout
    assert "在全新的浏览器中提取网页" in zh and "以此理由由不足两名执法人员进行提取" in zh
    assert "Capture web pages in a fresh browser" in en and "在全新" not in en
    assert "立案（记入保管链）" in _run(monkeypatch, "zh", "case", "open", "--help").stdout
