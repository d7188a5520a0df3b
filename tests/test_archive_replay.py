"""``evidence replay``: a sealed capture of the sample shop replayed in Chromium
with ReplayWeb.page while the shop's server is stopped.

The replay runs the real command in a subprocess (it serves until stopped);
the browser records every request it makes, and none may leave the replay
server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from evidence_capture.archive.replay import find_assets
from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.errors import ConfigError
from evidence_capture.sample_shop import ShopServer
from tests.conftest import require_or_skip
from tests.fixtures_shop import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.tsa, pytest.mark.slow]


def _assets_or_skip() -> None:
    try:
        find_assets()
    except ConfigError:
        require_or_skip(False, "ReplayWeb.page assets missing: run `make replay-assets`")


@pytest.fixture
def sealed_item(station_key, tsa_config) -> Iterator[tuple[str, ShopServer]]:
    """A sealed, timestamped capture of the shop's item page; the shop is stopped after it."""
    require_chromium(load_settings())
    _assets_or_skip()
    with ShopServer() as shop:
        result = CliRunner().invoke(app, ["capture", shop.url("promo"), "--allow-private", "--json",
                                          "--officer", "张三:SH-001", "--officer", "李四:SH-002"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
    yield json.loads(result.stdout)[0]["capture_id"], shop


class Replay:
    """``evidence replay`` in a subprocess; ``.url`` once it serves."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "evidence_capture", "replay", *args,
                                         "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=dict(os.environ))
        lines = []
        for line in self.process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.rstrip() == "}":
                break
        assert lines, self.process.stderr.read()  # type: ignore[union-attr]
        self.record = json.loads("".join(lines))
        self.url = self.record["url"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _replayed_frame(page: Any) -> Any:
    deadline = time.monotonic() + 150  # ReplayWeb.page indexes the WACZ first; slow under load
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if "mp_/" in f.url), None)
        if frame is not None:
            return frame
        page.wait_for_timeout(250)
    raise AssertionError(f"ReplayWeb.page never showed the page; frames: {[f.url for f in page.frames]}")


def _browse(url: str, check: Any) -> list[str]:
    from playwright.sync_api import sync_playwright

    seen: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=load_settings().chromium)
        try:
            context = browser.new_context()
            context.on("request", lambda request: seen.append(request.url))
            page = context.new_page()
            page.on("console", lambda message: print("console:", message.text[:300]))
            page.goto(url)
            check(page)
        finally:
            browser.close()
    return seen


def test_replay_offline_shows_title_late_price_and_lazy_image(sealed_item) -> None:
    capture_id, shop = sealed_item
    replay = Replay(capture_id)
    try:
        assert replay.record["verified"] is True and replay.record["capture_id"] == capture_id

        def check(page: Any) -> None:
            assert "Verified capture" in page.inner_text("#evidence-banner")
            frame = _replayed_frame(page)
            archived = load_settings().capture_dir(capture_id) / "network.har"
            assert "/api/price.json" in archived.read_text(encoding="utf-8")  # captured, so replayable
            frame.wait_for_selector("#injected", timeout=60_000)
            assert frame.inner_text("#title") == "明前狮峰龙井 100g 罐装"
            assert "368.00" in frame.inner_text("#injected")
            frame.evaluate("document.getElementById('detail').scrollIntoView()")
            frame.wait_for_function("document.getElementById('detail').naturalWidth > 0",
                                    timeout=60_000)

        seen = _browse(replay.url, check)
    finally:
        replay.stop()
    origin = urlsplit(replay.url).netloc
    assert seen and all(urlsplit(url).netloc == origin for url in seen
                        if not url.startswith(("data:", "blob:"))), sorted(set(seen))
    assert shop.base.split("//")[1] != origin  # the shop (stopped) is another server


def _tamper(folder: Path) -> None:
    target = folder / "dom.html"
    target.chmod(target.stat().st_mode | stat.S_IWUSR)
    folder.chmod(folder.stat().st_mode | stat.S_IWUSR)
    target.write_text(target.read_text(encoding="utf-8") + "<!-- forged -->", encoding="utf-8")


def test_attack_a_tampered_capture_is_refused_unless_unverified(sealed_item) -> None:
    capture_id, _shop = sealed_item
    _tamper(load_settings().capture_dir(capture_id))
    refused = CliRunner().invoke(app, ["replay", capture_id], catch_exceptions=False)
    assert refused.exit_code == 1
    assert "refused to replay" in refused.stderr and "artifact:dom.html" in refused.stderr
    replay = Replay(capture_id, "--unverified")
    try:
        assert replay.record["verified"] is False
        assert "artifact:dom.html" in replay.record["failed_checks"]

        def check(page: Any) -> None:
            banner = page.inner_text("#evidence-banner")
            assert "FAILED verification" in banner and "未通过校验" in banner
            _replayed_frame(page).wait_for_selector("#title", timeout=60_000)

        _browse(replay.url, check)
    finally:
        replay.stop()


def test_replay_of_a_capture_id_that_does_not_exist_is_a_usage_error() -> None:
    _assets_or_skip()
    result = CliRunner().invoke(app, ["replay", "20260101T000000Z-deadbeef"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "neither a capture folder nor a known capture id" in result.stderr


def test_replay_without_assets_says_how_to_fetch_them(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("EVIDENCE_REPLAY_ASSETS", str(tmp_path))
    result = CliRunner().invoke(app, ["replay", "anything"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "make replay-assets" in result.stderr and "replaywebpage@2.5.3" in result.stderr


def test_exported_package_carries_the_wacz_and_replays_from_the_zip(sealed_item, tmp_path) -> None:
    from evidence_capture.archive.source import open_source
    from evidence_capture.verify.target import trusted_keys, tsa_roots_for

    capture_id, _shop = sealed_item
    package = tmp_path / "package.zip"
    exported = CliRunner().invoke(app, ["export", capture_id, "-o", str(package)], catch_exceptions=False)
    assert exported.exit_code == 0, exported.output
    verified = CliRunner().invoke(app, ["verify", str(package), "--json"], catch_exceptions=False)
    checks = {c["name"]: c["status"] for c in json.loads(verified.stdout)["checks"]}
    assert verified.exit_code == 0 and checks[f"capture[{capture_id}].artifact:archive.wacz"] == "pass"
    settings = load_settings()
    original = (settings.capture_dir(capture_id) / "archive.wacz").read_bytes()
    with open_source(str(package), settings=settings, trusted=trusted_keys(settings, []),
                     tsa_roots=tsa_roots_for(settings, None)) as source:
        assert source.verified and source.capture_id == capture_id
        assert source.wacz.read_bytes() == original
        readme = (source.wacz.parents[3] / "README.txt").read_text("utf-8")
    assert "evidence replay PACKAGE.zip --capture <id>" in readme and "ReplayWeb.page" in readme
    assert not source.wacz.exists()  # the private extraction is removed afterwards
