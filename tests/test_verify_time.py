"""Time consistency: HTTP Date headers (with Age) and TSA genTime against the capture times."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime

import pytest

from evidence_capture.manifests.seal import TsaConfig, seal_capture
from evidence_capture.verify.checks import CheckStatus
from evidence_capture.verify.runner import verify_capture
from evidence_capture.verify.timing import check_gentime
from evidence_capture.manifests.model import build_manifest


def _set_header(folder, name: str, value: str, entry: int = 2) -> None:
    har = json.loads((folder / "network.har").read_text())
    headers = har["log"]["entries"][entry]["response"]["headers"]
    headers[:] = [h for h in headers if h["name"].lower() != name.lower()] + [{"name": name, "value": value}]
    (folder / "network.har").write_text(json.dumps(har))


def _http_date(folder, station_key):
    seal_capture(folder, key=station_key, tsa=TsaConfig())
    return verify_capture(folder, trusted_keys=[station_key.public_key], tolerance=60).get("time.http_date")


def _started(folder):
    from evidence_capture.timeutil import parse_iso

    return parse_iso(json.loads((folder / "provenance.json").read_text())["started_at"])


def test_attack_http_date_far_from_capture_time(capture_folder, station_key) -> None:
    _set_header(capture_folder, "Date", format_datetime(_started(capture_folder) - timedelta(hours=3), usegmt=True))
    check = _http_date(capture_folder, station_key)
    assert check.status is CheckStatus.FAIL and "1 of 3" in check.reason


def test_cached_response_with_age_is_consistent(capture_folder, station_key) -> None:
    stale = _started(capture_folder) - timedelta(hours=3)
    _set_header(capture_folder, "Date", format_datetime(stale, usegmt=True))
    _set_header(capture_folder, "Age", str(3 * 3600))
    assert _http_date(capture_folder, station_key).status is CheckStatus.PASS


def test_har_without_dates_is_not_checked(capture_folder, station_key) -> None:
    har = json.loads((capture_folder / "network.har").read_text())
    for entry in har["log"]["entries"]:
        entry["response"]["headers"] = []
    (capture_folder / "network.har").write_text(json.dumps(har))
    assert _http_date(capture_folder, station_key).status is CheckStatus.NOT_CHECKED


@pytest.mark.parametrize("offset,status", [(-400, CheckStatus.FAIL), (5, CheckStatus.PASS),
                                           (-30, CheckStatus.PASS), (4000, CheckStatus.FAIL)])
def test_gentime_against_capture_end(capture_folder, offset: int, status: CheckStatus) -> None:
    manifest = build_manifest(capture_folder, signer={"algorithm": "ed25519", "fingerprint": "sha256:" + "0" * 64},
                              sealed_at="2026-01-01T00:00:00.000000Z")
    check = check_gentime(manifest, [manifest.ended() + timedelta(seconds=offset)], 300)
    assert check.status is status


def test_gentime_without_tokens_is_not_checked(capture_folder) -> None:
    manifest = build_manifest(capture_folder, signer={"algorithm": "ed25519", "fingerprint": "sha256:" + "0" * 64},
                              sealed_at="2026-01-01T00:00:00.000000Z")
    assert check_gentime(manifest, [], 300).status is CheckStatus.NOT_CHECKED
