"""``evidence capture`` starts the first URL's browser while the station opens
(capture/warmup.py): what the capture records, and what happens when either
side fails."""

from __future__ import annotations

import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.capture.browser import SharedBrowser
from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium

pytestmark = pytest.mark.browser

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]


def _children() -> list[str]:
    """Names of this process's live child processes (the driver is ``node``)."""
    names = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if fields[1].split()[1] == str(os.getpid()) and fields[1].split()[0] != "Z":
            names.append(fields[0].split("(", 1)[1])
    return names


def test_one_url_is_captured_in_the_process_started_for_it(shop, evidence_home, station_key,
                                                           tsa_config) -> None:
    require_chromium(load_settings())
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--allow-private", *TWO,
                                      "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)[0]
    folder = Path(record["folder"])
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    sharing = prov["browser_sharing"]
    assert sharing["mode"] == "shared-process" and sharing["capture_in_process"] == 1
    assert sharing["process_launched_at"] <= prov["started_at"]
    assert "--disable-frame-rate-limit" in prov["chromium_flags"]  # how it was launched, on record
    environment = json.loads((folder / "environment.json").read_text(encoding="utf-8"))
    profile = next(f for f in environment["findings"] if f["detail_msg"]["key"].startswith("capture.env.profile"))
    assert profile["detail_msg"]["key"] == "capture.env.profile_new"  # its first capture: a new process
    assert record["state"] == "COMPLETE" and record["store_status"] == "complete"
    assert "node" not in _children()  # the driver was stopped


def test_warm_host_lookup_is_handed_to_that_urls_capture_once(evidence_home) -> None:
    settings = load_settings()
    require_chromium(settings)
    browsers = SharedBrowser(settings)
    try:
        browsers.warm("http://localhost:9/x", allow_private=True)
        guard = browsers.guard_for("http://localhost:9/x", allow_private=True)
        assert "localhost" in guard._cache  # resolved once, before the capture began
        assert browsers.guard_for("http://localhost:9/x", allow_private=True) is not guard
        assert browsers.guard_for("http://localhost:9/x", allow_private=False)._cache == {}
        assert len(browsers._browsers) == 1  # the pinned process, launched ahead
    finally:
        browsers.close()
    assert "node" not in _children()


def test_chromium_that_will_not_start_fails_the_capture_as_before(shop, evidence_home, store,
                                                                  tsa_config, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_CHROMIUM", "/nonexistent/chromium")
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--allow-private", *TWO,
                                      "--json"], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "/nonexistent/chromium" in result.stdout
    assert "Traceback" not in result.output
    (event,) = store.custody_log()  # the attempt is on record
    assert event["details"]["action"] == "capture-failed"
    assert "/nonexistent/chromium" in event["details"]["reason"]
    assert "node" not in _children()


def test_wrong_passphrase_stops_the_early_browser_too(shop, evidence_home, station_key,
                                                      tsa_config, monkeypatch) -> None:
    require_chromium(load_settings())
    monkeypatch.setenv("EVIDENCE_KEY_PASSPHRASE", "not the passphrase")
    result = CliRunner().invoke(app, ["capture", shop.url("product"), "--allow-private", *TWO,
                                      "--json"], catch_exceptions=False)
    assert result.exit_code == 3, result.output  # SigningError: the key stays locked
    assert "wrong passphrase" in result.output and "Traceback" not in result.output
    assert "node" not in _children() and "chromium" not in _children()
    assert not load_settings().captures_dir.exists()  # nothing was begun


def test_attack_race_workers_preparing_video_at_once_all_get_it(evidence_home) -> None:
    """Patrol workers start together on a fresh station: each links Playwright's ffmpeg
    path; none may see another's half-made link and lose its video (seen: PARTIAL)."""
    from evidence_capture.capture.browser import prepare_video

    settings, runtime = load_settings(), load_settings().home / "runtime"
    for _ in range(30):
        shutil.rmtree(runtime, ignore_errors=True)
        start = threading.Barrier(8)

        def prepare(_: int) -> object:
            start.wait()  # all at once, as workers of a new patrol
            return prepare_video(settings)

        with ThreadPoolExecutor(8) as pool:
            problems = list(pool.map(prepare, range(8)))
        assert problems == [None] * 8
        (link,) = runtime.glob("playwright/ffmpeg-*/ffmpeg-linux")
        assert link.is_symlink() and os.access(link, os.X_OK)
        assert [p.name for p in link.parent.iterdir()] == ["ffmpeg-linux"]  # no stray links left
