"""SIGKILL a real capture process at several points; the store must stay consistent.

After every kill: no capture is marked complete with missing or unsealed
artifacts, ``custody verify`` passes, and the next run shows the interrupted
capture as incomplete (with a custody note), never as complete.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import Settings, load_settings
from evidence_capture.storage import Store
from evidence_capture.verify.runner import verify_capture
from evidence_capture.workflow import Station
from tests.fixtures_seal import PASSPHRASE
from tests.fixtures_shop import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASE = "CRASH-2026-01"


def _start_capture(url: str, tsa_url: str) -> subprocess.Popen:
    env = {**os.environ, "EVIDENCE_TSA_URL": tsa_url}
    command = [sys.executable, "-m", "evidence_capture", "capture", url, "--case", CASE,
               "--allow-private", "--officer", "张三:SH-001", "--officer", "李四:SH-002",
               "--timeout", "60", "--tsa-timeout", "20"]
    # A new session, so the kill takes Chromium down with the tool, as a power cut would.
    return subprocess.Popen(command, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(process: subprocess.Popen, ready: Callable[[], bool], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    try:
        while not ready():
            assert process.poll() is None, "the capture ended before the kill point"
            assert time.monotonic() < deadline, "kill point never reached"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _newest_folder(settings: Settings) -> Path | None:
    folders = sorted(settings.captures_dir.glob("*")) if settings.captures_dir.is_dir() else []
    return folders[-1] if folders else None


def _new_folder_with(settings: Settings, name: str | None, seen: set[str]) -> Callable[[], bool]:
    """True once a capture folder not seen before exists (and holds ``name``, if given)."""
    def check() -> bool:
        folder = _newest_folder(settings)
        if folder is None or folder.name in seen:
            return False
        return name is None or (folder / name).exists()
    return check


def _assert_consistent(settings: Settings) -> None:
    store = Store(settings)
    for capture in store.get_case(CASE).captures:
        assert capture.status != "complete" or verify_capture(
            settings.capture_dir(capture.capture_id)).ok(), capture.capture_id
    report = store.verify_custody()
    assert report.ok, report.first_broken


def test_sigkill_at_every_stage_leaves_a_consistent_store(
        shop, station_key, tsa_rsa, tsa_hanging_url) -> None:
    settings = load_settings()
    require_chromium(settings)
    assert CliRunner().invoke(app, ["case", "open", CASE, "--title", "断电测试"]).exit_code == 0
    seen: set[str] = set()
    # The hanging TSA comes second, so the kill after sealing lands between the
    # signed manifest and the store's "complete".
    tsas = f"{tsa_rsa.url},{tsa_hanging_url}"
    stages = [
        # (what the process is doing when killed, page, file whose appearance triggers the kill)
        ("navigating a page that never finishes loading", shop.url("hang"), None),
        ("after the screenshot, before sealing", shop.url("tall"), "screenshot.png"),
        ("sealed and signed, waiting for the second TSA", shop.url("product"), "manifest.json"),
    ]
    killed = []
    for label, url, marker in stages:
        process = _start_capture(url, tsas)
        _kill_when(process, _new_folder_with(settings, marker, seen))
        folder = _newest_folder(settings)
        assert folder is not None and folder.name not in seen, label
        seen.add(folder.name)
        killed.append(folder.name)
        _assert_consistent(settings)

    # Each run recovers what the run before it left behind; this one finds the last.
    station = Station.open(settings, lambda: PASSPHRASE, tsa_timeout=1.0)
    assert station.recovered == (killed[-1],)
    states = {c.capture_id: c.status for c in station.store.get_case(CASE).captures}
    assert states == {capture_id: "incomplete" for capture_id in killed}
    notes = [e for e in station.store.custody_log(CASE) if e["details"].get("action") == "capture-incomplete"]
    assert sorted(e["object"]["id"] for e in notes) == sorted(killed)
    _assert_consistent(settings)
    verified = CliRunner().invoke(app, ["custody", "verify"], catch_exceptions=False)
    assert verified.exit_code == 0, verified.output
