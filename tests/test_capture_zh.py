"""A capture speaks the officer's language: with EVIDENCE_LANG=zh no English sentence and no
raw browser or system error reaches the screen (issue #10); the same runs read right in en.

Real captures through the CLI: a closed port, a ``.invalid`` host, a page whose load never
finishes, and a busy page captured without a video recorder.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.errors import Msg
from tests.fixtures_shop import require_chromium

pytestmark = pytest.mark.browser

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]
# What may stay Latin in a Chinese line: addresses, paths, digests, ids, options, codes.
_NEUTRAL = re.compile(r"\S+://\S*|(?<!\w)/\S+|sha256:\w+|\b[0-9a-f]{8,}\b|\d{8}T\d{6}Z-\w+|"
                      r"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?|--[\w-]+|net::ERR_\w+|\w+\.\w+|"
                      r"evidence tsa serve")
_SENTENCE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}")
_RAW = ("Timeout", "exceeded", "Error", "Traceback", "Call log", "playwright install")


def english_runs(text: str) -> list[str]:
    """Runs of three or more Latin words left after removing what is language-neutral."""
    return _SENTENCE.findall(_NEUTRAL.sub(" ", text))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _capture(monkeypatch, lang: str, url: str, *extra: str):  # type: ignore[no-untyped-def]
    require_chromium(load_settings())
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    result = CliRunner().invoke(app, ["capture", url, "--allow-private", *TWO, *extra],
                                catch_exceptions=False)
    folder = next((load_settings().home / "captures").iterdir())
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    env = json.loads((folder / "environment.json").read_text(encoding="utf-8"))
    return result, prov, env


def _shown(result, prov) -> str:  # type: ignore[no-untyped-def]
    """Everything the officer saw: stdout and stderr as printed."""
    return result.stdout + result.stderr


def _rendered(step: dict, lang: str) -> str:
    return Msg.from_record(step["detail_msg"]).render(lang)


def _assert_chinese(result, prov, env) -> None:  # type: ignore[no-untyped-def]
    shown = _shown(result, prov)
    assert not english_runs(shown), (english_runs(shown), shown)
    assert not any(raw in shown for raw in _RAW), shown
    for step in prov["steps"]:  # every step's detail, as the record will show it
        assert step["detail_msg"] is None or not english_runs(_rendered(step, "zh")), step
    for finding in env["findings"]:
        zh = Msg.from_record(finding["detail_msg"]).render("zh")
        assert not english_runs(zh), finding
    for warning in prov["warning_msgs"]:
        assert not english_runs(Msg.from_record(warning).render("zh")), warning


def _step(prov: dict, name: str) -> dict:
    return next(s for s in prov["steps"] if s["name"] == name)


def test_closed_port_in_chinese(station_key, tsa_config, monkeypatch) -> None:
    result, prov, env = _capture(monkeypatch, "zh", f"http://127.0.0.1:{_closed_port()}/",
                                 "--timeout", "30")
    assert result.exit_code == 3, result.output
    _assert_chinese(result, prov, env)
    navigate = _step(prov, "navigate")
    assert navigate["detail_msg"]["params"]["reason"] == {
        "key": "capture.cause.refused", "params": {"code": "net::ERR_CONNECTION_REFUSED"}}
    assert "ERR_CONNECTION_REFUSED" in navigate["error"]  # the raw text stays in the record
    assert "无法连接到该网站" in result.output and "打开网页" in result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dns_failure_reads_right_in_each_language(lang, station_key, tsa_config, monkeypatch) -> None:
    result, prov, env = _capture(monkeypatch, lang, "http://no-such-shop.invalid/", "--timeout", "30")
    assert result.exit_code == 3, result.output
    navigate = _step(prov, "navigate")
    assert navigate["outcome"] == "failed"
    assert navigate["detail"] == ("navigation failed: the host name does not resolve "
                                  "(net::ERR_NAME_NOT_RESOLVED)")
    if lang == "zh":
        _assert_chinese(result, prov, env)
        assert "打开网页失败：域名无法解析（net::ERR_NAME_NOT_RESOLVED）" == _rendered(navigate, "zh")
        assert "域名无法解析" in result.output
    else:
        assert "the host name does not resolve" in result.output
        assert "check the URL's spelling" in result.output
        assert not re.search(r"[\u4e00-\u9fff]", result.stderr), result.stderr


def test_page_that_never_loads_times_out_in_chinese(shop, station_key, tsa_config,
                                                    monkeypatch) -> None:
    result, prov, env = _capture(monkeypatch, "zh", shop.url("hang"), "--timeout", "8")
    assert result.exit_code == 4, result.output  # PARTIAL: what was loaded is kept
    _assert_chinese(result, prov, env)
    navigate = _step(prov, "navigate")
    assert navigate["outcome"] == "timeout" and navigate["detail_msg"]["key"] == "capture.step.timeout"
    assert "Timeout" in navigate["error"]  # Playwright's own words, for the technical record only
    assert _step(prov, "pdf")["detail_msg"]["key"] == "capture.step.no_budget"
    assert "超时" in result.output


def test_busy_page_without_video_recorder_warns_in_chinese(shop, station_key, tsa_config,
                                                           monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))
    result, prov, env = _capture(monkeypatch, "zh", shop.url("busy"), "--timeout", "60")
    assert result.exit_code == 4, result.output  # PARTIAL: no video
    _assert_chinese(result, prov, env)
    keys = [w["key"] for w in prov["warning_msgs"]]
    assert {"capture.warn.busy", "capture.video.missing", "capture.warn.missing",
            "capture.warn.allow_private"} <= set(keys)
    assert len(prov["warnings"]) == len(keys)  # the English text of each, in the same order
    assert "网络在" in result.stderr + result.stdout and "未录制视频" in result.output
    missing = prov["missing_artifacts"][0]
    assert missing["reason_msg"]["key"] == "capture.video.missing" and "no-such-ffmpeg" in missing["reason"]


def test_browser_and_system_errors_become_catalog_messages() -> None:
    from playwright.sync_api import Error, TimeoutError

    from evidence_capture.capture import failures, tls_step

    refused = Error("Page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://127.0.0.1:1/\nCall log: …")
    assert failures.describe(refused) == Msg("capture.cause.cert", code="net::ERR_CERT_AUTHORITY_INVALID")
    assert failures.raw(refused).startswith("Page.goto: net::ERR_CERT_AUTHORITY_INVALID")
    assert failures.describe(TimeoutError("Timeout 29937.26ms exceeded.")) == Msg("capture.cause.timeout")
    assert failures.describe(FileExistsError(17, "File exists", "/data/x")) == Msg("cause.exists", path="/data/x")
    assert failures.describe(Error("Protocol error: something odd")) == Msg("capture.cause.browser")
    assert tls_step.reason("validation failed: signature does not match").key == "capture.tls.err.untrusted"
    assert tls_step.reason("cert is not valid at validation time").render("zh") == "证书不在有效期内"


@pytest.mark.parametrize("url", ["ftp://shop.example/item", "http://bad host/", "https://"])
def test_refused_url_is_explained_in_chinese(url, station_key, tsa_config, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    result = CliRunner().invoke(app, ["capture", url, *TWO], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "网址" in result.stderr and "例如 https://shop.example.com/item/1" in result.stderr
    assert not english_runs(result.stderr), result.stderr
